"""Reading what suppliers really send: every kind of bad or odd file of issue #4 is either read
right (the lines, their row numbers, their amounts) or refused with the line, the column and
what to do, and a refused report writes no lines and no customers."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interlocal.core.periods import Quarter
from interlocal.reporting import services
from interlocal.reporting.models import ReportCustomer, SalesLine, SalesReport
from interlocal.reporting.tests.conftest import (
    AGREEMENT,
    HEADER,
    KEYS,
    QUARTER,
    assert_refused,
    csv_bytes,
    file_report,
    grid,
    line,
    problem,
    problems,
    submit,
    xlsx_bytes,
)
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


def docx() -> bytes:
    """A Word document: a zip like a workbook, but no workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def lines_of(report: SalesReport) -> list[tuple[int, str, int]]:
    """(row number, customer, extended cents) of the report's sales lines."""
    return list(
        SalesLine.objects.filter(report=report)
        .order_by("line")
        .values_list("line", "customer__name", "extended_cents")
    )


def two_lines() -> list[dict]:
    return [line(), line(invoice="INV-1002", customer="Travis County", zip="78702")]


# --------------------------------------------------------------------------- wrong files


@pytest.mark.parametrize("name", ["report.pdf", "chart.png", "report.docx"])
def test_a_file_that_is_not_a_table_is_refused_at_submission(obligation, rep, name) -> None:
    # given a supplier about to upload a PDF, a picture or a Word document
    body = {"report.pdf": PDF, "chart.png": PNG, "report.docx": docx()}[name]
    # when it is submitted
    with pytest.raises(ValidationError) as caught:
        submit(obligation, body, name, actor=rep)
    # then it is refused by name, saying what to send, and nothing is filed
    assert caught.value.message_dict["file"] == [
        f"{name} is not a CSV or a spreadsheet; upload a .csv or .xlsx file"
    ]
    assert SalesReport.objects.count() == 0


@pytest.mark.parametrize("body", [PDF, PNG], ids=["pdf", "png"])
def test_a_pdf_or_picture_renamed_csv_is_refused_by_its_content(obligation, rep, body) -> None:
    # given a PDF or PNG saved under a .csv name
    # when it is filed and processed
    report = file_report(obligation, body, "sales.csv", actor=rep)
    # then the whole file is refused (line 0) as not a table, and nothing is loaded
    assert_refused(report)
    assert problems(report) == [(0, "(file)", "not_a_table")]
    assert "upload the report as .csv or .xlsx" in report.failure


def test_a_word_document_renamed_xlsx_is_refused_as_unopenable(obligation, rep) -> None:
    # given a .docx renamed .xlsx (a zip, like a workbook)
    # when it is processed
    report = file_report(obligation, docx(), "sales.xlsx", actor=rep)
    # then it fails with the reason instead of crashing the processing
    assert_refused(report)
    assert problems(report) == [(0, "(file)", "unreadable")]
    assert "the spreadsheet cannot be opened" in problem(report, "unreadable").message
    assert "save it again as .xlsx" in report.failure


def test_an_empty_file_is_refused_at_submission(obligation, rep) -> None:
    # given a file of no bytes
    with pytest.raises(ValidationError) as caught:
        submit(obligation, b"", "sales.csv", actor=rep)
    # then it is refused before anything is filed
    assert caught.value.message_dict["file"] == ["sales.csv is empty; upload the report itself"]
    assert SalesReport.objects.count() == 0


def test_a_file_of_blank_lines_is_refused_as_empty(obligation, rep) -> None:
    # given a file holding only line breaks and spaces
    report = file_report(obligation, b"\r\n  \r\n\t\r\n", "sales.csv", actor=rep)
    # then processing refuses it as empty
    assert_refused(report)
    assert problems(report) == [(0, "(file)", "empty_file")]


# --------------------------------------------------------------------------- headers


def test_a_file_without_a_header_names_every_required_column_and_shows_what_it_found(
    obligation, rep
) -> None:
    # given lines with no header line above them
    body = csv_bytes([line()])
    body = body.split(b"\r\n", 1)[1]
    # when it is processed
    report = file_report(obligation, body, actor=rep)
    # then each required column is reported missing on line 1
    assert_refused(report)
    assert problems(report) == sorted(
        (1, name, "missing_column")
        for name in (
            "Customer Name",
            "State",
            "Invoice Number",
            "Invoice Date",
            "SKU",
            "Quantity",
            "Unit Price",
            "Extended Amount",
        )
    )
    # and the message shows what the supposed header held, and how to fix it
    message = report.problems.get(column="Customer Name").message
    assert message.startswith("required column 'Customer Name' is missing")
    assert "The header (line with the column names) has 'City of Austin', 'TX', '78701'" in message
    assert 'customer_name="Your header"' in message


def test_a_missing_required_column_is_named_with_the_headers_found(obligation, rep) -> None:
    # given a report without its Unit Price column
    header = [h for h in HEADER if h != "Unit Price"]
    report = file_report(obligation, csv_bytes([line()], header), actor=rep)
    # then the one missing column is the one problem, on the header's line
    assert_refused(report)
    assert problems(report) == [(1, "Unit Price", "missing_column")]
    message = problem(report, "missing_column").message
    assert "required column 'Unit Price' is missing" in message
    assert (
        "has 'Customer Name', 'State', 'ZIP', 'Invoice Number', 'Invoice Date', 'Order Type', "
        "'SKU', 'Quantity', 'Extended Amount'."
    ) in message
    assert "(or Price, Net Price, Sell Price, Unit Sell Price)" in message


@pytest.mark.parametrize(
    "header",
    [
        # any order, under the suppliers' own names
        ("Ext Price", "Inv Date", "Bill To Name", "Qty", "Item", "ST", "Price", "Invoice #"),
        (
            "Customer",
            "Invoice",
            "Date",
            "Item Number",
            "Units Sold",
            "Net Price",
            "Ext Amount",
            "State Code",
        ),
    ],
    ids=["bill-to-name", "customer"],
)
def test_columns_are_found_in_any_order_by_synonym(obligation, rep, header) -> None:
    # given the template's fields under other names and in another order
    fields = {
        "customer": ("Bill To Name", "Customer"),
        "invoice": ("Invoice #", "Invoice"),
        "date": ("Inv Date", "Date"),
        "sku": ("Item", "Item Number"),
        "qty": ("Qty", "Units Sold"),
        "price": ("Price", "Net Price"),
        "amount": ("Ext Price", "Ext Amount"),
        "state": ("ST", "State Code"),
    }
    template = line()
    row = {}
    for key, names in fields.items():
        for name in names:
            if name in header:
                row[name] = template[KEYS[key]]
    # when it is processed
    report = file_report(obligation, csv_bytes([row], header), actor=rep)
    # then the line is read and accepted, each field from its own column
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    assert lines_of(report) == [(2, "City of Austin", 9000)]
    sale = SalesLine.objects.get(report=report)
    assert (sale.sku, sale.invoice_number, sale.invoice_date) == (
        "PAPER-1",
        "INV-1001",
        datetime.date(2026, 8, 15),
    )
    assert (
        report.summary["columns"]["customer_name"]
        == header[[h in ("Bill To Name", "Customer") for h in header].index(True)]
    )
    assert report.summary["columns"]["extended_amount"] in ("Ext Price", "Ext Amount")


def test_two_columns_that_could_be_the_customer_are_refused_as_ambiguous(obligation, rep) -> None:
    # given both "Customer" and "Bill To Name"
    header = ("Customer", "Bill To Name", *HEADER[1:])
    row = line() | {"Customer": "City of Austin", "Bill To Name": "City of Austin"}
    report = file_report(obligation, csv_bytes([row], header), actor=rep)
    # then the file is refused, naming both columns
    assert_refused(report)
    assert problems(report) == [(1, "Customer", "ambiguous_column")]
    assert "'Customer' (column 1) and 'Bill To Name' (column 2)" in report.failure


@pytest.mark.parametrize(
    "above",
    [
        ("Acme Office Supply - sales report", "Agreement MA-TEST-1, quarter 2026Q3", ""),
        ("Acme Office Supply - sales report", "Agreement MA-TEST-1, quarter 2026Q3"),
    ],
    ids=["with-blank-line", "without-blank-line"],
)
def test_title_lines_above_the_header_keep_row_numbers_right(obligation, rep, above) -> None:
    # given a report opening with title lines, its header below them
    header_line = len(above) + 1
    rows = [line(), line(invoice="INV-1002", qty="3", amount="135.00")]
    # when it is processed
    report = file_report(obligation, csv_bytes(rows, above=above), actor=rep)
    # then its lines carry the row numbers the supplier sees
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    assert lines_of(report) == [
        (header_line + 1, "City of Austin", 9000),
        (header_line + 2, "City of Austin", 13500),
    ]
    # and a mistake is reported on its own row
    bad = [line(), line(invoice="INV-1002", qty="3", amount="999.00")]
    obligation2 = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    rows2 = [r | {"Invoice Date": "2026-05-15"} for r in bad]
    failed = file_report(obligation2, csv_bytes(rows2, above=above), actor=rep)
    assert_refused(failed)
    assert problems(failed) == [(header_line + 2, "Extended Amount", "extended_mismatch")]


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("newline", "bom"),
    [("\r\n", True), ("\r\n", False), ("\r", False), ("\n", True)],
    ids=["crlf-bom", "crlf", "cr-only", "lf-bom"],
)
def test_line_ends_and_a_byte_order_mark_are_read(obligation, rep, newline, bom) -> None:
    # given a report as Excel on Windows (CRLF, "CSV UTF-8" adds a BOM) or an old Mac (CR)
    # writes it
    body = csv_bytes(two_lines(), newline=newline)
    body = b"\xef\xbb\xbf" + body if bom else body
    # when it is processed
    report = file_report(obligation, body, actor=rep)
    # then both lines are read on rows 2 and 3, the first header without the mark
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    assert lines_of(report) == [(2, "City of Austin", 9000), (3, "Travis County", 9000)]
    assert report.summary["columns"]["customer_name"] == "Customer Name"
    # and "lines read" counts the two lines, not a phantom after the last line end
    assert report.summary["lines_read"] == 2
    assert report.summary["encoding"] == "utf-8"


def test_windows_1252_is_read_and_noted(obligation, rep) -> None:
    # given Excel's plain "CSV": Windows-1252, é as the single byte 0xE9, on line 3
    rows = [line(), line(invoice="INV-1002", customer="Béxar County")]
    body = csv_bytes(rows, encoding="cp1252")
    assert b"B\xe9xar" in body
    # when it is processed
    report = file_report(obligation, body, actor=rep)
    # then the name is read with its accent, matched, and the encoding noted for the supplier
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    assert ReportCustomer.objects.get(report=report, name="Béxar County").agency.name == (
        "Bexar County"
    )
    assert report.summary["encoding"] == "cp1252"
    assert report.summary["notes"][0].startswith(
        "The file is not UTF-8 (first on line 3), so it was read as Windows-1252"
    )


def test_utf16_tab_separated_unicode_text_is_read(obligation, rep) -> None:
    # given Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated
    rows = [line(), line(invoice="INV-1002", customer="Béxar County")]
    body = csv_bytes(rows, encoding="utf-16", delimiter="\t")
    assert body.startswith((b"\xff\xfe", b"\xfe\xff"))
    # when it is processed
    report = file_report(obligation, body, actor=rep)
    # then both lines are read, accent and all
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    assert lines_of(report) == [(2, "City of Austin", 9000), (3, "Béxar County", 9000)]
    assert report.summary["encoding"] == "utf-16"


# --------------------------------------------------------------------------- values


def test_an_excel_serial_date_written_as_text_is_a_date(obligation, rep) -> None:
    # given invoice dates exported as Excel's day numbers: 46249 is 2026-08-15
    rows = [line(date="46249"), line(invoice="INV-1002", date="46249.0")]
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    # then they are read as that day
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    dates = set(SalesLine.objects.filter(report=report).values_list("invoice_date", flat=True))
    assert dates == {datetime.date(2026, 8, 15)}


def test_an_excel_serial_date_outside_the_quarter_is_shown_as_the_date_it_is(
    obligation, rep
) -> None:
    # given 46000, Excel's number for 2025-12-09, in a 2026Q3 report
    report = file_report(obligation, csv_bytes([line(date="46000")]), actor=rep)
    # then the line is refused as outside the quarter, the message showing the real date
    assert_refused(report)
    assert (2, "Invoice Date", "date_outside_period") in problems(report)
    assert problem(report, "date_outside_period").message.startswith(
        "invoice date 2025-12-09 is outside 2026Q3 (Jul 1 to Sep 30, 2026)"
    )


def test_xlsx_date_cells_and_number_cells_are_read(obligation, rep) -> None:
    # given a workbook whose dates are a date cell and a plain number cell (46249), with
    # amounts as numbers, one of them a formula's float noise (=3*0.1 is 0.30000000000000004)
    header = list(HEADER)
    rows = [
        ["City of Austin", "TX", 78701, "INV-1", datetime.date(2026, 8, 15), None, "PAPER-1",
         2, 45, 90],
        ["City of Austin", "TX", 78701, 1002, 46249, None, "PEN-2", 3, 0.1, 3 * 0.1],
    ]  # fmt: skip
    body = xlsx_bytes({"Sales": [header, *rows]})
    # when it is processed
    report = file_report(obligation, body, "sales.xlsx", actor=rep)
    # then both are the same day, and the amounts are whole cents
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    got = list(
        SalesLine.objects.filter(report=report)
        .order_by("line")
        .values_list("line", "invoice_number", "invoice_date", "unit_price_e4", "extended_cents")
    )
    assert got == [
        (2, "INV-1", datetime.date(2026, 8, 15), 450000, 9000),
        (3, "1002", datetime.date(2026, 8, 15), 1000, 30),
    ]
    assert report.summary["format"] == "xlsx"


def test_dollar_signs_thousands_and_parentheses_are_amounts(obligation, rep) -> None:
    # given "$1,234.50" for a sale and "(12.50)" for an untyped credit
    rows = [
        line(sku="PEN-2", qty="98.76", price="$12.50", amount="$1,234.50"),
        line(invoice="INV-1002", sku="PEN-2", qty="1", price="12.50", amount="(12.50)"),
    ]
    report = file_report(obligation, csv_bytes(rows), actor=rep)
    # then they are read to the cent, the second as a credit
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    got = list(
        SalesLine.objects.filter(report=report)
        .order_by("line")
        .values_list("line", "order_type", "extended_cents", "unit_price_e4")
    )
    assert got == [(2, "sale", 123450, 125000), (3, "credit", -1250, 125000)]
    assert report.total_cents == 122200


def test_european_decimal_commas_are_refused(obligation, rep) -> None:
    # given a report from European regional settings: semicolons, decimal commas
    row = line(sku="PEN-2", qty="98,76", price="12,50", amount="1.234,50")
    body = csv_bytes([row], delimiter=";")
    # when it is processed
    report = file_report(obligation, body, actor=rep)
    # then each such number is refused on its line and column, saying how to write it
    assert_refused(report)
    assert problems(report) == [
        (2, "Extended Amount", "not_a_number"),
        (2, "Quantity", "not_a_number"),
        (2, "Unit Price", "not_a_number"),
    ]
    message = report.problems.get(column="Extended Amount").message
    assert message.startswith("Extended Amount '1.234,50' is not a number; write it like 1234.50")


def test_blank_lines_keep_the_row_numbers_of_the_lines_after_them(obligation, rep) -> None:
    # given blank lines between the lines of a report
    good = csv_bytes(two_lines())
    header, first, second = good.rstrip(b"\r\n").split(b"\r\n")
    body = b"\r\n".join([header, first, b"", b"  ", second]) + b"\r\n"
    # when it is processed
    report = file_report(obligation, body, actor=rep)
    # then the lines keep rows 2 and 5
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    assert lines_of(report) == [(2, "City of Austin", 9000), (5, "Travis County", 9000)]
    # and an error after blank lines is reported on its own row
    bad = second.replace(b"90.00", b"91.00")
    obligation2 = services.obligation_for(AGREEMENT, QUARTER, actor=rep)
    body2 = b"\r\n".join([header, first, b"", b"", b"", bad]) + b"\r\n"
    failed = file_report(obligation2, body2, "corrected.csv", actor=rep)
    assert_refused(failed)
    assert problems(failed) == [(6, "Extended Amount", "extended_mismatch")]


def test_a_value_with_an_unquoted_comma_is_refused_on_its_line(obligation, rep) -> None:
    # given a line whose amount 1,234.50 was written without quotes: one value too many
    good = csv_bytes([line()]).decode()
    body = good + "City of Austin,TX,78701,INV-1002,2026-08-15,,PEN-2,98.76,12.50,1,234.50\r\n"
    report = file_report(obligation, body.encode(), actor=rep)
    # then that line is refused, saying to quote the value
    assert_refused(report)
    assert (3, "(row)", "extra_values") in problems(report)
    assert "quote that value" in problem(report, "extra_values").message


def test_a_quoted_value_on_two_lines_is_one_value(obligation, rep) -> None:
    # given an address typed on two lines of one Excel cell, saved as CSV inside quotes
    header = (*HEADER, "Customer Address")
    rows = [
        line() | {"Customer Address": "124 W 8th St\r\nSuite 300"},
        line(invoice="INV-2", customer="Travis County") | {"Customer Address": "700 Lavaca St"},
    ]
    body = csv_bytes(rows, header)
    assert b'"124 W 8th St\r\nSuite 300"' in body
    # when it is processed
    report = file_report(obligation, body, actor=rep)
    # then it is one value (its line break read as a space, as all runs of white space are)
    # and the lines are rows 2 and 3, as Excel shows them
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    assert lines_of(report) == [(2, "City of Austin", 9000), (3, "Travis County", 9000)]
    address = ReportCustomer.objects.get(report=report, name="City of Austin").address
    assert address == "124 W 8th St Suite 300"


# --------------------------------------------------------------------------- workbooks


def test_the_one_sheet_with_sales_is_read_and_noted(obligation, rep) -> None:
    # given a workbook with a cover sheet and, on its second sheet, a title above the lines
    body = xlsx_bytes(
        {
            "Cover": [["Acme Office Supply"], ["Quarterly sales, 2026Q3"]],
            "Q3 sales": [["Sales under MA-TEST-1"], [], *grid(two_lines())],
        }
    )
    # when it is processed
    report = file_report(obligation, body, "sales.xlsx", actor=rep)
    # then the sales sheet is read, with Excel's row numbers, and the choice is noted
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    assert lines_of(report) == [(4, "City of Austin", 9000), (5, "Travis County", 9000)]
    assert report.summary["sheet"] == "Q3 sales"
    assert report.summary["notes"] == ["Read sheet 'Q3 sales'."]


def test_two_sheets_with_sales_are_refused_naming_both(obligation, rep) -> None:
    # given lines on two sheets
    body = xlsx_bytes({"July": grid([line()]), "August": grid([line(invoice="INV-2")])})
    # when it is processed without saying which
    report = file_report(obligation, body, "sales.xlsx", actor=rep)
    # then it is refused, naming both sheets
    assert_refused(report)
    assert problems(report) == [(0, "(file)", "several_sheets")]
    assert "on the sheets 'July' and 'August'" in report.failure
    assert "name the sheet to read" in report.failure


def test_the_sheet_named_is_the_one_read(obligation, rep) -> None:
    # given lines on two sheets, and the supplier naming the second
    body = xlsx_bytes(
        {"July": grid([line()]), "August": grid([line(invoice="INV-2", customer="Travis County")])}
    )
    report = file_report(obligation, body, "sales.xlsx", actor=rep, sheet="August")
    # then only that sheet's lines are loaded
    report.refresh_from_db()
    assert report.status == "accepted", problems(report)
    assert lines_of(report) == [(2, "Travis County", 9000)]
    assert report.summary["sheet"] == "August"


def test_a_sheet_that_is_not_there_is_refused_listing_the_sheets(obligation, rep) -> None:
    body = xlsx_bytes({"July": grid([line()]), "August": grid([line(invoice="INV-2")])})
    report = file_report(obligation, body, "sales.xlsx", actor=rep, sheet="September")
    assert_refused(report)
    assert problems(report) == [(0, "(file)", "unreadable")]
    assert "no sheet named 'September'; its sheets are 'July', 'August'" in report.failure


# --------------------------------------------------------------------------- what is filed


def test_an_agreement_that_does_not_exist_is_refused(agreement, rep) -> None:
    with pytest.raises(ValidationError) as caught:
        services.obligation_for("MA-9999", QUARTER, actor=rep)
    assert caught.value.message_dict["agreement"] == [
        "there is no master agreement numbered 'MA-9999'"
    ]


def test_another_suppliers_agreement_is_refused(agreement, rep) -> None:
    # given an agreement held by some other supplier
    other = factories.agreement(number="MA-OTHER")
    # when the persona files against it, then it may not
    with pytest.raises(PermissionDenied):
        services.obligation_for(other.number, QUARTER, actor=rep)
    assert not other.obligations.exists()


def test_a_quarter_outside_the_agreement_is_refused_with_its_term(agreement, rep) -> None:
    # given a quarter before the agreement took effect (2026-01-01)
    with pytest.raises(ValidationError) as caught:
        services.obligation_for(AGREEMENT, "2025Q4", actor=rep)
    # then the refusal gives the agreement's term
    (message,) = caught.value.message_dict["period"]
    assert message.startswith(f"{AGREEMENT} was not in force in 2025Q4 (it runs 2026-01-01 to ")
    assert message.endswith("report each sale under the agreement it was made on")


def test_a_future_quarter_is_refused(agreement, rep) -> None:
    future = Quarter.containing(timezone.localdate()).next()
    with pytest.raises(ValidationError) as caught:
        services.obligation_for(AGREEMENT, str(future), actor=rep)
    assert caught.value.message_dict["period"] == [
        f"{future} has not begun; report it once it has ended"
    ]


def test_a_quarter_that_is_not_a_quarter_is_refused(agreement, rep) -> None:
    with pytest.raises(ValidationError) as caught:
        services.obligation_for(AGREEMENT, "2026-09", actor=rep)
    assert caught.value.message_dict["period"] == [
        "'2026-09' is not a quarter; write it like 2026Q3"
    ]


def test_the_same_file_sent_twice_is_refused(obligation, rep) -> None:
    # given a report filed and accepted
    body = csv_bytes([line()])
    first = file_report(obligation, body, actor=rep)
    first.refresh_from_db()
    assert first.status == "accepted"
    # when the very same bytes are sent again, under another name
    with pytest.raises(ValidationError) as caught:
        submit(obligation, body, "sales-again.csv", actor=rep)
    # then they are refused, naming the version they repeat
    assert caught.value.message_dict["file"] == [
        "this is the same file as version 1 (accepted); correct it before sending it again"
    ]
    assert obligation.reports.count() == 1
