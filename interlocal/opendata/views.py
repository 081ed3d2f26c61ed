"""The open data pages: an explanation for people, and the OCDS feed and records for machines."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from interlocal.core.ui import require_perm
from interlocal.opendata import feed, queries
from interlocal.opendata.ocds import codes, links
from interlocal.solicitations.models import Status

RECENT = 20


def ocds_response(package: dict[str, Any], status: int = 200) -> JsonResponse:
    # Non-ASCII names (Cañon City) are written as themselves; JSON is UTF-8.
    response = JsonResponse(package, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public data, readable from any web page
    return response


def error(message: str, status: int) -> JsonResponse:
    return ocds_response({"detail": message}, status=status)


@require_perm("opendata:view")
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    keys = queries.feed_keys(timezone.now())
    recent = [
        {"key": key, "record_url": links.record(key.ocid)} for key in reversed(keys[-RECENT:])
    ]
    context = {
        "feed_url": links.feed(),
        "api_url": links.feed(api=True),
        "recent": recent,
        "process_count": len(keys),
        "tender_status": [(Status(v).label, code) for v, code in codes.TENDER_STATUS.items()],
        "extensions": [*codes.EXTENSIONS, codes.PAGINATION],
        "ocds_prefix": settings.OCDS_PREFIX,
    }
    return render(request, "opendata/index.html", context)


@require_perm("opendata:view")
@require_GET
def releases(request: HttpRequest) -> JsonResponse:
    try:
        cursor = feed.Cursor.parse(
            request.GET.get("since"), request.GET.get("after"), request.GET.get("page")
        )
    except feed.FeedError as exc:
        return error(str(exc), status=400)
    return ocds_response(feed.feed_package(cursor, as_of=timezone.now()))


@require_perm("opendata:view")
@require_GET
def record(request: HttpRequest, ocid: str) -> JsonResponse:
    as_of = timezone.now()
    process = feed.find_process(ocid, as_of)
    if process is None:
        return error(f"no published contracting process has the ocid '{ocid}'", status=404)
    return ocds_response(feed.record_package(process, as_of=as_of))
