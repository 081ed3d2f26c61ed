"""The analytics pages' charts as Vega-Lite specifications (drawn by ``static/interlocal/
charts.js``; see ``core.charts``): trends over quarters and the map of the states.

The map's geometry is the Census Bureau's cartographic state boundaries (public domain), as
the npm package ``us-atlas`` ships them already projected to Albers USA with Alaska and Hawaii
inset (``states-albers-10m.json``, served from ``node_modules`` like the chart library);
states are matched by FIPS code. Every chart's figures are in a table beside it.
"""

from collections.abc import Sequence
from typing import Any

from django.templatetags.static import static

from interlocal.core.charts import CONFIG, MONEY_AXIS_LABEL, PALETTE
from interlocal.core.money import format_usd

GEOMETRY = "us-atlas/states-albers-10m.json"


def _value_axis(title: str, money: bool) -> dict[str, Any]:
    axis: dict[str, Any] = {"title": title, "grid": True, "tickMinStep": 1}
    if money:
        axis["labelExpr"] = MONEY_AXIS_LABEL
    return axis


def _shown(value: int, money: bool, percent: bool = False) -> str:
    if money:
        return format_usd(value)
    if percent:
        return f"{value / 100:.2f}%"
    return f"{value:,}"


def trend(
    periods: Sequence[str],
    series: dict[str, dict[str, int]],
    *,
    value_title: str,
    money: bool = True,
    percent: bool = False,
) -> dict[str, Any]:
    """Lines across quarters, one per series: ``series[name][period]`` (integer cents, or
    counts, or basis points when ``percent``)."""
    names = list(series)
    values = [
        {"period": p, "series": name, "value": v, "shown": _shown(v, money, percent)}
        for name in names
        for p in periods
        if (v := series[name].get(p)) is not None
    ]
    axis = _value_axis(value_title, money)
    if percent:
        axis["labelExpr"] = "format(datum.value / 100, '.1f') + '%'"
    return {
        "width": "container",
        "height": 280,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "line", "point": len(periods) <= 24, "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                "title": "Quarter",
                "sort": list(periods),
                "axis": {"labelAngle": -45, "labelOverlap": "greedy"},
            },
            "y": {"field": "value", "type": "quantitative", "axis": axis},
            "color": {
                "field": "series",
                "type": "nominal",
                "sort": names,
                "scale": {
                    "domain": names,
                    "range": [PALETTE[i % len(PALETTE)] for i in range(len(names))],
                },
                "legend": None
                if len(names) == 1
                else {"columns": min(len(names), 4), "labelLimit": 400},
            },
            "tooltip": [
                {"field": "period", "title": "Quarter"},
                {"field": "series", "title": " "},
                {"field": "shown", "title": value_title},
            ],
        },
        "config": CONFIG,
    }


def state_map(
    values: dict[str, int],
    names: dict[str, str],
    *,
    value_title: str,
    money: bool = False,
    percent: bool = False,
) -> dict[str, Any]:
    """The states shaded by ``values`` (by FIPS code: cents, counts, or basis points when
    ``percent``); states without a value are grey."""
    rows = [
        {
            "fips": fips,
            "name": names.get(fips, fips),
            "value": v,
            "shown": _shown(v, money, percent),
        }
        for fips, v in values.items()
    ]
    legend: dict[str, Any] = {"title": value_title, "orient": "bottom", "gradientLength": 260}
    if money:
        legend["labelExpr"] = MONEY_AXIS_LABEL
    if percent:
        legend["labelExpr"] = "format(datum.value / 100, '.0f') + '%'"
    return {
        "width": "container",
        "height": 420,
        "autosize": {"type": "fit", "contains": "padding"},
        "data": {
            "url": static(GEOMETRY),
            "format": {"type": "topojson", "feature": "states"},
        },
        "transform": [
            {
                "lookup": "id",
                "from": {
                    "data": {"values": rows},
                    "key": "fips",
                    "fields": ["name", "value", "shown"],
                },
            }
        ],
        "projection": {"type": "identity", "reflectY": False},
        # states without a value are drawn (grey), not dropped as invalid data
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.7, "invalid": "show"},
        "encoding": {
            "color": {
                "condition": {
                    "test": "isValid(datum.value)",
                    "field": "value",
                    "type": "quantitative",
                    "scale": {"scheme": "blues"},
                    "legend": legend,
                },
                "value": "#dfe1e2",
            },
            "tooltip": [
                {"field": "name", "title": "State"},
                {"field": "shown", "title": value_title},
            ],
        },
        "config": {**CONFIG, "legend": {**CONFIG["legend"], "title": value_title}},
    }


def monthly_counts(
    months: Sequence[str], series: dict[str, dict[str, int]], *, value_title: str
) -> dict[str, Any]:
    """Counts per month stacked by series (new participants by how they joined)."""
    names = list(series)
    values = [
        {"month": m, "series": name, "value": n, "order": i}
        for i, name in enumerate(names)
        for m in months
        if (n := series[name].get(m, 0))
    ]
    return {
        "width": "container",
        "height": 260,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "month",
                "type": "ordinal",
                "title": "Month",
                "scale": {"domain": list(months)},
                "axis": {"labelAngle": -45, "labelOverlap": "greedy"},
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "stack": "zero",
                "axis": _value_axis(value_title, False),
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": names, "range": PALETTE[: len(names)]},
            },
            "order": {"field": "order", "type": "ordinal"},
            "tooltip": [
                {"field": "month", "title": "Month"},
                {"field": "series", "title": " "},
                {"field": "value", "title": value_title},
            ],
        },
        "config": CONFIG,
    }
