"""The quarterly report to the Board, as a printable PDF: the quarter's key figures beside the
quarter before and the year before, sales over the last twelve quarters, a map of sales by
state, and the largest states, agreements and agency types. Figures come from ``queries``
(the same as the pages'); charts are drawn with ReportLab's vector graphics, so they print
sharp, and the map from the same Census geometry as the pages' (``geometry``).

The document is deterministic (no creation date, ReportLab's ``invariant``): the same figures
give the same bytes."""

import io
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from interlocal.analytics import geometry, queries
from interlocal.analytics.ask import Ask
from interlocal.core.models import State
from interlocal.core.money import format_usd, round_cbp

BLUE = colors.HexColor("#005ea2")
GREY = colors.HexColor("#dfe1e2")
INK = colors.HexColor("#1b1b1b")
# the map's shades, lightest to darkest (USWDS blue-5 to blue-80)
SHADES = [
    colors.HexColor(c) for c in ("#e7f2f5", "#c2dfe9", "#73b3e7", "#2378c3", "#0050d8", "#162e51")
]
WIDTH = LETTER[0] - 1.5 * inch


def board_pdf(ask: Ask, program: str) -> bytes:
    """The board report of ``ask``'s span and scope."""
    styles = getSampleStyleSheet()
    now = queries.totals(ask.scope, ask.span, ask.where)
    before = queries.totals(ask.scope, ask.span.previous(), ask.where)
    year = queries.totals(ask.scope, ask.span.year_before(), ask.where)
    story: list[Any] = [
        Paragraph(f"{program}: report to the Board, {ask.span}", styles["Title"]),
        Paragraph(
            f"{ask.scope.label}. Sales reported by suppliers and accepted by the program office; "
            "the administrative fees on them; agencies buying. Every figure is on the program's "
            "analytics pages, with its method.",
            styles["Normal"],
        ),
        Spacer(1, 10),
        _key_figures(ask, now, before, year),
        Spacer(1, 14),
        Paragraph("Sales in the last twelve quarters", styles["Heading3"]),
        _trend(ask),
    ]
    states = queries.figures(ask.scope, ask.span, ["state"], ask.where)
    if "state" not in ask.where and states:
        heading = Paragraph(f"Sales by state, {ask.span}", styles["Heading3"])
        story.append(KeepTogether([heading, _map(states)]))
    story += [
        Paragraph(
            f"The largest states, agreements and agency types, {ask.span}", styles["Heading3"]
        ),
        _largest(ask, states),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=LETTER,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
        title=f"Report to the Board, {ask.span}",
        author=program,
        invariant=1,
    )
    doc.build(story)
    return out.getvalue()


def _key_figures(ask: Ask, now: dict, before: dict, year: dict) -> Table:
    rows = [
        [
            "",
            str(ask.span),
            str(ask.span.previous()),
            "Change",
            str(ask.span.year_before()),
            "Change",
        ]
    ]
    money = [
        ("Sales", "sales_cents"),
        ("Administrative fees", "fee"),
        ("Price savings", "savings_cents"),
    ]
    counts = [
        ("Agencies buying", "agencies"),
        ("First uses of an agreement", "first_uses"),
        ("Invoice lines", "lines"),
    ]
    for f in (now, before, year):
        f["fee"] = round_cbp(f["fee_cbp"])
    for label, key in money:
        rows.append(_compared(label, key, now, before, year, format_usd))
    for label, key in counts:
        rows.append(_compared(label, key, now, before, year, lambda n: f"{n:,}"))
    coverage = queries.share(now["priced_cents"], now["sales_cents"])
    rows.append(["Sales with a list price (savings coverage)", coverage, "", "", "", ""])
    diverse = queries.share(now["diverse_cents"], now["sales_cents"])
    rows.append(["Share with certified diverse suppliers", diverse, "", "", "", ""])
    table = Table(
        rows, colWidths=[2.3 * inch, 1.1 * inch, 1.1 * inch, 0.65 * inch, 1.1 * inch, 0.65 * inch]
    )
    table.setStyle(_table_style(numeric_from=1))
    return table


def _compared(label: str, key: str, now: dict, before: dict, year: dict, shown: Any) -> list[str]:
    return [
        label,
        shown(now[key]),
        shown(before[key]),
        queries.change(now[key], before[key]),
        shown(year[key]),
        queries.change(now[key], year[key]),
    ]


def _table_style(numeric_from: int) -> TableStyle:
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, GREY),
            ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
        ]
    )


def _trend(ask: Ask) -> Drawing:
    """Bars of sales in the twelve quarters ending with the span's last."""
    span = queries.Span.ending(ask.span.last, 12)
    rows = {
        r["period"]: r["sales_cents"]
        for r in queries.figures(ask.scope, span, ["period"], ask.where)
    }
    periods = span.periods
    height, left, bottom = 150, 60, 24
    drawing = Drawing(WIDTH, height + bottom + 10)
    top = max(rows.values(), default=0) or 1
    slot = (WIDTH - left) / len(periods)
    drawing.add(Line(left, bottom, WIDTH, bottom, strokeColor=INK, strokeWidth=0.6))
    for tick in (0.5, 1.0):
        y = bottom + height * tick
        drawing.add(Line(left, y, WIDTH, y, strokeColor=GREY, strokeWidth=0.4))
        drawing.add(String(left - 4, y - 3, _short(int(top * tick)), fontSize=7, textAnchor="end"))
    for i, period in enumerate(periods):
        cents = rows.get(period, 0)
        x = left + i * slot + slot * 0.15
        bar = height * max(cents, 0) / top
        colour = BLUE if period == str(ask.span.last) else colors.HexColor("#73b3e7")
        drawing.add(Rect(x, bottom, slot * 0.7, bar, fillColor=colour, strokeColor=None))
        drawing.add(String(x + slot * 0.35, bottom - 11, period, fontSize=6.5, textAnchor="middle"))
    return drawing


def _short(cents: int) -> str:
    dollars = cents / 100
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(dollars) >= size:
            return f"${dollars / size:,.1f}{suffix}"
    return f"${dollars:,.0f}"


def _map(states: list[dict[str, Any]]) -> Drawing:
    """The states shaded by sales in six classes of equal width; grey where nothing sold."""
    fips = dict(State.objects.values_list("pk", "fips"))
    sales = {fips[r["state_id"]]: r["sales_cents"] for r in states}
    top = max(sales.values(), default=0) or 1
    scale = 0.8 * WIDTH / geometry.WIDTH
    height = geometry.HEIGHT * scale
    drawing = Drawing(0.8 * WIDTH, height + 16)
    for code, rings in geometry.state_rings().items():
        cents = sales.get(code)
        shade = (
            GREY if not cents else SHADES[min(len(SHADES) - 1, cents * len(SHADES) // (top + 1))]
        )
        for ring in rings:
            points = [v for x, y in ring for v in (x * scale, height - y * scale + 16)]
            drawing.add(Polygon(points, fillColor=shade, strokeColor=colors.white, strokeWidth=0.4))
    step = top / len(SHADES)
    for i, shade in enumerate(SHADES):
        x = 0.8 * WIDTH - (len(SHADES) - i) * 62
        drawing.add(Rect(x, 2, 12, 8, fillColor=shade, strokeColor=None))
        drawing.add(String(x + 15, 3, f"{_short(int(step * i))}+", fontSize=6.5))
    return drawing


def _largest(ask: Ask, states: list[dict[str, Any]]) -> Table:
    """Three top-five lists side by side."""
    names = dict(State.objects.values_list("pk", "name"))
    agreements = queries.figures(ask.scope, ask.span, ["agreement"], ask.where)[:5]
    labels = queries.labels("agreement", [r["agreement_id"] for r in agreements])
    kinds = queries.figures(ask.scope, ask.span, ["agency_type"], ask.where)[:5]
    kind_names = queries.labels("agency_type", [r["agency_type"] for r in kinds])
    columns = [
        [(names[r["state_id"]], r["sales_cents"]) for r in states[:5]],
        [(labels[r["agreement_id"]].split(" ")[0], r["sales_cents"]) for r in agreements],
        [(kind_names[r["agency_type"]], r["sales_cents"]) for r in kinds],
    ]
    rows = [["State", "Sales", "Agreement", "Sales", "Agency type", "Sales"]]
    for i in range(5):
        row: list[str] = []
        for column in columns:
            name, cents = column[i] if i < len(column) else ("", None)
            row += [name[:30], format_usd(cents) if cents is not None else ""]
        rows.append(row)
    table = Table(
        rows, colWidths=[1.05 * inch, 1.0 * inch, 1.3 * inch, 1.0 * inch, 1.65 * inch, 1.0 * inch]
    )
    style = _table_style(numeric_from=1)
    style.add("ALIGN", (2, 0), (2, -1), "LEFT")
    style.add("ALIGN", (4, 0), (4, -1), "LEFT")
    table.setStyle(style)
    return table
