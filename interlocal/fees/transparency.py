"""The fee ledger's public figures: per quarter and per year, what was sold, billed, collected,
spent on administration and distributed to whom, and what is still owed; and each recipient's
distribution statement. Reads only (the ``queries`` of the public pages and the API).

Every figure comes from the ledger's own rows in a few grouped queries over the whole history,
so a page of twenty years costs the same as a page of one:

- sales: the accepted reports of the sales quarter, and the fees on them (the standing
  invoices of the sales quarter, issued when the reports were accepted, usually the next
  quarter);
- billed: invoices issued in the quarter less invoices reversed in it (state add-ons included);
- collected: what was applied to invoices in the quarter, state add-on first (as
  ``services.distribution`` counts it), administrative fees and add-ons apart;
- costs: the approved program costs of the quarter;
- distributed: the posted run of the quarter, by recipient;
- receivables, undistributed: balances at the quarter's end.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from interlocal.core.money import format_usd
from interlocal.core.periods import Quarter
from interlocal.fees.models import (
    Allocation,
    DistributionRun,
    DistributionShare,
    FeeInvoice,
    ProgramCost,
    Recipient,
    RunStatus,
)
from interlocal.fees.services import distribution
from interlocal.registry.models import Sponsor
from interlocal.reporting.models import ReportObligation

FLOWS = (
    "sales",
    "fees_on_sales",
    "billed",
    "add_ons_billed",
    "collected",
    "add_ons_collected",
    "costs",
)


@dataclass
class Figures:
    """One quarter's or one year's figures, in cents."""

    label: str
    sales: int = 0
    fees_on_sales: int = 0  # the standing invoices of the sales quarter, wherever booked
    billed: int = 0
    add_ons_billed: int = 0
    collected: int = 0
    add_ons_collected: int = 0
    costs: int = 0
    distributed: dict[str, int] = field(default_factory=dict)  # recipient label -> cents
    receivables: int = 0  # at the end
    undistributed: int = 0  # at the end
    # A sum of quarters: their unfunded costs, each quarter's own (a quarter whose run is still
    # to come has none yet, though its costs count).
    unfunded: int | None = None

    @property
    def distributed_total(self) -> int:
        return sum(self.distributed.values())

    @property
    def administration(self) -> int:
        return self.distributed.get(Recipient.ADMINISTRATION.label, 0)

    @property
    def unfunded_costs(self) -> int:
        if self.unfunded is not None:
            return self.unfunded
        return max(0, self.costs - self.administration) if self.distributed else 0

    @property
    def effective_rate_bps(self) -> int | None:
        """The fees on the period's sales per sales dollar, in basis points."""
        return round(self.fees_on_sales * 10_000 / self.sales) if self.sales else None


def recipients() -> list[tuple[str, str]]:
    """(slug, label) of every recipient a distribution can have, in statement order."""
    fixed = [("administration", Recipient.ADMINISTRATION.label), ("foundation", "Foundation")]
    return fixed + [(s.acronym.lower(), s.acronym) for s in Sponsor.objects.order_by("acronym")]


def last_ended_quarter(today: datetime.date | None = None) -> Quarter:
    return Quarter.containing(today or timezone.localdate()).previous()


def ended_quarter(text: str) -> Quarter:
    """The quarter ``text`` names, if it has ended: figures and statements are published once
    a quarter is over. A ValueError says what is wrong."""
    try:
        quarter = Quarter.parse(text)
    except ValueError as exc:
        raise ValueError(f"{exc} (the year, Q and the quarter's number, 1 to 4)") from None
    last = last_ended_quarter()
    if quarter > last:
        raise ValueError(
            f"{quarter} has not ended yet; figures are published once a quarter is over, and "
            f"the latest is {last}"
        )
    return quarter


def quarters(through: Quarter | None = None) -> list[Figures]:
    """The figures of every quarter from the first with fee activity through ``through`` (the
    last ended quarter by default), oldest first."""
    through = through or last_ended_quarter()
    first = _first_quarter()
    if first is None or first > through:
        return []
    periods = []
    q = first
    while q <= through:
        periods.append(str(q))
        q = q.next()
    rows = {p: Figures(p) for p in periods}
    _sales(rows)
    _billed(rows)
    _collected(rows)
    for period, cents in _sum_by(ProgramCost.objects, "period", "amount_cents").items():
        if period in rows:
            rows[period].costs = max(0, cents)
    shares = DistributionShare.objects.filter(run__status=RunStatus.POSTED).select_related(
        "run", "sponsor"
    )
    for share in shares:
        if share.run.period in rows:
            row = rows[share.run.period]
            row.distributed[share.label] = row.distributed.get(share.label, 0) + share.amount_cents
    _balances(rows, periods)
    return [rows[p] for p in periods]


def years(through: Quarter | None = None) -> list[Figures]:
    """The quarters summed by calendar year (balances: at the year's last quarter)."""
    out: dict[str, Figures] = {}
    for row in quarters(through):
        year = row.label[:4]
        total = out.setdefault(year, Figures(year))
        for name in FLOWS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for who, cents in row.distributed.items():
            total.distributed[who] = total.distributed.get(who, 0) + cents
        total.unfunded = (total.unfunded or 0) + row.unfunded_costs
        total.receivables, total.undistributed = row.receivables, row.undistributed
    return list(out.values())


def year(number: int, through: Quarter | None = None) -> tuple[Figures | None, list[Figures]]:
    """A year's totals and its quarters."""
    rows = [q for q in quarters(through) if q.label.startswith(f"{number}Q")]
    totals = next((y for y in years(through) if y.label == str(number)), None)
    return totals, rows


def _first_quarter() -> Quarter | None:
    first = FeeInvoice.objects.order_by("issued_on").values_list("issued_on", flat=True).first()
    sales = (
        ReportObligation.objects.filter(accepted__isnull=False)
        .order_by("period")
        .values_list("period", flat=True)
        .first()
    )
    found = [q for q in (first and Quarter.containing(first), sales and Quarter.parse(sales)) if q]
    return min(found) if found else None


def _sum_by(qs: Any, key: str, value: str) -> dict[Any, int]:
    return {k: int(v or 0) for k, v in qs.values_list(key).annotate(s=Sum(value))}


def _sales(rows: dict[str, Figures]) -> None:
    accepted = ReportObligation.objects.filter(accepted__isnull=False)
    for period, cents in _sum_by(accepted, "period", "accepted__total_cents").items():
        if period in rows:
            rows[period].sales = cents


def _billed(rows: dict[str, Figures]) -> None:
    standing = FeeInvoice.objects.filter(entry__isnull=False, reversal__isnull=True)
    for period, cents in _sum_by(standing, "sales_period", "fee_cents").items():
        if period in rows:
            rows[period].fees_on_sales = cents
    issued = FeeInvoice.objects.filter(entry__isnull=False)
    reversed_ = FeeInvoice.objects.filter(reversal__isnull=False)
    for qs, key, sign in ((issued, "entry__period", 1), (reversed_, "reversal__period", -1)):
        for period, fee, add_on in qs.values_list(key).annotate(
            f=Sum("fee_cents"), a=Sum("add_on_cents")
        ):
            if period in rows:
                rows[period].billed += sign * int(fee or 0)
                rows[period].add_ons_billed += sign * int(add_on or 0)


def _collected(rows: dict[str, Figures]) -> None:
    """Per invoice, what was applied through each quarter, split add-on first
    (``services.distribution.split_applied``), differenced quarter by quarter."""
    applied = (
        Allocation.objects.values_list("invoice", "invoice__add_on_cents", "entry__period")
        .annotate(s=Sum("amount_cents"))
        .order_by("invoice", "entry__period")
    )
    running: dict[int, int] = defaultdict(int)
    for invoice, add_on, period, cents in applied:
        before = running[invoice]
        after = before + int(cents)
        running[invoice] = after
        row = rows.get(period)
        if row is None:
            continue
        (fee_after, add_on_after) = distribution.split_applied(after, add_on)
        (fee_before, add_on_before) = distribution.split_applied(before, add_on)
        row.collected += fee_after - fee_before
        row.add_ons_collected += add_on_after - add_on_before


def _balances(rows: dict[str, Figures], periods: list[str]) -> None:
    """Receivables (billed less applied) and undistributed (collected less distributed), each
    running from the start."""
    owed = undistributed = 0  # the first quarter shown is the first with activity
    applied = _sum_by(Allocation.objects, "entry__period", "amount_cents")
    for period in periods:
        row = rows[period]
        owed += row.billed - applied.get(period, 0)
        undistributed += row.collected - row.distributed_total
        row.receivables, row.undistributed = owed, undistributed


# --- statements ---------------------------------------------------------------------------------


@dataclass
class StatementLine:
    period: str
    run: int
    amount_cents: int
    basis: str
    approved_on: datetime.date | None


@dataclass
class Statement:
    """A recipient's distributions: the quarter asked for, the year to date, since the start."""

    slug: str
    recipient: str
    period: str
    line: StatementLine | None
    year_to_date: list[StatementLine]
    since_start_cents: int
    method: list[str]
    policy: str

    @property
    def year_to_date_cents(self) -> int:
        return sum(x.amount_cents for x in self.year_to_date)


class UnknownRecipient(LookupError):
    pass


def statement(slug: str, period: str) -> Statement:
    """``slug``'s distribution statement for the quarter ``period`` (``Quarter.parse`` raises a
    ValueError for a malformed one; an unknown recipient raises UnknownRecipient)."""
    quarter = Quarter.parse(period)
    names = dict(recipients())
    if slug not in names:
        raise UnknownRecipient(f"no recipient {slug!r}; one of: {', '.join(names)}")
    shares = DistributionShare.objects.filter(run__status=RunStatus.POSTED).select_related("run")
    if slug == "administration":
        shares = shares.filter(recipient=Recipient.ADMINISTRATION)
    elif slug == "foundation":
        shares = shares.filter(recipient=Recipient.FOUNDATION)
    else:
        shares = shares.filter(sponsor__acronym__iexact=slug)
    lines = [
        StatementLine(
            s.run.period,
            s.run.pk,
            s.amount_cents,
            s.basis,
            s.run.approved_at.date() if s.run.approved_at else None,
        )
        for s in shares.filter(run__period__lte=str(quarter)).order_by("run__period")
    ]
    try:
        policy = distribution.policy_in_effect(quarter.last_day)
        method, policy_name = distribution.method_text(policy), policy.name
    except ValidationError:  # no policy that day: say so rather than fail the page
        method, policy_name = [], "no distribution policy in effect"
    return Statement(
        slug=slug,
        recipient=names[slug],
        period=str(quarter),
        line=next((x for x in lines if x.period == str(quarter)), None),
        year_to_date=[x for x in lines if x.period[:4] == str(quarter.year)],
        since_start_cents=sum(x.amount_cents for x in lines),
        method=method,
        policy=policy_name,
    )


def statement_csv_rows(found: Statement) -> Iterable[list[str]]:
    yield ["recipient", "period", "run", "amount", "basis", "approved on"]
    for x in found.year_to_date:
        yield [
            found.recipient,
            x.period,
            str(x.run),
            format_usd(x.amount_cents),
            x.basis,
            str(x.approved_on or ""),
        ]
    yield [
        found.recipient,
        f"{found.period[:4]} to date",
        "",
        format_usd(found.year_to_date_cents),
        "",
        "",
    ]
    yield [found.recipient, "since the start", "", format_usd(found.since_start_cents), "", ""]


def statement_pdf_paragraphs(found: Statement) -> list[str]:
    """The statement as the PDF prints it: plain paragraphs."""
    out = [f"Recipient: {found.recipient}. Quarter: {found.period}. Policy: {found.policy}."]
    if found.line is None:
        out.append(f"Nothing was distributed to {found.recipient} for {found.period}.")
    else:
        out.append(
            f"Distributed for {found.period}: {format_usd(found.line.amount_cents)} "
            f"(run #{found.line.run}, approved {found.line.approved_on}). Basis: "
            f"{found.line.basis}."
        )
    for x in found.year_to_date:
        out.append(f"{x.period}: {format_usd(x.amount_cents)} (run #{x.run}).")
    out.append(
        f"Year to date: {format_usd(found.year_to_date_cents)}. Since the start: "
        f"{format_usd(found.since_start_cents)}."
    )
    out += ["How distributions are made:", *found.method]
    return out


def runs_of(period: str) -> list[DistributionRun]:
    return list(DistributionRun.objects.filter(period=period).select_related("policy"))
