"""The demo's fee ledger: every report of the sales history invoiced as it is written, paid
the way suppliers pay, and every quarter's collections distributed.

``reporting.demo`` calls :func:`invoice_and_pay` in each history quarter's own transaction,
after the quarter's reports are accepted (``_finish``), so a quarter's invoices and payments are
written with it or not at all, and a stopped history resumes correctly. Everything goes through
the real services: ``assessment.assess`` books each invoice on the day its report was accepted
(the ledger period opens itself), and ``payments.record_payment`` records each payment, as the
operator (actor None), naming the invoice it pays. At national scale the history's 707 invoices
take 66 s (their 21 million fee lines) and its 776 payments about 5 s (docs/fees.md "Demo"), so
there is no bulk path: every row, posting and audit event is the services' own.

Who pays how is drawn from the demo's seed (``Payers.choose``), by supplier rank, so it is the
same on every database and in a resumed run; each invoice's own draws (days, shares) come from
its agreement number and quarter. Counting quarters back from the last one ended (``last``):

- *on time*, most suppliers: each invoice in full by ACH, 5-29 days after issue (before it is
  due, 30 days after issue), reference ``ACH-<invoice number>``;
- *in two parts*, about one in six: 40-70% of it by ACH 5-20 days after issue, the rest 10-30
  days later (``ACH-<number>-1``, ``-2``);
- *by check*, one supplier (two at national scale): checks rounded up to the next hundred
  dollars, so a little is overpaid each time and becomes the supplier's credit, which pays its
  next invoice when that is issued (``CHK-<number>``). The round-up is only sent while the
  quarter after the sales quarter lasts, so a credit always exists before the invoice it pays;
- *habitually late*, one supplier (three at national scale): in full 31-90 days after issue
  (1-60 days past due);
- *stopped paying*, the worst: the largest seller of the last three quarters (the persona's
  supplier excepted) among those that filed on time in each of them leaves every invoice of
  those three quarters unpaid, so its oldest are always more than 90 days past due;
- *fell behind*, the next largest seller among those that filed on time in the last two
  quarters: pays on time, then leaves the invoices of those two quarters unpaid;
- *the supplier persona's* (``rep@supplier.demo``, rank 0, the program's largest seller): on
  time, except that the invoice of its smallest agreement for the quarter before ``last``
  (a report filed on time) is left unpaid, more than 30 days past due whatever the day, beside
  the report of ``last`` it has not filed (``reporting.demo.recent``). The persona has
  something overdue to see and settle, far less than the supplier that stopped paying; it is
  not habitually late, because as the largest seller its open invoices of the last weeks alone
  would put it at the top of the aging.

Each history quarter's collections are then distributed in the same transaction
(:func:`distribute`): its approved program costs recorded (a floor of $150,000, or 28% of what
it collected, by category), the run prepared by the program administrator persona and approved
by the treasurer (``registry.demo.seed.TREASURER``), under the founding sponsors' agreement
(fixed shares) until 2015 and a constituency-weighted one from 2016 (``POLICIES``). The
quarter's payments all come from earlier quarters' reports, so they are all written by then. The
last quarter ended is prepared and left waiting for the treasurer's approval, as a program office
would find it in the first weeks of a quarter.

A payment is only recorded on a day that has come: invoices of the last weeks stay open, not yet
due, and so does whatever a late payer has not sent yet. Invoices are issued within a few weeks
of each quarter's end, so which aging buckets the unpaid ones fill depends on the day: early in
a quarter the last-but-one quarter's invoices are 31-90 days past due; from about the 56th to
the 65th day after a quarter ends no invoice of anyone's is 31-90 days past due (the last
quarter's are not yet 31 days late, the one before's are all past 90), and 0-30 and 90+ are all
there is.
"""

import datetime
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Sum
from django.utils import timezone

from interlocal.agreements.models import Agreement
from interlocal.core.money import allocate
from interlocal.core.periods import Quarter
from interlocal.fees.models import DistributionPolicy, FeeInvoice, Payment
from interlocal.fees.services import assess, distribution, payments
from interlocal.fees.services.distribution import ShareSpec
from interlocal.registry.models import Sponsor, Supplier
from interlocal.reporting.models import ReportStatus

if TYPE_CHECKING:  # reporting.demo imports this module
    from interlocal.reporting.demo.plan import ReportPlan
    from interlocal.reporting.models import SalesReport

ON_TIME, IN_PARTS, BY_CHECK, LATE = "on time", "in two parts", "by check", "habitually late"
STOPPED, BEHIND, PERSONA = "stopped paying", "fell behind", "supplier persona"
#: Checks are rounded up to this many cents.
CHECK_ROUNDING = 10_000


@dataclass(frozen=True)
class Pay:
    """One payment an invoice is to receive."""

    day: datetime.date
    cents: int
    method: str
    reference: str


@dataclass
class Payers:
    """How each supplier pays its fee invoices: a habit by supplier id (``ON_TIME`` when not
    named), and the invoices left unpaid, by (agreement number, quarter)."""

    seed: int
    today: datetime.date
    habits: dict[int, str] = field(default_factory=dict)
    unpaid: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def choose(
        cls,
        seed: int,
        plans: Sequence["ReportPlan"],
        today: datetime.date,
        persona_supplier_id: int | None,
    ) -> "Payers":
        """The cast, from the history's plans (the quarters written in bulk)."""
        rng = random.Random(f"demo-fees-{seed}")
        last = Quarter.containing(today).previous()
        recent = {str(last), str(last.previous()), str(last.previous().previous())}
        ranks: dict[int, int] = {}
        sold: dict[int, float] = {}
        for plan in plans:
            supplier = plan.agreement.supplier_id
            ranks[supplier] = plan.agreement.supplier_rank
            if plan.period in recent:
                sold[supplier] = sold.get(supplier, 0.0) + plan.dollars
        payers = cls(seed, today)
        persona = persona_supplier_id if persona_supplier_id in ranks else None
        if persona is not None:
            payers.habits[persona] = PERSONA
            own = [
                p
                for p in plans
                if p.agreement.supplier_id == persona
                and p.quarter == last.previous()
                and not p.days_late  # so it is more than 30 days past due on any day
                and (p.first_day, p.last_day) == (p.quarter.first_day, p.quarter.last_day)
            ]
            if own:
                smallest = min(own, key=lambda p: (p.dollars, p.agreement.number))
                payers.unpaid.add((smallest.agreement.number, smallest.period))
        others = sorted((s for s in ranks if s != persona), key=ranks.__getitem__)
        # reports filed on time: the worst's of three quarters ago is then 90+ days past due
        # on any day
        reported = {(p.agreement.supplier_id, p.period) for p in plans if not p.days_late}

        def selling_in(*quarters: Quarter) -> list[int]:
            """The suppliers other than those chosen already that filed on time in every one
            of ``quarters``, else those selling in any of the last three."""
            every = [s for s in others if all((s, str(q)) in reported for q in quarters)]
            return every or [s for s in others if sold.get(s)]

        # the worst owes the most: the largest seller of the three quarters it has not paid
        selling = selling_in(last, last.previous(), last.previous().previous())
        if selling:
            worst = max(selling, key=lambda s: (sold[s], -ranks[s]))
            payers.habits[worst] = STOPPED
            others.remove(worst)
        selling = selling_in(last, last.previous())
        if selling:
            behind = max(selling, key=lambda s: (sold[s], -ranks[s]))
            payers.habits[behind] = BEHIND
            others.remove(behind)
        big = len(others) >= 20
        for habit, count in ((LATE, 3 if big else 1), (BY_CHECK, 2 if big else 1)):
            for supplier in rng.sample(others, min(count, len(others))):
                payers.habits[supplier] = habit
                others.remove(supplier)
        for supplier in rng.sample(others, max(1, len(others) // 6) if others else 0):
            payers.habits[supplier] = IN_PARTS
        return payers

    def cast(self) -> dict[str, list[int]]:
        """The suppliers of each habit but "on time", by id."""
        out: dict[str, list[int]] = {}
        for supplier, habit in sorted(self.habits.items()):
            out.setdefault(habit, []).append(supplier)
        return out

    def habit(self, supplier_id: int) -> str:
        return self.habits.get(supplier_id, ON_TIME)

    def left_unpaid(self, invoice: FeeInvoice, agreement_number: str) -> bool:
        habit = self.habit(invoice.supplier_id)
        last = Quarter.containing(self.today).previous()
        if habit == STOPPED:
            return invoice.sales_period >= str(last.previous().previous())
        if habit == BEHIND:
            return invoice.sales_period >= str(last.previous())
        return (agreement_number, invoice.sales_period) in self.unpaid

    def payments_of(self, invoice: FeeInvoice, agreement_number: str, owed: int) -> list[Pay]:
        """The payments ``invoice`` receives, ``owed`` cents being what is left to pay on it
        (its fee less any credit already applied), whether their day has come or not."""
        if owed <= 0 or self.left_unpaid(invoice, agreement_number):
            return []
        rng = random.Random(f"demo-fees-{self.seed}-{agreement_number}-{invoice.sales_period}")
        habit, number = self.habit(invoice.supplier_id), invoice.number
        issued = invoice.issued_on

        def after(low: int, high: int, day: datetime.date = issued) -> datetime.date:
            return day + datetime.timedelta(days=rng.randint(low, high))

        if habit == LATE:
            return [Pay(after(31, 90), owed, Payment.Method.ACH, f"ACH-{number}")]
        if habit == IN_PARTS and owed >= 200:
            first = max(100, round(owed * rng.uniform(0.4, 0.7) / 100) * 100)  # whole dollars
            if first < owed:
                day = after(5, 20)
                return [
                    Pay(day, first, Payment.Method.ACH, f"ACH-{number}-1"),
                    Pay(after(10, 30, day), owed - first, Payment.Method.ACH, f"ACH-{number}-2"),
                ]
        if habit == BY_CHECK:
            day = after(5, 29)
            cents = owed
            # a credit must exist before the next invoice it pays: the next quarter's reports
            # are filed once that quarter has ended
            if day <= Quarter.parse(invoice.sales_period).next().last_day:
                cents = -(-owed // CHECK_ROUNDING) * CHECK_ROUNDING
            return [Pay(day, cents, Payment.Method.CHECK, f"CHK-{number}")]
        return [Pay(after(5, 29), owed, Payment.Method.ACH, f"ACH-{number}")]


def invoice_and_pay(reports: Iterable["SalesReport"], payers: Payers) -> dict[str, float]:
    """Invoice the accepted ``reports`` of one history quarter, in the order they were
    accepted, each booked on its day, then record the payments whose day has come. Runs inside
    the caller's transaction; returns counts and the seconds each part took."""
    started = time.perf_counter()
    accepted = sorted(
        (r for r in reports if r.status == ReportStatus.ACCEPTED),
        key=lambda r: (r.accepted_at, r.pk),
    )
    invoices = []
    for report in accepted:
        booked_on = timezone.localdate(report.accepted_at)
        invoice = assess(report, previous=None, booked_on=booked_on, actor=None)
        if invoice is not None:
            invoices.append(invoice)
    assessed = time.perf_counter()
    paid = pay(invoices, payers)
    return {
        "invoices": len(invoices),
        "payments": paid,
        "assess_seconds": assessed - started,
        "pay_seconds": time.perf_counter() - assessed,
    }


def pay(invoices: Sequence[FeeInvoice], payers: Payers) -> int:
    """Record the payments ``invoices`` receive up to ``payers.today``, each naming its
    invoice, as the operator; returns how many were recorded."""
    owed = {
        i.pk: i.outstanding_cents
        for i in payments.with_outstanding(
            FeeInvoice.objects.filter(pk__in=[i.pk for i in invoices])
        )
    }
    suppliers = Supplier.objects.in_bulk({i.supplier_id for i in invoices})
    numbers = dict(
        Agreement.objects.filter(pk__in={i.agreement_id for i in invoices}).values_list(
            "pk", "number"
        )
    )
    recorded = 0
    for invoice in invoices:
        planned = payers.payments_of(invoice, numbers[invoice.agreement_id], owed[invoice.pk])
        for payment in planned:
            if payment.day > payers.today:
                break  # not yet: neither this payment nor the one after it
            payments.record_payment(
                suppliers[invoice.supplier_id],
                actor=None,
                amount_cents=payment.cents,
                received_on=payment.day,
                reference=payment.reference,
                method=payment.method,
                invoices=[invoice],
                note="Demo history",
            )
            recorded += 1
    return recorded


def ledger_counts(today: datetime.date, payers: Payers) -> dict[str, Any]:
    """The demo ledger's figures for the seed summary, and who pays how."""
    standing = FeeInvoice.objects.filter(replaced_by__isnull=True, reversal__isnull=True)
    billed = standing.aggregate(n=Count("id"), cents=Sum("fee_cents"))
    received = Payment.objects.aggregate(n=Count("id"), cents=Sum("amount_cents"))
    aging = payments.aging(today)
    late = payments.BUCKETS[2:]  # 31 days past due and more
    return {
        "fee_invoices": billed["n"],
        "fee_cents": int(billed["cents"] or 0),
        "payments": received["n"],
        "paid_cents": int(received["cents"] or 0),
        "outstanding_cents": sum(row["total"] for row in aging),
        "past_due_31_cents": sum(row[bucket] for row in aging for bucket in late),
        "payers": payers.cast(),
    }


# --------------------------------------------------------------------------- distribution

#: The demo's policies: the founding sponsors' agreement (fixed shares), then from 2016 one
#: that weights most of the sponsors' balance by their constituencies' purchases.
POLICIES = (
    (
        "Founding sponsor agreement",
        datetime.date(1996, 1, 1),
        datetime.date(2015, 12, 31),
        3500,
        500,
        {
            "NACo": (4000, False),
            "NLC": (1500, False),
            "USCM": (1500, False),
            "ASBO": (1500, False),
            "NGA": (500, False),
            "NIGP": (1000, False),
        },
        "Adopted by the Foundation's board with the founding sponsors, 1996.",
    ),
    (
        "Sponsor agreement 2016",
        datetime.date(2016, 1, 1),
        None,
        3000,
        500,
        {
            "NIGP": (1000, False),
            "CSAC": (250, False),
            "LCC": (250, False),
            "NACo": (0, True),
            "NLC": (0, True),
            "USCM": (0, True),
            "ASBO": (0, True),
            "NGA": (0, True),
        },
        "Adopted by the Foundation's board, resolution 2015-12: the sponsors' balance follows "
        "their members' purchases.",
    ),
)
#: A quarter's program costs: a floor, or a share of what it collects, split by category.
COST_FLOOR_CENTS = 15_000_000  # $150,000
COST_SHARE_BPS = 2_800  # 28% of the distributable amount
COST_CATEGORIES = (("Staff", 6000), ("Systems", 1500), ("Outreach", 1500), ("Audit", 1000))


def policies() -> None:
    """The demo's distribution policies, once."""
    if DistributionPolicy.objects.exists():
        return
    sponsors = {s.acronym: s for s in Sponsor.objects.all()}
    for name, start, end, cap, foundation, shares, note in POLICIES:
        distribution.create_policy(
            name=name,
            effective_from=start,
            effective_to=end,
            administration_cap_bps=cap,
            foundation_bps=foundation,
            shares=[
                ShareSpec(sponsors[a], fixed_bps=f, weighted=w)
                for a, (f, w) in shares.items()
                if a in sponsors
            ],
            note=note,
            actor=None,
        )


def distribute(quarter: Quarter, preparer: Any, approver: Any, *, approve: bool = True) -> int:
    """Record the quarter's approved costs and distribute its collections: prepared by one
    program administrator, approved by the other (``approve`` False: left waiting). Returns
    the cents distributed (0 when nothing was collected)."""
    policies()
    available = distribution.distributable(quarter)
    if available <= 0:
        return 0
    costs = max(COST_FLOOR_CENTS, available * COST_SHARE_BPS // 10_000 // 100 * 100)
    parts = allocate(costs, [bps for _, bps in COST_CATEGORIES])
    for n, ((category, _), cents) in enumerate(zip(COST_CATEGORIES, parts, strict=True)):
        distribution.record_cost(
            period=str(quarter),
            category=category,
            description=f"{category} of program administration, {quarter}",
            amount_cents=cents,
            approval=f"Foundation board resolution {quarter.year}-{quarter.number * 4 + n:02d}",
            actor=None,
        )
    run = distribution.prepare(str(quarter), actor=preparer)
    if not approve:
        return 0
    run = distribution.approve(run, actor=approver)
    return run.distributed_cents


def distribute_ended(quarter: Quarter, today: datetime.date, preparer: Any, approver: Any) -> None:
    """Distribute a history quarter once it has ended; the last one ended is prepared only,
    waiting for the second administrator."""
    last_ended = Quarter.containing(today).previous()
    if quarter <= last_ended:
        distribute(quarter, preparer, approver, approve=quarter < last_ended)


def distribute_the_rest(
    last_written: Quarter | None, today: datetime.date, preparer: Any, approver: Any
) -> None:
    """After the history: the quarters ended since its last one (none, usually)."""
    last_ended = Quarter.containing(today).previous()
    quarter = last_written.next() if last_written else last_ended
    while quarter <= last_ended:
        distribute_ended(quarter, today, preparer, approver)
        quarter = quarter.next()
