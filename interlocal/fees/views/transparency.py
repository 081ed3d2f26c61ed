"""The public transparency pages (``transparency:view``, no sign-in): every year of the fee
ledger's figures, a year's quarters, one quarter's distribution, and each recipient's
distribution statement as a page, a CSV and a PDF (decision 0018). Figures come from
``fees.transparency``; these views only arrange them."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from interlocal.core import charts
from interlocal.core.money import decimal_text
from interlocal.core.pdf import text_pdf
from interlocal.core.periods import Quarter
from interlocal.core.tabular import inert
from interlocal.core.ui import csv_response, require_perm
from interlocal.fees import transparency
from interlocal.fees.models import DistributionShare, RunStatus
from interlocal.fees.services import distribution
from interlocal.fees.transparency import Figures

DASH = "\u2013"  # an en dash, between the months of a quarter
MONTHS = tuple(
    f"{first}{DASH}{last}"
    for first, last in (
        ("January", "March"),
        ("April", "June"),
        ("July", "September"),
        ("October", "December"),
    )
)
ORDINALS = ("first", "second", "third", "fourth")
SERIES = ("Fees collected", "Fees distributed")


def quarter_months(q: Quarter) -> str:
    """'July-September 2026' (an en dash) for 2026Q3."""
    return f"{MONTHS[q.number - 1]} {q.year}"


def quarter_days(q: Quarter) -> str:
    """'July 1 - September 30, 2026' (an en dash) for 2026Q3."""
    return f"{q.first_day:%B} 1 {DASH} {q.last_day:%B} {q.last_day.day}, {q.year}"


def long_date(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


@dataclass
class Row:
    """A line of a table of figures: a year or a quarter, with its link."""

    figures: Figures
    label: str
    words: str
    url: str

    @property
    def rate(self) -> str:
        bps = self.figures.effective_rate_bps
        return "—" if bps is None else distribution.percent(bps)


def _year_row(f: Figures) -> Row:
    return Row(f, f.label, "", reverse("transparency:year", args=[int(f.label)]))


def _quarter_row(f: Figures) -> Row:
    q = Quarter.parse(f.label)
    return Row(f, f.label, MONTHS[q.number - 1], reverse("transparency:quarter", args=[f.label]))


def _recipients_of(rows: list[Figures]) -> list[str]:
    """The recipients that received something in ``rows``, in statement order."""
    received = {who for f in rows for who, cents in f.distributed.items() if cents}
    labels = [label for _slug, label in transparency.recipients()]
    return [x for x in labels if x in received] + sorted(received - set(labels))


def _tables(rows: list[Row], total: Figures, recipients: list[str]) -> dict[str, Any]:
    """What the two tables of figures need: the rows with a cell per recipient, the total
    line, and whether any state add-on was collected (a column only then)."""
    return {
        "rows": rows,
        "total": total,
        "total_rate": Row(total, "", "", "").rate,
        "recipients": recipients,
        "by_recipient": [
            {"row": r, "cells": [(who, r.figures.distributed.get(who, 0)) for who in recipients]}
            for r in rows
        ],
        "total_cells": [(who, total.distributed.get(who, 0)) for who in recipients],
        "show_add_ons": any(r.figures.add_ons_collected for r in rows),
    }


def _total(label: str, rows: list[Figures]) -> Figures:
    """The rows' flows summed and the last row's balances."""
    total = Figures(label, unfunded=0)
    for f in rows:
        for name in transparency.FLOWS:
            setattr(total, name, getattr(total, name) + getattr(f, name))
        for who, cents in f.distributed.items():
            total.distributed[who] = total.distributed.get(who, 0) + cents
        total.unfunded = (total.unfunded or 0) + f.unfunded_costs
    if rows:
        total.receivables, total.undistributed = rows[-1].receivables, rows[-1].undistributed
    return total


def _through() -> Quarter:
    return transparency.last_ended_quarter()


def _not_found(request: HttpRequest, message: str, **extra: Any) -> HttpResponse:
    """A 404 that says what was wrong and where to go instead."""
    context = {"message": message, "through": _through(), **extra}
    return render(request, "fees/transparency/not_found.html", context, status=404)


CSV_HEADER = [
    "period",
    "sales",
    "fees_on_sales",
    "effective_rate_percent",
    "billed",
    "state_add_ons_billed",
    "collected",
    "state_add_ons_collected",
    "program_costs",
    "unfunded_costs",
    "distributed",
    "receivables_at_end",
    "undistributed_at_end",
]


def _csv_table(rows: list[Figures], total: Figures) -> list[list[Any]]:
    """The figures in decimal dollars, one column per recipient after the totals; the last
    line sums the flows and repeats the closing balances."""
    recipients = _recipients_of(rows)
    table: list[list[Any]] = [CSV_HEADER + [f"distributed_to {inert(who)}" for who in recipients]]
    for f in [*rows, total]:
        bps = f.effective_rate_bps
        table.append(
            [
                f.label,
                decimal_text(f.sales),
                decimal_text(f.fees_on_sales),
                "" if bps is None else distribution.percent(bps).rstrip("%"),
                decimal_text(f.billed),
                decimal_text(f.add_ons_billed),
                decimal_text(f.collected),
                decimal_text(f.add_ons_collected),
                decimal_text(f.costs),
                decimal_text(f.unfunded_costs),
                decimal_text(f.distributed_total),
                decimal_text(f.receivables),
                decimal_text(f.undistributed),
                *(decimal_text(f.distributed.get(who, 0)) for who in recipients),
            ]
        )
    return table


# --------------------------------------------------------------------------- every year


@require_perm("transparency:view")
def index(request: HttpRequest) -> HttpResponse:
    """Every year since the program's first fee activity, a chart of fees collected and
    distributed, and the distributions by recipient."""
    years = transparency.years()
    rows = [_year_row(f) for f in years]
    recipients = _recipients_of(years)
    total = _total("Since the start", years)
    labels = [f.label for f in years]
    cents = {(f.label, SERIES[0]): f.collected for f in years} | {
        (f.label, SERIES[1]): f.distributed_total for f in years
    }
    chart = charts.grouped_money_bars(
        labels, SERIES, cents, category_title="Year", value_title="Dollars"
    )
    through = _through()
    latest = _latest_distributed() if years else None
    context = _tables(rows, total, recipients) | {
        "chart": chart,
        "through": through,
        "through_words": quarter_months(through),
        "first": years[0].label if years else None,
        "statements": _statement_links(latest) if latest else [],
        "latest": latest,
    }
    return render(request, "fees/transparency/index.html", context)


@require_perm("transparency:view")
def index_csv(request: HttpRequest) -> HttpResponse:
    years = transparency.years()
    return csv_response(_csv_table(years, _total("total", years)), "fee-transparency-years.csv")


def _latest_distributed() -> str | None:
    """The last ended quarter with a posted distribution run, for the statements' links."""
    return (
        DistributionShare.objects.filter(
            run__status=RunStatus.POSTED, run__period__lte=str(_through())
        )
        .order_by("-run__period")
        .values_list("run__period", flat=True)
        .first()
    )


def _statement_links(period: str) -> list[dict[str, str]]:
    return [
        {"label": label, "url": reverse("transparency:statement", args=[slug, period])}
        for slug, label in transparency.recipients()
    ]


# --------------------------------------------------------------------------- a year


@dataclass
class YearFigures:
    total: Figures | None  # None: no figures that year
    quarters: list[Figures]
    years: list[str]  # every year with figures, for the navigation
    since_start: Figures  # every quarter through the year's last, summed


def _year_figures(number: int) -> YearFigures:
    every = transparency.quarters()
    rows = [f for f in every if f.label.startswith(f"{number}Q")]
    return YearFigures(
        total=_total(str(number), rows) if rows else None,
        quarters=rows,
        years=sorted({f.label[:4] for f in every}),
        since_start=_total("since the start", [f for f in every if f.label[:4] <= str(number)]),
    )


def _methods(quarters: list[Quarter]) -> list[dict[str, Any]]:
    """The policies in effect at the end of ``quarters``, each with the quarters it governed
    and its method in words."""
    found: list[dict[str, Any]] = []
    for q in quarters:
        try:
            policy = distribution.policy_in_effect(q.last_day)
        except ValidationError:
            continue
        if found and found[-1]["policy"].pk == policy.pk:
            found[-1]["quarters"].append(str(q))
            continue
        found.append({"policy": policy, "quarters": [str(q)], "text": []})
    for f in found:
        f["text"] = distribution.method_text(f["policy"])
    return found


def _reconciliation(total: Figures, rows: list[Figures], since_start: Figures) -> dict[str, Any]:
    """Collections = distributions + undistributed, for the year and since the start; the
    totals since the start are checked against the distribution service's own sums."""
    last = Quarter.parse(rows[-1].label)
    opening = total.undistributed - total.collected + total.distributed_total
    ledger_collected = distribution.collected_through(last.last_day)
    ledger_distributed = distribution.distributed_before(last.next())
    return {
        "start": long_date(Quarter.parse(rows[0].label).first_day),
        "end": long_date(last.last_day),
        "opening": opening,
        "collected": total.collected,
        "distributed": total.distributed_total,
        "closing": total.undistributed,
        "since_collected": since_start.collected,
        "since_distributed": since_start.distributed_total,
        "ledger_collected": ledger_collected,
        "ledger_distributed": ledger_distributed,
        "agrees": (ledger_collected, ledger_distributed)
        == (since_start.collected, since_start.distributed_total),
    }


@require_perm("transparency:view")
def year(request: HttpRequest, year: int) -> HttpResponse:
    """A year's quarters, distributions by recipient, unfunded costs, the method and the
    reconciliation of collections with distributions."""
    found = _year_figures(year)
    total, quarters, years = found.total, found.quarters, found.years
    if total is None:
        return _not_found(
            request,
            f"There are no fee figures for {year}. Figures are published from the program's "
            f"first fee activity{f' ({years[0]})' if years else ''} through the last quarter "
            f"ended ({_through()}).",
            years=years,
        )
    rows = [_quarter_row(f) for f in quarters]
    recipients = _recipients_of(quarters)
    cents = {(f.label, who): c for f in quarters for who, c in f.distributed.items()}
    chart = charts.stacked_money_bars(
        [f.label for f in quarters],
        recipients,
        cents,
        category_title="Quarter",
        value_title="Distributed",
    )
    index = years.index(str(year))
    context = _tables(rows, total, recipients) | {
        "year": year,
        "year_caption": f"Fees in {year}, quarter by quarter, in U.S. dollars",
        "recipients_caption": f"Distributions to each recipient for {year}'s quarters, "
        "in U.S. dollars",
        "year_total_title": f"{year}{' to date' if quarters[-1].label[-1] != '4' else ''}",
        "chart": chart,
        "chart_has_data": any(f.distributed_total for f in quarters),
        # quarters with collections and no run yet
        "waiting": [f.label for f in quarters if not f.distributed and f.undistributed],
        "unfunded": [r for r in rows if r.figures.unfunded_costs],
        "funded_costs": sum(f.costs for f in quarters if f.distributed),
        "costs_waiting": [r for r in rows if r.figures.costs and not r.figures.distributed],
        "methods": _methods([Quarter.parse(f.label) for f in quarters]),
        "reconciliation": _reconciliation(total, quarters, found.since_start),
        "previous": years[index - 1] if index > 0 else None,
        "next": years[index + 1] if index + 1 < len(years) else None,
        "partial": quarters[-1].label != f"{year}Q4",
        "last_quarter": quarters[-1].label,
        "last_quarter_words": quarter_months(Quarter.parse(quarters[-1].label)),
    }
    return render(request, "fees/transparency/year.html", context)


@require_perm("transparency:view")
def year_csv(request: HttpRequest, year: int) -> HttpResponse:
    found = _year_figures(year)
    if found.total is None:
        return _not_found(request, f"There are no fee figures for {year}.", years=found.years)
    return csv_response(_csv_table(found.quarters, found.total), f"fee-transparency-{year}.csv")


# --------------------------------------------------------------------------- a quarter


def _parse_ended(period: str) -> tuple[Quarter | None, str]:
    """The quarter ``period`` names if it has ended, else why not."""
    try:
        return transparency.ended_quarter(period), ""
    except ValueError as exc:
        return None, f"{str(exc)[0].upper()}{str(exc)[1:]}."


@require_perm("transparency:view")
def quarter(request: HttpRequest, period: str) -> HttpResponse:
    """One quarter's figures and distribution: each recipient's share and its basis."""
    q, error = _parse_ended(period)
    if q is None:
        return _not_found(request, error)
    through_q = transparency.quarters(through=q)
    if not through_q:
        return _not_found(
            request,
            f"There are no fee figures for {q}: it is before the program's first fee activity.",
        )
    figures = through_q[-1]
    posted = [r for r in transparency.runs_of(str(q)) if r.status == RunStatus.POSTED]
    run = posted[0] if posted else None
    shares = list(run.shares.select_related("sponsor")) if run else []
    slugs = {label: slug for slug, label in transparency.recipients()}
    methods = _methods([q])
    context = {
        "q": q,
        "figures": figures,
        "row": _quarter_row(figures),
        "words": quarter_days(q),
        "ordinal": ORDINALS[q.number - 1],
        "run": run,
        "approved_on": long_date(run.approved_at.date()) if run and run.approved_at else "",
        "shares": [
            {
                "share": s,
                "percent": _share_percent(s.amount_cents, figures.distributed_total),
                "url": reverse("transparency:statement", args=[slugs[s.label], str(q)])
                if s.label in slugs
                else "",
            }
            for s in shares
        ],
        "carried": (run.distributable_cents - figures.distributed_total) if run else 0,
        "method": methods[0] if methods else None,
        "previous": through_q[-2].label if len(through_q) > 1 else None,
        "next": str(q.next()) if q.next() <= _through() else None,
    }
    return render(request, "fees/transparency/quarter.html", context)


def _share_percent(part: int, whole: int) -> str:
    """A share of the whole to two decimals, in integer arithmetic: '57.07%'."""
    if not whole:
        return "—"
    hundredths = (part * 10_000 * 2 + whole) // (2 * whole)
    return distribution.percent(hundredths)


# --------------------------------------------------------------------------- statements


def _statement(
    request: HttpRequest, slug: str, period: str
) -> tuple[transparency.Statement | None, HttpResponse | None]:
    q, error = _parse_ended(period)
    if q is None:
        return None, _not_found(request, error, recipients=_statement_links(str(_through())))
    try:
        return transparency.statement(slug, str(q)), None
    except transparency.UnknownRecipient:
        return None, _not_found(
            request,
            f"There is no recipient “{slug}”. Distributions go to program administration, the "
            "Foundation and the sponsoring associations listed below.",
            recipients=_statement_links(str(q)),
        )


@require_perm("transparency:view")
def statement(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    """A recipient's distribution statement: the quarter, the year to date, since the start,
    and the method."""
    found, refusal = _statement(request, slug, period)
    if found is None:
        assert refusal is not None
        return refusal
    q = Quarter.parse(found.period)
    earlier = found.since_start_cents - (found.line.amount_cents if found.line else 0)
    context = {
        "statement": found,
        "q": q,
        "words": quarter_months(q),
        "approved_on": long_date(found.line.approved_on)
        if found.line and found.line.approved_on
        else "",
        "year_to_date": [
            {"line": x, "words": MONTHS[Quarter.parse(x.period).number - 1]}
            for x in found.year_to_date
        ],
        "others": [x for x in _statement_links(found.period) if x["label"] != found.recipient],
        # back as far as something was distributed to the recipient
        "previous": reverse("transparency:statement", args=[slug, str(q.previous())])
        if earlier
        else None,
        "next": reverse("transparency:statement", args=[slug, str(q.next())])
        if q.next() <= _through()
        else None,
    }
    return render(request, "fees/transparency/statement.html", context)


@require_perm("transparency:view")
def statement_csv(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    found, refusal = _statement(request, slug, period)
    if found is None:
        assert refusal is not None
        return refusal
    rows = [[inert(cell) for cell in row] for row in transparency.statement_csv_rows(found)]
    return csv_response(rows, f"distribution-statement-{found.slug}-{found.period}.csv")


@require_perm("transparency:view")
def statement_pdf(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    found, refusal = _statement(request, slug, period)
    if found is None:
        assert refusal is not None
        return refusal
    title = f"Distribution statement: {found.recipient}, {found.period}"
    body = text_pdf(title, transparency.statement_pdf_paragraphs(found))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="distribution-statement-{found.slug}-{found.period}.pdf"'
    )
    return response
