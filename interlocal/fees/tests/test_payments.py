"""Payments: applied oldest first, partial, overpaid into credit, refused when wrong; the bank's
file recorded whole or not at all."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.fees.models import Allocation, FeeInvoice, Payment, Posting
from interlocal.fees.services import bank, ledger, payments
from interlocal.reporting import services
from interlocal.reporting.tests.conftest import AGREEMENT, csv_bytes, file_report, line

pytestmark = pytest.mark.django_db
PAID_ON = datetime.date(2026, 11, 20)


@pytest.fixture
def invoices(agreement, rep) -> list[FeeInvoice]:
    """Two invoices of the supplier persona: 2026Q2 ($1.80) and 2026Q3 ($3.60)."""
    made = []
    for period, day, count in (("2026Q2", "2026-05-15", 1), ("2026Q3", "2026-08-15", 2)):
        obligation = services.obligation_for(AGREEMENT, period, actor=rep)
        rows = [line(invoice=f"{period}-{n}", date=day) for n in range(count)]
        report = file_report(obligation, csv_bytes(rows), actor=rep)
        made.append(FeeInvoice.objects.get(report=report))
    assert [i.fee_cents for i in made] == [180, 360]
    return made


def outstanding(invoice: FeeInvoice) -> int:
    return (
        payments.with_outstanding(FeeInvoice.objects.filter(pk=invoice.pk)).get().outstanding_cents
    )


def pay(supplier, office, cents, reference="ACH-1", **options) -> Payment:
    return payments.record_payment(
        supplier,
        actor=office,
        amount_cents=cents,
        received_on=PAID_ON,
        reference=reference,
        **options,
    )


def test_a_payment_pays_the_oldest_invoice_first(invoices, supplier, office) -> None:
    pay(supplier, office, 250)
    assert [outstanding(i) for i in invoices] == [0, 290]
    assert ledger.balance(f"receivable:supplier:{supplier.pk}") == 290
    assert ledger.balance("cash") == 250


def test_a_payment_can_name_its_invoice(invoices, supplier, office) -> None:
    pay(supplier, office, 100, invoices=[invoices[1]])
    assert [outstanding(i) for i in invoices] == [180, 260]


def test_an_overpayment_becomes_a_credit_that_pays_the_next_invoice(
    invoices, supplier, office, agreement, rep
) -> None:
    pay(supplier, office, 600)
    assert [outstanding(i) for i in invoices] == [0, 0]
    assert payments.credit_balance(supplier.pk) == 60
    # when the next quarter's invoice is issued, the credit pays it
    obligation = services.obligation_for(AGREEMENT, "2026Q1", actor=rep)
    report = file_report(obligation, csv_bytes([line(invoice="Q1", date="2026-02-10")]), actor=rep)
    newest = FeeInvoice.objects.get(report=report)
    assert outstanding(newest) == 180 - 60
    assert payments.credit_balance(supplier.pk) == 0
    assert Allocation.objects.filter(invoice=newest, payment__isnull=True).get().amount_cents == 60


def test_a_correction_moves_what_was_paid_to_its_replacement(invoices, supplier, office, rep):
    pay(supplier, office, 360, invoices=[invoices[1]])
    obligation = services.obligation_for(AGREEMENT, "2026Q3", actor=rep)
    rows = [line(invoice=f"2026Q3-{n}", date="2026-08-15") for n in range(3)]  # one more line
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    replacement = FeeInvoice.objects.get(report=report)
    invoices[1].refresh_from_db()
    assert invoices[1].replaced_by == replacement
    assert outstanding(invoices[1]) == 0  # its fee was reversed, its payment moved on
    # to the supplier's credit, which paid the open invoices oldest first
    assert [outstanding(invoices[0]), outstanding(replacement)] == [0, 540 - 180]
    assert ledger.balance(f"receivable:supplier:{supplier.pk}") == 360
    assert payments.credit_balance(supplier.pk) == 0


@pytest.mark.parametrize(
    ("cents", "reference", "message"),
    [(0, "X-1", "positive amount"), (-5, "X-1", "positive amount"), (10, " ", "reference")],
)
def test_bad_payments_are_refused_and_post_nothing(
    invoices, supplier, office, cents, reference, message
):
    with pytest.raises(ValidationError, match=message):
        pay(supplier, office, cents, reference)
    assert not Payment.objects.exists()
    assert not Posting.objects.filter(entry__kind="payment").exists()


def test_the_same_reference_twice_is_refused(invoices, supplier, office) -> None:
    pay(supplier, office, 100)
    with pytest.raises(ValidationError, match="already recorded"):
        pay(supplier, office, 100)
    assert Payment.objects.count() == 1


def test_only_the_program_office_records_payments(invoices, supplier, personas) -> None:
    with pytest.raises(PermissionDenied):
        pay(supplier, personas["auditor"], 100)


def test_aging_by_days_past_due(invoices, supplier) -> None:
    due = invoices[0].due_on
    rows = payments.aging(due + datetime.timedelta(days=45))
    assert [(r["supplier"], r["31-60"], r["total"]) for r in rows] == [(supplier, 540, 540)]
    assert payments.aging(due - datetime.timedelta(days=1))[0]["not yet due"] == 540
    assert payments.aging(due + datetime.timedelta(days=91))[0]["90+"] == 540


def bank_file(lines: list[str], newline: str = "\r\n", bom: bool = True) -> bytes:
    text = newline.join(["Posting Date,Credit,Bank Reference,Memo", *lines]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def test_a_bank_file_with_a_bom_and_cr_line_ends_is_recorded(invoices, supplier, office) -> None:
    data = bank_file(
        [
            f'11/20/2026,"$1.00",TRC-1,"Remittance {invoices[1].number} thanks"',
            f"2026-11-21,4.40,TRC-2,{invoices[0].number}",
        ],
        newline="\r",
    )
    recorded = bank.import_payments(data, actor=office, name="oct.csv")
    assert [(p.reference, p.amount_cents) for p in recorded] == [("TRC-1", 100), ("TRC-2", 440)]
    # the named invoice first, the rest to the others; what is left is credit
    assert [outstanding(i) for i in invoices] == [0, 0]
    assert payments.credit_balance(supplier.pk) == 0
    assert ledger.balance("cash") == 540
    assert recorded[0].source == "oct.csv, line 2"


def test_a_bank_file_with_a_bad_line_records_nothing(invoices, office) -> None:
    data = bank_file(
        [
            f"11/20/2026,1.00,TRC-1,{invoices[0].number}",
            "11/20/2026,1.00,TRC-2,FI-2026Q3-9999999",
            f"11/32/2026,(5.00),TRC-1,{invoices[1].number}",
        ]
    )
    with pytest.raises(bank.BankFileRefused) as refused:
        bank.import_payments(data, actor=office)
    codes = sorted((p.line, p.code) for p in refused.value.problems)
    assert codes == [(3, "unknown_invoice"), (4, "not_a_date"), (4, "not_positive")]
    assert not Payment.objects.exists()


def test_a_bank_file_without_the_needed_columns_says_which(office, invoices) -> None:
    with pytest.raises(bank.BankFileRefused, match="Amount"):
        bank.import_payments(b"Date,Reference\r\n2026-11-20,X\r\n", actor=office)
