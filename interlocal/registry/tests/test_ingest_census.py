"""Census government-list parsing: real Census files (external data) and synthetic bad input."""

import csv
import dataclasses
import io
from pathlib import Path

import pytest

from interlocal.registry.ingest.census import (
    CENSUS_STATE_TO_FIPS,
    GovernmentRow,
    detect_format,
    display_name,
    parse_census_file,
    read_census_csv,
    read_census_fixed_width,
    summarise,
)
from interlocal.registry.ingest.census_names import title_case
from interlocal.registry.ingest.errors import MAX_SHOWN, IngestError, RowProblem

DATA_DIR = (Path(__file__).resolve().parents[3] / ".." / "shared" / "data").resolve()
CENSUS_DIR = DATA_DIR / "census_aspep_2016_units"
FIXED_FILE = CENSUS_DIR / "16empid.txt"
CSV_FILE = CENSUS_DIR / "aspep_2016_units.csv"

needs_data = pytest.mark.skipif(
    not CENSUS_DIR.is_dir(),
    reason=f"real Census data not found at {CENSUS_DIR}; it lives in ../shared/data beside the "
    "repository (present in CI)",
)


def fixed_line(
    census_id: str = "01100200200000",
    name: str = "BALDWIN",
    fips_state: str = "01",
    fips_county: str = "003",
    population: str = "182265",
    county_name: str = "BALDWIN",
) -> str:
    """A 206-character record in the Census unit-file layout (columns 1-based inclusive)."""
    line = (
        census_id.ljust(14)  # 1-14
        + name.ljust(64)  # 15-78
        + "3"  # 79 census region
        + county_name.ljust(30)  # 80-109
        + fips_state.ljust(2)  # 110-111
        + fips_county.ljust(3)  # 112-114
        + " " * 11  # 115-125
        + population.rjust(9)  # 126-134
        + "10"  # 135-136 year of population
    )
    return line.ljust(206)


US_ROW = fixed_line("00600000000000", "UNITED STATES", "", "", "304059724", "")
ALABAMA = fixed_line("01000000000000", "ALABAMA", "01", "", "4779736", "")
BALDWIN = fixed_line()
MOBILE = fixed_line("01200300400000", "MOBILE", "01", "097", "195111", "MOBILE")
PASEO_MUD = fixed_line("44402500100000", "PASEO DEL ESTE MUD 11", "48", "141", "", "EL PASO")
WASHAKIE = fixed_line("51502200400000", "WASHAKIE CO SCH DIST 1", "56", "043", "1356", "WASHAKIE")
ST_TAMMANY = fixed_line("19105200100000", "ST TAMMANY", "22", "103", "233740", "ST TAMMANY")
SAMPLE_LINES = [US_ROW, ALABAMA, BALDWIN, MOBILE, PASEO_MUD, WASHAKIE, ST_TAMMANY]


def lf(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def problems_of(data: bytes, **kwargs) -> list[RowProblem]:
    with pytest.raises(IngestError) as caught:
        parse_census_file(data, **kwargs)
    return caught.value.problems


# --------------------------------------------------------------------------- fixed width


def test_fixed_width_sample_parses_every_field():
    rows = parse_census_file(lf(SAMPLE_LINES))

    assert rows.format == "fixed_width"
    assert [(s.line, s.census_id) for s in rows.skipped] == [(1, "00600000000000")]
    assert rows[0] == GovernmentRow(
        census_id="01000000000000",
        type_code=0,
        name="ALABAMA",
        display_name="Alabama",
        fips_state="01",
        fips_county="",
        population=4779736,
        line=2,
    )
    assert rows[1] == GovernmentRow(
        census_id="01100200200000",
        type_code=1,
        name="BALDWIN",
        display_name="Baldwin County",
        fips_state="01",
        fips_county="003",
        population=182265,
        line=3,
    )
    mud = rows[3]
    assert (mud.type_code, mud.type_name, mud.census_state) == (4, "special district", "44")
    assert (mud.fips_state, mud.fips_county, mud.population) == ("48", "141", None)
    assert [row.type_code for row in rows] == [0, 1, 2, 4, 5, 1]


def test_population_uses_all_nine_columns_126_to_134():
    line = fixed_line("05000000000000", "CALIFORNIA", "06", "", "987654321", "")
    assert line[125:134] == "987654321"

    rows = parse_census_file(lf([line]))

    assert rows[0].population == 987654321


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: text.replace("\n", "\r"), id="lone-cr"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: "\ufeff" + text.replace("\n", "\r\n"), id="bom-crlf"),
        pytest.param(lambda text: text + "\n\n  \n", id="blank-trailing-lines"),
        pytest.param(lambda text: text.rstrip("\n"), id="no-final-newline"),
    ],
)
def test_line_endings_and_bom_parse_the_same_as_lf(variant):
    text = "\n".join(SAMPLE_LINES) + "\n"
    expected = parse_census_file(text.encode())

    rows = parse_census_file(variant(text).encode("utf-8"))

    assert list(rows) == list(expected)
    assert len(rows) == 6


def test_accepts_str_path_pathlib_path_bytes_and_binary_upload(tmp_path):
    path = tmp_path / "units.txt"
    path.write_bytes(lf(SAMPLE_LINES))
    upload = io.BytesIO(lf(SAMPLE_LINES))

    results = [
        parse_census_file(str(path)),
        parse_census_file(path),
        parse_census_file(lf(SAMPLE_LINES)),
        parse_census_file(upload),
        list(read_census_fixed_width(path)),
    ]

    assert all(list(result) == list(results[0]) for result in results)
    assert upload.tell() == 0  # rewound, so the caller can store the upload afterwards


def test_text_mode_file_is_refused_with_advice(tmp_path):
    path = tmp_path / "units.txt"
    path.write_bytes(lf(SAMPLE_LINES))
    with open(path, encoding="utf-8") as handle, pytest.raises(TypeError, match="binary"):
        parse_census_file(handle)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bad_line", "field", "fragment"),
    [
        pytest.param(BALDWIN[:90], "fips_state", "only 90 characters", id="line-too-short"),
        pytest.param(
            "01A" + BALDWIN[3:], "census_id", "'01A00200200000' must be 14 digits", id="id"
        ),
        pytest.param(
            fixed_line(fips_state="03"), "fips_state", "unknown FIPS state code '03'", id="fips-03"
        ),
        pytest.param(
            fixed_line(fips_state="99"), "fips_state", "unknown FIPS state code '99'", id="fips-99"
        ),
        pytest.param(
            fixed_line(census_id="01700200200000"),
            "type_code",
            "unknown type of government '7'",
            id="type-7",
        ),
        pytest.param(
            fixed_line(census_id="99100200200000"),
            "census_id",
            "unknown Census state code '99'",
            id="census-state-99",
        ),
        pytest.param(
            fixed_line(fips_state="06"),
            "fips_state",
            "'06' (California) does not match the Census state code '01'",
            id="census-fips-mismatch",
        ),
        pytest.param(
            fixed_line(population="ABC"), "population", "'ABC' (columns 126-134)", id="population"
        ),
        pytest.param(
            fixed_line(fips_county=""), "fips_county", "county row needs", id="county-no-fips"
        ),
        pytest.param(fixed_line(fips_county="0A3"), "fips_county", "'0A3'", id="fips-county"),
        pytest.param(fixed_line(name=""), "name", "name (columns 15-78) is empty", id="no-name"),
    ],
)
def test_bad_fixed_width_line_is_reported_with_line_and_field(bad_line, field, fragment):
    data = lf([ALABAMA, MOBILE, bad_line])

    with pytest.raises(IngestError) as caught:
        parse_census_file(data)

    error = caught.value
    assert [(p.line, p.field) for p in error.problems] == [(3, field)]
    assert fragment in error.problems[0].message
    assert f"line 3, field '{field}': " in str(error)
    assert "nothing was imported" in str(error)


@pytest.mark.parametrize(
    ("length", "field", "fragment"),
    [
        pytest.param(133, "population", "ends inside the population", id="cut-at-133"),
        pytest.param(128, "population", "ends inside the population", id="cut-at-128"),
        pytest.param(120, "population", "ends before the population", id="cut-at-120"),
        pytest.param(114, "population", "ends before the population", id="cut-after-county"),
        pytest.param(112, "fips_county", "ends inside the FIPS county code", id="cut-at-112"),
        pytest.param(111, "fips_county", "ends before the FIPS county code", id="cut-at-111"),
    ],
)
def test_line_cut_off_before_column_134_is_reported_not_read(length, field, fragment):
    # given a Baldwin County record (population 182265 in columns 126-134) cut off early
    cut = BALDWIN[:length]

    # when the file is parsed
    problems = problems_of(lf([ALABAMA, MOBILE, cut]))

    # then the cut line is refused with its line and field instead of losing its values
    assert [(p.line, p.field) for p in problems] == [(3, field)]
    assert f"only {length} characters long" in problems[0].message
    assert fragment in problems[0].message


def test_line_that_reaches_column_134_keeps_its_population():
    # given a record whose trailing fields after the population were trimmed away
    trimmed = BALDWIN[:134]

    # when it is parsed
    rows = parse_census_file(lf([trimmed]))

    # then nothing is lost: the population field was complete
    assert rows[0].population == 182265


def test_all_problems_are_collected_and_nothing_is_yielded():
    data = lf(
        [
            ALABAMA,
            fixed_line(fips_state="99"),
            MOBILE,
            fixed_line("01200400500000", population="12X"),
            fixed_line("01700200200000"),
        ]
    )
    yielded = []

    with pytest.raises(IngestError) as caught:
        for row in read_census_fixed_width(data):
            yielded.append(row)

    assert yielded == []
    assert [(p.line, p.field) for p in caught.value.problems] == [
        (2, "fips_state"),
        (4, "population"),
        (5, "type_code"),
    ]


def test_duplicate_census_ids_name_both_lines():
    problems = problems_of(lf([ALABAMA, BALDWIN, MOBILE, BALDWIN]))

    assert [(p.line, p.field, p.value) for p in problems] == [(4, "census_id", "01100200200000")]
    assert "on line 2 and line 4" in problems[0].message


@pytest.mark.parametrize("fips", ["60", "66", "69", "72", "78"])
def test_territory_fips_codes_are_valid(fips):
    rows = parse_census_file(lf([fixed_line(fips_state=fips)]))
    assert rows[0].fips_state == fips


def test_us_government_row_is_skipped_not_an_error():
    rows = parse_census_file(lf([US_ROW, ALABAMA]))

    assert [row.census_id for row in rows] == ["01000000000000"]
    assert rows.skipped[0].line == 1
    assert "type 6" in rows.skipped[0].reason


def test_non_utf8_byte_names_line_and_field_and_suggests_utf8():
    data = lf([ALABAMA, BALDWIN]) + fixed_line(name="CAÑON CITY").encode("cp1252") + b"\n"

    problems = problems_of(data)

    assert [(p.line, p.field, p.value) for p in problems] == [(3, "name", "0xD1")]
    assert "re-save it as UTF-8" in problems[0].message
    assert "character 17 of the line" in problems[0].message


def test_cp1252_is_accepted_when_the_caller_names_it():
    data = lf([ALABAMA]).replace(b"\n", b"\r\n") + fixed_line(name="CAÑON CITY").encode("cp1252")

    rows = parse_census_file(data, encoding="cp1252")

    assert rows[1].name == "CAÑON CITY"
    assert rows[1].display_name == "Cañon City County"
    assert rows[1].line == 2


def test_utf16_file_gets_a_specific_message():
    data = "\n".join(SAMPLE_LINES).encode("utf-16")
    problems = problems_of(data)
    assert problems[0].line == 1
    assert "UTF-16" in problems[0].message


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_an_error(data):
    problems = problems_of(data)
    assert "empty" in problems[0].message


def test_file_with_only_the_us_row_has_no_governments():
    problems = problems_of(lf([US_ROW]))
    assert "no government rows" in problems[0].message


def test_detect_format():
    assert detect_format(lf(SAMPLE_LINES)) == "fixed_width"
    assert detect_format(b"\xef\xbb\xbfgid14,name\r\n01000000000000,ALABAMA\r\n") == "csv"
    assert detect_format(b"\n\ngid14;name\n") == "csv"
    with pytest.raises(IngestError, match=r"line 1, field '\(format\)'"):
        detect_format(b"Dear program office\nplease find attached\n")


# --------------------------------------------------------------------------- CSV

CSV_HEADER = (
    "gid14,census_state_code,type_code,type_name,census_county_code,unit_id,name,census_region,"
    "county_name,fips_state,fips_county,population_or_enrollment,pop_enroll_year"
)
CSV_SAMPLE = [
    CSV_HEADER,
    "00600000000000,00,6,federal/other,000,000,UNITED STATES,,,,,304059724,08",
    "01000000000000,01,0,state,000,000,ALABAMA,3,,01,,4779736,10",
    "01100200200000,01,1,county,002,002,BALDWIN,3,BALDWIN,01,003,182265,10",
    '44402500100000,44,4,special district,025,001,"PASEO DEL ESTE MUD 11",3,EL PASO,48,141,,',
]


def csv_bytes(lines: list[str], newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode()


def test_csv_with_default_mapping():
    rows = parse_census_file(csv_bytes(CSV_SAMPLE))

    assert rows.format == "csv"
    assert [(s.line, s.census_id) for s in rows.skipped] == [(2, "00600000000000")]
    assert rows[1] == GovernmentRow(
        "01100200200000", 1, "BALDWIN", "Baldwin County", "01", "003", 182265, 4
    )
    assert (rows[2].name, rows[2].population, rows[2].line) == ("PASEO DEL ESTE MUD 11", None, 5)


def test_csv_agrees_with_fixed_width_for_the_same_governments():
    from_csv = parse_census_file(csv_bytes(CSV_SAMPLE))
    from_fixed = parse_census_file(lf([US_ROW, ALABAMA, BALDWIN, PASEO_MUD]))

    assert [dataclasses.replace(r, line=0) for r in from_csv] == [
        dataclasses.replace(r, line=0) for r in from_fixed
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_csv_line_endings_and_bom(newline):
    expected = parse_census_file(csv_bytes(CSV_SAMPLE))
    data = b"\xef\xbb\xbf" + csv_bytes(CSV_SAMPLE, newline) + newline.encode() * 2
    assert list(parse_census_file(data)) == list(expected)


def test_csv_with_custom_mapping_and_derived_fields():
    data = csv_bytes(
        [
            "Government ID;Unit Name;Enrolment",
            "51502200400000;WASHAKIE CO SCH DIST 1;1,356",
            "01200300400000;MOBILE;",
        ]
    )
    mapping = {"census_id": "government id", "name": "UNIT NAME", "population": "Enrolment"}

    rows = list(read_census_csv(data, mapping))

    assert [(r.census_id, r.type_code, r.fips_state, r.fips_county) for r in rows] == [
        ("51502200400000", 5, "56", ""),
        ("01200300400000", 2, "01", ""),
    ]
    assert [r.population for r in rows] == [1356, None]
    assert rows[0].display_name == "Washakie Co Sch Dist 1"


def test_csv_without_type_column_checks_the_type_digit_of_the_id():
    data = csv_bytes(["ID,Name", "01100200200000,BALDWIN", "01800200300000,NOWHERE"])

    problems = problems_of(data, mapping={"census_id": "ID", "name": "Name"})

    assert [(p.line, p.field, p.value) for p in problems] == [(3, "type_code", "8")]
    assert "(3rd digit of column 'ID')" in problems[0].message


def test_headerless_csv_is_refused_with_advice():
    data = csv_bytes(CSV_SAMPLE[1:])
    problems = problems_of(data)
    assert [(p.line, p.field) for p in problems] == [(1, "(header)")]
    assert "no header line" in problems[0].message


def test_csv_codes_without_leading_zeros_are_padded():
    data = csv_bytes(["gid14,name,fips_state,fips_county", "01100200200000,BALDWIN,1,3"])
    mapping = {"census_id": "gid14", "name": "name", "fips_state": "fips_state"}
    mapping["fips_county"] = "fips_county"

    row = parse_census_file(data, mapping=mapping)[0]

    assert (row.fips_state, row.fips_county) == ("01", "003")


def test_csv_missing_columns_lists_what_exists_and_what_is_expected():
    data = csv_bytes(["id,name,state", "01100200200000,BALDWIN,01"])

    problems = problems_of(data)

    assert {p.field for p in problems} == {
        "census_id",
        "type_code",
        "fips_state",
        "fips_county",
        "population",
    }
    assert all(p.line == 1 for p in problems)
    first = next(p for p in problems if p.field == "census_id")
    assert "'gid14' is missing" in first.message
    assert "The file has columns 'id', 'name', 'state'" in first.message
    assert "expected 'gid14', 'type_code', 'name'" in first.message


def test_csv_duplicated_header_is_reported():
    data = csv_bytes(["gid14,name,name", "01100200200000,BALDWIN,X"])
    problems = problems_of(data, mapping={"census_id": "gid14", "name": "name"})
    assert [(p.line, p.field) for p in problems] == [(1, "name")]
    assert "columns 2 and 3" in problems[0].message


@pytest.mark.parametrize(
    ("row", "field", "fragment"),
    [
        pytest.param(
            "1100200200000,01,1,county,002,002,BALDWIN,3,BALDWIN,01,003,182265,10",
            "census_id",
            "dropped leading zeros",
            id="id-13-digits",
        ),
        pytest.param(
            "01100200200000,01,2,county,002,002,BALDWIN,3,BALDWIN,01,003,182265,10",
            "type_code",
            "does not match the type digit '1'",
            id="type-mismatch",
        ),
        pytest.param(
            "01100200200000,01,X,county,002,002,BALDWIN,3,BALDWIN,01,003,182265,10",
            "type_code",
            "must be one digit 0-6",
            id="type-not-digit",
        ),
        pytest.param(
            "01100200200000,01,1,county,002,002,BALDWIN,3,BALDWIN,,003,182265,10",
            "fips_state",
            "FIPS state code (column 'fips_state') is empty",
            id="fips-empty",
        ),
        pytest.param(
            "01100200200000,01,1,county,002,002,BALDWIN,3,BALDWIN,52,003,182265,10",
            "fips_state",
            "unknown FIPS state code '52'",
            id="fips-52",
        ),
        pytest.param(
            "01100200200000,01,1,county,002,002,BALDWIN,3,BALDWIN,01,003,-5,10",
            "population",
            "'-5'",
            id="population-negative",
        ),
        pytest.param("01100200200000,01,1,county", "name", "so 'name' is missing", id="short-row"),
        pytest.param(
            '01100200200000,01,1,county,002,002,"BALDWIN,3,BALDWIN,01,003,182265,10',
            "name",
            "double quote that is never closed",
            id="unclosed-quote",
        ),
        pytest.param(
            "01100200200000,01,1,county,002,002,BALDWIN,3,BALDWIN,01,003,182265,10,EXTRA",
            "(row)",
            "unquoted delimiter",
            id="long-row",
        ),
    ],
)
def test_bad_csv_row_is_reported_with_line_and_field(row, field, fragment):
    data = csv_bytes([*CSV_SAMPLE[:3], row])

    with pytest.raises(IngestError) as caught:
        parse_census_file(data)

    assert [(p.line, p.field) for p in caught.value.problems] == [(4, field)]
    assert fragment in caught.value.problems[0].message
    assert f"line 4, field '{field}'" in str(caught.value)


def test_csv_non_utf8_byte_names_the_column():
    data = csv_bytes(
        CSV_SAMPLE[:3]
    ) + "01200300400000,01,2,municipal,003,004,CAÑON CITY,3,,01,097,1,10\n".encode("latin-1")

    problems = problems_of(data)

    assert [(p.line, p.field) for p in problems] == [(4, "name")]
    assert "UTF-8" in problems[0].message
    rows = parse_census_file(data, encoding="latin-1")
    assert rows[-1].name == "CAÑON CITY"


def test_csv_with_header_only_has_no_governments():
    problems = problems_of(csv_bytes([CSV_HEADER]))
    assert "no government rows" in problems[0].message


def test_mapping_with_unknown_field_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown fields in mapping"):
        list(
            read_census_csv(csv_bytes(CSV_SAMPLE), {"census_id": "gid14", "name": "name", "x": "y"})
        )
    with pytest.raises(ValueError, match="'name'"):
        list(read_census_csv(csv_bytes(CSV_SAMPLE), {"census_id": "gid14"}))


# --------------------------------------------------------------------------- names, summary


def _row(type_code: int, name: str, fips_state: str = "01") -> GovernmentRow:
    return GovernmentRow("01000000000000", type_code, name, "", fips_state, "", None, 1)


@pytest.mark.parametrize(
    ("type_code", "name", "fips_state", "expected"),
    [
        (1, "BALDWIN", "01", "Baldwin County"),
        (1, "ST JOHN THE BAPTIST", "22", "St John the Baptist Parish"),
        (1, "KENAI PENINSULA", "02", "Kenai Peninsula Borough"),
        (1, "ARLINGTON COUNTY", "51", "Arlington County"),
        (1, "O BRIEN", "19", "O Brien County"),
        (1, "MATANUSKA-SUSITNA", "02", "Matanuska-Susitna Borough"),
        (0, "DISTRICT OF COLUMBIA", "11", "District of Columbia"),
        (0, "NEW YORK", "36", "New York"),
        (2, "WASHINGTON DC", "11", "Washington DC"),
        (2, "MCALLEN", "48", "McAllen"),
        (2, "COEUR D'ALENE", "16", "Coeur D'Alene"),
        (4, "PASEO DEL ESTE MUD 11", "48", "Paseo Del Este MUD 11"),
        (5, "NORTHSIDE ISD", "48", "Northside ISD"),
        (
            5,
            "EDUCATIONAL INFORMATION AND RESOURCES CENTER (EIRC)",
            "34",
            "Educational Information and Resources Center (EIRC)",
        ),
        (5, "DAKOTA VALLEY SCHOOL DISTRICT 61-8", "46", "Dakota Valley School District 61-8"),
        (4, "3RD STREET E911 DIST", "01", "3rd Street E911 Dist"),
        (3, "PRINCE GEORGE'S", "24", "Prince George's"),
    ],
)
def test_display_name(type_code, name, fips_state, expected):
    assert display_name(_row(type_code, name, fips_state)) == expected


def test_title_case_keeps_the_listed_abbreviations():
    assert title_case("HARRIS CO MUD 1 USD CSD") == "Harris Co MUD 1 USD CSD"


def test_summarise_counts_by_type_and_state():
    summary = summarise(parse_census_file(lf(SAMPLE_LINES)))
    assert summary == {
        "total": 6,
        "by_type": {
            "state": 1,
            "county": 2,
            "municipal": 1,
            "special district": 1,
            "school district": 1,
        },
        "by_fips_state": {"01": 3, "22": 1, "48": 1, "56": 1},
    }


def test_ingest_error_lists_twenty_problems_then_counts_the_rest():
    problems = [RowProblem(n, "fips_state", "99", f"bad {n}") for n in range(25, 0, -1)]

    text = str(IngestError(problems, "units.txt"))

    assert text.startswith("25 problems found in units.txt; nothing was imported")
    assert text.count("\n  line ") == MAX_SHOWN
    assert "line 1, field 'fips_state': bad 1" in text
    assert "line 20, field" in text and "line 21, field" not in text
    assert text.endswith("and 5 more")


def test_row_problem_is_frozen():
    problem = RowProblem(12, "state", "99", "unknown state code '99'")
    assert str(problem) == "line 12, field 'state': unknown state code '99'"
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 1  # type: ignore[misc]


def test_census_state_codes_follow_the_census_alphabetical_list():
    assert CENSUS_STATE_TO_FIPS["09"] == "11"  # District of Columbia
    assert CENSUS_STATE_TO_FIPS["44"] == "48"  # Texas
    assert CENSUS_STATE_TO_FIPS["51"] == "56"  # Wyoming


# --------------------------------------------------------------------------- real Census data


@pytest.fixture(scope="module")
def real_fixed_rows():
    return parse_census_file(FIXED_FILE)


@pytest.mark.external_data
@needs_data
def test_real_fixed_width_file_counts(real_fixed_rows):
    summary = summarise(real_fixed_rows)

    assert real_fixed_rows.format == "fixed_width"
    assert summary["by_type"] == {
        "state": 50,
        "county": 1393,
        "municipal": 2978,
        "township": 578,
        "special district": 3113,
        "school district": 2462,
    }
    assert summary["total"] == 10574
    assert [(s.line, s.census_id) for s in real_fixed_rows.skipped] == [(1, "00600000000000")]


@pytest.mark.external_data
@needs_data
def test_real_file_lines_all_reach_past_the_population_field():
    # The short-line rule refuses lines under 134 characters; real records are 205-206 long.
    lengths = {len(line) for line in FIXED_FILE.read_text(encoding="utf-8").splitlines()}

    assert min(lengths) >= 134
    assert lengths == {205, 206}


@pytest.mark.external_data
@needs_data
def test_real_file_has_dc_as_a_municipality_not_a_state(real_fixed_rows):
    states = {row.fips_state for row in real_fixed_rows if row.type_code == 0}
    dc = [(row.type_code, row.name) for row in real_fixed_rows if row.fips_state == "11"]

    assert "11" not in states and len(states) == 50
    assert (2, "WASHINGTON DC") in dc


@pytest.mark.external_data
@needs_data
def test_real_fixed_width_agrees_with_the_census_csv_row_for_row(real_fixed_rows):
    with CSV_FILE.open(newline="", encoding="utf-8") as handle:
        csv_rows = [row for row in csv.DictReader(handle) if row["type_code"] != "6"]

    assert len(csv_rows) == len(real_fixed_rows)
    for ours, theirs in zip(real_fixed_rows, csv_rows, strict=True):
        population = theirs["population_or_enrollment"]
        assert (
            ours.census_id,
            str(ours.type_code),
            ours.name,
            ours.fips_state,
            ours.fips_county,
            ours.population,
        ) == (
            theirs["gid14"],
            theirs["type_code"],
            theirs["name"],
            theirs["fips_state"],
            theirs["fips_county"],
            int(population) if population else None,
        ), f"line {ours.line}"


@pytest.mark.external_data
@needs_data
def test_real_csv_parses_to_the_same_rows_as_the_fixed_width_file(real_fixed_rows):
    from_csv = parse_census_file(CSV_FILE)

    assert from_csv.format == "csv"
    assert [dataclasses.replace(r, line=r.line - 1) for r in from_csv] == list(real_fixed_rows)
    assert [s.line for s in from_csv.skipped] == [2]


@pytest.mark.external_data
@needs_data
def test_real_file_as_crlf_upload_parses_the_same(real_fixed_rows, tmp_path):
    crlf = FIXED_FILE.read_bytes().replace(b"\n", b"\r\n")

    rows = parse_census_file(io.BytesIO(b"\xef\xbb\xbf" + crlf))

    assert list(rows) == list(real_fixed_rows)


@pytest.mark.external_data
@needs_data
def test_synthetic_line_helper_matches_the_real_layout():
    real_baldwin = FIXED_FILE.read_text(encoding="ascii").splitlines()[3]
    assert real_baldwin[:136] == BALDWIN[:136]


@pytest.mark.external_data
@needs_data
def test_real_display_names(real_fixed_rows):
    names = {row.census_id: row.display_name for row in real_fixed_rows}
    assert names["01100200200000"] == "Baldwin County"
    assert names["09200100100000"] == "Washington DC"
    assert sum("MUD" in name.split() for name in names.values()) == 20
    parishes = [
        r.display_name for r in real_fixed_rows if r.type_code == 1 and r.fips_state == "22"
    ]
    assert parishes and all(name.endswith(" Parish") for name in parishes)
