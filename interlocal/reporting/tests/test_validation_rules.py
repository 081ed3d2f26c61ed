"""The rules every line of a sales report is checked against. Errors block the report (nothing
of it is loaded); warnings are kept with the lines and do not."""

import datetime

import pytest

from interlocal.agreements.services.pricing import import_price_file
from interlocal.reporting import services
from interlocal.reporting.models import ReportProblem, SalesLine
from interlocal.reporting.tests.conftest import (
    AGREEMENT,
    KEYS,
    assert_refused,
    csv_bytes,
    file_report,
    line,
    problem,
    problems,
)
from tests import factories

pytestmark = pytest.mark.django_db


def accepted(report):
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    return report


def numbered(*rows: dict) -> list[dict]:
    """Rows with invoice numbers INV-2, INV-3... (their row numbers), so that none repeats."""
    return [row | {"Invoice Number": f"INV-{n}"} for n, row in enumerate(rows, start=2)]


def sales(report, *fields: str) -> list[tuple]:
    return list(
        SalesLine.objects.filter(report=report).order_by("line").values_list("line", *fields)
    )


# --------------------------------------------------------------------------- required values


def test_every_required_value_is_required(obligation, rep) -> None:
    # given eight lines, each without one of the required values
    blank = ("customer", "state", "invoice", "date", "sku", "qty", "price", "amount")
    rows = [line(invoice=f"INV-{n}") | {KEYS[key]: ""} for n, key in enumerate(blank, start=2)]
    # when the report is processed
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    # then each line is refused for its own empty column, and nothing else
    assert_refused(report)
    assert problems(report) == [
        (2, "Customer Name", "missing_value"),
        (3, "State", "missing_value"),
        (4, "Invoice Number", "missing_value"),
        (5, "Invoice Date", "missing_value"),
        (6, "SKU", "missing_value"),
        (7, "Quantity", "missing_value"),
        (8, "Unit Price", "missing_value"),
        (9, "Extended Amount", "missing_value"),
    ]
    assert report.problems.get(line=5).message == "Invoice Date is empty; every line needs one"
    assert report.summary["errors"] == {"missing_value": 8}


def test_optional_values_may_be_empty(obligation, rep) -> None:
    # given a line with only the required values
    row = line(zip="", type="")
    report = accepted(file_report(obligation, csv_bytes([row]), actor=rep))
    assert sales(report, "order_type", "extended_cents") == [(2, "sale", 9000)]


# --------------------------------------------------------------------------- dates


def test_invoice_dates_must_be_inside_the_quarter(obligation, rep) -> None:
    # given the days either side of 2026Q3 and its first and last days
    rows = numbered(
        line(date="2026-06-30"),
        line(date="2026-10-01"),
        line(date="2026-07-01"),
        line(date="9/30/2026"),
        line(date="2026-02-30"),
    )
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    # then the days outside are refused, the non-date too, the quarter's own days are not
    assert_refused(report)
    assert problems(report) == [
        (2, "Invoice Date", "date_outside_period"),
        (3, "Invoice Date", "date_outside_period"),
        (6, "Invoice Date", "not_a_date"),
    ]
    assert report.problems.get(line=3).message == (
        "invoice date 2026-10-01 is outside 2026Q3 (Jul 1 to Sep 30, 2026); report the line in "
        "the quarter it was invoiced"
    )
    assert report.problems.get(line=6).message == (
        "Invoice Date '2026-02-30' is not a date; write it as 2026-08-15 or 8/15/2026"
    )


def test_dates_are_read_in_the_ways_suppliers_write_them(obligation, rep) -> None:
    written = ["2026-08-15", "8/15/2026", "08/15/26", "15-Aug-2026", "Aug 15, 2026", "2026/08/15"]
    rows = numbered(*(line(date=text) for text in written))
    report = accepted(file_report(obligation, csv_bytes(rows), actor=rep))
    assert {d for _n, d in sales(report, "invoice_date")} == {datetime.date(2026, 8, 15)}


# --------------------------------------------------------------------------- states


def test_state_codes_must_be_real(obligation, rep) -> None:
    rows = numbered(line(state="XX"), line(state="Texas"), line(state="tx"))
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    # then the unknown codes are refused; a lower-case real one is not
    assert_refused(report)
    assert problems(report) == [(2, "State", "unknown_state"), (3, "State", "unknown_state")]
    assert report.problems.get(line=3).message == (
        "'TEXAS' is not a state code; write the two-letter USPS code of the customer's state, "
        "such as TX or DC"
    )


# --------------------------------------------------------------------------- arithmetic


def test_quantity_times_price_is_the_extended_amount_within_one_cent(obligation, rep) -> None:
    # given 2 x 45.00 = 90.00 written as 90.01, 89.99 (one cent off) and 90.02, 89.98 (two)
    rows = numbered(
        line(amount="90.01"),
        line(amount="89.99"),
        line(amount="90.02"),
        line(amount="89.98"),
        line(qty="3", sku="PEN-2", price="0.3333", amount="1.00"),
    )
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    # then only the lines two cents off are refused
    assert_refused(report)
    assert problems(report) == [
        (4, "Extended Amount", "extended_mismatch"),
        (5, "Extended Amount", "extended_mismatch"),
    ]
    assert report.problems.get(line=4).message == (
        "quantity 2 x unit price 45.00 is 90.00, but the extended amount is 90.02; correct one "
        "of the three (they may differ by one cent at most)"
    )


def test_one_cent_off_is_accepted_as_written(obligation, rep) -> None:
    rows = numbered(line(amount="90.01"), line(amount="89.99"))
    report = accepted(file_report(obligation, csv_bytes(rows), actor=rep))
    assert sales(report, "extended_cents") == [(2, 9001), (3, 8999)]


def test_too_many_decimal_places_are_refused(obligation, rep) -> None:
    rows = numbered(
        line(amount="90.001"),
        line(price="45.00001"),
        line(qty="2.00001"),
        line(sku="PEN-2", qty="1000", price="0.0125", amount="12.50"),  # four places is fine
    )
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    assert_refused(report)
    assert problems(report) == [
        (2, "Extended Amount", "too_precise"),
        (3, "Unit Price", "too_precise"),
        (4, "Quantity", "too_precise"),
    ]
    assert report.problems.get(line=2).message == (
        "Extended Amount 90.001 has more than 2 decimal places; state it to a cent (in Excel, "
        "=ROUND(value, 2))"
    )


def test_text_longer_than_its_field_is_refused(obligation, rep) -> None:
    rows = [line(customer="A" * 201), line(invoice="I" * 61)]
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    assert_refused(report)
    assert problems(report) == [
        (2, "Customer Name", "too_long"),
        (3, "Invoice Number", "too_long"),
    ]
    assert report.problems.get(line=3).message == (
        "Invoice Number is 61 characters long; the most is 60. Shorten it"
    )


# --------------------------------------------------------------------------- credits


def test_credits_and_returns_are_negative(obligation, rep) -> None:
    rows = numbered(
        line(type="credit", amount="90.00"),  # a credit with a positive amount
        line(type="sale", amount="-90.00"),  # a sale with a negative one
        line(type="refund?", amount="-90.00"),  # a type nobody knows
    )
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    assert_refused(report)
    assert problems(report) == [
        (2, "Extended Amount", "credit_not_negative"),
        (3, "Extended Amount", "negative_sale"),
        (4, "Order Type", "unknown_order_type"),
    ]
    assert report.problems.get(line=2).message == (
        "a credit must have a negative extended amount, not 90.00; write it as -90.00 or (90.00)"
    )


def test_an_untyped_negative_line_is_a_credit(obligation, rep) -> None:
    rows = numbered(
        line(amount="-90.00", qty="-2"),
        line(type="CM", amount="(45.00)", qty="1"),
        line(type="Return", amount="-45.00", qty="-1"),
        line(type="", amount="90.00"),
    )
    report = accepted(file_report(obligation, csv_bytes(rows), actor=rep))
    assert sales(report, "order_type", "extended_cents") == [
        (2, "credit", -9000),
        (3, "credit", -4500),
        (4, "return", -4500),
        (5, "sale", 9000),
    ]
    assert report.total_cents == -9000


# --------------------------------------------------------------------------- repeats


def test_a_repeated_line_is_refused_naming_the_first(obligation, rep) -> None:
    rows = [
        line(),
        line(),  # the same line again
        line(sku="PEN-2", qty="2", price="12.50", amount="25.00"),  # same invoice, other item
        line(customer="city of austin"),  # the same but for case: not the same text
    ]
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    assert_refused(report)
    assert problems(report) == [(3, "Invoice Number", "duplicate_line")]
    assert problem(report, "duplicate_line").message.startswith("the same line as line 2 ")


# --------------------------------------------------------------------------- price integrity


def test_an_unknown_sku_is_a_warning_and_the_line_is_kept(obligation, rep) -> None:
    rows = numbered(line(sku="NOT-ON-FILE"), line())
    report = accepted(file_report(obligation, csv_bytes(rows), actor=rep))
    assert problems(report) == [(2, "SKU", "unknown_sku")]
    assert problem(report, "unknown_sku").severity == "warning"
    assert sales(report, "sku", "exception", "contract_price_e4") == [
        (2, "NOT-ON-FILE", "unknown_sku", None),
        (3, "PAPER-1", "", 450000),
    ]
    assert (report.error_count, report.warning_count) == (0, 1)


def test_a_price_above_contract_is_a_warning_with_the_contract_price(obligation, rep) -> None:
    rows = numbered(
        line(price="46.00", amount="92.00"),  # above 45.00
        line(price="44.00", amount="88.00"),  # below
        line(sku="paper-1"),  # the SKU in another case is the same item
        line(type="credit", price="46.00", amount="-92.00"),  # a credit is not overcharged
    )
    report = accepted(file_report(obligation, csv_bytes(rows), actor=rep))
    assert problems(report) == [(2, "Unit Price", "price_above_contract")]
    assert problem(report, "price_above_contract").message.startswith(
        "unit price 46.00 is above the contract price $45.00 in effect on 2026-08-15"
    )
    assert sales(report, "exception", "contract_price_e4", "unit_price_e4") == [
        (2, "price_above_contract", 450000, 460000),
        (3, "", 450000, 440000),
        (4, "", 450000, 450000),
        (5, "", 450000, 460000),
    ]


def test_the_price_file_in_effect_on_the_invoice_date_is_the_one_checked(
    agreement, obligation, rep
) -> None:
    # given a second price file from 2026-08-01 lowering paper to 40.00
    body = b"SKU,Description,Unit,Contract Price\r\nPAPER-1,Paper,EA,40.00\r\n"
    import_price_file(agreement, body, actor=None, effective_from=datetime.date(2026, 8, 1))
    rows = numbered(line(date="2026-07-31"), line(date="2026-08-01"), line(sku="PEN-2",
                    price="12.50", amount="25.00", date="2026-08-02"))  # fmt: skip
    report = accepted(file_report(obligation, csv_bytes(rows), actor=rep))
    # then July's paper is at contract, August's is above, and the pen is gone from the file
    assert problems(report) == [
        (3, "Unit Price", "price_above_contract"),
        (4, "SKU", "unknown_sku"),
    ]
    assert sales(report, "exception", "contract_price_e4") == [
        (2, "", 450000),
        (3, "price_above_contract", 400000),
        (4, "unknown_sku", None),
    ]


def test_no_price_file_in_effect_is_a_warning(supplier, rep, agencies) -> None:
    # given an agreement whose first price file takes effect on 2026-08-15
    other = factories.agreement(number="MA-TEST-2", supplier=supplier)
    body = b"SKU,Description,Unit,Contract Price\r\nPAPER-1,Paper,EA,45.00\r\n"
    import_price_file(other, body, actor=None, effective_from=datetime.date(2026, 8, 15))
    obligation = services.obligation_for("MA-TEST-2", "2026Q3", actor=rep)
    rows = numbered(line(date="2026-08-14"), line(date="2026-08-15"))
    report = accepted(file_report(obligation, csv_bytes(rows), actor=rep))
    assert problems(report) == [(2, "SKU", "no_price_file")]
    assert problem(report, "no_price_file").message.startswith(
        "no price file of the contract is in effect on 2026-08-14"
    )
    assert sales(report, "exception", "contract_price_e4") == [
        (2, "no_price_file", None),
        (3, "", 450000),
    ]


# --------------------------------------------------------------------------- severity


def test_warnings_do_not_block_but_one_error_does(obligation, rep) -> None:
    # given a report with warnings only
    warned = numbered(line(sku="NOT-ON-FILE"), line(price="46.00", amount="92.00"), line(zip="ABC"))
    report = accepted(file_report(obligation, csv_bytes(warned), actor=rep))
    assert report.summary["warnings"] == {
        "unknown_sku": 1,
        "price_above_contract": 1,
        "bad_zip": 1,
    }
    assert set(report.problems.values_list("severity", flat=True)) == {"warning"}
    assert SalesLine.objects.filter(report=report).count() == 3
    # when a correction adds a single error to the same warnings
    other = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    failing = [row | {"Invoice Date": "2026-05-15"} for row in warned]
    failing.append(line(invoice="INV-9", date="2026-05-15", state="ZZ"))
    failed = file_report(other, csv_bytes(failing), actor=rep)
    # then that report is refused, nothing loaded, its warnings still listed
    assert_refused(failed)
    assert (failed.error_count, failed.warning_count) == (1, 3)
    assert ReportProblem.objects.get(report=failed, severity="error").code == "unknown_state"
    # and the first report's lines are still the facts
    assert SalesLine.objects.facts().filter(report=report).count() == 3
