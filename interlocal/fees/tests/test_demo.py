"""The demo's fee ledger: the small demo's history invoiced report by report and paid the way
its suppliers pay (``fees.demo``), reconciling to the cent in every quarter."""

import datetime

import pytest
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.test import override_settings
from django.utils import timezone

from interlocal.core.periods import Quarter
from interlocal.fees import demo as fees_demo
from interlocal.fees.models import (
    Account,
    Allocation,
    DistributionShare,
    FeeInvoice,
    LedgerPeriod,
    Payment,
    Posting,
)
from interlocal.fees.services import ledger, payments
from interlocal.fees.services.reconcile import reconcile
from interlocal.registry.demo.seed import seed_demo
from interlocal.registry.models import Supplier
from interlocal.reporting.demo import DEMO_NOTE
from interlocal.reporting.models import ReportStatus, SalesLine, SalesReport

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small demo, seeded once for the module inside a transaction rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        yield seed_demo("small", 7)
        transaction.set_rollback(True)


def cast(seeded) -> dict[str, list[int]]:
    return seeded.sales["fees"]["payers"]


def persona_supplier(seeded) -> Supplier:
    return Supplier.objects.get(
        organization__memberships__user__email=seeded.personas["supplier_rep"]
    )


def test_every_accepted_report_with_fact_lines_has_exactly_one_live_invoice(seeded) -> None:
    facts = SalesLine.objects.filter(report=OuterRef("pk"), agency__isnull=False)
    reports = SalesReport.objects.annotate(with_facts=Exists(facts))
    live = Count(
        "fee_invoice",
        filter=Q(fee_invoice__reversal__isnull=True, fee_invoice__replaced_by__isnull=True),
    )
    accepted = reports.filter(status=ReportStatus.ACCEPTED, with_facts=True).annotate(live=live)
    assert accepted.filter(note=DEMO_NOTE).count() > 300  # the history, not only the last quarter
    assert {r.pk: r.live for r in accepted if r.live != 1} == {}
    # reports without fact lines (no sales) have none; a superseded version's is reversed
    assert not FeeInvoice.objects.filter(report__in=reports.filter(with_facts=False)).exists()
    superseded = FeeInvoice.objects.filter(report__status=ReportStatus.SUPERSEDED)
    assert superseded.exists()
    assert not superseded.filter(Q(reversal__isnull=True) | Q(replaced_by__isnull=True)).exists()
    # a history invoice is booked on the day its report was accepted
    for invoice in FeeInvoice.objects.filter(report__note=DEMO_NOTE).select_related("report")[::7]:
        assert invoice.issued_on == timezone.localdate(invoice.report.accepted_at)
        assert invoice.entry.booked_on == invoice.issued_on
        assert invoice.sales_cents == invoice.report.total_cents


def test_the_trial_balance_is_zero_and_every_quarter_reconciles(seeded) -> None:
    assert sum(ledger.balances().values()) == 0
    periods = list(LedgerPeriod.objects.order_by("period").values_list("period", flat=True))
    assert len(periods) > 100  # 1996 to today
    failed = {}
    for period in periods:
        differences = [check.as_dict() for check in reconcile(period) if not check.ok]
        if differences:
            failed[period] = differences
    assert failed == {}
    # not vacuously: the last quarter's checks cover the whole history's money
    checks = {check.name: check for check in reconcile(periods[-1])}
    assert checks["sum of line fees = invoices booked in the quarter"].actual > 0
    assert checks["cash = payments received"].actual == seeded.sales["fees"]["paid_cents"] > 0
    received = Payment.objects.aggregate(s=Sum("amount_cents"))["s"]
    assert ledger.balance(ledger.CASH) == received
    # fees billed, less what the distributions have paid out of them (no state add-ons here)
    billed = FeeInvoice.objects.filter(reversal__isnull=True).aggregate(s=Sum("fee_cents"))["s"]
    distributed = DistributionShare.objects.filter(run__status="posted").aggregate(
        s=Sum("amount_cents")
    )["s"]
    assert distributed > 0
    assert -ledger.balance(ledger.FEES_BILLED) == billed - distributed


def test_aging_shows_delinquent_suppliers_past_due_and_the_persona_not_the_worst(seeded) -> None:
    today = timezone.localdate()
    rows = {row["supplier"].pk: row for row in payments.aging(today)}
    late = payments.BUCKETS[2:]  # 31-60, 61-90, 90+

    def past_due(supplier: int) -> int:
        return sum(rows[supplier][b] for b in late) if supplier in rows else 0

    assert any(past_due(s) for s in rows)
    (worst,) = cast(seeded)[fees_demo.STOPPED]
    (behind,) = cast(seeded)[fees_demo.BEHIND]
    # the worst has stopped paying three quarters ago: more than 90 days past due, whatever the day
    assert rows[worst]["90+"] > 0
    assert rows[behind]["total"] > 0
    # the persona's supplier owes one invoice more than 30 days overdue, less than the worst
    persona = persona_supplier(seeded).pk
    assert cast(seeded)[fees_demo.PERSONA] == [persona]
    assert 0 < past_due(persona) < past_due(worst)
    overdue = payments.with_outstanding(
        FeeInvoice.objects.filter(supplier_id=persona, due_on__lt=today - datetime.timedelta(30))
    ).filter(outstanding_cents__gt=0)
    assert overdue.count() == 1 and overdue.get().sales_period == str(
        Quarter.containing(today).previous().previous()
    )
    # on-time payers owe nothing overdue
    habits = {s for suppliers in cast(seeded).values() for s in suppliers}
    on_time = [s for s in rows if s not in habits]
    assert all(past_due(s) == 0 for s in on_time)


def test_payments_come_by_each_habit_and_never_before_their_day(seeded) -> None:
    today = timezone.localdate()
    allocations = Allocation.objects.filter(payment__isnull=False).select_related(
        "payment", "invoice"
    )
    assert allocations.count() > 300
    habits = {s: habit for habit, suppliers in cast(seeded).items() for s in suppliers}
    for allocation in allocations:
        payment, invoice = allocation.payment, allocation.invoice
        assert invoice.issued_on + datetime.timedelta(5) <= payment.received_on <= today
        lag = (payment.received_on - invoice.issued_on).days
        habit = habits.get(invoice.supplier_id, fees_demo.ON_TIME)
        low, high = {fees_demo.LATE: (31, 90), fees_demo.IN_PARTS: (5, 50)}.get(habit, (5, 29))
        assert low <= lag <= high, (invoice.number, habit)
        assert payment.reference.endswith(invoice.number) or payment.reference[:-2].endswith(
            invoice.number
        )
    methods = dict(Payment.objects.values_list("method").annotate(n=Count("id")))
    assert methods["ach"] > methods["check"] > 0
    # two payments on some invoices, by the suppliers who pay in parts
    (parts,) = cast(seeded)[fees_demo.IN_PARTS]
    twice = (
        Allocation.objects.filter(payment__isnull=False)
        .values("invoice")
        .annotate(n=Count("id"))
        .filter(n=2)
    )
    assert twice.exists()
    assert set(
        FeeInvoice.objects.filter(pk__in=twice.values("invoice")).values_list(
            "supplier_id", flat=True
        )
    ) == {parts}
    # every invoice of the last five days is open: nobody pays that fast
    recent = FeeInvoice.objects.filter(issued_on__gt=today - datetime.timedelta(5))
    assert recent.exists()
    assert not Allocation.objects.filter(invoice__in=recent, payment__isnull=False).exists()


def test_checks_overpay_into_credit_that_pays_the_next_invoice_after_it_came(seeded) -> None:
    (checks,) = cast(seeded)[fees_demo.BY_CHECK]
    paid = Payment.objects.filter(supplier_id=checks)
    assert paid.exists() and set(paid.values_list("method", flat=True)) == {"check"}
    applied = Allocation.objects.filter(invoice__supplier_id=checks, payment__isnull=True)
    assert applied.exists()  # the credit paid part of later invoices
    # the credit account never went below zero: no credit was applied before it was received
    credit = Account.objects.get(code=f"credit:supplier:{checks}")
    by_day: dict[datetime.date, int] = {}
    for posting in Posting.objects.filter(Q(debit=credit) | Q(credit=credit)).select_related(
        "entry"
    ):
        sign = 1 if posting.credit_id == credit.pk else -1
        day = posting.entry.booked_on
        by_day[day] = by_day.get(day, 0) + sign * posting.amount_cents
    balance = 0
    for day in sorted(by_day):
        balance += by_day[day]
        assert balance >= 0, day
    assert balance == payments.credit_balance(checks)


def test_every_quarter_is_distributed_and_the_last_ended_waits_for_approval(seeded) -> None:
    from interlocal.fees.models import DistributionRun, RunStatus
    from interlocal.registry.demo.seed import TREASURER

    last_ended = Quarter.containing(timezone.localdate()).previous()
    runs = list(DistributionRun.objects.select_related("policy", "prepared_by", "approved_by"))
    posted = sorted(r.period for r in runs if r.status == RunStatus.POSTED)
    assert len(posted) > 80  # twenty years and more of quarters
    assert posted[-1] == str(last_ended.previous())
    waiting = [r for r in runs if r.status == RunStatus.PREPARED]
    assert [r.period for r in waiting] == [str(last_ended)]
    admin = seeded.personas["program_admin"]
    assert {(r.prepared_by.email, r.approved_by.email) for r in runs if r.approved_by} == {
        (admin, TREASURER)
    }
    assert waiting[0].prepared_by.email == admin and waiting[0].approved_by is None
    # the founding agreement's fixed shares until 2015, the weighted one after
    assert {r.policy.name for r in runs if r.period < "2016Q1"} == {"Founding sponsor agreement"}
    assert {r.policy.name for r in runs if r.period >= "2016Q1"} == {"Sponsor agreement 2016"}
    for run in runs:
        shares = {s.label: s.amount_cents for s in run.shares.select_related("sponsor")}
        assert sum(shares.values()) <= run.distributable_cents
        assert shares["Program administration"] <= run.costs_cents
    # every collected cent is distributed or waiting, through the last quarter ended
    checks = reconcile(str(last_ended))
    assert checks[3].ok and "undistributed" in checks[3].detail
