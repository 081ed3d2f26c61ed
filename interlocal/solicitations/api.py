"""``/api/v1/solicitations``: public notices for everyone; drafting, transitions and proposals
with an organization key (scopes ``solicitations:write`` and ``proposals:write``)."""

from decimal import Decimal
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from interlocal.accounts.models import ApiScope, User
from interlocal.accounts.roles import Role
from interlocal.core.api import ErrorOut, LazyRows, acting_user, attempt, forbidden
from interlocal.core.api_auth import ApiKeyAuth
from interlocal.registry.models import Agency
from interlocal.solicitations import services
from interlocal.solicitations.models import Proposal, ReviewRound, Solicitation
from interlocal.solicitations.queries import (
    evaluation_report,
    may_see_evaluation,
    public_tabulation,
)
from interlocal.solicitations.schemas import (
    AppointIn,
    DeclarationIn,
    EvaluationOut,
    ProposalOut,
    ScoresIn,
    SolicitationDetailOut,
    SolicitationIn,
    SolicitationOut,
    TransitionIn,
    VoteIn,
    VoteOut,
)
from interlocal.solicitations.workflow import available

router = Router(tags=["solicitations"])
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _summary(s: Solicitation) -> dict[str, Any]:
    return {
        "id": s.pk,
        "number": s.number,
        "title": s.title,
        "status": s.status,
        "lead_agency_id": s.lead_agency_id,
        "lead_agency": s.lead_agency.name,
        "scope": s.scope,
        "method": s.method,
        "categories": [c.code for c in s.categories.all()],
        "due_at": s.due_at,
        "time_zone": s.time_zone,
        "published_at": s.published_at,
        "opened_at": s.opened_at,
        "awarded_at": s.awarded_at,
        "url": reverse("solicitations:detail", args=[s.pk]),
    }


def _detail(s: Solicitation) -> dict[str, Any]:
    volume = s.estimated_national_volume_cents
    return _summary(s) | {
        "description": s.description,
        "cooperative_clause": s.cooperative_clause,
        "estimated_national_volume": None if volume is None else str(Decimal(volume) / 100),
        "criteria": [
            {"name": c.name, "weight": c.weight, "description": c.description}
            for c in s.criteria.all()
        ],
        "addenda": list(s.addenda.values("number", "title", "body", "issued_at", "new_due_at")),
        "answers": [
            {"question": q.text, "answer": q.answer, "answered_at": q.answered_at}
            for q in s.questions.exclude(answered_at=None)
        ],
        "cancel_reason": s.cancel_reason,
        "available_transitions": available(s.status),
        "agreements": list(s.agreements.values_list("number", flat=True)),
    }


@router.get("/solicitations", response=list[SolicitationOut], summary="Solicitations")
@paginate(PageNumberPagination, page_size=50)
def list_solicitations(request: HttpRequest, status: str = "") -> Any:
    qs = Solicitation.objects.visible_to(request.user).select_related("lead_agency")
    if status:
        qs = qs.filter(status=status)
    return LazyRows(qs.prefetch_related("categories").order_by("-modified_at", "pk"), _summary)


@router.get(
    "/solicitations/{solicitation_id}",
    response={200: SolicitationDetailOut, 404: ErrorOut},
    summary="One solicitation",
)
def get_solicitation(request: HttpRequest, solicitation_id: int) -> Any:
    s = get_object_or_404(Solicitation.objects.visible_to(request.user), pk=solicitation_id)
    return _detail(s)


@router.post(
    "/solicitations",
    auth=ApiKeyAuth(),
    response={201: SolicitationDetailOut, **WRITE_ERRORS},
    summary="Draft a solicitation (scope solicitations:write)",
    description="An agency's key drafts for its own agency; the program office names "
    "`lead_agency_id`.",
)
def create_solicitation(request: HttpRequest, payload: SolicitationIn) -> Any:
    actor = acting_user(request, ApiScope.SOLICITATIONS_WRITE)
    key_agency = request.auth.organization.agency  # type: ignore[attr-defined]
    agency_id = payload.lead_agency_id or (key_agency.pk if key_agency else None)
    if agency_id is None:
        return Status(422, {"detail": "name the lead agency: lead_agency_id", "errors": []})
    lead = get_object_or_404(Agency, pk=agency_id)
    data = payload.dict(exclude={"lead_agency_id", "criteria"})
    if not data["cooperative_clause"]:
        data.pop("cooperative_clause")
    terms = services.SolicitationTerms(
        **data, criteria=[services.Criterion(**c.dict()) for c in payload.criteria]
    )
    s = attempt(
        "the solicitation",
        lambda: services.create_solicitation(terms, actor=actor, lead_agency=lead),
    )
    return s if isinstance(s, Status) else Status(201, _detail(s))


@router.post(
    "/solicitations/{solicitation_id}/transitions",
    auth=ApiKeyAuth(),
    response={200: SolicitationDetailOut, **WRITE_ERRORS},
    summary="Take a transition (scope solicitations:write)",
    description="`name` is one of the workflow's transitions: submit_for_review, publish, "
    "close (opens the proposals, only after the due time), begin_evaluation, recommend_award "
    "(`proposal_ids`, `memo`), award (`effective_on`, `initial_term_months`, "
    "`renewal_months`), cancel (`reason`).",
)
def take_transition(request: HttpRequest, solicitation_id: int, payload: TransitionIn) -> Any:
    actor = acting_user(request, ApiScope.SOLICITATIONS_WRITE)
    s = get_object_or_404(Solicitation.objects.visible_to(actor), pk=solicitation_id)
    params: dict[str, Any] = {}
    if payload.name == "cancel":
        params["reason"] = payload.reason
    elif payload.name == "recommend_award":
        params |= {"proposal_ids": payload.proposal_ids, "memo": payload.memo}
    elif payload.name == "award" and payload.effective_on is not None:
        params["terms"] = services.AwardTerms(
            effective_on=payload.effective_on,
            initial_term_months=payload.initial_term_months,
            renewal_months=payload.renewal_months,
        )
    moved = attempt(
        f"'{payload.name}'", lambda: services.transition(s, payload.name, actor=actor, **params)
    )
    return moved if isinstance(moved, Status) else _detail(moved)


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "supplier": str(p.supplier),
        "status": p.status,
        "submitted_at": p.submitted_at,
        "receipt": p.receipt,
        "award": p.award,
        "documents": [d.original_name for d in p.documents.all()],
    }


@router.get(
    "/solicitations/{solicitation_id}/proposals",
    response={200: list[ProposalOut], 404: ErrorOut},
    summary="Proposals you may see",
    description="Sealed until the opening: before it, a supplier's session sees only its own "
    "receipts and everyone else an empty list. After it, the tabulation is public.",
)
def list_proposals(request: HttpRequest, solicitation_id: int) -> Any:
    s = get_object_or_404(Solicitation.objects.visible_to(request.user), pk=solicitation_id)
    if s.is_sealed:  # a supplier sees its own receipts; everyone else nothing
        opened = Proposal.objects.visible_to(request.user).filter(solicitation=s)
        return [_proposal(p) for p in opened.prefetch_related("documents")]
    return [_proposal(p) for p in public_tabulation(s)]


@router.post(
    "/solicitations/{solicitation_id}/proposals",
    auth=ApiKeyAuth(),
    response={201: ProposalOut, **WRITE_ERRORS},
    summary="Submit a sealed proposal (scope proposals:write)",
    description="Multipart upload: `technical` and `price_file`, optional `others`. Refused "
    "after the due time by the server's clock.",
)
def submit_proposal(
    request: HttpRequest,
    solicitation_id: int,
    technical: File[UploadedFile],
    price_file: File[UploadedFile],
    others: File[list[UploadedFile]] | None = None,
) -> Any:
    actor = acting_user(request, ApiScope.PROPOSALS_WRITE)
    s = get_object_or_404(Solicitation.objects.public(), pk=solicitation_id)
    if not rules.has_perm("proposal:submit", actor) or not actor.has_role(Role.SUPPLIER_REP):
        raise forbidden(PermissionDenied("only a supplier's representative submits proposals"))
    proposal = attempt(
        "the proposal",
        lambda: services.submit_proposal(
            s, actor=actor, technical=technical, price_file=price_file, others=others or []
        ),
    )
    return proposal if isinstance(proposal, Status) else Status(201, _proposal(proposal))


def _writable(request: HttpRequest, solicitation_id: int) -> tuple[Any, Solicitation]:
    actor = acting_user(request, ApiScope.SOLICITATIONS_WRITE)
    return actor, get_object_or_404(Solicitation.objects.visible_to(actor), pk=solicitation_id)


@router.post(
    "/solicitations/{solicitation_id}/votes",
    auth=ApiKeyAuth(),
    response={201: VoteOut, **WRITE_ERRORS},
    summary="An Advisory Board member's vote (scope solicitations:write)",
    description="Votes in the review round open now (the draft before publication, or the award "
    "recommendation). `choice`: approve, return (with a comment) or abstain. The round is "
    "decided once the quorum has voted.",
)
def vote(request: HttpRequest, solicitation_id: int, payload: VoteIn) -> Any:
    actor, s = _writable(request, solicitation_id)
    review = s.review_rounds.filter(outcome=ReviewRound.Outcome.PENDING).last()
    if review is None:
        return Status(422, {"detail": f"{s.number} has no review open for votes", "errors": []})
    cast = attempt(
        "the vote",
        lambda: services.cast_vote(
            review, actor=actor, choice=payload.choice, comment=payload.comment
        ),
    )
    if isinstance(cast, Status):
        return cast
    review.refresh_from_db()
    s.refresh_from_db()
    return Status(
        201,
        {
            "round": review.pk,
            "subject": review.subject,
            "choice": cast.choice,
            "outcome": review.outcome,
            "status": s.status,
        },
    )


@router.post(
    "/solicitations/{solicitation_id}/committee",
    auth=ApiKeyAuth(),
    response={201: dict[str, str], **WRITE_ERRORS},
    summary="Appoint an evaluator by email (scope solicitations:write)",
)
def appoint(request: HttpRequest, solicitation_id: int, payload: AppointIn) -> Any:
    actor, s = _writable(request, solicitation_id)
    user = User.objects.filter(email__iexact=payload.email.strip()).first()
    if user is None:
        return Status(
            422,
            {
                "detail": "nobody has an account with that email",
                "errors": [
                    {"field": "email", "message": "ask the program office to invite them first"}
                ],
            },
        )
    member = attempt("the appointment", lambda: services.appoint_member(s, user, actor=actor))
    return member if isinstance(member, Status) else Status(201, {"member": user.email})


@router.post(
    "/solicitations/{solicitation_id}/declaration",
    auth=ApiKeyAuth(),
    response={201: dict[str, Any], **WRITE_ERRORS},
    summary="An evaluator's conflict-of-interest declaration (scope solicitations:write)",
)
def declare(request: HttpRequest, solicitation_id: int, payload: DeclarationIn) -> Any:
    actor, s = _writable(request, solicitation_id)
    signed = attempt(
        "the declaration",
        lambda: services.declare(
            s,
            actor=actor,
            has_conflict=payload.has_conflict,
            statement=payload.statement,
            signed_name=payload.signed_name,
        ),
    )
    if isinstance(signed, Status):
        return signed
    return Status(201, {"has_conflict": signed.has_conflict, "signed_at": signed.signed_at})


@router.post(
    "/solicitations/{solicitation_id}/scores",
    auth=ApiKeyAuth(),
    response={200: EvaluationOut, **WRITE_ERRORS},
    summary="An evaluator's scores, all or none (scope solicitations:write)",
    description="Each score names a proposal id, a criterion by name and 0 to 10 points. A "
    "refused score leaves the others unsaved too.",
)
def score(request: HttpRequest, solicitation_id: int, payload: ScoresIn) -> Any:
    actor, s = _writable(request, solicitation_id)
    criteria = {c.name: c for c in s.criteria.all()}
    proposals = {p.pk: p for p in s.proposals.all()}

    @transaction.atomic
    def save_all() -> None:
        for i, row in enumerate(payload.scores):
            where = f"scores[{i}]"
            if row.criterion not in criteria:
                raise ValidationError({where: f"no criterion is called '{row.criterion}'"})
            if row.proposal_id not in proposals:
                raise ValidationError({where: f"proposal {row.proposal_id} is not one of these"})
            services.score(
                proposals[row.proposal_id],
                criteria[row.criterion],
                actor=actor,
                points=row.points,
                comment=row.comment,
            )

    saved = attempt("the scores", save_all)
    return saved if isinstance(saved, Status) else _evaluation(s)


def _evaluation(s: Solicitation) -> dict[str, Any]:
    report = evaluation_report(s)
    return {
        "complete": report.complete,
        "gaps": report.gaps,
        "rows": [
            {
                "rank": row.rank,
                "proposal_id": row.proposal.pk,
                "supplier": str(row.proposal.supplier),
                "total": str(row.total),
                "criterion_average": {
                    c.name: str(row.criterion_average[c.pk])
                    for c in report.criteria
                    if c.pk in row.criterion_average
                },
            }
            for row in report.rows
        ],
    }


@router.get(
    "/solicitations/{solicitation_id}/evaluation",
    response={200: EvaluationOut, 403: ErrorOut, 404: ErrorOut},
    summary="The evaluation report: public after the award",
    description="Before the award only the lead agency, the program office, auditors and "
    "committee members without a conflict may read it.",
)
def evaluation(request: HttpRequest, solicitation_id: int) -> Any:
    s = get_object_or_404(Solicitation.objects.visible_to(request.user), pk=solicitation_id)
    if not may_see_evaluation(request.user, s):
        raise forbidden(PermissionDenied("the evaluation is published with the award"))
    return _evaluation(s)
