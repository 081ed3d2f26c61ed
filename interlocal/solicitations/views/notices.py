"""Public reads: the notice board, its Atom feed, the solicitation's page and its documents."""

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import rules
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from interlocal.core.models import CategoryCode
from interlocal.core.ui import page_or_fragment, paginate, querystring_without_page, require_perm
from interlocal.solicitations.forms import NoticeFilterForm
from interlocal.solicitations.models import (
    CommitteeMember,
    ReviewRound,
    Solicitation,
    SolicitationDocument,
    Status,
)
from interlocal.solicitations.views.common import load, visible
from interlocal.solicitations.views.page import working_page

NOTICE_STATUSES: dict[str, list[str] | None] = {
    "open": [Status.PUBLISHED],
    "evaluation": [
        Status.CLOSED,
        Status.EVALUATION,
        Status.AWARD_RECOMMENDED,
        Status.AWARD_APPROVED,
    ],
    "awarded": [Status.AWARDED],
    "cancelled": [Status.CANCELLED],
    "all": None,
}
NOTICE_ORDER = {
    "open": ["due_at", "pk"],
    "evaluation": ["-due_at", "-pk"],
    "awarded": ["-awarded_at", "-pk"],
    "cancelled": ["-cancelled_at", "-pk"],
    "all": ["-published_at", "-pk"],
}
RECENT_CLOSINGS = 5


def _in_category(code: str) -> Exists:
    """Tagged with the category or, for a heading such as "Technology", any code under it."""
    codes = CategoryCode.objects.filter(Q(code=code) | Q(parent__code=code))
    return Exists(
        Solicitation.categories.through.objects.filter(
            solicitation_id=OuterRef("pk"), categorycode__in=codes
        )
    )


def _filtered(
    notices: QuerySet[Solicitation], *, category: str = "", state: str = ""
) -> QuerySet[Solicitation]:
    if category:
        notices = notices.filter(_in_category(category))
    if state:
        notices = notices.filter(lead_agency__state__postal=state)
    return notices.select_related("lead_agency__state").prefetch_related("categories")


# After publication and before the end: what the lead agency still has to carry forward.
IN_PROGRESS = [Status.CLOSED, Status.EVALUATION, Status.AWARD_RECOMMENDED, Status.AWARD_APPROVED]
WORK_LIMIT = 50


@dataclass
class Work:
    solicitation: Solicitation
    reasons: list[str] = field(default_factory=list)


def your_work(request: HttpRequest) -> list[Work]:
    """What waits for this person: drafts they may see, solicitations in progress they manage,
    their committee seats and the Advisory Board votes asked of them."""
    user = request.user
    if not user.is_authenticated:
        return []
    work: dict[int, Work] = {}

    def add(s: Solicitation, reason: str) -> None:
        work.setdefault(s.pk, Work(s)).reasons.append(reason)

    scope = visible(request).select_related("lead_agency__state")
    for s in scope.filter(published_at__isnull=True).exclude(status=Status.CANCELLED)[:WORK_LIMIT]:
        add(s, "Not yet published")
    if rules.has_perm("solicitation:manage", user):
        for s in scope.filter(status__in=IN_PROGRESS).order_by("due_at")[:WORK_LIMIT]:
            if rules.has_perm("solicitation:manage", user, s):
                add(s, "In progress: you manage it")
    seats = CommitteeMember.objects.filter(
        user=user, solicitation__status__in=[Status.PUBLISHED, *IN_PROGRESS[:2]]
    ).select_related("solicitation__lead_agency__state", "declaration")
    for seat in seats[:WORK_LIMIT]:
        signed = hasattr(seat, "declaration")
        add(
            seat.solicitation,
            "You are on the evaluation committee" + ("" if signed else ": sign your declaration"),
        )
    if rules.has_perm("solicitation:review", user):
        asked = ReviewRound.objects.filter(
            solicitation=OuterRef("pk"), outcome=ReviewRound.Outcome.PENDING
        ).exclude(votes__member=user)
        for s in scope.filter(Exists(asked))[:WORK_LIMIT]:
            add(s, "Your Advisory Board vote is asked")
    return sorted(work.values(), key=lambda w: w.solicitation.due_at)


@require_perm("solicitation:view")
def index(request: HttpRequest) -> HttpResponse:
    """Open solicitations, soonest due first; awarded and cancelled ones after; above them, for
    a signed-in person, the solicitations waiting for them."""
    form = NoticeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or "open"
    where = {"category": filters.get("category", ""), "state": filters.get("state", "")}
    published = visible(request).public()
    notices = _filtered(published, **where)
    if statuses := NOTICE_STATUSES[status]:
        notices = notices.filter(status__in=statuses)
    page = paginate(request, notices.order_by(*NOTICE_ORDER[status]))
    recent: list[Solicitation] = []
    if status == "open" and page.number == 1:
        recent = list(
            _filtered(published, **where)
            .filter(status__in=[Status.AWARDED, Status.CANCELLED])
            .order_by(Coalesce("awarded_at", "cancelled_at").desc(), "-pk")[:RECENT_CLOSINGS]
        )
    context: dict[str, Any] = {
        "form": form,
        "may_draft": rules.has_perm("solicitation:draft", request.user),
        "now": timezone.now(),
        "status": status,
        "status_label": dict(form.fields["status"].choices)[status],  # type: ignore[attr-defined]
        "page": page,
        "recent": recent,
        "work": your_work(request),
        "querystring": querystring_without_page(request),
    }
    return page_or_fragment(
        request, "solicitations/index.html", "solicitations/_notices.html", context
    )


class NoticeFeed(Feed):
    """Every published notice, newest first: for readers, plan rooms and the press."""

    feed_type = Atom1Feed
    link = reverse_lazy("solicitations:index")

    def title(self) -> str:
        return f"{settings.PROGRAM_NAME}: solicitations"

    def subtitle(self) -> str:
        return (
            "Competitive solicitations by lead agencies on behalf of every participating "
            "public agency."
        )

    def items(self) -> QuerySet[Solicitation]:
        return (
            Solicitation.objects.public()
            .select_related("lead_agency__state")
            .prefetch_related("categories")
            .order_by("-published_at", "-pk")[:50]
        )

    def item_title(self, item: Solicitation) -> str:
        return f"{item.number} {item.title}"

    def item_description(self, item: Solicitation) -> str:
        due = item.due_local
        hour = due.hour % 12 or 12
        return (
            f"{item.lead_agency.name}, {item.lead_agency.state.name}. "
            f"{item.get_status_display()}. Proposals due {due:%B} {due.day}, {due.year}, "
            f"{hour}:{due:%M %p} {due.tzname()} ({item.time_zone})."
            + (f" Cancelled: {item.cancel_reason}" if item.status == Status.CANCELLED else "")
        )

    def item_link(self, item: Solicitation) -> str:
        return reverse("solicitations:detail", args=[item.pk])

    def item_pubdate(self, item: Solicitation) -> Any:
        return item.published_at

    def item_updateddate(self, item: Solicitation) -> Any:
        return item.modified_at

    def item_categories(self, item: Solicitation) -> list[str]:
        return [c.title for c in item.categories.all()]


notice_feed = NoticeFeed()


@require_perm("solicitation:view")
def feed(request: HttpRequest) -> HttpResponse:
    return notice_feed(request)


@require_perm("solicitation:view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return working_page(request, load(request, pk))


@require_perm("solicitation:view")
def document(request: HttpRequest, pk: int) -> FileResponse:
    """A public document of the solicitation (of a draft: for those who may see the draft)."""
    doc = get_object_or_404(
        SolicitationDocument.objects.filter(solicitation__in=visible(request)), pk=pk
    )
    return FileResponse(
        doc.file.open("rb"), as_attachment=True, filename=PurePath(doc.file.name or doc.title).name
    )
