import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interlocal.core.models import AuditEvent
from interlocal.core.ui import paginate, querystring_without_page, require_perm, signed_in_user
from interlocal.registry import queries as registry_queries
from interlocal.registry.models import AgencyType, Sponsor


@require_perm("site:view")
def home(request: HttpRequest) -> HttpResponse:
    numbers = registry_queries.program_numbers()
    labels = dict(AgencyType.choices)
    by_type = [
        {"label": labels.get(str(row["agency_type"]), row["agency_type"]), "n": row["n"]}
        for row in registry_queries.participants_by_type()
    ]
    return render(
        request,
        "core/home.html",
        {
            "numbers": numbers,
            "by_type": by_type,
            "sponsors": Sponsor.objects.filter(is_active=True).order_by("name"),
        },
    )


@require_perm("dashboard:view")
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/dashboard.html",
        {
            "memberships": signed_in_user(request).active_memberships,
            "numbers": registry_queries.program_numbers(),
        },
    )


def _parse_day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@require_perm("audit:view")
def audit_log(request: HttpRequest) -> HttpResponse:
    events = (
        AuditEvent.objects.visible_to(request.user)
        .select_related("actor", "organization")
        .order_by("-seq")
    )
    actor = request.GET.get("actor", "").strip()
    object_type = request.GET.get("object_type", "").strip()
    object_id = request.GET.get("object_id", "").strip()
    verb = request.GET.get("verb", "").strip()
    date_from = _parse_day(request.GET.get("from", ""))
    date_to = _parse_day(request.GET.get("to", ""))
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if verb:
        events = events.filter(verb__startswith=verb)
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    object_types = (
        AuditEvent.objects.visible_to(request.user)
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
    return render(
        request,
        "core/audit_log.html",
        {
            "page": paginate(request, events, per_page=50),
            "filters": {
                "actor": actor,
                "object_type": object_type,
                "object_id": object_id,
                "verb": verb,
                "from": request.GET.get("from", ""),
                "to": request.GET.get("to", ""),
            },
            "object_types": list(object_types),
            "querystring": querystring_without_page(request),
        },
    )
