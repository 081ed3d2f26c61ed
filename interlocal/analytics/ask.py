"""What a page or an API call asks for, read from its query string: whose figures (the scope),
which quarters (the span) and which slice (state, agency type, agency, agreement, supplier).
Anything that cannot be read is refused with a message that says how to write it."""

import dataclasses
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone

from interlocal.analytics import queries
from interlocal.analytics.queries import Span
from interlocal.analytics.scopes import Scope, scope_named
from interlocal.core.models import State
from interlocal.core.periods import Quarter
from interlocal.registry.models import AgencyType

#: The slice's keys in the query string, and the dimension each fixes.
SLICE = {
    "state": "state",
    "type": "agency_type",
    "agency": "agency",
    "agreement": "agreement",
    "supplier": "supplier",
}
#: The query string's keys, in the order links write them.
KEYS = ("scope", "period", *SLICE)


class BadAsk(ValueError):
    """A query string the analytics cannot answer; the message says what to write instead."""


@dataclasses.dataclass(frozen=True)
class Ask:
    scope: Scope
    span: Span
    where: dict[str, Any]
    #: the query string's own values, to rebuild links from
    params: dict[str, str]
    #: the page of a long table (of agencies) to show; 0 for every row (exports)
    page: int = 1

    def link(self, **changes: Any) -> str:
        """This query string with ``changes`` (None removes a key)."""
        params = {**self.params, **{k: v for k, v in changes.items() if v is not None}}
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
        return "?" + urlencode(params) if params else "?"


def parse_span(text: str) -> Span:
    """2026Q3, or a range 2025Q4-2026Q3."""
    first, sep, last = text.partition("-")
    try:
        return Span(Quarter.parse(first), Quarter.parse(last if sep else first))
    except ValueError as exc:
        raise BadAsk(f"{exc}; a range is written 2025Q4-2026Q3") from None


def read(user: Any, get: Mapping[str, Any]) -> Ask:
    """The scope (PermissionDenied when not the user's), span and slice of a query string."""
    scope = scope_named(user, get.get("scope"))
    params: dict[str, str] = {k: str(get[k]) for k in KEYS if get.get(k)}
    start, end = str(get.get("from", "")), str(get.get("to", ""))
    if start or end:
        start, end = start or end, end or start
        params["period"] = f"{start}-{end}" if start != end else start
    if params.get("period"):
        span = parse_span(params["period"])
    else:
        reported = queries.reported_span()
        last = reported.last if reported else Quarter.containing(timezone.localdate()).previous()
        span = Span.of(last)
    where: dict[str, Any] = {}
    if "state" in params:
        state = State.objects.filter(postal=params["state"].upper()).first()
        if state is None:
            raise BadAsk(f"'{params['state']}' is not a state: use its postal code, like TX")
        where["state"] = state.pk
        params["state"] = state.postal
    if "type" in params:
        if params["type"] not in AgencyType.values:
            types = ", ".join(AgencyType.values)
            raise BadAsk(f"'{params['type']}' is not an agency type: use one of {types}")
        where["agency_type"] = params["type"]
    for name in ("agency", "agreement", "supplier"):
        if name in params:
            if not params[name].isdigit():
                raise BadAsk(f"{name} is the number of its page, like {name}=12")
            where[name] = int(params[name])
    if scope.agency_id is not None:
        where.pop("agency", None)
    page = str(get.get("page", "1") or "1")
    if not page.isdigit() or int(page) < 1:
        raise BadAsk(f"page is a page number from 1, not '{page}'")
    return Ask(scope, span, where, params, int(page))
