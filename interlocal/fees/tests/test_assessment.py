"""Fee assessment: an accepted report is invoiced from its lines, exactly, and the ledger
says so; a correction reverses the invoice it replaces."""

import datetime

import pytest

from interlocal.agreements.models import FeeBase, FeeSchedule
from interlocal.agreements.services.terms import FeeTerms, set_fee_schedule
from interlocal.fees.models import EntryKind, FeeInvoice, FeeLine, Posting
from interlocal.fees.services import ledger
from interlocal.fees.services.assessment import agreement_year
from interlocal.reporting.models import ReportStatus
from interlocal.reporting.tests.conftest import csv_bytes, file_report, line

pytestmark = pytest.mark.django_db
Q3 = datetime.date(2026, 7, 1)


def accepted(obligation, rows, rep):
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    assert report.status == ReportStatus.ACCEPTED, report.summary
    return report


def invoice_of(obligation, rows, rep) -> FeeInvoice:
    return FeeInvoice.objects.get(report=accepted(obligation, rows, rep))


def balances() -> dict[str, int]:
    """Every account's debits minus credits, by code."""
    codes = set(Posting.objects.values_list("debit__code", flat=True))
    codes |= set(Posting.objects.values_list("credit__code", flat=True))
    return {code: ledger.balance(code) for code in sorted(codes)}


def schedule(agreement, office, **terms) -> None:
    """A new schedule for the quarter's lines (the default one ends the day before)."""
    set_fee_schedule(agreement, FeeTerms(effective_from=Q3, **terms), actor=office)


def test_an_accepted_report_is_invoiced_two_percent_and_posted(obligation, rep, supplier) -> None:
    # given a report of two sales, $90.00 and $25.00, under the default 2% schedule
    rows = [
        line(invoice="A-1"),
        line(invoice="A-2", sku="PEN-2", qty="2", price="12.50", amount="25.00"),
    ]
    # when it is accepted
    invoice = invoice_of(obligation, rows, rep)
    # then one invoice charges 2% of $115.00, line by line, and the ledger owes it
    assert (invoice.sales_cents, invoice.base_cents, invoice.fee_cents) == (11500, 11500, 230)
    assert invoice.fee_exact_cbp == 11500 * 200
    fees = FeeLine.objects.filter(invoice=invoice).values_list("base_cents", "rate_bps", "fee_cbp")
    assert sorted(fees) == [(2500, 200, 500_000), (9000, 200, 1_800_000)]
    assert invoice.entry.kind == EntryKind.INVOICE
    assert balances() == {f"receivable:supplier:{supplier.pk}": 230, "fees:billed": -230}
    assert invoice.due_on - invoice.issued_on == datetime.timedelta(days=30)
    assert invoice.number == f"FI-2026Q3-{invoice.report_id:07d}"


def test_the_fee_is_rounded_once_per_invoice_not_per_line(obligation, rep) -> None:
    # given three lines of $0.25: each line's 2% is half a cent
    rows = [line(invoice=f"R-{n}", qty="1", price="0.25", amount="0.25") for n in range(3)]
    invoice = invoice_of(obligation, rows, rep)
    # then the invoice charges 1.5 cents rounded once (2 cents), not 3 x 1 cent
    assert invoice.fee_exact_cbp == 3 * 25 * 200
    assert invoice.fee_cents == 2


def test_net_invoiced_leaves_returns_out(obligation, rep) -> None:
    rows = [line(invoice="S-1"), line(invoice="C-1", type="return", qty="-1", amount="-45.00")]
    invoice = invoice_of(obligation, rows, rep)
    assert (invoice.sales_cents, invoice.base_cents, invoice.fee_cents) == (4500, 9000, 180)


def test_invoiced_less_returns_counts_them(obligation, rep, office, agreement) -> None:
    schedule(agreement, office, rate_bps=300, fee_base=FeeBase.INVOICED_LESS_RETURNS)
    rows = [line(invoice="S-1"), line(invoice="C-1", type="return", qty="-1", amount="-45.00")]
    invoice = invoice_of(obligation, rows, rep)
    assert (invoice.base_cents, invoice.fee_cents) == (4500, 135)
    assert set(FeeLine.objects.values_list("schedule", flat=True)) == {
        FeeSchedule.objects.get(agreement=agreement, effective_from=Q3).pk
    }


def test_a_volume_tier_applies_from_the_line_that_reaches_it(obligation, rep, office, agreement):
    # given 2% until the agreement year's sales reach $100, then 1%
    schedule(agreement, office, rate_bps=200, tiers=[(10_000, 100)])
    # when three $90 sales are reported: $0 and $90 before the first two, $180 before the third
    rows = [line(invoice=f"T-{n}", date=f"2026-08-1{n}") for n in range(3)]
    invoice = invoice_of(obligation, rows, rep)
    rates = list(FeeLine.objects.order_by("line__line").values_list("rate_bps", flat=True))
    assert rates == [200, 200, 100]
    assert invoice.fee_exact_cbp == 9000 * (200 + 200 + 100)
    assert invoice.fee_cents == 450


def test_a_state_add_on_is_owed_to_the_state(obligation, rep, office, agreement) -> None:
    schedule(agreement, office, rate_bps=200, state_add_ons={"TX": 50})
    rows = [
        line(invoice="X-1"),  # City of Austin, TX: 2% + 0.5%
        line(invoice="X-2", customer="Tulsa Public Schools", state="OK", zip="74103"),
    ]
    invoice = invoice_of(obligation, rows, rep)
    lines = dict(FeeLine.objects.values_list("line__customer__state", "rate_bps"))
    assert lines == {"TX": 250, "OK": 200}
    assert (invoice.fee_cents, invoice.add_on_cents) == (9000 * 450 // 10000, 45)
    assert ledger.balance("state-add-on:TX") == -45
    assert ledger.balance("fees:billed") == -360


def test_without_a_schedule_in_effect_the_program_default_applies(obligation, rep, agreement):
    FeeSchedule.objects.filter(agreement=agreement).delete()
    invoice = invoice_of(obligation, [line(invoice="D-1")], rep)
    assert list(FeeLine.objects.values_list("schedule", "rate_bps")) == [(None, 200)]
    assert invoice.fee_cents == 180


def test_a_correction_reverses_the_invoice_it_replaces(obligation, rep, supplier) -> None:
    first = invoice_of(obligation, [line(invoice="V-1")], rep)
    second = invoice_of(obligation, [line(invoice="V-1"), line(invoice="V-2")], rep)
    first.refresh_from_db()
    assert first.replaced_by == second
    assert first.reversal.kind == EntryKind.REVERSAL
    assert first.reversal.reverses == first.entry
    # the supplier owes the correction's fee only; the first invoice's lines stay traceable
    assert ledger.balance(f"receivable:supplier:{supplier.pk}") == second.fee_cents == 360
    assert FeeLine.objects.filter(invoice=first).count() == 1
    assert sum(balances().values()) == 0


def test_no_sales_is_no_invoice(obligation, rep) -> None:
    from interlocal.reporting import services

    report = services.process_report(services.submit_report(obligation, actor=rep, no_sales=True))
    assert report.status == ReportStatus.ACCEPTED
    assert not FeeInvoice.objects.exists()


def test_agreement_years_run_from_anniversaries(agreement) -> None:
    agreement.effective_on = datetime.date(2024, 2, 29)
    assert agreement_year(agreement, datetime.date(2026, 3, 1)) == (
        datetime.date(2026, 2, 28),
        datetime.date(2027, 2, 27),
    )
    assert agreement_year(agreement, datetime.date(2026, 2, 1)) == (
        datetime.date(2025, 2, 28),
        datetime.date(2026, 2, 27),
    )
