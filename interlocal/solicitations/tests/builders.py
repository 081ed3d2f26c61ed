"""Solicitations at each stage, built through the real services (only the clock is moved, by
setting the due time in the past where a test needs the deadline to have passed)."""

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.solicitations import services
from interlocal.solicitations.models import ReviewRound, Solicitation, Status
from tests import factories


def terms(**overrides) -> services.SolicitationTerms:
    values = {
        "number": "RFP-2026-001",
        "title": "Office supplies and related products",
        "scope": "goods",
        "description": "Office supplies, paper and toner for all participating agencies.",
        "due_local": (timezone.now() + datetime.timedelta(days=30)).replace(tzinfo=None),
        "time_zone": "America/Chicago",
        "category_codes": ["1010"],
        "estimated_national_volume": "25,000,000",
        "criteria": [
            services.Criterion("Price", 40),
            services.Criterion("Product range", 30),
            services.Criterion("National distribution", 30),
        ],
    }
    values.update(overrides)
    return services.SolicitationTerms(**values)


def draft(personas, **overrides) -> Solicitation:
    officer = personas["lead_agency_officer"]
    agency = officer.active_memberships[0].organization.agency
    return services.create_solicitation(terms(**overrides), actor=officer, lead_agency=agency)


def approve_review(s: Solicitation, board: list[User]) -> None:
    review = s.review_rounds.filter(outcome=ReviewRound.Outcome.PENDING).get()
    for voter in board:
        review.refresh_from_db()
        if review.outcome != ReviewRound.Outcome.PENDING:
            break
        services.cast_vote(review, actor=voter, choice="approve")


def published(personas, board: list[User], **overrides) -> Solicitation:
    s = draft(personas, **overrides)
    officer = personas["lead_agency_officer"]
    services.transition(s, "submit_for_review", actor=officer)
    approve_review(s, board)
    return services.transition(s, "publish", actor=officer)


def pdf(name: str = "proposal.pdf", body: bytes = b"%PDF-1.4 technical proposal") -> ContentFile:
    return ContentFile(body, name=name)


def propose(s: Solicitation, rep: User, tag: str = "") -> None:
    services.submit_proposal(
        s,
        actor=rep,
        technical=pdf("technical.pdf", f"%PDF-1.4 technical {tag}".encode()),
        price_file=ContentFile(
            f"sku,description,unit,contract_price\nA{tag},Paper,ream,4.10\n".encode(),
            name="prices.csv",
        ),
    )


def pass_due_time(s: Solicitation) -> None:
    Solicitation.objects.filter(pk=s.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    s.refresh_from_db()


def in_evaluation(personas, board: list[User], reps: list[User], **overrides) -> Solicitation:
    s = published(personas, board, **overrides)
    for i, rep in enumerate(reps):
        propose(s, rep, str(i))
    pass_due_time(s)
    officer = personas["lead_agency_officer"]
    services.transition(s, "close", actor=officer)
    services.appoint_member(s, board[0], actor=officer)
    services.transition(s, "begin_evaluation", actor=officer)
    s.refresh_from_db()
    assert s.status == Status.EVALUATION
    return s


def score_all(s: Solicitation, evaluator: User, points_by_supplier: dict[Any, int]) -> None:
    for proposal in s.proposals.filter(status="submitted"):
        for criterion in s.criteria.all():
            services.score(
                proposal,
                criterion,
                actor=evaluator,
                points=points_by_supplier[proposal.supplier_id],
            )


def board(size: int = 3) -> list[User]:
    return factories.advisory_board(size)
