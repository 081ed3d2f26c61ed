"""Uploaded tables (CSV and spreadsheets) that people prepare by hand: what every importer of
them shares.

* :class:`ColumnSpec` and :func:`resolve_columns` find an importer's fields among a file's
  headers by name, with synonyms, in any order, ignoring case, spaces, punctuation and anything
  in parentheses ("Ext. Price (USD)" is "Ext Price"); an explicit ``column_map`` overrides.
* :class:`Problem` is one thing wrong, on a line (a spreadsheet's row number) and in a column
  named by the file's own header, with a code and a message that says what to do;
  :func:`problems_csv` is the downloadable error file.
* :func:`decode_csv` reads the bytes of a CSV the way Excel writes them (UTF-8 with or without a
  byte-order mark, UTF-16 "Unicode text", or Windows-1252), and :func:`open_sheet` opens one
  sheet of a workbook with python-calamine; :func:`cell_text` shows a cell as the person sees it.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import python_calamine

# A spreadsheet cell as python-calamine hands it over.
Cell = (
    str
    | int
    | float
    | bool
    | datetime.date
    | datetime.datetime
    | datetime.time
    | datetime.timedelta
    | None
)

SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # XLSX/ODS (zip), legacy XLS (OLE2)
LINE_BREAK = re.compile(r"\r\n|\r|\n")
ERRORS_CSV_HEADER = ("line", "column", "code", "value", "message")
# A spreadsheet runs a cell that starts with one of these as a formula. Values come from the
# uploaded file, so the error file neutralises them (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in an uploaded file.

    ``line`` is the line (CSV) or row (spreadsheet) as the person sees it in their file, the
    header being the line it is on; 0 means the file as a whole. ``column`` is the file's own
    header text, or "(file)" / "(row)". ``message`` already says what to do.
    """

    line: int
    column: str
    code: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = "file" if self.line == 0 else f"line {self.line}"
        column = "" if self.column.startswith("(") else f", column '{self.column}'"
        return f"{where}{column}: {self.message} [{self.code}]"


class UnreadableFile(ValueError):
    """The file cannot be read as a table at all; ``problem`` says why and what to do."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def file_problem(code: str, message: str, line: int = 0) -> Problem:
    return Problem(line, "(file)", code, message)


def inert(value: str) -> str:
    """A value made safe to open in a spreadsheet (a leading formula character quoted)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


class ProblemLike(Protocol):
    """A problem as a :class:`Problem` or a stored row of one (a report's problems)."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def value(self) -> str: ...


def problems_csv(problems: Iterable[ProblemLike], extra: Sequence[str] = ()) -> str:
    """Every problem as CSV (line, column, code, value, message), for a download link.
    ``extra`` names further attributes of the problems to add as columns (a severity)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((*ERRORS_CSV_HEADER, *extra))
    for p in problems:
        row = [p.line, inert(p.column), p.code, inert(p.value), p.message]
        writer.writerow(row + [getattr(p, name) for name in extra])
    return out.getvalue()


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class ColumnSpec:
    """The columns an importer reads: its field names, which are required, how the template
    heads them (``display``, also used in messages) and the synonyms that find them."""

    noun: str  # "price-file", "sales-report": what a field belongs to, in messages
    fields: tuple[str, ...]
    required: tuple[str, ...]
    display: Mapping[str, str]
    synonyms: Mapping[str, tuple[str, ...]]

    def keys(self, name: str) -> frozenset[str]:
        return frozenset(header_key(s) for s in (self.display[name], *self.synonyms[name]))


def loose(header: str) -> str:
    return _NOT_ALNUM.sub("", header.casefold())


def header_key(header: str) -> str:
    """'UNIT OF ISSUE (e.g. Hour, Task, Sq ft)' -> 'unitofissue'; 'SIN(s)' -> 'sin'."""
    return loose(_PARENTHESES.sub("", header)) or loose(header)


def resolve_columns(
    spec: ColumnSpec,
    header_line: int,
    header: Sequence[str],
    column_map: Mapping[str, str] | None = None,
) -> tuple[dict[str, int], list[Problem], set[str]]:
    """Field -> column index, from ``column_map`` first, then synonyms among the headers not
    mapped explicitly; the problems (a required column missing, two candidates for one field,
    a mapped header absent); and the fields already reported, so a caller adding its own rules
    reports each field once. A missing column's message lists the headers found."""
    found: dict[str, int] = {}
    problems: list[Problem] = []
    reported: set[str] = set()
    line = header_line or 1
    if not any(header):
        return found, [file_problem("empty_file", "the file has no header row and no lines")], set()
    for name, wanted in (column_map or {}).items():
        if name not in spec.fields:
            known = ", ".join(spec.fields)
            message = f"'{name}' is not a {spec.noun} field; map one of {known}"
            problems.append(Problem(line, wanted, "unknown_field", message, name))
            continue
        reported.add(name)
        hits = [i for i, h in enumerate(header) if h and loose(h) == loose(wanted)]
        hits = hits or [
            i for i, h in enumerate(header) if h and header_key(h) == header_key(wanted)
        ]
        if len(hits) == 1:
            found[name] = hits[0]
            reported.discard(name)
        elif hits:
            problems.append(_ambiguous(spec, line, name, header, hits))
        else:
            message = (
                f"column '{wanted}', mapped to {spec.display[name]}, is not in the header. "
                f"{headers_found(header)}"
            )
            problems.append(Problem(line, wanted, "missing_column", message))
    taken = set(found.values())
    hints: dict[str, str] = {}
    for name in spec.fields:
        if name in found or name in (column_map or {}):
            continue
        keys = spec.keys(name)
        hits = [i for i, h in enumerate(header) if i not in taken and h and header_key(h) in keys]
        if len(hits) == 1:
            found[name] = hits[0]
        elif hits:
            problems.append(_ambiguous(spec, line, name, header, hits))
            reported.add(name)
        for i in taken:
            if header_key(header[i]) in keys:
                hints[name] = (
                    f" '{header[i]}' is mapped to another field; to use it for "
                    f'{spec.display[name]} as well, map {name}="{header[i]}".'
                )
    missing = [name for name in spec.required if name not in found and name not in reported]
    problems += [missing_column(spec, line, name, header, hints.get(name, "")) for name in missing]
    return found, problems, reported | set(missing)


def headers_found(header: Sequence[str]) -> str:
    names = ", ".join(f"'{h}'" for h in header if h)
    return f"The header (line with the column names) has {names}."


def missing_column(
    spec: ColumnSpec, line: int, name: str, header: Sequence[str], hint: str = "", need: str = ""
) -> Problem:
    shown = spec.display[name]
    others = [s for s in spec.synonyms[name] if header_key(s) != header_key(shown)]
    also = ", ".join(others[:4])
    message = (
        f"required column '{shown}' is missing: the file needs {need or f'a {shown!r} column'}. "
        f"{headers_found(header)} Rename your column to '{shown}' (or {also}), or map "
        f'it: {name}="Your header".{hint}'
    )
    return Problem(line, shown, "missing_column", message)


def _ambiguous(
    spec: ColumnSpec, line: int, name: str, header: Sequence[str], hits: list[int]
) -> Problem:
    names = " and ".join(f"'{header[i]}' (column {i + 1})" for i in hits)
    message = (
        f"{names} could each be {spec.display[name]}; map the one to use: "
        f'{name}="{header[hits[0]]}"'
    )
    return Problem(line, header[hits[0]], "ambiguous_column", message)


# --------------------------------------------------------------------------- reading


def decode_csv(data: bytes) -> tuple[str, str, list[str]]:
    """The text of a CSV, its encoding and any note to show: UTF-8 (a byte-order mark is
    dropped), UTF-16 with a mark, else Windows-1252 with a note saying so."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16", []  # Excel's "Unicode text"
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError as exc:
        not_utf8 = exc
    # Not UTF-8: almost always Excel's plain "CSV" on Windows, which is Windows-1252. Latin-1
    # would also decode (it decodes anything), so it is no check at all; cp1252 at least refuses
    # its five unassigned bytes.
    line = line_of(data, not_utf8.start)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        message = (
            f"byte 0x{data[exc.start]:02X} cannot be read as UTF-8 or Windows-1252; save the "
            "file as 'CSV UTF-8' and upload it again"
        )
        raise UnreadableFile(file_problem("encoding", message, line_of(data, exc.start))) from None
    note = (
        f"The file is not UTF-8 (first on line {line}), so it was read as Windows-1252, the "
        "encoding of Excel's plain 'CSV'. Check accented letters and symbols such as é and ™; "
        "save as 'CSV UTF-8' to avoid this."
    )
    return text, "cp1252", [note]


def line_of(data: bytes, offset: int) -> int:
    return len(LINE_BREAK.findall(data[:offset].decode("latin-1"))) + 1


def guess_delimiter(opening: str) -> str:
    """The delimiter most used in the opening lines: semicolons come from European settings."""
    return max(",;\t|", key=opening.count)


def open_sheet(data: bytes, sheet: str | None) -> tuple[str, Sequence[Sequence[Cell]]]:
    """The chosen sheet (else the first) of a workbook: its name and every row, blank rows
    kept so that index + 1 is the row number the person sees in Excel."""
    try:
        workbook = python_calamine.load_workbook(io.BytesIO(data))
    except python_calamine.PasswordError:
        message = "the workbook is password-protected; remove the password and upload it again"
        raise UnreadableFile(file_problem("unreadable", message)) from None
    except python_calamine.CalamineError as exc:
        message = f"the spreadsheet cannot be opened ({exc}); save it again as .xlsx"
        raise UnreadableFile(file_problem("unreadable", message)) from None
    names = list(workbook.sheet_names)
    chosen = sheet if sheet is not None else (names[0] if names else "")
    if chosen not in names:
        listed = ", ".join(f"'{n}'" for n in names) or "none"
        message = f"the workbook has no sheet named '{chosen}'; its sheets are {listed}"
        raise UnreadableFile(file_problem("unreadable", message))
    return chosen, workbook.get_sheet_by_name(chosen).to_python(skip_empty_area=False)


def sheet_names(data: bytes) -> list[str]:
    return list(python_calamine.load_workbook(io.BytesIO(data)).sheet_names)


def cell_text(cell: Cell) -> str:
    """A cell as text, whitespace collapsed. Whole-number floats lose their '.0': a part number
    typed as 12345 is stored by Excel as the float 12345.0."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, datetime.date | datetime.datetime | datetime.time):
        return cell.isoformat()
    return " ".join(str(cell).split())
