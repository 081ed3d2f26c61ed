"""The solicitation's page: the public notice for everyone and, by role and status, the working
page (the forms of what this person may do next).

Each action posts to its own view; a refused action comes back here through ``working_page``
with its bound form, so the message shows where it was typed.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

import rules
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interlocal.agreements.models import Agreement
from interlocal.core.models import AuditEvent
from interlocal.solicitations import queries
from interlocal.solicitations.forms import (
    AddendumForm,
    AdvertisementForm,
    AnswerForm,
    AppointForm,
    AwardForm,
    CancelForm,
    DocumentForm,
    QuestionForm,
    RecommendForm,
    VoteForm,
)
from interlocal.solicitations.models import (
    AddendumAcknowledgement,
    CommitteeMember,
    Proposal,
    ReviewRound,
    ReviewVote,
    Solicitation,
    Status,
)
from interlocal.solicitations.services.evaluation import APPOINTABLE
from interlocal.solicitations.views.common import agreement_url, supplier_for
from interlocal.solicitations.workflow import TRANSITIONS, available

# The life of a solicitation as the step indicator shows it (cancelled is not a step: it ends
# the line wherever it happens).
STEPS = [
    (Status.DRAFT, "Draft"),
    (Status.ADVISORY_REVIEW, "Advisory Board review"),
    (Status.PUBLISHED, "Open for proposals"),
    (Status.CLOSED, "Proposals opened"),
    (Status.EVALUATION, "Evaluation"),
    (Status.AWARD_RECOMMENDED, "Award recommended"),
    (Status.AWARD_APPROVED, "Award approved"),
    (Status.AWARDED, "Awarded"),
]

NEXT_STEP = {
    Status.DRAFT: "Complete the draft — terms, criteria and documents — then send it to the "
    "Advisory Board for review.",
    Status.ADVISORY_REVIEW: "The Advisory Board is reviewing the draft. Publish the notice "
    "once it approves.",
    Status.PUBLISHED: "Proposals are being received. Answer questions, issue an addendum if the "
    "terms change, record the advertisement and appoint the evaluation committee. After the due "
    "time, close the solicitation to open the proposals.",
    Status.CLOSED: "The proposals are opened. Appoint the evaluation committee, then begin the "
    "evaluation.",
    Status.EVALUATION: "The committee signs its declarations and scores the proposals. When "
    "every score is in, recommend the award.",
    Status.AWARD_RECOMMENDED: "The Advisory Board is reviewing the award recommendation.",
    Status.AWARD_APPROVED: "The Advisory Board approved the recommendation. Award the master "
    "agreements.",
    Status.AWARDED: "Awarded: the master agreements are listed under Award.",
    Status.CANCELLED: "Cancelled: nothing more happens to this solicitation.",
}

SUCCESS = {
    "submit_for_review": "Sent to the Advisory Board for review.",
    "publish": "Published: the notice is public and proposals are received until the due time.",
    "close": "Closed: the proposals are opened and the tabulation is public.",
    "begin_evaluation": "The evaluation has begun: each committee member signs a "
    "conflict-of-interest declaration, then scores.",
    "recommend_award": "The award recommendation is with the Advisory Board.",
    "award": "Awarded: the master agreements are created.",
    "cancel": "Cancelled. The reason is published with the notice.",
}


@dataclass
class Step:
    label: str
    state: str  # "complete", "current" or ""


@dataclass
class Action:
    """A transition this person may take now, with the form for its parameters."""

    name: str
    label: str
    form: forms.Form | None = None
    ready: bool = True
    hint: str = ""


@dataclass
class RoundView:
    round: ReviewRound
    votes: list[ReviewVote]
    mine: ReviewVote | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def still_needed(self) -> int:
        return max(0, self.round.quorum - len(self.votes))


def steps(s: Solicitation) -> list[Step]:
    order = [status for status, _ in STEPS]
    cancelled = s.status == Status.CANCELLED
    if cancelled:
        reached = (
            Status.CLOSED if s.opened_at else Status.PUBLISHED if s.published_at else Status.DRAFT
        )
    else:
        reached = Status(s.status)
    index = order.index(reached)
    result = []
    for i, (_, label) in enumerate(STEPS):
        if i < index or (i == index and cancelled):
            state = "complete"
        elif i == index:
            state = "current"
        else:
            state = ""
        result.append(Step(label, state))
    return result


def _record(s: Solicitation, rounds: list[RoundView], addenda: list[Any]) -> list[tuple]:
    """The dated record of the solicitation's life."""
    by = f" by {s.created_by}" if s.created_by else ""
    events: list[tuple[datetime.datetime, str]] = [(s.created_at, f"Draft started{by}")]
    for view in rounds:
        r = view.round
        if r.subject == ReviewRound.Subject.SOLICITATION:
            events.append((r.opened_at, "Sent to the Advisory Board for review"))
        else:
            events.append((r.opened_at, "Award recommended to the Advisory Board"))
        if r.decided_at:
            events.append((r.decided_at, f"Advisory Board decision: {r.get_outcome_display()}"))
    if s.published_at:
        events.append((s.published_at, "Notice published"))
    for a in addenda:
        events.append((a.issued_at, f"Addendum {a.number} issued: {a.title}"))
    if s.published_at:
        events.append((s.due_at, "Proposals due"))
    if s.opened_at:
        events.append(
            (s.opened_at, f"Proposals opened{f' by {s.opened_by}' if s.opened_by else ''}")
        )
    if s.awarded_at:
        events.append((s.awarded_at, "Master agreements awarded"))
    if s.cancelled_at:
        events.append((s.cancelled_at, "Cancelled"))
    return sorted(events, key=lambda e: e[0])


def _rounds(s: Solicitation, user: Any) -> list[RoundView]:
    views = []
    for r in s.review_rounds.prefetch_related(
        Prefetch("votes", queryset=ReviewVote.objects.select_related("member"))
    ):
        votes = list(r.votes.all())
        counts = {choice: 0 for choice in ReviewVote.Choice.values}
        for v in votes:
            counts[v.choice] += 1
        mine = next((v for v in votes if v.member_id == getattr(user, "pk", None)), None)
        views.append(RoundView(r, votes, mine, counts))
    return views


def _actions(
    s: Solicitation, user: Any, rounds: list[RoundView], bound: dict[str, forms.Form]
) -> tuple[list[Action], Action | None]:
    """The transitions this person may take from here; cancelling is kept apart."""
    actions, cancel = [], None
    for name in available(s.status):
        if not rules.has_perm(TRANSITIONS[name].permission, user, s):
            continue
        action = Action(name, TRANSITIONS[name].label)
        if name == "cancel":
            action.label = "Cancel this solicitation"
            action.form = bound.get("cancel") or CancelForm(prefix="cancel")
            cancel = action
            continue
        if name == "publish":
            latest = next(
                (v.round for v in reversed(rounds) if v.round.subject == "solicitation"), None
            )
            action.ready = latest is not None and latest.outcome == ReviewRound.Outcome.APPROVED
            action.hint = (
                "" if action.ready else "You can publish once the Advisory Board approves."
            )
        elif name == "close":
            action.ready = s.is_past_due()
            action.hint = (
                ""
                if action.ready
                else "Proposals stay sealed until the due time; then close the solicitation "
                "here to open them."
            )
        elif name == "recommend_award":
            proposals = Proposal.objects.visible_to(user).filter(
                solicitation=s, status=Proposal.Status.SUBMITTED
            )
            action.form = bound.get("recommend_award") or RecommendForm(
                prefix="recommend", proposals=proposals.select_related("supplier")
            )
        elif name == "award":
            action.form = bound.get("award") or AwardForm(prefix="award")
        actions.append(action)
    return actions, cancel


def _error_summary(bound: dict[str, forms.Form]) -> list[str]:
    summary = []
    for form in bound.values():
        summary += [str(e) for e in form.non_field_errors()]
        for name, errors in form.errors.items():
            if name != NON_FIELD_ERRORS:
                label = form.fields[name].label or name
                summary += [f"{label}: {e}" for e in errors]
    return summary


def working_page(
    request: HttpRequest,
    s: Solicitation,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    user = request.user
    supplier = supplier_for(user)
    may = {
        "manage": rules.has_perm("solicitation:manage", user, s),
        "answer": rules.has_perm("solicitation:answer", user, s),
        "review": rules.has_perm("solicitation:review", user, s),
        "ask": rules.has_perm("solicitation:ask", user, s) and supplier is not None,
        "propose": rules.has_perm("proposal:submit", user, s) and supplier is not None,
        "draft": rules.has_perm("solicitation:draft", user),
        "audit": rules.has_perm("audit:view", user),
        "evaluation": queries.may_see_evaluation(user, s),
    }
    receiving = s.status == Status.PUBLISHED and not s.is_past_due()
    published = s.published_at is not None

    addenda = list(
        s.addenda.select_related("issued_by").annotate(acknowledged=Count("acknowledgements"))
    )
    acknowledged = {}
    if supplier is not None:
        acknowledged = {
            a.addendum_id: a
            for a in AddendumAcknowledgement.objects.filter(
                addendum__solicitation=s, supplier=supplier
            )
        }
    rounds = _rounds(s, user)
    pending = next((v for v in rounds if v.round.outcome == ReviewRound.Outcome.PENDING), None)
    actions, cancel = _actions(s, user, rounds, bound) if may["manage"] else ([], None)

    answered = list(s.questions.exclude(answered_at=None).order_by("answered_at", "pk"))
    unanswered: list[tuple[Any, forms.Form]] = []
    if may["answer"] and s.status in (Status.PUBLISHED, Status.CLOSED):
        unanswered = [
            (q, bound.get(f"answer-{q.pk}") or AnswerForm(prefix=f"q{q.pk}"))
            for q in s.questions.filter(answered_at=None).select_related("supplier")
        ]
    my_questions = list(s.questions.filter(answered_at=None, supplier=supplier)) if supplier else []

    my_proposals: list[Proposal] = []
    if supplier is not None:
        my_proposals = list(
            Proposal.objects.visible_to(user)
            .filter(solicitation=s, supplier=supplier)
            .prefetch_related("documents")
            .order_by("-submitted_at", "-pk")
        )
    tabulation = queries.public_tabulation(s)
    readable: dict[int, list[Any]] = {}
    if tabulation and user.is_authenticated:
        readable = {
            p.pk: list(p.documents.all())
            for p in Proposal.objects.visible_to(user)
            .filter(solicitation=s, status=Proposal.Status.SUBMITTED)
            .prefetch_related("documents")
        }

    seat = None
    if user.is_authenticated:
        seat = s.committee.filter(user=user).select_related("declaration").first()
    committee: list[CommitteeMember] = []
    if may["evaluation"] or may["manage"] or seat is not None:
        committee = list(s.committee.select_related("user", "declaration", "appointed_by"))
    appoint_form = None
    if may["manage"] and s.status in APPOINTABLE:
        appoint_form = bound.get("appoint") or AppointForm(
            prefix="appoint",
            lead_agency_id=s.lead_agency_id,
            exclude=[m.user_id for m in committee],
        )

    history: list[AuditEvent] = []
    if may["audit"]:
        proposal_ids = [str(pk) for pk in s.proposals.values_list("pk", flat=True)]
        history = list(
            AuditEvent.objects.visible_to(user)
            .filter(
                Q(object_type="solicitations.solicitation", object_id=str(s.pk))
                | Q(object_type="solicitations.proposal", object_id__in=proposal_ids)
            )
            .order_by("-seq")[:50]
        )

    context = {
        "s": s,
        "supplier": supplier,
        "steps": steps(s),
        "may": may,
        "receiving": receiving,
        "next_step": NEXT_STEP[Status(s.status)],
        "categories": list(s.categories.order_by("code")),
        "criteria": list(s.criteria.all()),
        "documents": list(s.documents.all()),
        "document_form": (
            bound.get("document")
            or DocumentForm(prefix="document", terms_fixed=s.status != Status.DRAFT)
        )
        if may["manage"] and s.status != Status.CANCELLED
        else None,
        "advertisements": list(s.advertisements.select_related("proof")),
        "advertisement_form": (bound.get("advertisement") or AdvertisementForm(prefix="ad"))
        if may["manage"] and published and s.status != Status.CANCELLED
        else None,
        "addenda": [(a, acknowledged.get(a.pk)) for a in addenda],
        "unacknowledged": [a for a in addenda if a.pk not in acknowledged],
        "addendum_form": (bound.get("addendum") or AddendumForm(prefix="addendum"))
        if may["manage"] and receiving
        else None,
        "answered": answered,
        "unanswered": unanswered,
        "my_questions": my_questions,
        "question_form": (bound.get("question") or QuestionForm(prefix="question"))
        if may["ask"] and receiving
        else None,
        "rounds": rounds,
        "vote_form": (bound.get("vote") or VoteForm(prefix="vote"))
        if may["review"] and pending is not None and pending.mine is None
        else None,
        "pending_round": pending,
        "my_proposals": my_proposals,
        "my_current": next(
            (p for p in my_proposals if p.status == Proposal.Status.SUBMITTED), None
        ),
        "tabulation": [(p, readable.get(p.pk)) for p in tabulation],
        "readable_any": any(readable.values()),
        "seat": seat,
        "committee": committee,
        "appoint_form": appoint_form,
        "gaps": queries.evaluation_gaps(s)
        if may["manage"] and s.status == Status.EVALUATION
        else [],
        "actions": actions,
        "cancel": cancel,
        "agreements": [
            (a, agreement_url(a))
            for a in Agreement.objects.visible_to(user)
            .filter(solicitation=s)
            .select_related("supplier")
        ]
        if s.status == Status.AWARDED
        else [],
        "record": _record(s, rounds, addenda),
        "history": history,
        "errors": _error_summary(bound),
    }
    return render(request, "solicitations/detail.html", context, status=status)
