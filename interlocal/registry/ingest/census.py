"""Read U.S. Census government-unit lists: the Census fixed-width unit ID file, or a CSV.

The fixed-width layout is the one of the Census Bureau's individual unit ID files (for example
``16empid.txt`` of the Annual Survey of Public Employment & Payroll), columns 1-based inclusive:

====================  ========  ======================================================
field                 columns   notes
====================  ========  ======================================================
government ID         1-14      state (2) type (1) county (3) unit (3) supp (3) sub (2)
Census state code     1-2       Census *alphabetical* code, 01 Alabama … 51 Wyoming, not FIPS
type of government    3         0 state … 6 U.S. government (see ``TYPE_NAMES``)
name                  15-78     Census short form ("BALDWIN" is Baldwin County)
FIPS state            110-111
FIPS county           112-114   blank for states
population/enrolment  126-134   blank when unknown; shorter lines are refused
====================  ========  ======================================================

The U.S. government summary row (type 6, state 00) is skipped on purpose: it is not a
government anyone registers. Everything else is validated, every problem in the file is
collected, and nothing is returned from a file with problems (see :class:`IngestError`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from interlocal.core.geography import STATES
from interlocal.registry.ingest.census_names import (
    FIPS_STATE_NAMES,
    census_display_name,
)
from interlocal.registry.ingest.errors import (
    IngestError,
    RowProblem,
    Source,
    check_row_shape,
    csv_field_at,
    csv_records,
    decode,
    find_columns,
    read_bytes,
    reject_utf16,
    source_name,
    split_lines,
)

TYPE_NAMES: dict[int, str] = {
    0: "state",
    1: "county",
    2: "municipal",
    3: "township",
    4: "special district",
    5: "school district",
    6: "U.S. government",
}
US_GOVERNMENT_TYPE = 6


# Census alphabetical state code -> FIPS. The Census numbers the 50 states and DC 01-51 in
# alphabetical order, which is also FIPS order (01 Alabama ... 11 District of Columbia ... 56
# Wyoming), so the n-th Census code is the n-th FIPS code. ``strict`` fails loudly at import if
# the geography table ever stops having exactly 51 of them.
CENSUS_STATE_TO_FIPS: dict[str, str] = dict(
    zip(
        (f"{number:02d}" for number in range(1, 52)),
        sorted(fips for fips, _postal, _name, kind in STATES if kind != "territory"),
        strict=True,
    )
)
FIPS_TO_CENSUS_STATE: dict[str, str] = {fips: code for code, fips in CENSUS_STATE_TO_FIPS.items()}

#: Default column mapping: our field -> CSV header, fitting the ASPEP unit file converted to CSV.
DEFAULT_CSV_MAPPING: dict[str, str] = {
    "census_id": "gid14",
    "type_code": "type_code",
    "name": "name",
    "fips_state": "fips_state",
    "fips_county": "fips_county",
    "population": "population_or_enrollment",
}
CSV_FIELDS = tuple(DEFAULT_CSV_MAPPING)

# (first column, last column, field), 1-based inclusive, for the fixed-width layout.
FIXED_WIDTH_COLUMNS: tuple[tuple[int, int, str], ...] = (
    (1, 2, "census_id"),
    (3, 3, "type_code"),
    (4, 14, "census_id"),
    (15, 78, "name"),
    (79, 79, "census_region"),
    (80, 109, "county_name"),
    (110, 111, "fips_state"),
    (112, 114, "fips_county"),
    (126, 134, "population"),
)
FIXED_WIDTH_RECORD_LENGTH = 206
# A line must reach the end of the last field we read (see _RowBuilder._cut_short).
_POPULATION_END = FIXED_WIDTH_COLUMNS[-1][1]  # 134
_CUT = {
    "fips_state": "FIPS state code",
    "fips_county": "FIPS county code",
    "population": "population/enrolment field (the function code for special districts)",
}

Format = Literal["fixed_width", "csv"]


@dataclass(frozen=True, slots=True)
class GovernmentRow:
    """One government from a Census list. ``name`` is the Census short form, unchanged."""

    census_id: str
    type_code: int
    name: str
    display_name: str
    fips_state: str
    fips_county: str
    population: int | None
    line: int

    @property
    def census_state(self) -> str:
        """The Census alphabetical state code (first two digits of the ID), not FIPS."""
        return self.census_id[:2]

    @property
    def type_name(self) -> str:
        return TYPE_NAMES[self.type_code]


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A line left out on purpose (not an error), reported so counts can be reconciled."""

    line: int
    census_id: str
    reason: str


class CensusRows(list[GovernmentRow]):
    """The rows of a file that parsed cleanly, plus the lines skipped on purpose."""

    def __init__(self, rows: Iterable[GovernmentRow], skipped: list[SkippedLine], fmt: Format):
        super().__init__(rows)
        self.skipped = skipped
        self.format = fmt


# --------------------------------------------------------------------------- public readers


def parse_census_file(
    source: Source,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
) -> CensusRows:
    """Read a whole fixed-width or CSV government list, or raise one :class:`IngestError`.

    The format is detected from the content (:func:`detect_format`); ``mapping`` is used only for
    CSV files. Nothing is returned unless every line is valid.
    """
    data = read_bytes(source)
    fmt = _detect(data, encoding, source_name(source))
    if fmt == "fixed_width":
        return _parse_fixed_width(data, encoding, source_name(source))
    return _parse_csv(data, mapping, encoding, source_name(source))


def read_census_fixed_width(
    source: Source, *, encoding: str | None = None
) -> Iterator[GovernmentRow]:
    """Yield the rows of a Census fixed-width unit file, after validating all of it."""
    yield from _parse_fixed_width(read_bytes(source), encoding, source_name(source))


def read_census_csv(
    source: Source,
    mapping: Mapping[str, str] | None = None,
    *,
    encoding: str | None = None,
) -> Iterator[GovernmentRow]:
    """Yield the rows of a government-list CSV, after validating all of it.

    ``mapping`` maps our fields (``census_id``, ``type_code``, ``name``, ``fips_state``,
    ``fips_county``, ``population``) to the file's headers; ``census_id`` and ``name`` are
    required. Left out, ``type_code`` comes from the ID's third digit, ``fips_state`` from the
    ID's Census state code, ``fips_county`` is blank and ``population`` unknown.
    """
    yield from _parse_csv(read_bytes(source), mapping, encoding, source_name(source))


def detect_format(source: Source, *, encoding: str | None = None) -> Format:
    """``"fixed_width"`` when the first line starts with a 14-digit ID, ``"csv"`` for a header."""
    return _detect(read_bytes(source), encoding, source_name(source))


def summarise(rows: Iterable[GovernmentRow]) -> dict[str, object]:
    """Counts for an import preview: total, by type name (in type-code order) and by FIPS state."""
    rows = list(rows)
    by_type = Counter(row.type_code for row in rows)
    by_state = Counter(row.fips_state for row in rows)
    return {
        "total": len(rows),
        "by_type": {TYPE_NAMES[code]: by_type[code] for code in sorted(by_type)},
        "by_fips_state": dict(sorted(by_state.items())),
    }


# --------------------------------------------------------------------------- display names


def display_name(row: GovernmentRow) -> str:
    """A readable name: "BALDWIN" (county, Alabama) -> "Baldwin County"."""
    return census_display_name(row.type_code, row.name, row.fips_state)


# --------------------------------------------------------------------------- parsing


def _detect(data: bytes, encoding: str | None, name: str | None = None) -> Format:
    reject_utf16(data, encoding)
    head = data[:4096]
    text = head.decode(encoding or "utf-8-sig", errors="replace").removeprefix("\ufeff")
    first = next((line for line in split_lines(text) if line.strip()), "")
    if _is_digits(first[:14], 14) and first[14:15] in ",;\t|":
        expected = ",".join(DEFAULT_CSV_MAPPING.values())
        raise IngestError(
            [
                RowProblem(
                    1,
                    "(header)",
                    first[:40],
                    "the CSV has no header line; add one naming the columns, for example "
                    f"{expected}",
                )
            ],
            name,
        )
    if _is_digits(first[:14], 14):
        return "fixed_width"
    if any(delimiter in first for delimiter in ",;\t|"):
        return "csv"
    if not first:
        raise IngestError([RowProblem(1, "(file)", "", "the file is empty; upload a list")], name)
    raise IngestError(
        [
            RowProblem(
                1,
                "(format)",
                first[:40],
                "this is neither a Census fixed-width unit file (lines start with the 14-digit "
                "government ID) nor a CSV with a header line; upload one of those",
            )
        ],
        name,
    )


def _fixed_width_field_at(partial: str) -> str:
    column = len(partial) + 1
    for start, end, field in FIXED_WIDTH_COLUMNS:
        if start <= column <= end:
            return field
    return f"column {column}"


def _parse_fixed_width(data: bytes, encoding: str | None, name: str | None) -> CensusRows:
    text = decode(data, encoding, field_at=_fixed_width_field_at)
    builder = _RowBuilder(
        labels={
            "census_id": "columns 1-14",
            "type_code": "column 3, the 3rd digit of the ID",
            "name": "columns 15-78",
            "fips_state": "columns 110-111",
            "fips_county": "columns 112-114",
            "population": "columns 126-134",
        }
    )
    for number, line in enumerate(split_lines(text), start=1):
        if not line.strip():
            continue
        values = {
            "census_id": line[0:14],
            "name": line[14:78],
            "fips_state": line[109:111],
            "fips_county": line[111:114],
            "population": line[125:134],
        }
        builder.add(number, values, record_length=len(line))
    return builder.finish("fixed_width", name)


def _parse_csv(
    data: bytes,
    mapping: Mapping[str, str] | None,
    encoding: str | None,
    name: str | None,
) -> CensusRows:
    mapping = dict(DEFAULT_CSV_MAPPING if mapping is None else mapping)
    unknown = sorted(set(mapping) - set(CSV_FIELDS))
    if unknown:
        raise ValueError(f"unknown fields in mapping: {unknown}; valid fields are {CSV_FIELDS}")
    for field in ("census_id", "name"):
        if field not in mapping:
            raise ValueError(f"the mapping must name the CSV column for {field!r}")
    text = decode(data, encoding, field_at=csv_field_at(data))
    header, records, _delimiter = csv_records(text)
    if not header:
        raise IngestError([RowProblem(1, "(file)", "", "the file is empty; upload a list")], name)
    columns, problems = find_columns(header, mapping, required=mapping)
    if problems:
        raise IngestError(problems, name)
    labels = {"type_code": f"3rd digit of column '{mapping['census_id']}'"}
    labels.update({field: f"column '{mapping[field]}'" for field in mapping})
    builder = _RowBuilder(labels=labels)
    for number, record in records:
        shape = check_row_shape(number, record, header, columns)
        if shape:
            builder.problems.append(shape)
            continue
        values = {field: record[index] for field, index in columns.items()}
        builder.add(number, values, record_length=None)
    return builder.finish("csv", name)


_VALID_FIPS_STATES = frozenset(FIPS_STATE_NAMES)
_FIPS_ADVICE = (
    "use a 2-digit FIPS state code: 01-56 except 03, 07, 14, 43 and 52, "
    "or 60, 66, 69, 72, 78 for territories"
)


def _is_digits(text: str, length: int | None = None) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts "²" and other scripts' digits)."""
    return bool(_ASCII_DIGITS.fullmatch(text)) and (length is None or len(text) == length)


_ASCII_DIGITS = re.compile(r"[0-9]+")


class _RowBuilder:
    """Validates candidate rows from either format and collects every problem."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self.rows: list[GovernmentRow] = []
        self.skipped: list[SkippedLine] = []
        self.problems: list[RowProblem] = []
        self.first_line: dict[str, int] = {}

    def problem(self, line: int, field: str, value: str, message: str) -> None:
        self.problems.append(RowProblem(line, field, value, message))

    def add(self, line: int, values: dict[str, str], *, record_length: int | None) -> None:
        before = len(self.problems)
        census_id = values["census_id"].strip()
        if not _is_digits(census_id, 14):
            self._bad_id(line, census_id)
            return
        type_code = self._type_code(line, census_id, values.get("type_code"))
        if type_code == US_GOVERNMENT_TYPE:
            self.skipped.append(
                SkippedLine(line, census_id, "U.S. government summary row (type 6), not a unit")
            )
            return
        if record_length is not None and record_length < _POPULATION_END:
            self._cut_short(line, record_length)
            return
        census_state = census_id[:2]
        if census_state not in CENSUS_STATE_TO_FIPS:
            self.problem(
                line,
                "census_id",
                census_id,
                f"unknown Census state code '{census_state}' (first two digits of the "
                f"government ID {census_id}) — use a 2-digit Census state code 01-51 "
                "(alphabetical: 01 Alabama … 09 District of Columbia … 51 Wyoming; not FIPS)",
            )
        name = values["name"].strip()
        if not name:
            self.problem(
                line,
                "name",
                "",
                f"the name ({self.labels['name']}) is empty; give every government its name",
            )
        fips_state = self._fips_state(line, census_state, values.get("fips_state"))
        fips_county = self._fips_county(line, type_code, values.get("fips_county"))
        population = self._population(line, values.get("population"))
        if len(self.problems) > before or type_code is None or fips_state is None:
            return
        if census_id in self.first_line:
            self.problem(
                line,
                "census_id",
                census_id,
                f"government ID {census_id} appears twice, on line "
                f"{self.first_line[census_id]} and line {line}; each government must appear "
                "once — remove or correct one of them",
            )
            return
        self.first_line[census_id] = line
        self.rows.append(
            GovernmentRow(
                census_id=census_id,
                type_code=type_code,
                name=name,
                display_name=census_display_name(type_code, name, fips_state),
                fips_state=fips_state,
                fips_county=fips_county or "",
                population=population,
                line=line,
            )
        )

    def finish(self, fmt: Format, name: str | None) -> CensusRows:
        if not self.problems and not self.rows:
            self.problem(1, "(file)", "", "the file has no government rows; upload a full list")
        if self.problems:
            raise IngestError(self.problems, name)
        return CensusRows(self.rows, self.skipped, fmt)

    def _cut_short(self, line: int, length: int) -> None:
        # Every real record runs past column 134 (the sample weight in 146-151 is always filled,
        # so even a right-trimmed line is longer): a shorter line was cut off, and reading it
        # would silently lose or truncate a FIPS code or the population/function code.
        start, end, field = next(c for c in FIXED_WIDTH_COLUMNS if c[2] in _CUT and length < c[1])
        pad = f"; if it is really blank, pad the line with spaces to {_POPULATION_END} characters"
        self.problem(
            line,
            field,
            "",
            f"the line is only {length} characters long, so it ends "
            f"{'inside' if length >= start else 'before'} the {_CUT[field]} (columns "
            f"{start}-{end}); Census unit records are {FIXED_WIDTH_RECORD_LENGTH} characters — "
            f"check the file was not cut off{pad if field == 'population' else ''}",
        )

    def _bad_id(self, line: int, census_id: str) -> None:
        label = self.labels["census_id"]
        if not census_id:
            message = f"the government ID ({label}) is empty; every row needs its 14-digit ID"
        elif _is_digits(census_id) and len(census_id) < 14:
            message = (
                f"government ID '{census_id}' has {len(census_id)} digits but needs 14 ({label})"
            )
            if label.startswith("column"):
                message += (
                    "; if a spreadsheet dropped leading zeros, format the column as text and "
                    "export again"
                )
        else:
            message = (
                f"government ID '{census_id}' must be 14 digits ({label}); check that this is a "
                "Census government list and that the columns line up"
            )
        self.problem(line, "census_id", census_id, message)

    def _type_code(self, line: int, census_id: str, raw: str | None) -> int | None:
        from_id = int(census_id[2])
        if raw is None:
            code = from_id
        else:
            text = raw.strip()
            if not _is_digits(text, 1):
                self.problem(
                    line,
                    "type_code",
                    text,
                    f"type code '{text}' ({self.labels['type_code']}) must be one digit 0-6 "
                    "(0 state, 1 county, 2 municipal, 3 township, 4 special district, "
                    "5 school district, 6 U.S. government)",
                )
                return None
            code = int(text)
            if code != from_id:
                self.problem(
                    line,
                    "type_code",
                    text,
                    f"type code '{text}' does not match the type digit '{from_id}' in government "
                    f"ID {census_id} (its 3rd digit); correct one of them",
                )
                return None
        if code not in TYPE_NAMES:
            self.problem(
                line,
                "type_code",
                str(code),
                f"unknown type of government '{code}' ({self.labels['type_code']}) — use "
                "0 state, 1 county, 2 municipal, 3 township, 4 special district, "
                "5 school district or 6 U.S. government",
            )
            return None
        return code

    def _fips_state(self, line: int, census_state: str, raw: str | None) -> str | None:
        if raw is None:  # no column mapped: derive it from the ID
            return CENSUS_STATE_TO_FIPS.get(census_state)
        text = raw.strip()
        if _is_digits(text, 1):
            text = text.zfill(2)  # spreadsheets drop the leading zero of "01"
        if not text:
            self.problem(
                line,
                "fips_state",
                "",
                f"the FIPS state code ({self.labels['fips_state']}) is empty; {_FIPS_ADVICE}",
            )
            return None
        if text not in _VALID_FIPS_STATES:
            self.problem(
                line,
                "fips_state",
                text,
                f"unknown FIPS state code '{text}' ({self.labels['fips_state']}); {_FIPS_ADVICE}",
            )
            return None
        expected = CENSUS_STATE_TO_FIPS.get(census_state)
        if expected and text != expected and text in CENSUS_STATE_TO_FIPS.values():
            self.problem(
                line,
                "fips_state",
                text,
                f"FIPS state code '{text}' ({FIPS_STATE_NAMES[text]}) does not match the Census "
                f"state code '{census_state}' at the start of the government ID, which means "
                f"{FIPS_STATE_NAMES[expected]} (FIPS {expected}); correct one of them",
            )
            return None
        return text

    def _fips_county(self, line: int, type_code: int | None, raw: str | None) -> str | None:
        text = (raw or "").strip()
        if _is_digits(text) and len(text) < 3:
            text = text.zfill(3)
        if text and not _is_digits(text, 3):
            self.problem(
                line,
                "fips_county",
                text,
                f"FIPS county code '{text}' ({self.labels.get('fips_county', 'county')}) must be "
                "3 digits, for example 003 for Baldwin County, Alabama; leave it blank for states",
            )
            return None
        if not text and type_code == 1 and raw is not None:
            self.problem(
                line,
                "fips_county",
                "",
                f"a county row needs its 3-digit FIPS county code ({self.labels['fips_county']})",
            )
            return None
        return text

    def _population(self, line: int, raw: str | None) -> int | None:
        text = (raw or "").strip()
        if not text:
            return None
        digits = text.replace(",", "")
        if digits.endswith(".0"):
            digits = digits[:-2]
        if not _is_digits(digits):
            self.problem(
                line,
                "population",
                text,
                f"population or enrolment '{text}' ({self.labels['population']}) must be a "
                "whole number; leave it blank if unknown",
            )
            return None
        return int(digits)
