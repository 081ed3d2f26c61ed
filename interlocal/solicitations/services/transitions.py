"""The one transition service, and the Advisory Board's vote that drives three transitions.

``transition()`` locks the solicitation, checks the state table and the permission, runs the
transition's guard and effect, and records one audit event — all in one transaction. A guard
refuses with a message that says what to do; nothing is written then.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.core import audit
from interlocal.core.permissions import require
from interlocal.solicitations import notifications
from interlocal.solicitations.models import Proposal, ReviewRound, ReviewVote, Solicitation
from interlocal.solicitations.services.drafting import _criteria_errors
from interlocal.solicitations.workflow import BY_VOTE, TRANSITIONS


@dataclass
class AwardTerms:
    """The terms of the master agreements an award creates (one per awarded supplier)."""

    effective_on: datetime.date
    initial_term_months: int = 36
    renewal_months: list[int] = field(default_factory=lambda: [12, 12])
    numbers: dict[int, str] = field(default_factory=dict)  # proposal id -> agreement number


def _guard_submit_for_review(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    problems = []
    if message := _criteria_errors(list(s.criteria.all())):
        problems.append(message)
    if not s.categories.exists():
        problems.append("choose at least one category")
    if s.is_past_due():
        problems.append("the closing date has passed; move it to a date still to come")
    if problems:
        raise ValidationError(problems)


def _effect_submit_for_review(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    _open_round(s, ReviewRound.Subject.SOLICITATION)


def _guard_publish(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    latest = s.review_rounds.filter(subject=ReviewRound.Subject.SOLICITATION).last()
    if latest is None or latest.outcome != ReviewRound.Outcome.APPROVED:
        raise ValidationError("the Advisory Board has not approved this draft yet")
    if s.is_past_due():
        raise ValidationError(
            "the closing date has passed; return the draft and set a closing date still to come"
        )


def _effect_publish(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    s.published_at = timezone.now()


def _guard_close(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    if not s.is_past_due():
        raise ValidationError(
            f"proposals are sealed until {s.due_local:%Y-%m-%d %H:%M %Z}; they cannot be opened "
            f"before the due time"
        )


def _effect_close(s: Solicitation, actor: User, params: dict[str, Any]) -> dict[str, Any]:
    s.opened_at = timezone.now()
    s.opened_by = actor
    # The public tabulation: who proposed, when, and the receipt of what was opened.
    return {
        "proposals": [
            {
                "supplier": str(p.supplier),
                "submitted_at": p.submitted_at,
                "receipt": p.receipt,
            }
            for p in s.proposals.filter(status=Proposal.Status.SUBMITTED).select_related("supplier")
        ]
    }


def _guard_begin_evaluation(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    if not s.proposals.filter(status=Proposal.Status.SUBMITTED).exists():
        raise ValidationError("no proposals were received; cancel the solicitation instead")
    if not s.committee.exists():
        raise ValidationError("appoint the evaluation committee first")


def _guard_recommend_award(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    from interlocal.solicitations.queries import evaluation_gaps

    if gaps := evaluation_gaps(s):
        raise ValidationError(gaps)
    chosen = set(params.get("proposal_ids") or [])
    current = set(s.proposals.filter(status=Proposal.Status.SUBMITTED).values_list("pk", flat=True))
    if not chosen:
        raise ValidationError("choose at least one proposal to recommend for award")
    if chosen - current:
        raise ValidationError(
            "a proposal chosen for award is not a current proposal of this solicitation"
        )
    if not str(params.get("memo", "")).strip():
        raise ValidationError("write the recommendation memo: why these proposals")


def _effect_recommend_award(s: Solicitation, actor: User, params: dict[str, Any]) -> dict[str, Any]:
    chosen = sorted(params["proposal_ids"])
    s.proposals.filter(pk__in=chosen).update(award=Proposal.Award.RECOMMENDED)
    s.award_memo = str(params["memo"]).strip()
    _open_round(s, ReviewRound.Subject.AWARD)
    return {"recommended": [str(p.supplier) for p in s.proposals.filter(pk__in=chosen)]}


def _effect_return_award(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    s.proposals.filter(award=Proposal.Award.RECOMMENDED).update(award=Proposal.Award.NONE)


def _guard_award(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    terms = params.get("terms")
    if not isinstance(terms, AwardTerms):
        raise ValidationError("give the agreement terms: effective date and term")
    if terms.initial_term_months < 1 or any(m < 1 for m in terms.renewal_months):
        raise ValidationError("terms and renewal options are at least one month each")


def _effect_award(s: Solicitation, actor: User, params: dict[str, Any]) -> dict[str, Any]:
    from interlocal.agreements.services import create_agreements_for_award

    agreements = create_agreements_for_award(s, params["terms"], actor=actor)
    s.awarded_at = timezone.now()
    current = s.proposals.filter(status=Proposal.Status.SUBMITTED)
    current.filter(award=Proposal.Award.RECOMMENDED).update(award=Proposal.Award.AWARDED)
    current.exclude(award=Proposal.Award.AWARDED).update(award=Proposal.Award.NOT_AWARDED)
    notifications.award_made(s)
    return {"agreements": [a.number for a in agreements]}


def _guard_cancel(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    if not str(params.get("reason", "")).strip():
        raise ValidationError("give the reason for cancelling; it is published with the notice")


def _effect_cancel(s: Solicitation, actor: User, params: dict[str, Any]) -> None:
    s.cancelled_at = timezone.now()
    s.cancel_reason = str(params["reason"]).strip()
    s.review_rounds.filter(outcome=ReviewRound.Outcome.PENDING).update(
        outcome=ReviewRound.Outcome.RETURNED, decided_at=timezone.now()
    )
    if s.published_at is not None:
        notifications.cancelled(s)


Step = Callable[[Solicitation, User, dict[str, Any]], Any]
GUARDS: dict[str, Step] = {
    "submit_for_review": _guard_submit_for_review,
    "publish": _guard_publish,
    "close": _guard_close,
    "begin_evaluation": _guard_begin_evaluation,
    "recommend_award": _guard_recommend_award,
    "award": _guard_award,
    "cancel": _guard_cancel,
}
EFFECTS: dict[str, Step] = {
    "submit_for_review": _effect_submit_for_review,
    "publish": _effect_publish,
    "close": _effect_close,
    "recommend_award": _effect_recommend_award,
    "return_award": _effect_return_award,
    "award": _effect_award,
    "cancel": _effect_cancel,
}


def _open_round(s: Solicitation, subject: str) -> ReviewRound:
    return ReviewRound.objects.create(
        solicitation=s,
        subject=subject,
        quorum=settings.ADVISORY_QUORUM,
        majority_percent=settings.ADVISORY_MAJORITY_PERCENT,
    )


def _take(
    solicitation: Solicitation, name: str, *, actor: User, params: dict[str, Any]
) -> Solicitation:
    spec = TRANSITIONS.get(name)
    if spec is None:
        raise ValidationError(f"there is no transition called '{name}'")
    s = Solicitation.objects.locked(solicitation.pk)
    require(actor, spec.permission, s)
    if s.status not in spec.sources:
        raise ValidationError(
            f"{s.number} is {s.get_status_display().lower()}; '{spec.label}' is not possible now"
        )
    if guard := GUARDS.get(name):
        guard(s, actor, params)
    before = s.status
    s.status = spec.target
    details = EFFECTS[name](s, actor, params) if name in EFFECTS else None
    s.modified_at = timezone.now()
    s.save()
    audit.record(
        actor=actor,
        verb=f"solicitation.{name}",
        obj=s,
        before={"status": before},
        after={"status": s.status, **(details or {})},
        reason=str(params.get("reason", "")),
    )
    return s


@transaction.atomic
def transition(
    solicitation: Solicitation, name: str, *, actor: User, **params: Any
) -> Solicitation:
    """Take transition ``name`` (a key of ``workflow.TRANSITIONS``) on behalf of ``actor``."""
    if name in BY_VOTE:
        raise ValidationError(f"'{name}' is decided by the Advisory Board's vote, not by hand")
    return _take(solicitation, name, actor=actor, params=params)


@transaction.atomic
def cast_vote(round: ReviewRound, *, actor: User, choice: str, comment: str = "") -> ReviewVote:
    """An Advisory Board member votes. Once ``quorum`` members have voted, the round is
    decided: approved when approvals exceed ``majority_percent`` of the votes for or against,
    otherwise returned with the comments."""
    round = ReviewRound.objects.select_for_update().get(pk=round.pk)
    s = round.solicitation
    require(actor, "solicitation:review", s)
    if round.outcome != ReviewRound.Outcome.PENDING:
        raise ValidationError("this review is already decided")
    if choice not in ReviewVote.Choice.values:
        raise ValidationError({"choice": f"choose one of: {', '.join(ReviewVote.Choice.values)}"})
    if choice == ReviewVote.Choice.RETURN and not comment.strip():
        raise ValidationError({"comment": "say what must change before it can go forward"})
    if round.votes.filter(member=actor).exists():
        raise ValidationError("you have already voted in this review")
    vote = ReviewVote.objects.create(
        round=round, member=actor, choice=choice, comment=comment.strip()
    )
    audit.record(
        actor=actor,
        verb="solicitation.vote",
        obj=s,
        after={"round": round.pk, "subject": round.subject, "choice": choice, "comment": comment},
    )
    _tally(round, actor)
    return vote


def _tally(round: ReviewRound, actor: User) -> None:
    choices = list(round.votes.values_list("choice", flat=True))
    approve = choices.count(ReviewVote.Choice.APPROVE)
    decisive = approve + choices.count(ReviewVote.Choice.RETURN)
    if len(choices) < round.quorum or decisive == 0:
        return
    approved = approve * 100 > round.majority_percent * decisive
    round.outcome = ReviewRound.Outcome.APPROVED if approved else ReviewRound.Outcome.RETURNED
    round.decided_at = timezone.now()
    round.save(update_fields=["outcome", "decided_at"])
    if round.subject == ReviewRound.Subject.AWARD:
        name = "approve_award" if approved else "return_award"
    elif not approved:
        name = "return_to_draft"
    else:
        notifications.review_approved(round.solicitation)
        return
    _take(round.solicitation, name, actor=actor, params={"round": round.pk})
