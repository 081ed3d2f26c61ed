"""Price files: reading CSV and XLSX, validating every line, versions and effective dates, who
may import, and the manage.py command."""

import csv
import datetime
import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import ManagementUtility
from django.core.management import base as management_base

from interlocal.agreements.ingest import (
    SYNONYMS,
    PriceError,
    PriceFileError,
    errors_csv,
    resolve_columns,
)
from interlocal.agreements.ingest.price_rows import discounted, read_price_file
from interlocal.agreements.models import Agreement, PriceFile, PriceItem
from interlocal.agreements.prices import current_price_file, price_in_effect
from interlocal.agreements.services.pricing import import_price_file, template_csv
from interlocal.core.models import AuditEvent
from interlocal.core.search import matching
from interlocal.registry.models import Agency
from tests.factories import AgencyFactory, SupplierFactory

START = datetime.date(2026, 1, 1)
HEADER = "SKU,Description,Unit,List Price,Discount,Contract Price"


def make_agreement(lead: Agency | None = None, number: str = "IL-2026-0001") -> Agreement:
    return Agreement.objects.create(
        number=number,
        title="Office supplies",
        lead_agency=lead or AgencyFactory(),
        supplier=SupplierFactory(),
        scope="goods",
        cooperative_clause="Any public agency may purchase under this agreement.",
        effective_on=START,
        initial_term_months=36,
        initial_term_ends_on=datetime.date(2028, 12, 31),
        expires_on=datetime.date(2028, 12, 31),
    )


@pytest.fixture
def agreement(db) -> Agreement:
    return make_agreement()


def csv_file(*lines: str, newline: str = "\r\n", bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + newline.join(lines) + newline).encode()


def counts() -> tuple[int, int, int]:
    return PriceFile.objects.count(), PriceItem.objects.count(), AuditEvent.objects.count()


def load(agreement, data, *, effective_from=START, actor=None, **options) -> PriceFile:
    return import_price_file(agreement, data, actor=actor, effective_from=effective_from, **options)


def refused(agreement, data, **options) -> list[PriceError]:
    """The errors of a refused file, after checking that nothing at all was written."""
    before = counts()
    with pytest.raises(PriceFileError) as caught:
        load(agreement, data, **options)
    assert counts() == before
    return caught.value.errors


def codes(errors: list[PriceError]) -> set[tuple[int, str, str]]:
    return {(e.line, e.column, e.code) for e in errors}


# --------------------------------------------------------------------------- reading


def test_bom_and_crlf_csv_imports_every_item_in_cents(agreement) -> None:
    # given a CSV saved by Excel as "CSV UTF-8": a byte-order mark and CRLF line endings
    data = csv_file(
        "SKU,Description,Unit,List Price,Contract Price,Category Code",
        'ABC-1,"Copy paper, letter",CS,"$1,234.50","1,000.00",1030',
        "abc-2,Stapler  heavy\tduty,EA,,12.5,",
        bom=True,
    )
    # when it is imported
    price_file = load(agreement, data, note="Initial award pricing")
    # then every item is stored in whole cents, under version 1, open-ended
    assert (price_file.version, price_file.effective_from, price_file.effective_to) == (
        1,
        START,
        None,
    )
    assert price_file.item_count == 2
    assert price_file.sha256 == hashlib.sha256(data).hexdigest()
    paper, stapler = price_file.items.order_by("sku")
    assert (paper.sku, paper.description, paper.unit) == ("ABC-1", "Copy paper, letter", "CS")
    assert (paper.list_price_cents, paper.contract_price_cents) == (123450, 100000)
    assert paper.category_code == "1030"
    assert paper.search_text == "abc1 abc 1 copy paper letter"
    assert (stapler.list_price_cents, stapler.contract_price_cents) == (None, 1250)
    assert stapler.description == "Stapler heavy duty"  # whitespace collapsed
    # and one audit event records the counts
    event = AuditEvent.objects.get(verb="agreement.price_file")
    assert event.actor_label == "operator: manage.py import_price_file"
    assert event.after["items"] == 2
    assert event.after["sha256"] == price_file.sha256
    assert event.after["columns"]["contract_price"] == "Contract Price"
    assert event.reason == "Initial award pricing"


@pytest.mark.parametrize(
    ("words", "found"),
    [
        (["copy", "paper"], ["ABC-1001"]),
        (["abc-1001"], ["ABC-1001"]),
        (["ABC1001"], ["ABC-1001"]),  # the SKU run together
        (["cafe"], ["XY/7"]),  # accents folded
        (["xy7", "table"], ["XY/7"]),
        (["chair"], []),
    ],
)
def test_imported_items_are_found_by_word_search(agreement, words, found) -> None:
    data = csv_file(
        "SKU,Description,Unit,Price",
        'ABC-1001,"Copy paper, letter",CS,40.50',
        "XY/7,Café table,EA,99.00",
    )
    load(agreement, data)
    hits = matching(
        PriceItem.objects.all(), table="agreements_priceitem", column="search_text", words=words
    )
    assert sorted(hits.values_list("sku", flat=True)) == found


def test_an_uploaded_file_keeps_its_name(agreement) -> None:
    upload = SimpleUploadedFile(
        "acme 2026.csv", csv_file("SKU,Description,Unit,Price", "A,Pen,EA,1")
    )
    assert load(agreement, upload).source_name == "acme 2026.csv"


def test_cr_only_line_endings_keep_line_numbers(agreement) -> None:
    # given an old Mac export: lone CR between lines
    good = csv_file("SKU,Description,Unit,Price", "A,One,EA,1.00", "B,Two,EA,2.00", newline="\r")
    assert load(agreement, good).item_count == 2
    # then a bad value on the third line is reported on line 3
    bad = csv_file("SKU,Description,Unit,Price", "A,One,EA,1.00", "B,Two,EA,N/A", newline="\r")
    assert codes(refused(agreement, bad, effective_from=START.replace(month=2))) == {
        (3, "Price", "non_numeric")
    }


def test_windows_1252_file_is_read_with_a_note(agreement) -> None:
    data = "SKU,Description,Unit,Price\r\nA,Café table — oak,EA,1.00\r\n".encode("cp1252")
    price_file = load(agreement, data)
    assert price_file.items.get().description == "Café table — oak"
    event = AuditEvent.objects.get(verb="agreement.price_file")
    assert event.after["encoding"] == "cp1252"
    assert "not UTF-8 (first on line 2)" in event.after["notes"][0]


def test_utf16_text_from_excel_is_read(agreement) -> None:
    data = "SKU\tDescription\tUnit\tPrice\r\nA\tTable\tEA\t9.99\r\n".encode("utf-16")
    assert load(agreement, data).items.get().contract_price_cents == 999


def write_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["Prices are in the second sheet."])
    sheet = book.create_sheet("Prices")
    sheet.append(["Acme price list 2026"])  # row 1: a title, row 2 blank, header on row 3
    sheet.append([])
    sheet.append(["Part Number", "Item Description", "UOM", "MSRP", "Discount %", "Net Price"])
    sheet.append([12345, "Widget", "EA", 491.94, 0.25, None])
    sheet["E4"].number_format = "0%"
    sheet.append(["B-2", "Gadget", "BX", 10, None, 7.5])
    book.save(path)
    return path


def test_xlsx_named_sheet_with_title_rows(agreement, tmp_path) -> None:
    # given a workbook whose prices sit in a second sheet below a title
    path = write_workbook(tmp_path / "acme.xlsx")
    # when the named sheet is imported
    price_file = load(agreement, path, sheet="Prices")
    widget = price_file.items.get(sku="12345")  # Excel's float 12345.0 is the part number
    # then 491.94 less 25% = 368.955 rounds half-up to 368.96
    assert (widget.list_price_cents, widget.discount_bps, widget.contract_price_cents) == (
        49194,
        2500,
        36896,
    )
    assert price_file.items.get(sku="B-2").contract_price_cents == 750
    event = AuditEvent.objects.get(verb="agreement.price_file")
    assert (event.after["format"], event.after["sheet"]) == ("spreadsheet", "Prices")
    notes = " ".join(event.after["notes"])
    assert "Line(s) 1 above the header were skipped as a title." in notes
    assert "Discount cells on 1 row(s), first row 4" in notes  # the percentage, by Excel row


def test_xlsx_errors_name_spreadsheet_rows_and_sheets(agreement, tmp_path) -> None:
    path = write_workbook(tmp_path / "acme.xlsx")
    book = openpyxl.load_workbook(path)
    book["Prices"]["F5"] = "call us"
    book.save(path)
    assert codes(refused(agreement, path, sheet="Prices")) == {(5, "Net Price", "non_numeric")}
    [missing] = refused(agreement, path, sheet="Price list")
    assert missing.code == "unreadable" and "'Read me', 'Prices'" in missing.message
    # the first sheet is the default, and it has no price columns
    assert {e.code for e in refused(agreement, path)} == {"missing_column"}


def test_synonyms_and_any_column_order() -> None:
    data = csv_file(
        "unit-of-measure,NET PRICE,Item  Description,Catalog No.,msrp,Discount (%),NIGP Code",
        "EA,8.00,Pencil,P-1,10.00,20%,615-01",
    )
    rows = read_price_file(data)
    assert rows.columns == {
        "sku": "Catalog No.",
        "description": "Item Description",
        "unit": "unit-of-measure",
        "list_price": "msrp",
        "contract_price": "NET PRICE",
        "discount": "Discount (%)",
        "category_code": "NIGP Code",
    }
    [row] = rows.rows
    assert (row.sku, row.contract_price_cents, row.discount_bps) == ("P-1", 800, 2000)


def test_each_synonym_finds_its_own_field_only() -> None:
    for field, words in SYNONYMS.items():
        for word in words:
            found, _errors = resolve_columns(1, [word.upper()])
            assert found == {field: 0}, word


def test_column_map_overrides_synonyms(agreement) -> None:
    data = csv_file("SIN(s),Job Title,Unit,Price,Net Price", "132-51,Analyst,Hour,120.00,110.00")
    # given two price columns, synonyms alone cannot choose
    [ambiguous] = refused(agreement, data)
    assert ambiguous.code == "ambiguous_column"
    assert "'Price' (column 4) and 'Net Price' (column 5)" in ambiguous.message
    # when the columns are mapped explicitly, the map wins and matching ignores case
    column_map = {"sku": "job title", "description": "Job Title", "contract_price": "net price"}
    item = load(agreement, data, column_map=column_map).items.get()
    assert (item.sku, item.description, item.contract_price_cents) == ("Analyst", "Analyst", 11000)


def test_discount_prices_round_half_up_once(agreement) -> None:
    data = csv_file(
        HEADER,
        "D-1,Ten less a quarter,EA,10.00,25%,",
        "D-2,Half of a quarter,EA,0.25,50,",  # 12.5 cents: half-up 13, banker's would say 12
        'D-3,A third off,EA,"1,000.00",33.33 %,',
        "D-4,Twelve and a half off,EA,19.99,12.5,",  # 17.49125
        "D-5,All three agree,EA,5.00,20%,4.00",
    )
    price_file = load(agreement, data)
    prices = dict(price_file.items.values_list("sku", "contract_price_cents"))
    assert prices == {"D-1": 750, "D-2": 13, "D-3": 66670, "D-4": 1749, "D-5": 400}
    assert price_file.items.get(sku="D-3").discount_bps == 3333
    event = AuditEvent.objects.get(verb="agreement.price_file")
    assert (event.after["priced_from_discount"], event.after["with_list_price"]) == (4, 5)


def test_discounted_is_exact_integer_arithmetic() -> None:
    assert discounted(49194, 2500) == 36896
    assert discounted(1, 5000) == 1  # half a cent rounds up
    assert discounted(123456789012, 1) == 123444443333  # 0.01% of $1.2bn, no float drift


# --------------------------------------------------------------------------- errors


def test_every_row_error_is_reported_and_nothing_is_saved(agreement) -> None:
    data = csv_file(
        HEADER,
        "A-1,Good,EA,10.00,,9.00",
        "A-2,Price unknown,EA,,,N/A",
        "A-3,Negative,EA,,,-5.00",
        "A-4,Accounting negative,EA,(5.00),,1.00",
        "A-5,Tenth of a cent,EA,,,12.345",
        " a-1 ,Same SKU other case,EA,,,1.00",
        "A-6,Above list,EA,10.00,,10.01",
        ",No SKU,EA,,,1.00",
        "A-7,,EA,,,1.00",
        "A-8,No price,EA,10.00,,",
        "A-9,Disagrees,EA,100.00,10%,85.00",
        "A-10,Too much off,EA,100.00,150%,",
        "A-11,Finer than a basis point,EA,100.00,12.345%,",
        "A-12,Wordy discount,EA,100.00,lots,",
        "A-13,Unquoted comma,EA,,,1,234.50",
        "X" * 101 + ",Long SKU,EA,,,1.00",
        "A-14,Negative discount,EA,100.00,-5%,",
    )
    errors = refused(agreement, data)
    assert codes(errors) == {
        (3, "Contract Price", "non_numeric"),
        (4, "Contract Price", "negative"),
        (5, "List Price", "negative"),
        (6, "Contract Price", "fraction_of_cent"),
        (7, "SKU", "duplicate_sku"),
        (8, "Contract Price", "above_list"),
        (9, "SKU", "missing_value"),
        (10, "Description", "missing_value"),
        (11, "Contract Price", "no_price"),
        (12, "Discount", "discount_mismatch"),
        (13, "Discount", "discount_out_of_range"),
        (14, "Discount", "discount_precision"),
        (15, "Discount", "non_numeric"),
        (16, "(row)", "extra_values"),
        (17, "SKU", "too_long"),
        (18, "Discount", "negative"),
    }
    duplicate = next(e for e in errors if e.code == "duplicate_sku")
    assert "on line 2 and again on line 7" in duplicate.message
    mismatch = next(e for e in errors if e.code == "discount_mismatch")
    assert "$100.00 less 10% is $90.00, but the contract price is $85.00" in mismatch.message
    assert [e.line for e in errors] == sorted(e.line for e in errors)


def test_missing_columns_are_named_with_the_headers_found(agreement) -> None:
    errors = refused(agreement, csv_file("Product,Desc,Price", "A,Pen,1.00"))
    assert codes(errors) == {(1, "SKU", "missing_column"), (1, "Unit", "missing_column")}
    assert "The header (line with the column names) has 'Product', 'Desc', 'Price'" in (
        errors[0].message
    )
    [no_price] = refused(agreement, csv_file("SKU,Description,Unit,List Price", "A,Pen,EA,1.00"))
    assert (no_price.column, no_price.code) == ("Contract Price", "missing_column")
    assert "or a list price column and a discount column" in no_price.message


def test_bad_column_maps_are_reported(agreement) -> None:
    data = csv_file("Part,Description,UOM,Cost", "A,Pen,EA,1.00")
    errors = refused(agreement, data, column_map={"price": "Cost", "sku": "Part No"})
    assert {(e.column, e.code) for e in errors} == {
        ("Cost", "unknown_field"),
        ("Part No", "missing_column"),
        ("Contract Price", "missing_column"),
    }
    # a header claimed by one field is not also guessed for another; the message says so
    data = csv_file("SKU,Unit,Price", "A,EA,1.00")
    [hint] = refused(agreement, data, column_map={"description": "SKU", "sku": "Unit"})
    assert hint.column == "Unit" and 'map unit="Unit"' in hint.message


@pytest.mark.parametrize(
    ("data", "line", "code"),
    [
        (b"", 0, "empty_file"),
        (b"  \r\n\r\n", 0, "empty_file"),
        (b"SKU,Description,Unit,Price\r\n\r\n", 0, "empty_file"),
        (b"SKU,Description,Unit,Price\nA,x,EA,1.00\nB,\x81\x8d,EA,2.00\n", 3, "encoding"),
        (b'SKU,Description,Unit,Price\nA,"Open,EA,1.00\nB,x,EA,2.00\n', 2, "unreadable"),
        (b"PK\x03\x04 not really a workbook", 0, "unreadable"),
    ],
)
def test_unreadable_files_are_refused(agreement, data, line, code) -> None:
    [error] = refused(agreement, data)
    assert (error.line, error.code) == (line, code)


def test_errors_csv_lists_every_error_and_defuses_formulas() -> None:
    errors = [
        PriceError(3, "=cmd|' /C calc'!A0", "non_numeric", "not a price", "-2+3"),
        PriceError(7, "SKU", "duplicate_sku", "SKU 'A' is on line 2 and again on line 7", "A"),
    ]
    rows = list(csv.reader(io.StringIO(errors_csv(errors))))
    assert rows == [
        ["line", "column", "code", "value", "message"],
        ["3", "'=cmd|' /C calc'!A0", "non_numeric", "'-2+3", "not a price"],
        ["7", "SKU", "duplicate_sku", "A", "SKU 'A' is on line 2 and again on line 7"],
    ]


def test_price_file_error_is_a_validation_error_with_a_summary() -> None:
    errors = [PriceError(n, "Price", "non_numeric", f"bad {n}") for n in range(2, 30)]
    exc = PriceFileError(errors, "prices.csv")
    assert isinstance(exc, ValidationError)
    assert len(exc.messages) == 28
    text = str(exc)
    assert text.startswith("28 problems found in prices.csv; nothing was imported.")
    assert "line 21, column 'Price': bad 21" in text and "line 22," not in text
    assert "and 8 more" in text


def test_template_imports_as_it_is(agreement) -> None:
    item = load(agreement, template_csv().encode()).items.get()
    assert (item.sku, item.list_price_cents, item.discount_bps, item.contract_price_cents) == (
        "ABC-1001",
        5400,
        2500,
        4050,
    )
    assert item.category_code == "1030"


# --------------------------------------------------------------------------- versions


def two_versions(agreement) -> tuple[PriceFile, PriceFile]:
    first = load(
        agreement, csv_file("SKU,Description,Unit,Price", "A-1,Pen,EA,10.00", "B-2,Ink,EA,5.00")
    )
    second = load(
        agreement,
        csv_file("SKU,Description,Unit,Price", "A-1,Pen,EA,11.00", "C-3,Pad,EA,2.00"),
        effective_from=datetime.date(2026, 7, 1),
    )
    first.refresh_from_db()
    return first, second


def test_a_new_version_ends_the_previous_one_the_day_before(agreement) -> None:
    first, second = two_versions(agreement)
    assert (first.effective_to, second.version, second.effective_to) == (
        datetime.date(2026, 6, 30),
        2,
        None,
    )
    event = AuditEvent.objects.filter(verb="agreement.price_file").latest("seq")
    assert event.before == {"version": 1, "effective_to": None}
    assert event.after["ends_version"] == {"version": 1, "effective_to": "2026-06-30"}


@pytest.mark.parametrize(
    ("sku", "day", "cents"),
    [
        ("A-1", datetime.date(2025, 12, 31), None),  # before the first version
        ("A-1", datetime.date(2026, 1, 1), 1000),  # first day of version 1
        ("A-1", datetime.date(2026, 6, 30), 1000),  # last day of version 1
        ("A-1", datetime.date(2026, 7, 1), 1100),  # first day of version 2
        ("B-2", datetime.date(2026, 6, 30), 500),
        ("B-2", datetime.date(2026, 7, 1), None),  # dropped from version 2
        ("C-3", datetime.date(2026, 6, 30), None),  # added in version 2
        (" a-1 ", datetime.date(2030, 1, 1), 1100),  # open-ended, and case-insensitive
    ],
)
def test_price_in_effect_on_boundary_days(agreement, sku, day, cents) -> None:
    two_versions(agreement)
    item = price_in_effect(agreement, sku, day)
    assert (item.contract_price_cents if item else None) == cents


def test_current_price_file_by_day(agreement) -> None:
    two_versions(agreement)
    assert current_price_file(agreement, datetime.date(2025, 12, 31)) is None
    assert current_price_file(agreement, datetime.date(2026, 6, 30)).version == 1
    assert current_price_file(agreement, datetime.date(2026, 7, 1)).version == 2
    assert price_in_effect(make_agreement(number="IL-OTHER"), "A-1", START) is None


@pytest.mark.parametrize("day", [datetime.date(2026, 3, 1), datetime.date(2026, 2, 1)])
def test_a_version_may_not_start_on_or_before_the_previous_one(agreement, day) -> None:
    data = csv_file("SKU,Description,Unit,Price", "A-1,Pen,EA,10.00")
    first = load(agreement, data, effective_from=datetime.date(2026, 3, 1))
    before = counts()
    with pytest.raises(ValidationError) as caught:
        load(agreement, data, effective_from=day)
    assert "Choose 2026-03-02 or later" in caught.value.messages[0]
    assert counts() == before
    first.refresh_from_db()
    assert first.effective_to is None


def test_a_note_longer_than_the_field_is_refused(agreement) -> None:
    data = csv_file("SKU,Description,Unit,Price", "A-1,Pen,EA,10.00")
    with pytest.raises(ValidationError):
        load(agreement, data, note="x" * 301)
    assert counts() == (0, 0, 0)


# --------------------------------------------------------------------------- permissions

PRICES = csv_file("SKU,Description,Unit,Price", "A-1,Pen,EA,10.00")


@pytest.fixture
def harmon_agreement(personas) -> Agreement:
    return make_agreement(lead=Agency.objects.get(name="Harmon County"), number="HC-2026-01")


@pytest.mark.parametrize("role", ["buyer", "supplier_rep", "auditor", "sponsor_viewer"])
def test_only_the_lead_agency_and_program_office_import(personas, harmon_agreement, role) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        load(harmon_agreement, PRICES, actor=personas[role])
    # refused before the file is even read: a bad file gets the same answer
    with pytest.raises(PermissionDenied):
        load(harmon_agreement, b"garbage", actor=personas[role])
    assert counts() == before


def test_the_lead_agency_officer_imports_for_their_own_agency_only(
    personas, harmon_agreement
) -> None:
    officer = personas["lead_agency_officer"]
    price_file = load(harmon_agreement, PRICES, actor=officer)
    assert price_file.uploaded_by == officer
    event = AuditEvent.objects.get(verb="agreement.price_file")
    assert (event.actor, event.actor_label) == (officer, officer.email)
    with pytest.raises(PermissionDenied):
        load(make_agreement(number="OTHER-01"), PRICES, actor=officer)


def test_the_program_office_imports_for_any_agreement(personas, harmon_agreement) -> None:
    assert load(harmon_agreement, PRICES, actor=personas["program_admin"]).version == 1


# --------------------------------------------------------------------------- the command


@pytest.fixture
def manage(monkeypatch):
    """Run manage.py in this process (so on the test database) and return its exit code.

    manage.py closes the database connections as it exits, which would end the test's own
    transaction on PostgreSQL, so that one step is left out. System checks are skipped: this
    tests the command, not the rest of the project's configuration."""
    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)

    def run(*args: str) -> int:
        try:
            ManagementUtility(["manage.py", *args, "--skip-checks"]).execute()
        except SystemExit as exit_:
            return int(exit_.code or 0)
        return 0

    return run


def test_command_imports_with_mapped_columns(agreement, tmp_path, capsys, manage) -> None:
    path = tmp_path / "acme.csv"
    path.write_bytes(csv_file("Part,Title,UOM,Cost", "A-1,Pen,EA,10.00", "B-2,Ink,EA,5.00"))
    code = manage(
        "import_price_file", str(path), "--agreement", agreement.number,
        "--effective-from", "2026-02-01", "--map", "sku=Part", "--map", "description=Title",
        "--map", "contract_price=Cost", "--note", "Award pricing",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "Imported 2 items from acme.csv." in out
    price_file = PriceFile.objects.get()
    assert (price_file.effective_from, price_file.note) == (
        datetime.date(2026, 2, 1),
        "Award pricing",
    )


def test_command_prints_the_first_errors_and_exits_non_zero(
    agreement, tmp_path, capsys, manage
) -> None:
    path = tmp_path / "bad.csv"
    lines = [f"S-{n},Item {n},EA,N/A" for n in range(2, 32)]
    path.write_bytes(csv_file("SKU,Description,Unit,Price", *lines))
    report = tmp_path / "errors.csv"
    code = manage(
        "import_price_file", str(path), "--agreement", agreement.number,
        "--errors-csv", str(report),
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "30 problems found in bad.csv; nothing was imported" in err
    assert "line 21, column 'Price'" in err and "line 22," not in err
    assert "and 10 more" in err
    assert len(list(csv.reader(io.StringIO(report.read_text())))) == 31  # header + 30
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agreement", "NO-SUCH"], "there is no agreement numbered 'NO-SUCH'"),
        (["--agreement", "IL-2026-0001", "--effective-from", "1/2/26"], "write YYYY-MM-DD"),
        (["--agreement", "IL-2026-0001", "--map", "sku"], "must look like"),
    ],
)
def test_command_refuses_bad_arguments(agreement, tmp_path, capsys, manage, args, message) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes(PRICES)
    assert manage("import_price_file", str(path), *args) == 1
    assert message in capsys.readouterr().err
    assert counts() == (0, 0, 0)
