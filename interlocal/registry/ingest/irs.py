"""Read IRS Exempt Organizations Business Master File (EO BMF) extracts, CSV layout.

The IRS publishes the EO BMF as CSV files per state and per region, with the header
``EIN,NAME,…,SUBSECTION,…,STATUS,…,NTEE_CD,SORT_NAME``. We keep the columns that identify an
organisation and tell whether it is a recognised 501(c)(3): SUBSECTION ``03`` is 501(c)(3).

STATUS (exempt-organisation status code) in the public extract is one of:

* ``01`` unconditional exemption — the ordinary recognised charity;
* ``02`` conditional exemption — recognised, with conditions attached to the ruling;
* ``12`` trust described in section 4947(a)(2) — a split-interest trust (for example a
  charitable remainder trust). It is *not* itself exempt under 501(a); it is listed because some
  private-foundation rules apply to it;
* ``25`` organisation terminating its private foundation status under 507(b)(1)(B) — still a
  501(c)(3) throughout its 60-month termination period.

Decision: :func:`is_active_501c3` counts ``01``, ``02`` and ``25``. They are organisations the
IRS currently recognises as exempt under 501(c)(3), which is what a non-profit's eligibility to
buy under a cooperative contract rests on. Status ``12`` is left out because a split-interest
trust is not a 501(c)(3) organisation and is a funding vehicle, not a body that buys goods and
services; the eligibility evaluator must never guess "eligible", so such an organisation goes
to the review queue instead of passing automatically. ``ACTIVE_501C3_STATUSES`` holds the rule
in one place.

Revocation: the IRS does not flag a revoked organisation in the EO BMF, it drops the row. Each
extract file covers whole states (``eo_de.csv`` is all of Delaware; the regional files cover
several whole states), so importing a newer file marks every organisation of the file's states
that the file no longer lists as *delisted* on the import day, and clears that mark when an
organisation reappears (``registry/services/imports.py``). The eligibility check refuses a
delisted EIN. Evidence is therefore as current as the last import of the organisation's state:
re-import the IRS files regularly (the IRS refreshes them monthly), always as complete files —
a file cut down to a few organisations would delist the rest of its states.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

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
    source_name,
)

SUBSECTION_501C3 = "03"
ACTIVE_501C3_STATUSES: frozenset[str] = frozenset({"01", "02", "25"})

#: IRS headers we read. All are required: every IRS EO BMF CSV extract has them. Problems name
#: these headers as their field, since that is what the person fixing the file sees.
REQUIRED_COLUMNS = (
    "EIN",
    "NAME",
    "CITY",
    "STATE",
    "ZIP",
    "SUBSECTION",
    "STATUS",
    "NTEE_CD",
    "RULING",
)

_EIN = re.compile(r"[0-9]{2}-?[0-9]{7}")
_DIGITS = re.compile(r"[0-9]+")
_EIN_EXAMPLE = "write it as 9 digits, for example 123456789 or 12-3456789"


@dataclass(frozen=True, slots=True)
class ExemptOrgRow:
    """One organisation from the EO BMF. ``ein`` is 9 digits without the hyphen."""

    ein: str
    name: str
    city: str
    state: str
    zip: str
    subsection: str
    status: str
    ntee_cd: str
    ruling: str
    line: int


def normalise_ein(text: str) -> str:
    """'12-3456789', '123456789' or ' 12 3456789 ' -> '123456789'; ValueError otherwise."""
    compact = "".join(text.split())
    if not compact:
        raise ValueError(f"the EIN is empty; {_EIN_EXAMPLE}")
    if _EIN.fullmatch(compact):
        ein = compact.replace("-", "")
        if ein == "000000000":
            raise ValueError("EIN 000000000 is not a real EIN; give the organisation's EIN")
        return ein
    if _DIGITS.fullmatch(compact) and len(compact) < 9:
        raise ValueError(
            f"EIN '{text.strip()}' has {len(compact)} digits but needs 9; if a spreadsheet "
            "dropped leading zeros, format the column as text and export again "
            f"(for example {compact.zfill(9)})"
        )
    raise ValueError(f"EIN '{text.strip()}' is not a valid EIN; {_EIN_EXAMPLE}")


def is_active_501c3(row: ExemptOrgRow, statuses: Collection[str] = ACTIVE_501C3_STATUSES) -> bool:
    """True for a 501(c)(3) (SUBSECTION 03) whose STATUS is currently recognised (module doc)."""
    return row.subsection == SUBSECTION_501C3 and row.status in statuses


def parse_irs_file(source: Source, *, encoding: str | None = None) -> list[ExemptOrgRow]:
    """Read a whole EO BMF CSV extract, or raise one :class:`IngestError` with every problem."""
    data = read_bytes(source)
    name = source_name(source)
    text = decode(data, encoding, field_at=csv_field_at(data))
    header, records, _delimiter = csv_records(text)
    if not header:
        raise IngestError(
            [RowProblem(1, "(file)", "", "the file is empty; upload an extract")], name
        )
    wanted = {column: column for column in REQUIRED_COLUMNS}
    columns, problems = find_columns(header, wanted, required=REQUIRED_COLUMNS)
    if problems:
        raise IngestError(problems, name)

    rows: list[ExemptOrgRow] = []
    first_line: dict[str, int] = {}
    for line, record in records:
        shape = check_row_shape(line, record, header, columns)
        if shape:
            problems.append(shape)
            continue
        values = {field: record[index].strip() for field, index in columns.items()}
        before = len(problems)
        try:
            ein = normalise_ein(values["EIN"])
        except ValueError as exc:
            problems.append(RowProblem(line, "EIN", values["EIN"], str(exc)))
            ein = ""
        if not values["NAME"]:
            problems.append(
                RowProblem(line, "NAME", "", "the organisation name is empty; fill it in")
            )
        subsection = _two_digit_code(line, "SUBSECTION", values["SUBSECTION"], problems)
        status = _two_digit_code(line, "STATUS", values["STATUS"], problems)
        if len(problems) > before:
            continue
        if ein in first_line:
            problems.append(
                RowProblem(
                    line,
                    "EIN",
                    ein,
                    f"EIN {ein} appears twice, on line {first_line[ein]} and line {line}; "
                    "each organisation must appear once in a file — remove one of them",
                )
            )
            continue
        first_line[ein] = line
        rows.append(
            ExemptOrgRow(
                ein=ein,
                name=values["NAME"],
                city=values["CITY"],
                state=values["STATE"].upper(),
                zip=values["ZIP"],
                subsection=subsection,
                status=status,
                ntee_cd=values["NTEE_CD"],
                ruling=values["RULING"],
                line=line,
            )
        )
    if not problems and not rows:
        problems.append(RowProblem(1, "(file)", "", "the file has a header but no organisations"))
    if problems:
        raise IngestError(problems, name)
    return rows


def check_states_disjoint(files: Sequence[tuple[str, Sequence[ExemptOrgRow]]]) -> None:
    """Refuse a batch in which two files list organisations of the same state.

    A file stands for complete states (module doc), so two files for one state in one import
    would each delist the other's organisations. Raises one :class:`IngestError` for the first
    file that repeats a state, naming both files and the lines where the state first appears.
    """
    seen: dict[str, tuple[str, int]] = {}
    for source, rows in files:
        first_in_file: dict[str, int] = {}
        for row in rows:
            first_in_file.setdefault(row.state, row.line)
        problems = [
            RowProblem(
                line,
                "STATE",
                state,
                f"state '{state or '(blank)'}' is also in {seen[state][0]} (line "
                f"{seen[state][1]}); each IRS file stands for whole states, so import one file "
                "per state — leave one of the two files out",
            )
            for state, line in first_in_file.items()
            if state in seen
        ]
        if problems:
            raise IngestError(problems, source)
        for state, line in first_in_file.items():
            seen[state] = (source, line)


def read_irs_csv(source: Source, *, encoding: str | None = None) -> Iterator[ExemptOrgRow]:
    """Yield the organisations of an EO BMF extract, after validating all of it."""
    yield from parse_irs_file(source, encoding=encoding)


def _two_digit_code(line: int, field: str, value: str, problems: list[RowProblem]) -> str:
    if _DIGITS.fullmatch(value) and len(value) == 1:
        return value.zfill(2)  # spreadsheets turn "03" into 3
    if _DIGITS.fullmatch(value) and len(value) == 2:
        return value
    what = (
        "501(c) subsection, for example 03 for 501(c)(3)"
        if field == "SUBSECTION"
        else ("exempt-organisation status code, for example 01 for unconditional exemption")
    )
    shown = f"'{value}'" if value else "empty"
    problems.append(
        RowProblem(line, field, value, f"{field} is {shown}; it must be the 2-digit {what}")
    )
    return ""
