"""Vega-Lite specifications of the site's charts, built in Python and embedded in the page as
JSON (``json_script``); ``static/interlocal/charts.js`` draws them with vega-embed, served from
``node_modules`` like USWDS. No inline script: the Content-Security-Policy forbids it, and
forbids ``eval`` too, so the script runs Vega's expressions in its interpreter.

Every chart repeats figures that a table on the same page shows in full (for screen readers and
for a browser without JavaScript), so a chart is marked as an image whose label says where that
table is. Money goes into a chart as integer cents: the axis shows dollars, abbreviated
($1.5M), and the tooltip the exact amount formatted by ``core.money.format_usd``.
"""

from collections.abc import Sequence
from typing import Any

from interlocal.core.money import format_usd

# Axis labels in dollars from cents, abbreviated: $0, $5, $12.50, $1.5K, $2.3M, $1.2B.
MONEY_AXIS_LABEL = (
    "abs(datum.value) >= 1e11 ? format(datum.value / 1e11, '$,.1~f') + 'B'"
    " : abs(datum.value) >= 1e8 ? format(datum.value / 1e8, '$,.1~f') + 'M'"
    " : abs(datum.value) >= 1e5 ? format(datum.value / 1e5, '$,.1~f') + 'K'"
    " : datum.value % 100 ? format(datum.value / 100, '$,.2f')"
    " : format(datum.value / 100, '$,.0f')"
)

# Distinguishable for the common colour-vision deficiencies (Okabe and Ito), darkest first.
PALETTE = [
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#000000",
    "#999999",
    "#7f3c8d",
    "#11a579",
    "#3969ac",
]

CONFIG: dict[str, Any] = {
    "font": "Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif",
    "axis": {"labelFontSize": 13, "titleFontSize": 13, "titleFontWeight": "normal"},
    "legend": {"labelFontSize": 13, "titleFontSize": 13, "orient": "top", "title": None},
    "view": {"stroke": None},
    "bar": {"cornerRadiusEnd": 1},
}


def _money_axis(title: str) -> dict[str, Any]:
    return {"title": title, "labelExpr": MONEY_AXIS_LABEL, "tickMinStep": 1, "grid": True}


def _money_bars(
    values: list[dict[str, Any]],
    *,
    height: int,
    x: dict[str, Any],
    y: dict[str, Any],
    color: dict[str, Any],
    category_title: str,
    series_title: str,
    **encoding: Any,
) -> dict[str, Any]:
    """The bar chart both kinds share: categories across, cents up, a colour per series."""
    return {
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "category",
                "type": "ordinal",
                "title": category_title,
                "axis": {"labelAngle": 0},
                **x,
            },
            "y": {"field": "cents", "type": "quantitative", **y},
            "color": {"field": "series", "type": "nominal", **color},
            "tooltip": [
                {"field": "category", "title": category_title},
                {"field": "series", "title": series_title},
                {"field": "amount", "title": "Amount"},
            ],
            **encoding,
        },
        "config": CONFIG,
    }


def grouped_money_bars(
    categories: Sequence[str],
    series: Sequence[str],
    cents: dict[tuple[str, str], int],
    *,
    category_title: str,
    value_title: str,
) -> dict[str, Any]:
    """Bars side by side, one per series within each category (collected and distributed in
    each year): ``cents[(category, series)]``."""
    values = [
        {
            "category": c,
            "series": s,
            "cents": cents.get((c, s), 0),
            "amount": format_usd(cents.get((c, s), 0)),
        }
        for c in categories
        for s in series
    ]
    return _money_bars(
        values,
        height=280,
        x={"sort": list(categories)},
        y={"axis": _money_axis(value_title)},
        color={
            "sort": list(series),
            "scale": {"domain": list(series), "range": PALETTE[: len(series)]},
        },
        category_title=category_title,
        series_title=" ",
        xOffset={"field": "series", "sort": list(series)},
    )


def stacked_money_bars(
    categories: Sequence[str],
    series: Sequence[str],
    cents: dict[tuple[str, str], int],
    *,
    category_title: str,
    value_title: str,
) -> dict[str, Any]:
    """One bar per category made of its series stacked in the order given (each recipient's
    distribution in each quarter); a category without any amount is an empty slot."""
    order = {s: i for i, s in enumerate(series)}
    values = [
        {
            "category": c,
            "series": s,
            "order": order[s],
            "cents": amount,
            "amount": format_usd(amount),
        }
        for c in categories
        for s in series
        if (amount := cents.get((c, s), 0))
    ]
    return _money_bars(
        values,
        height=300,
        x={"scale": {"domain": list(categories)}},
        y={"stack": "zero", "axis": _money_axis(value_title)},
        color={
            "scale": {"domain": list(series), "range": _colours(len(series))},
            "legend": {"columns": min(len(series), 6) or 1},
        },
        category_title=category_title,
        series_title="Recipient",
        order={"field": "order", "type": "ordinal"},
    )


def _colours(n: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(n)]
