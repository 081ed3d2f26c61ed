"""How the demo's suppliers pay (``fees.demo.Payers``): each habit's payments, the invoices
delinquent suppliers leave unpaid, and only payments whose day has come recorded, through the
payment service."""

import datetime

import pytest

from interlocal.core.periods import Quarter
from interlocal.fees import demo as fees_demo
from interlocal.fees.models import FeeInvoice, Payment
from interlocal.fees.services import ledger, payments
from interlocal.reporting.tests.conftest import csv_bytes, file_report, line

TODAY = datetime.date(2026, 12, 3)  # the last quarter ended is 2026Q3


def an_invoice(period: str = "2026Q2", issued: datetime.date = datetime.date(2026, 7, 10)):
    return FeeInvoice(
        number=f"FI-{period}-0000042", supplier_id=9, sales_period=period, issued_on=issued
    )


def paid(habit: str, invoice: FeeInvoice | None = None, owed: int = 123_456, **options):
    payers = fees_demo.Payers(7, TODAY, {9: habit}, **options)
    return payers.payments_of(invoice or an_invoice(), "MA-7", owed)


def lag(payment: fees_demo.Pay, invoice: FeeInvoice | None = None) -> int:
    return (payment.day - (invoice or an_invoice()).issued_on).days


def test_each_habit_pays_its_way() -> None:
    (on_time,) = paid(fees_demo.ON_TIME)
    assert (on_time.cents, on_time.method, on_time.reference) == (
        123_456,
        "ach",
        "ACH-FI-2026Q2-0000042",
    )
    assert 5 <= lag(on_time) <= 29
    assert paid(fees_demo.ON_TIME) == [on_time]  # drawn from the seed, agreement and quarter
    (late,) = paid(fees_demo.LATE)
    assert 31 <= lag(late) <= 90 and late.cents == 123_456
    first, rest = paid(fees_demo.IN_PARTS)
    assert first.cents + rest.cents == 123_456 and first.cents % 100 == 0
    assert 0.4 <= first.cents / 123_456 <= 0.7 and first.day < rest.day
    assert [first.reference, rest.reference] == [
        "ACH-FI-2026Q2-0000042-1",
        "ACH-FI-2026Q2-0000042-2",
    ]
    (check,) = paid(fees_demo.BY_CHECK)
    assert (check.cents, check.method, check.reference) == (
        130_000,
        "check",
        "CHK-FI-2026Q2-0000042",
    )
    # a check that would come after the next quarter ended, when that quarter's invoices may be
    # out already, pays exactly: no credit can be applied before it is received
    issued_late = an_invoice(issued=datetime.date(2026, 9, 28))
    (exact,) = paid(fees_demo.BY_CHECK, issued_late)
    assert exact.day > datetime.date(2026, 9, 30) and exact.cents == 123_456
    assert paid(fees_demo.ON_TIME, owed=0) == []  # paid already by the supplier's credit


@pytest.mark.parametrize(
    ("habit", "unpaid_from"), [(fees_demo.STOPPED, "2026Q1"), (fees_demo.BEHIND, "2026Q2")]
)
def test_delinquent_suppliers_leave_the_last_quarters_unpaid(habit, unpaid_from) -> None:
    for period in ("2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"):
        issued = Quarter.parse(period).last_day + datetime.timedelta(days=12)
        assert (paid(habit, an_invoice(period, issued)) == []) == (period >= unpaid_from), period


def test_the_persona_leaves_one_invoice_unpaid() -> None:
    unpaid = {("MA-7", "2026Q2")}
    assert paid(fees_demo.PERSONA, unpaid=unpaid) == []
    (on_time,) = paid(fees_demo.PERSONA, an_invoice("2026Q1"), unpaid=unpaid)
    assert 5 <= lag(on_time, an_invoice("2026Q1")) <= 29


@pytest.mark.django_db
def test_only_payments_whose_day_has_come_are_recorded(obligation, rep, supplier) -> None:
    # given an invoice of $3.60 of a supplier who pays in two parts
    rows = [line(invoice=f"A-{n}") for n in range(2)]
    invoice = FeeInvoice.objects.get(report=file_report(obligation, csv_bytes(rows), actor=rep))
    payers = fees_demo.Payers(7, TODAY, {supplier.pk: fees_demo.IN_PARTS})
    first, rest = payers.payments_of(invoice, invoice.agreement.number, invoice.fee_cents)
    assert rest.day > first.day
    # when it is the day of the first part
    payers.today = first.day
    assert fees_demo.pay([invoice], payers) == 1
    # then only the first part is recorded, through the payment service
    payment = Payment.objects.get()
    assert (payment.amount_cents, payment.received_on) == (first.cents, first.day)
    assert payment.allocations.get().invoice == invoice
    assert ledger.balance(f"receivable:supplier:{supplier.pk}") == invoice.fee_cents - first.cents
    assert ledger.balance(ledger.CASH) == first.cents


@pytest.mark.django_db
def test_a_check_overpays_into_the_suppliers_credit(obligation, rep, supplier) -> None:
    invoice = FeeInvoice.objects.get(report=file_report(obligation, csv_bytes([line()]), actor=rep))
    payers = fees_demo.Payers(7, datetime.date(2999, 1, 1), {supplier.pk: fees_demo.BY_CHECK})
    (check,) = payers.payments_of(invoice, invoice.agreement.number, invoice.fee_cents)
    assert check.cents in (invoice.fee_cents, fees_demo.CHECK_ROUNDING)  # $1.80, or $100
    assert fees_demo.pay([invoice], payers) == 1
    assert payments.credit_balance(supplier.pk) == check.cents - invoice.fee_cents
