"""Reconciliation: the ledger proves its own figures, and says where it does not.

For a quarter, through its end (every entry booked in it or before):

1. each invoice booked in the quarter equals the sum of its fee lines (exact cent-basis-points,
   and the cents rounded once from them);
2. for each supplier, invoices less what was applied to them (payments and credits) equals the
   receivable account's balance;
3. cash equals the payments received, and nothing else moved it;
4. the administrative fees collected (what was applied to invoices, their state add-ons
   first) equal the distributions posted plus the undistributed balance, where that balance
   is the ledger's: cash, less suppliers' credits, less add-ons collected, less
   distributions; and each posted run's entry is its shares;
5. the trial balance is zero.

Nothing is fixed: a difference is reported with the invoices, suppliers or entries involved.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from interlocal.core.money import format_usd, round_cbp
from interlocal.core.periods import Quarter
from interlocal.fees.models import (
    Allocation,
    DistributionRun,
    DistributionShare,
    EntryKind,
    FeeInvoice,
    FeeLine,
    Payment,
    Posting,
    RunStatus,
)
from interlocal.fees.services import distribution, ledger


@dataclass
class Check:
    name: str
    expected: int
    actual: int
    differences: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.expected == self.actual and not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.name,
            "expected_cents": str(self.expected),
            "actual_cents": str(self.actual),
            "ok": self.ok,
            "differences": self.differences,
            "detail": self.detail,
        }


def reconcile(period: str) -> list[Check]:
    quarter = str(Quarter.parse(period))
    return [
        _line_fees(quarter),
        _receivables(quarter),
        _cash(quarter),
        _distributions(quarter),
        _trial_balance(quarter),
    ]


def _line_fees(quarter: str) -> Check:
    invoices = FeeInvoice.objects.filter(entry__period=quarter)
    sums = dict(
        FeeLine.objects.filter(invoice__in=invoices)
        .values_list("invoice")
        .annotate(s=Sum("fee_cbp"))
        .values_list("invoice", "s")
    )
    differences, expected, actual = [], 0, 0
    for invoice in invoices.order_by("pk"):
        lines = int(sums.get(invoice.pk) or 0)
        expected += round_cbp(lines)
        actual += invoice.fee_cents
        if lines != invoice.fee_exact_cbp or round_cbp(lines) != invoice.fee_cents:
            differences.append(
                f"{invoice.number}: lines {lines} cbp = {round_cbp(lines)} cents, invoice "
                f"{invoice.fee_exact_cbp} cbp = {invoice.fee_cents} cents "
                f"(entry #{invoice.entry_id})"
            )
    return Check("sum of line fees = invoices booked in the quarter", expected, actual, differences)


def _receivables(quarter: str) -> Check:
    def by_supplier(rows: Any) -> dict[int, int]:
        return {supplier: int(cents or 0) for supplier, cents in rows}

    def billed(**booked: str) -> dict[int, int]:
        rows = FeeInvoice.objects.filter(**booked).values_list("supplier")
        return by_supplier(rows.annotate(s=Sum("fee_cents")))

    issued = billed(entry__period__lte=quarter)
    reversed_ = billed(reversal__period__lte=quarter)
    applied = by_supplier(
        Allocation.objects.filter(entry__period__lte=quarter)
        .values_list("invoice__supplier")
        .annotate(s=Sum("amount_cents"))
    )
    accounts = ledger.balances("receivable:supplier:", through=quarter)
    differences, expected, actual = [], 0, 0
    for supplier in sorted(set(issued) | set(applied)):
        owed = issued.get(supplier, 0) - reversed_.get(supplier, 0) - applied.get(supplier, 0)
        balance = accounts.get(f"receivable:supplier:{supplier}", 0)
        expected, actual = expected + owed, actual + balance
        if owed != balance:
            differences.append(
                f"supplier {supplier}: invoices less payments and credits {owed}, "
                f"receivable account {balance}"
            )
    return Check("invoices - payments - credits = receivables", expected, actual, differences)


def _cash(quarter: str) -> Check:
    received = int(
        Payment.objects.filter(entry__period__lte=quarter).aggregate(s=Sum("amount_cents"))["s"]
        or 0
    )
    balance = ledger.balance(ledger.CASH, through=quarter)
    return Check("cash = payments received", received, balance)


def _distributions(quarter: str) -> Check:
    collected, add_ons = distribution.collections_through(Quarter.parse(quarter).last_day)
    credits = -sum(ledger.balances("credit:supplier:", through=quarter).values())
    cash = ledger.balance(ledger.CASH, through=quarter)
    posted = Posting.objects.filter(entry__kind=EntryKind.DISTRIBUTION, entry__period__lte=quarter)
    distributed = int(posted.aggregate(s=Sum("amount_cents"))["s"] or 0)
    undistributed = cash - credits - add_ons - distributed
    differences = []
    runs = list(
        DistributionRun.objects.filter(status=RunStatus.POSTED, period__lte=quarter).order_by(
            "period"
        )
    )
    # every run's shares and its entry's legs, in two queries whatever the number of runs
    shares_of: dict[int, dict[int, int]] = {r.pk: {} for r in runs}
    for run_id, account, cents in DistributionShare.objects.filter(
        run__in=runs, amount_cents__gt=0
    ).values_list("run", "account", "amount_cents"):
        shares_of[run_id][account] = cents
    legs_of: dict[int, dict[int, int]] = {r.entry_id: {} for r in runs if r.entry_id}
    for entry, account, cents in Posting.objects.filter(entry__in=list(legs_of)).values_list(
        "entry", "credit", "amount_cents"
    ):
        legs_of[entry][account] = cents
    for run in runs:
        shares, legs = shares_of[run.pk], legs_of.get(run.entry_id or 0, {})
        if shares != legs:
            differences.append(
                f"run #{run.pk} ({run.period}): shares {sum(shares.values())}, entry "
                f"#{run.entry_id} posts {sum(legs.values())}"
            )
    if undistributed < 0:
        differences.append(f"distributed {distributed}, more than collected {collected}")
    return Check(
        "collections = distributions + undistributed balance",
        collected,
        distributed + undistributed,
        differences,
        detail=f"distributed {format_usd(distributed)}, undistributed "
        f"{format_usd(undistributed)} (cash {format_usd(cash)} less suppliers' credits "
        f"{format_usd(credits)} and state add-ons collected {format_usd(add_ons)})",
    )


def _trial_balance(quarter: str) -> Check:
    """The balances of every account, summed: zero when every entry balances."""
    postings = Posting.objects.filter(entry__period__lte=quarter)
    debits = postings.values_list("debit").annotate(s=Sum("amount_cents")).values_list("s")
    credits = postings.values_list("credit").annotate(s=Sum("amount_cents")).values_list("s")
    total = sum(int(d) for (d,) in debits) - sum(int(c) for (c,) in credits)
    return Check("trial balance = 0", 0, total)
