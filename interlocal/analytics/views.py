"""The analytics pages (``/analytics/``): the overview of a quarter or a range, and the three
quarterly reports with their drill-down, each also a CSV and a spreadsheet. Everyone may read
the whole program's aggregates; the scope selector offers a person their own slices
(``scopes``). Figures come from ``reports`` and ``queries``."""

import dataclasses
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from interlocal.analytics import certified, charts, queries, reports
from interlocal.analytics.ask import SLICE, Ask, BadAsk, read
from interlocal.analytics.scopes import scopes_for
from interlocal.core.models import State
from interlocal.core.money import round_cbp
from interlocal.core.ui import acting_user, csv_response, require_perm, xlsx_response
from interlocal.registry.models import AgencyType, ParticipationRoute

REPORTS = {
    "sales": "Sales",
    "contracts": "Contract use",
    "participation": "Participating agencies",
    "savings": "Savings",
    "diversity": "Supplier diversity",
}
#: Every page of the analytics, in the navigation's order: (url name, argument, title).
PAGES = [
    ("analytics:index", None, "Overview"),
    ("analytics:report", "sales", "Sales"),
    ("analytics:report", "contracts", "Contract use"),
    ("analytics:report", "participation", "Participation"),
    ("analytics:penetration", None, "Penetration"),
    ("analytics:growth", None, "Growth"),
    ("analytics:report", "savings", "Savings"),
    ("analytics:report", "diversity", "Diversity"),
]


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
            "url": ask.link(**dict.fromkeys(SLICE)),
        }
    ]
    kept: dict[str, Any] = dict.fromkeys(SLICE)  # every key of the slice, None until met
    for key in ("state", "type", "agreement", "supplier", "agency"):
        if key in names:
            kept[key] = ask.params[key]
            crumbs.append({"label": names[key], "url": ask.link(**kept)})
    return {
        "ask": ask,
        "page": page,
        "pages": [
            {
                "url": reverse(name, args=[arg] if arg else []),
                "title": title,
                "current": (arg or name.split(":")[1]) == page,
            }
            for name, arg, title in PAGES
        ],
        "scopes": scopes_for(acting_user(request)),
        "reported": reported,
        "quarters": [str(q) for q in reversed(reported.quarters)] if reported else [],
        "crumbs": crumbs,
        "query": ask.link()[1:],
    }


def _where_names(ask: Ask) -> dict[str, str]:
    """What each key of the slice names: Texas for state=TX."""
    out: dict[str, str] = {}
    for key, dimension in SLICE.items():
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
    # four quarters before are also the year before, and the trailing four the span itself:
    # each distinct span is summed once
    found: dict[queries.Span, dict[str, Any]] = {}
    for span in spans.values():
        if span not in found:
            found[span] = queries.totals(ask.scope, span, ask.where)
    figures = {name: dict(found[span]) for name, span in spans.items()}
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
        "peers": _peers(ask, figures["now"]) if ask.scope.agency_id is not None else None,
        "spans": spans,
        "rows": rows,
        "trend": trend,
        "trend_rows": trend_rows[-12:],
        "map": map_chart,
        "state_rows": state_rows,
    }
    return render(request, "analytics/index.html", context)


#: Fewer buying peers than this and the benchmark is not shown: an average of two or three
#: agencies would all but give away each one's figures.
PEERS_AT_LEAST = 5


def _peers(ask: Ask, mine: dict[str, Any]) -> dict[str, Any]:
    """The agency beside the agencies of its state and type that bought in the span: their
    number and averages per buying agency, never any one agency's figures."""
    from interlocal.analytics.scopes import program_scope
    from interlocal.registry.models import Agency

    assert ask.scope.agency_id is not None
    agency = Agency.objects.select_related("state").get(pk=ask.scope.agency_id)
    where = {"state": agency.state_id, "agency_type": agency.agency_type}
    group = queries.totals(program_scope(None), ask.span, where)
    n = group["agencies"]
    out: dict[str, Any] = {
        "agency": agency,
        "type": agency.get_agency_type_display(),
        "count": n,
        "shown": n >= PEERS_AT_LEAST,
        "least": PEERS_AT_LEAST,
    }
    if n:
        out["rows"] = [
            {"label": label, "mine": mine[key], "average": group[key] // n, "kind": kind}
            for key, label, kind in (
                ("sales_cents", "Sales", "usd"),
                ("savings_cents", "Price savings", "usd"),
                ("lines", "Invoice lines", "count"),
                ("first_uses", "First uses of an agreement", "count"),
            )
        ]
    return out


@require_perm("analytics:view")
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """One of the reports at the slice's level (with a second table by agreement for savings
    and diversity), or one of its tables as a CSV or spreadsheet (``table=1`` the second)."""
    if slug not in REPORTS:
        raise Http404("no such report: see /analytics/")
    ask = _ask(request)
    if isinstance(ask, HttpResponse):
        return ask
    extra: dict[str, Any] = {}
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        ask = dataclasses.replace(ask, page=0)  # every row
    if slug == "participation":
        tables = [reports.participation(ask)]
    elif slug == "savings":
        cost = _cost(request)
        if isinstance(cost, HttpResponse):
            return cost
        tables = [reports.savings(ask, "savings", cost)]
        if "agreement" not in ask.where:
            tables.append(reports.savings(ask, "savings-agreements", cost))
        extra = {
            "cost_cents": cost,
            "default_cost_cents": settings.ANALYTICS_SOLICITATION_COST_CENTS,
        }
    elif slug == "diversity":
        tables = [reports.diversity(ask, "diversity")]
        if "agreement" not in ask.where:
            tables.append(reports.diversity(ask, "diversity-agreements"))
        extra = _diversity_trend(ask)
    else:
        tables = [reports.sales(ask, slug)]
    if fmt in ("csv", "xlsx"):
        index = 1 if request.GET.get("table") == "1" and len(tables) > 1 else 0
        name = f"{slug}-{ask.span.key}{_slug(ask)}{'-agreements' if index else ''}"
        grid = tables[index].grid()
        if fmt == "csv":
            return csv_response(grid, f"{name}.csv")
        return xlsx_response(grid, f"{name}.xlsx", REPORTS[slug])
    context = _frame(request, ask, slug) | {"tables": tables, "title": REPORTS[slug], "slug": slug}
    return render(request, "analytics/report.html", context | extra)


def _cost(request: HttpRequest) -> int | HttpResponse:
    """The cost of one solicitation, in cents: the program's, or the page's ``cost`` (dollars)."""
    text = request.GET.get("cost", "").strip().replace(",", "").lstrip("$")
    if not text:
        return int(settings.ANALYTICS_SOLICITATION_COST_CENTS)
    if not text.isdigit() or not 0 < int(text) <= 10_000_000:
        message = f"'{text}' is not a cost: give whole dollars per solicitation, like cost=5000"
        return render(request, "analytics/bad_ask.html", {"message": message}, status=400)
    return int(text) * 100


def _diversity_trend(ask: Ask) -> dict[str, Any]:
    """Each class's share of sales, quarter by quarter, over every reported quarter."""
    reported = queries.reported_span()
    rows = sorted(
        queries.figures(ask.scope, reported, ["period"], ask.where) if reported else [],
        key=lambda r: r["period"],
    )
    series: dict[str, dict[str, int]] = {}
    for name, label in certified.LABELS.items():
        series[label] = {
            r["period"]: r[f"{name}_cents"] * 10_000 // r["sales_cents"]
            for r in rows
            if r["sales_cents"] > 0
        }
    chart = charts.trend(
        [r["period"] for r in rows], series, value_title="Share of sales", money=False, percent=True
    )
    for r in rows:
        for name in certified.CLASSES:
            r[f"{name}_share"] = queries.share(r[f"{name}_cents"], r["sales_cents"])
    return {"trend": chart, "trend_rows": rows[-12:]}


def _slug(ask: Ask) -> str:
    parts = [f"{k}-{v}" for k, v in ask.params.items() if k not in ("period", "scope")]
    return ("-" + "-".join(parts)) if parts else ""


@require_perm("analytics:view")
def penetration(request: HttpRequest) -> HttpResponse:
    """Participating agencies against the agency universe: a map by state, a table by state
    and type, and new participants by month and by how they joined."""
    ask = _ask(request)
    if isinstance(ask, HttpResponse):
        return ask
    found = reports.penetration(ask)
    states = {s.pk: s for s in State.objects.all()}
    types = [t for t in AgencyType if ask.scope.agency_types is None or t in ask.scope.agency_types]
    by_state: dict[int, dict[str, Any]] = {}
    for cell in found["cells"]:
        row = by_state.setdefault(
            cell["state_id"],
            {"state": states[cell["state_id"]], "universe": 0, "participating": 0, "cells": {}},
        )
        row["universe"] += cell["universe"]
        row["participating"] += cell["participating"]
        row["cells"][cell["agency_type"]] = cell
    rows = sorted(by_state.values(), key=lambda r: r["state"].name)
    for row in rows:
        row["share"] = queries.share(row["participating"], row["universe"])
        row["by_type"] = [
            queries.share(c["participating"], c["universe"]) if (c := row["cells"].get(t)) else ""
            for t in types
        ]
    totals = {t: [0, 0] for t in types}
    for cell in found["cells"]:
        if cell["agency_type"] in totals:
            totals[cell["agency_type"]][0] += cell["participating"]
            totals[cell["agency_type"]][1] += cell["universe"]
    participating = sum(r["participating"] for r in rows)
    universe = sum(r["universe"] for r in rows)
    map_chart = charts.state_map(
        {
            r["state"].fips: r["participating"] * 10_000 // r["universe"]
            for r in rows
            if r["universe"]
        },
        {s.fips: s.name for s in states.values()},
        value_title="Participating agencies, share of the universe",
        percent=True,
    )
    joined = reports.registrations(ask)
    months = sorted({r["month"] for r in joined})
    routes = dict(ParticipationRoute.choices)
    series = {label: {m: 0 for m in months} for label in routes.values()}
    for r in joined:
        series[routes[r["participation_route"]]][r["month"]] = r["n"]
    chart = charts.monthly_counts(months, series, value_title="New participants")
    context = _frame(request, ask, "penetration") | {
        "rows": rows,
        "types": [(t.value, t.label) for t in types],
        "type_totals": [queries.share(*totals[t]) for t in types],
        "participating": participating,
        "universe": universe,
        "share": queries.share(participating, universe),
        "last_day": found["last_day"],
        "map": map_chart,
        "months_chart": chart,
        "month_rows": [
            {"month": m, "counts": [series[label][m] for label in routes.values()]} for m in months
        ][-24:],
        "routes": list(routes.values()),
    }
    return render(request, "analytics/penetration.html", context)


@require_perm("analytics:view")
def growth(request: HttpRequest) -> HttpResponse:
    """How the program grew: each agreement's adoption (agencies buying per quarter, and
    agencies that ever bought), the sales trend, and the retention of each cohort of buyers."""
    ask = _ask(request)
    if isinstance(ask, HttpResponse):
        return ask
    reported = queries.reported_span()
    agreements = queries.agreements_by_sales(ask.scope)
    names = queries.labels("agreement", [pk for pk, _ in agreements])
    chosen = ask.where.get("agreement") or (agreements[0][0] if agreements else None)
    adoption: list[dict[str, Any]] = []
    if chosen is not None and reported is not None:
        adoption = sorted(
            queries.figures(ask.scope, reported, ["period"], {"agreement": chosen}),
            key=lambda r: r["period"],
        )
        ever = 0
        for r in adoption:
            ever += r["first_uses"]
            r["ever"] = ever
    periods = [r["period"] for r in adoption]
    adoption_chart = charts.trend(
        periods,
        {
            "Agencies buying in the quarter": {r["period"]: r["agencies"] for r in adoption},
            "Agencies that have ever bought": {r["period"]: r["ever"] for r in adoption},
        },
        value_title="Agencies",
        money=False,
    )
    trend_rows = sorted(
        queries.figures(ask.scope, reported, ["period"], ask.where) if reported else [],
        key=lambda r: r["period"],
    )
    sales_chart = charts.trend(
        [r["period"] for r in trend_rows],
        {"Agencies buying": {r["period"]: r["agencies"] for r in trend_rows}},
        value_title="Agencies buying",
        money=False,
    )
    cohorts = queries.retention(ask.scope)
    context = _frame(request, ask, "growth") | {
        "agreements": [(pk, names.get(pk, "")) for pk, _ in agreements],
        "chosen": chosen,
        "chosen_name": names.get(chosen, "") if chosen else "",
        "adoption": adoption,
        "adoption_chart": adoption_chart,
        "sales_chart": sales_chart,
        "trend_rows": trend_rows[-12:],
        "cohorts": cohorts,
    }
    return render(request, "analytics/growth.html", context)


@require_perm("analytics:view")
def board(request: HttpRequest) -> HttpResponse:
    """The quarterly report to the Board as a PDF: key figures with comparisons, the sales
    trend, the map of sales by state and the largest states, agreements and agency types."""
    ask = _ask(request)
    if isinstance(ask, HttpResponse):
        return ask
    from interlocal.analytics.board import board_pdf

    pdf = board_pdf(ask, settings.PROGRAM_NAME)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"board-report-{ask.span.key}{_slug(ask)}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
