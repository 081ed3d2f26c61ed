"""IRS EO BMF parsing: the real July 2020 extracts (external data) and synthetic bad input."""

import csv
import io
from pathlib import Path

import pytest

from interlocal.registry.ingest.errors import IngestError
from interlocal.registry.ingest.irs import (
    ACTIVE_501C3_STATUSES,
    ExemptOrgRow,
    check_states_disjoint,
    is_active_501c3,
    normalise_ein,
    parse_irs_file,
    read_irs_csv,
)

DATA_DIR = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data").resolve()
IRS_DIR = DATA_DIR / "irs_eo_bmf_2020_07_sample"
IRS_FILES = ["eo_dc.csv", "eo_de.csv", "eo_ri.csv", "eo_vt.csv", "eo_wy.csv"]

needs_data = pytest.mark.skipif(
    not IRS_DIR.is_dir(),
    reason=f"real IRS EO BMF data not found at {IRS_DIR}; it lives in ../shared/data beside the "
    "repository (present in CI)",
)

HEADER = (
    "EIN,NAME,STREET,CITY,STATE,ZIP,GROUP,SUBSECTION,AFFILIATION,CLASSIFICATION,RULING,"
    "DEDUCTIBILITY,FOUNDATION,ACTIVITY,ORGANIZATION,STATUS,TAX_PERIOD,ASSET_CD,INCOME_CD,"
    "FILING_REQ_CD,PF_FILING_REQ_CD,ACCT_PD,ASSET_AMT,INCOME_AMT,REVENUE_AMT,NTEE_CD,SORT_NAME"
)


def org(
    ein: str = "010561836",
    name: str = "KREATIVE MINDS INC",
    subsection: str = "03",
    status: str = "01",
    city: str = "DOVER",
) -> str:
    """One line in the IRS layout (27 columns)."""
    return (
        f"{ein},{name},1432 S HANCOCK AVE,{city},DE,19901-4058,0000,{subsection},3,1000,201603,"
        f"1,15,000000000,1,{status},201712,1,0,02,0,12,1,0,0,A20,"
    )


SAMPLE = [
    HEADER,
    org(),
    org("010548657", '"KUEHNER BROTHERS FOUNDATION, INC"', city="WILMINGTON"),
    org("020123456", "DOVER ELKS LODGE", subsection="08", status="01"),
    org("030123456", "SEA TRUST", subsection="03", status="12"),
]


def as_bytes(lines: list[str], newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode()


def problems_of(data: bytes, **kwargs):
    with pytest.raises(IngestError) as caught:
        parse_irs_file(data, **kwargs)
    return caught.value.problems


# --------------------------------------------------------------------------- EINs


@pytest.mark.parametrize(
    "text", ["12-3456789", "123456789", " 12 3456789 ", "12 - 3456789", "\t123456789\n"]
)
def test_normalise_ein_accepts_common_forms(text):
    assert normalise_ein(text) == "123456789"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "EIN is empty"),
        ("12345678", "has 8 digits but needs 9; if a spreadsheet dropped leading zeros"),
        ("1234567890", "'1234567890' is not a valid EIN"),
        ("123-456789", "is not a valid EIN; write it as 9 digits"),
        ("12-345678X", "not a valid EIN"),
        ("١٢٣٤٥٦٧٨٩", "not a valid EIN"),  # Arabic-Indic digits pass str.isdigit
        ("000000000", "not a real EIN"),
    ],
)
def test_normalise_ein_rejects_with_advice(text, fragment):
    with pytest.raises(ValueError, match="EIN") as caught:
        normalise_ein(text)
    assert fragment in str(caught.value)


# --------------------------------------------------------------------------- parsing


def test_sample_parses_every_kept_field():
    rows = parse_irs_file(as_bytes(SAMPLE))

    assert rows[0] == ExemptOrgRow(
        ein="010561836",
        name="KREATIVE MINDS INC",
        city="DOVER",
        state="DE",
        zip="19901-4058",
        subsection="03",
        status="01",
        ntee_cd="A20",
        ruling="201603",
        line=2,
    )
    assert rows[1].name == "KUEHNER BROTHERS FOUNDATION, INC"
    assert [row.line for row in rows] == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("subsection", "status", "expected"),
    [
        ("03", "01", True),
        ("03", "02", True),
        ("03", "25", True),
        ("03", "12", False),  # split-interest trust: not itself a 501(c)(3); review by hand
        ("03", "20", False),
        ("04", "01", False),
        ("08", "01", False),
    ],
)
def test_is_active_501c3(subsection, status, expected):
    row = parse_irs_file(as_bytes([HEADER, org(subsection=subsection, status=status)]))[0]
    assert is_active_501c3(row) is expected


def test_is_active_501c3_takes_another_status_set():
    row = parse_irs_file(as_bytes([HEADER, org(status="12")]))[0]
    assert is_active_501c3(row, statuses={"01", "02", "12", "25"}) is True
    assert "12" not in ACTIVE_501C3_STATUSES


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: text.replace("\n", "\r"), id="lone-cr"),
        pytest.param(lambda text: "\ufeff" + text.replace("\n", "\r\n"), id="bom-crlf"),
        pytest.param(lambda text: text + "\n\n", id="blank-trailing-lines"),
    ],
)
def test_line_endings_and_bom_parse_the_same_as_lf(variant):
    text = "\n".join(SAMPLE) + "\n"
    assert parse_irs_file(variant(text).encode()) == parse_irs_file(text.encode())


def test_accepts_paths_and_binary_uploads(tmp_path):
    path = tmp_path / "eo_xx.csv"
    path.write_bytes(as_bytes(SAMPLE))
    expected = parse_irs_file(as_bytes(SAMPLE))

    assert parse_irs_file(path) == expected
    assert parse_irs_file(str(path)) == expected
    assert parse_irs_file(io.BytesIO(as_bytes(SAMPLE))) == expected
    assert list(read_irs_csv(path)) == expected


def test_spreadsheet_codes_without_leading_zero_are_padded():
    row = parse_irs_file(as_bytes([HEADER, org(subsection="3", status="1")]))[0]
    assert (row.subsection, row.status) == ("03", "01")


def test_missing_columns_list_what_exists_and_what_is_expected():
    data = as_bytes(["EIN,NAME,CITY,STATE", "010561836,KREATIVE MINDS INC,DOVER,DE"])

    problems = problems_of(data)

    assert {p.field for p in problems} == {"ZIP", "SUBSECTION", "STATUS", "NTEE_CD", "RULING"}
    assert all(p.line == 1 for p in problems)
    message = next(p for p in problems if p.field == "SUBSECTION").message
    assert "'SUBSECTION' is missing" in message
    assert "The file has columns 'EIN', 'NAME', 'CITY', 'STATE'" in message


@pytest.mark.parametrize(
    ("line", "field", "fragment"),
    [
        pytest.param(org(ein="10561836"), "EIN", "has 8 digits", id="ein-8-digits"),
        pytest.param(org(ein="01-05A1836"), "EIN", "not a valid EIN", id="ein-letters"),
        pytest.param(org(name=""), "NAME", "name is empty", id="no-name"),
        pytest.param(org(subsection="C3"), "SUBSECTION", "'C3'", id="subsection"),
        pytest.param(org(status=""), "STATUS", "STATUS is empty", id="status-empty"),
        pytest.param("010561836,KREATIVE MINDS INC,DOVER", "CITY", "'CITY' is missing", id="short"),
        pytest.param(org() + ",SURPLUS", "(row)", "header has 27 columns", id="long"),
    ],
)
def test_bad_line_is_reported_with_line_and_field(line, field, fragment):
    data = as_bytes([*SAMPLE[:3], line])

    with pytest.raises(IngestError) as caught:
        parse_irs_file(data)

    assert [(p.line, p.field) for p in caught.value.problems] == [(4, field)]
    assert fragment in caught.value.problems[0].message
    assert f"line 4, field '{field}'" in str(caught.value)


def test_duplicate_ein_in_one_file_names_both_lines():
    problems = problems_of(as_bytes([*SAMPLE, org("01-0561836", "KREATIVE MINDS AGAIN")]))

    assert [(p.line, p.field, p.value) for p in problems] == [(6, "EIN", "010561836")]
    assert "on line 2 and line 6" in problems[0].message


def test_all_problems_are_collected_and_nothing_is_yielded():
    data = as_bytes([HEADER, org(ein="1"), org("020123456"), org("030123456", status="X")])
    yielded = []

    with pytest.raises(IngestError) as caught:
        for row in read_irs_csv(data):
            yielded.append(row)

    assert yielded == []
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "EIN"), (4, "STATUS")]


def test_non_utf8_byte_names_line_and_column():
    data = as_bytes(SAMPLE[:2]) + org("020123456", "CAFÉ DU MONDE").encode("cp1252") + b"\n"

    problems = problems_of(data)

    assert [(p.line, p.field, p.value) for p in problems] == [(3, "NAME", "0xC9")]
    assert "re-save it as UTF-8" in problems[0].message
    assert parse_irs_file(data, encoding="cp1252")[1].name == "CAFÉ DU MONDE"


@pytest.mark.parametrize(("data", "fragment"), [(b"", "empty"), (HEADER.encode(), "no organis")])
def test_empty_file_and_header_only_are_errors(data, fragment):
    problems = problems_of(data)
    assert fragment in problems[0].message


def test_unclosed_quote_is_reported_on_the_line_where_it_opens():
    data = as_bytes([HEADER, org(), org("020123456", '"OPEN QUOTE INC'), org("030123456")])

    problems = problems_of(data)

    assert [(p.line, p.field) for p in problems] == [(3, "NAME")]
    assert "never closed" in problems[0].message


def _rows_in(state: str, *eins: str) -> list[ExemptOrgRow]:
    lines = [org(ein).replace(",DE,", f",{state},") for ein in eins]
    return parse_irs_file(as_bytes([HEADER, *lines]))


def test_files_for_different_states_may_be_imported_together():
    files = [("eo_de.csv", _rows_in("DE", "010561836")), ("eo_ri.csv", _rows_in("RI", "020123456"))]

    check_states_disjoint(files)  # does not raise


def test_two_files_for_one_state_are_refused_naming_both():
    # given two extracts that both list Delaware organisations (say, two months' files)
    files = [
        ("eo_de.csv", _rows_in("DE", "010561836", "020123456")),
        ("eo_ri.csv", _rows_in("RI", "030123456")),
        ("eo_de_old.csv", _rows_in("DE", "040123456")),
    ]

    # when they are checked as one batch
    with pytest.raises(IngestError) as caught:
        check_states_disjoint(files)

    # then the later file is named, with the line of its first Delaware row and the other file
    error = caught.value
    assert error.source == "eo_de_old.csv"
    assert [(p.line, p.field, p.value) for p in error.problems] == [(2, "STATE", "DE")]
    assert "also in eo_de.csv (line 2)" in error.problems[0].message


# --------------------------------------------------------------------------- real IRS extracts


@pytest.fixture(scope="module")
def real_rows():
    return {name: parse_irs_file(IRS_DIR / name) for name in IRS_FILES}


@pytest.mark.external_data
@needs_data
def test_real_delaware_file_has_7483_organisations(real_rows):
    delaware = real_rows["eo_de.csv"]
    assert len(delaware) == 7483
    assert {row.state for row in delaware} == {"DE"}
    assert delaware[0].ein == "010548657"
    assert delaware[0].name == "KUEHNER BROTHERS FOUNDATION INC"


@pytest.mark.external_data
@needs_data
def test_real_files_subsection_03_count(real_rows):
    rows = [row for rows in real_rows.values() for row in rows]

    assert len(rows) == 41108
    assert sum(row.subsection == "03" for row in rows) == 31247
    assert {row.status for row in rows} == {"01", "02", "12", "25"}
    # 31,172 unconditional + 4 conditional + 25 terminating PF status; 46 status-12 trusts excluded
    assert sum(is_active_501c3(row) for row in rows) == 31201


@pytest.mark.external_data
@needs_data
def test_real_files_agree_with_the_standard_csv_reader(real_rows):
    for name, rows in real_rows.items():
        with (IRS_DIR / name).open(newline="", encoding="utf-8") as handle:
            theirs = [
                (r["EIN"], r["NAME"], r["SUBSECTION"], r["STATUS"]) for r in csv.DictReader(handle)
            ]
        assert [(r.ein, r.name, r.subsection, r.status) for r in rows] == theirs, name
