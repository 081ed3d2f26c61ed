"""``/api/v1/ocds/…``: the same OCDS packages as ``/opendata/ocds/``, listed in the OpenAPI
document. Public reads, like the pages."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Router

from interlocal.opendata import feed
from interlocal.opendata.views import error, ocds_response

router = Router(tags=["opendata"])


@router.get(
    "/ocds/releases",
    url_name="ocds_releases",
    response={200: dict[str, Any], 400: dict[str, str]},
    summary="OCDS release package of contracting processes changed since a moment",
    description=(
        "Release package (OCDS 1.1.5) of every release of the public contracting processes "
        "that changed at or after `since`, oldest change first. Follow `links.next` (it adds "
        "`after`, the last ocid read) until it is absent."
    ),
)
def releases(
    request: HttpRequest, since: str | None = None, after: str | None = None
) -> JsonResponse:
    try:
        # ``page`` is not a parameter, but a harvester sending one is told how to page.
        cursor = feed.Cursor.parse(since, after, request.GET.get("page"))
    except feed.FeedError as exc:
        return error(str(exc), status=400)
    return ocds_response(feed.feed_package(cursor, as_of=timezone.now(), api=True))


@router.get(
    "/ocds/records/{path:ocid}",
    url_name="ocds_record",
    response={200: dict[str, Any], 404: dict[str, str]},
    summary="OCDS record package of one contracting process",
)
def record(request: HttpRequest, ocid: str) -> JsonResponse:
    as_of = timezone.now()
    process = feed.find_process(ocid, as_of)
    if process is None:
        return error(f"no published contracting process has the ocid '{ocid}'", status=404)
    return ocds_response(feed.record_package(process, as_of=as_of, api=True))
