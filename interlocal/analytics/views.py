"""The analytics pages (``/analytics/``): the overview of a quarter or a range, and the three
quarterly reports with their drill-down, each also a CSV and a spreadsheet. Everyone may read
the whole program's aggregates; the scope selector offers a person their own slices
(``scopes``). Figures come from ``reports`` and ``queries``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from interlocal.analytics import charts, queries, reports
from interlocal.analytics.ask import Ask, BadAsk, read
from interlocal.analytics.scopes import scopes_for
from interlocal.core.models import State
from interlocal.core.money import round_cbp
from interlocal.core.ui import acting_user, csv_response, require_perm, xlsx_response

REPORTS = {
    "sales": "Sales",
    "contracts": "Contract use",
    "participation": "Participating agencies",
}


def _ask(request: HttpRequest) -> Ask | HttpResponse:
    try:
        return read(acting_user(request), request.GET)
    except BadAsk as exc:
        return render(request, "analytics/bad_ask.html", {"message": str(exc)}, status=400)


def _frame(request: HttpRequest, ask: Ask, page: str) -> dict[str, Any]:
    """What every analytics page shows around its figures: the scope and span choosers, the
    slice's breadcrumbs and the other pages."""
    reported = queries.reported_span()
    names = _where_names(ask)
    crumbs = [
        {
            "label": "Nation" if ask.scope.is_program else ask.scope.label,
            "url": ask.link(state=None, type=None, agency=None, agreement=None, supplier=None),
        }
    ]
    kept: dict[str, Any] = {}
    for key in ("state", "type", "agreement", "supplier", "agency"):
        if key in ask.params and key != "scope" and key in names:
            kept[key] = ask.params[key]
            crumbs.append(
                {
                    "label": names[key],
                    "url": ask.link(
                        **{
                            k: kept.get(k)
                            for k in ("state", "type", "agreement", "supplier", "agency")
                        }
                    ),
                }
            )
    return {
        "ask": ask,
        "page": page,
        "reports": REPORTS,
        "scopes": scopes_for(acting_user(request)),
        "reported": reported,
        "quarters": [str(q) for q in reversed(reported.quarters)] if reported else [],
        "crumbs": crumbs,
        "query": ask.link()[1:],
    }


def _where_names(ask: Ask) -> dict[str, str]:
    out: dict[str, str] = {}
    dims = {
        "state": "state",
        "type": "agency_type",
        "agency": "agency",
        "agreement": "agreement",
        "supplier": "supplier",
    }
    for key, dimension in dims.items():
        if dimension in ask.where:
            ident = ask.where[dimension]
            out[key] = queries.labels(dimension, [ident]).get(ident, str(ident))
    return out


@require_perm("analytics:view")
def index(request: HttpRequest) -> HttpResponse:
    """The span's key figures beside the span before, the year before and the trailing four
    quarters; the sales trend; the map of sales by state."""
    ask = _ask(request)
    if isinstance(ask, HttpResponse):
        return ask
    spans = {
        "now": ask.span,
        "previous": ask.span.previous(),
        "year_before": ask.span.year_before(),
        "trailing": ask.span.trailing_year(),
    }
    figures = {name: queries.totals(ask.scope, span, ask.where) for name, span in spans.items()}
    for f in figures.values():
        f["fee_cents"] = round_cbp(f["fee_cbp"])
    keys = [
        ("sales_cents", "Sales", "usd"),
        ("fee_cents", "Administrative fees", "usd"),
        ("agencies", "Agencies buying", "count"),
        ("lines", "Invoice lines", "count"),
        ("savings_cents", "Price savings (where list prices are known)", "usd"),
    ]
    rows = [
        {
            "label": label,
            "kind": kind,
            "now": figures["now"][key],
            "previous": figures["previous"][key],
            "vs_previous": queries.change(figures["now"][key], figures["previous"][key]),
            "year_before": figures["year_before"][key],
            "vs_year_before": queries.change(figures["now"][key], figures["year_before"][key]),
            "trailing": figures["trailing"][key],
        }
        for key, label, kind in keys
    ]
    reported = queries.reported_span()
    trend_rows = sorted(
        queries.figures(ask.scope, reported, ["period"], ask.where) if reported else [],
        key=lambda r: r["period"],
    )
    for r in trend_rows:
        r["fee_cents"] = round_cbp(r["fee_cbp"])
    periods = [r["period"] for r in trend_rows]
    trend = charts.trend(
        periods,
        {"Sales": {r["period"]: r["sales_cents"] for r in trend_rows}},
        value_title="Sales",
    )
    map_chart = None
    state_rows: list[dict[str, Any]] = []
    if "state" not in ask.where and ask.scope.agency_id is None:
        state_rows = queries.figures(ask.scope, ask.span, ["state"], ask.where)
        states = {s.pk: s for s in State.objects.all()}
        for r in state_rows:
            r["state"] = states[r["state_id"]]
        map_chart = charts.state_map(
            {r["state"].fips: r["sales_cents"] for r in state_rows},
            {s.fips: s.name for s in states.values()},
            value_title=f"Sales {ask.span}",
            money=True,
        )
    context = _frame(request, ask, "index") | {
        "spans": spans,
        "rows": rows,
        "trend": trend,
        "trend_rows": trend_rows[-12:],
        "map": map_chart,
        "state_rows": state_rows,
    }
    return render(request, "analytics/index.html", context)


@require_perm("analytics:view")
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """One of the three reports at the slice's level, or its CSV or spreadsheet."""
    if slug not in REPORTS:
        raise Http404("no such report: see /analytics/")
    ask = _ask(request)
    if isinstance(ask, HttpResponse):
        return ask
    try:
        table = reports.participation(ask) if slug == "participation" else reports.sales(ask, slug)
    except PermissionDenied:
        raise
    fmt = request.GET.get("format", "")
    name = f"{slug}-{ask.span.key}{_slug(ask)}"
    if fmt == "csv":
        return csv_response(table.grid(), f"{name}.csv")
    if fmt == "xlsx":
        return xlsx_response(table.grid(), f"{name}.xlsx", REPORTS[slug])
    context = _frame(request, ask, slug) | {"table": table, "title": REPORTS[slug], "slug": slug}
    return render(request, "analytics/report.html", context)


def _slug(ask: Ask) -> str:
    parts = [f"{k}-{v}" for k, v in ask.params.items() if k not in ("period", "scope")]
    return ("-" + "-".join(parts)) if parts else ""
