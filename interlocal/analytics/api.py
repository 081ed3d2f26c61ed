"""``/api/v1/analytics/...``: the figures of the analytics pages for machines.

The whole program's aggregates are public, as the pages are. A slice of one's own (a
supplier's agreements, a sponsor's constituency, an agency's purchases; every slice for the
program office and auditors) takes an organization key with the scope ``analytics:read`` and
``scope=supplier:<id>`` (``sponsor:``, ``agency:``), exactly as the pages' ``scope``. The span
is ``period=2026Q3`` or ``from=2025Q4&to=2026Q3`` (the latest reported quarter by default);
the slice ``state`` (postal code), ``type`` (agency type), ``agency``, ``agreement`` and
``supplier`` (ids). Money is a decimal string of dollars (``"1234.56"``)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from interlocal.accounts.models import ApiScope
from interlocal.analytics import queries, reports
from interlocal.analytics.ask import Ask, BadAsk, read
from interlocal.core.api import ErrorOut, acting_user
from interlocal.core.api_auth import ApiKeyAuth
from interlocal.core.money import decimal_text, round_cbp

router = Router(tags=["analytics"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut}
GROUPS = [d for d in queries.DIMENSIONS if d != "period"] + ["period"]


class Slice(Schema):
    scope: str = Field(
        "", description="program (default), supplier:<id>, sponsor:<id>, agency:<id>"
    )
    period: str = Field("", description="A quarter (2026Q3) or a range (2025Q4-2026Q3)")
    from_: str = Field("", alias="from", description="First quarter of a range, as 2025Q4")
    to: str = Field("", description="Last quarter of a range, as 2026Q3")
    state: str = Field("", description="State postal code, as TX")
    type: str = Field("", description="Agency type, as county")
    agency: str = Field("", description="Agency id")
    agreement: str = Field("", description="Master agreement id")
    supplier: str = Field("", description="Supplier id")
    page: int = Field(1, ge=1, description="The page (of 100 rows) of a list of agencies")


class Grouped(Slice):
    group_by: str = Field(
        "",
        description=f"Comma-separated, any of: {', '.join(GROUPS)} (none: one row for the slice)",
    )


class Savings(Grouped):
    cost: int | None = Field(
        None, description="Cost of one solicitation in whole dollars (the program's by default)"
    )


class FiguresOut(Schema):
    scope: str
    span: str
    group_by: list[str]
    rows: list[dict[str, Any]]
    total: dict[str, Any]
    method: str = ""


def _ask(request: HttpRequest, params: Slice) -> Ask:
    """Who asks (the key's issuer, or anonymous) and what, refused as the pages refuse."""
    user = None
    if request.headers.get("Authorization"):
        request.auth = ApiKeyAuth()(request)  # type: ignore[attr-defined]
        if request.auth is None:  # type: ignore[attr-defined]
            raise HttpError(401, "this API key is not valid: send 'Authorization: Bearer il_…'")
        user = acting_user(request, ApiScope.ANALYTICS_READ)
    values = {k: v for k, v in params.dict(by_alias=True).items() if v not in ("", None)}
    if params.scope not in ("", "program") and user is None:
        raise HttpError(
            401, "a slice other than the program's needs an API key with the scope 'analytics:read'"
        )
    try:
        return read(user, values)
    except BadAsk as exc:
        raise HttpError(400, str(exc)) from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "these figures are not yours to read") from None


def _group_by(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in GROUPS]
    if unknown:
        raise HttpError(400, f"cannot group by {', '.join(unknown)}: use {', '.join(GROUPS)}")
    return names


def _figures(ask: Ask, by: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    try:
        rows = queries.figures(ask.scope, ask.span, by, ask.where)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    for dimension in by:
        if dimension == "period":
            continue
        column = queries.DIMENSIONS[dimension]
        names = queries.labels(dimension, (r[column] for r in rows))
        codes = reports.codes(dimension, [r[column] for r in rows])
        for r in rows:
            r[f"{dimension}_name"] = names.get(r[column], "")
            r[dimension] = codes.get(r[column], r[column])
    return rows, queries.totals(ask.scope, ask.span, ask.where)


def _out(
    ask: Ask, by: list[str], rows: list[dict[str, Any]], total: dict[str, Any], fields: Any
) -> dict[str, Any]:
    keys = [k for d in by for k in ((d,) if d == "period" else (d, f"{d}_name"))]
    return {
        "scope": ask.scope.key,
        "span": ask.span.key,
        "group_by": by,
        "rows": [{**{k: r[k] for k in keys}, **fields(r)} for r in rows],
        "total": fields(total),
    }


def _sales_fields(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "sales": decimal_text(r["sales_cents"]),
        "admin_fees": decimal_text(round_cbp(r["fee_cbp"])),
        "lines": r["lines"],
        "agencies": r["agencies"],
        "first_uses": r["first_uses"],
    }


@router.get(
    "/analytics/sales",
    response={200: FiguresOut, **ERRORS},
    summary="Sales by state, agency type, agency, supplier, agreement or quarter",
    description="Accepted sales in the span, grouped by any of the dimensions, with admin fees "
    "(exact, rounded once per figure), invoice lines, agencies buying (each counted once over a "
    "range) and first uses of agreements; `previous` and `year_before` are the slice's totals "
    "a span before and a year before.",
)
def sales(request: HttpRequest, params: Query[Grouped]) -> Any:
    ask = _ask(request, params)
    by = _group_by(params.group_by)
    rows, total = _figures(ask, by)
    out = _out(ask, by, rows, total, _sales_fields)
    for name, span in (("previous", ask.span.previous()), ("year_before", ask.span.year_before())):
        out["total"][name] = _sales_fields(queries.totals(ask.scope, span, ask.where))
        out["total"][name]["span"] = span.key
    return out


@router.get(
    "/analytics/participation",
    response={200: FiguresOut, **ERRORS},
    summary="Participating agencies against the agency universe",
    description="By state, then (with `state`) by agency type, then (with `type`, for whom "
    "may see agencies) each participating agency: the universe, agencies participating on the "
    "span's last day, those that joined in the span, those buying and those buying for the "
    "first time.",
)
def participation(request: HttpRequest, params: Query[Slice]) -> Any:
    ask = _ask(request, params)
    table = reports.participation(ask)
    columns = [c for c in table.columns if c.key != "label"]

    def fields(r: dict[str, Any]) -> dict[str, Any]:
        return {c.key: c.cell(r) for c in columns}

    return {
        "scope": ask.scope.key,
        "span": ask.span.key,
        "group_by": [table.dimension],
        "rows": [
            {"id": r.get("id", r.get("agency_id")), "name": r["label"], **fields(r)}
            for r in table.rows
        ],
        "total": fields(table.total),
    }


@router.get(
    "/analytics/savings",
    response={200: FiguresOut, **ERRORS},
    summary="Price savings and solicitations avoided",
    description="Price savings: (list - contract price) x quantity on lines that give both, "
    "summed exactly and rounded once, with `priced_sales` (the sales they cover). Solicitations "
    "avoided: each agency's first use of an agreement, times `cost` (the program's figure "
    "unless given).",
)
def savings(request: HttpRequest, params: Query[Savings]) -> Any:
    ask = _ask(request, params)
    by = _group_by(params.group_by)
    cost = (params.cost * 100) if params.cost else int(settings.ANALYTICS_SOLICITATION_COST_CENTS)
    if cost <= 0:
        raise HttpError(400, "cost is whole dollars per solicitation, more than 0")
    rows, total = _figures(ask, by)

    def fields(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "sales": decimal_text(r["sales_cents"]),
            "priced_sales": decimal_text(r["priced_cents"]),
            "savings": decimal_text(r["savings_cents"]),
            "first_uses": r["first_uses"],
            "solicitations_avoided": decimal_text(r["first_uses"] * cost),
        }

    out = _out(ask, by, rows, total, fields)
    out["method"] = f"cost per solicitation {decimal_text(cost)}"
    return out


@router.get(
    "/analytics/diversity",
    response={200: FiguresOut, **ERRORS},
    summary="Spend with certified diverse, small and local suppliers",
    description="Sales whose supplier held a verified certification of the class on the "
    "invoice date (decision 0019 lists the kinds in each class; the classes overlap).",
)
def diversity(request: HttpRequest, params: Query[Grouped]) -> Any:
    ask = _ask(request, params)
    by = _group_by(params.group_by)
    rows, total = _figures(ask, by)

    def fields(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "sales": decimal_text(r["sales_cents"]),
            "diverse": decimal_text(r["diverse_cents"]),
            "small": decimal_text(r["small_cents"]),
            "local": decimal_text(r["local_cents"]),
        }

    return _out(ask, by, rows, total, fields)
