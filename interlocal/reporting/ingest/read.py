"""Read a supplier's file (CSV or XLSX) or the API's JSON lines into DuckDB.

The result is ``raw`` (a table; for a CSV, a view over DuckDB's reading of the file):
``line`` (the row number the supplier sees in its file, the header being the row it is on)
and one text column per field of :data:`interlocal.reporting.ingest.FIELDS`, NULL where the
file has no such column. Nothing is typed here: :mod:`.validate` reads every value and says
what is wrong with it.

CSV goes to DuckDB's own reader, which is parallel and handles quoting, a UTF-8 byte-order mark
and CRLF or CR-only line ends; this module only finds the header, the delimiter and the
encoding first, and rewrites the file to UTF-8 when it is not (Windows-1252, UTF-16) or when
blank lines would shift DuckDB's row numbers. Spreadsheets are read with python-calamine.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import python_calamine

from interlocal.core.tabular import (
    SPREADSHEET_MAGIC,
    Cell,
    Problem,
    UnreadableFile,
    cell_text,
    decode_csv,
    file_problem,
    guess_delimiter,
    open_sheet,
    resolve_columns,
    sheet_names,
)
from interlocal.reporting.ingest import COLUMNS, FIELDS

HEADER_SEARCH = 20  # lines searched for the header, below any title lines
EXTRA_COLUMNS = 16  # values a CSV line may have beyond the header's and still be read
MAX_BYTES = 512 * 1024 * 1024
_NOT_A_TABLE = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")


class ReportUnreadable(Exception):
    """The file cannot be read as a sales report; ``problems`` say why and what to do."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass
class Staged:
    """A report read into DuckDB's ``raw`` table."""

    con: duckdb.DuckDBPyConnection
    rows: int
    columns: dict[str, str]  # field -> the file's header
    file_format: str  # "csv", "xlsx" or "json"
    sha256: str = ""
    encoding: str = ""
    sheet: str = ""
    notes: list[str] = field(default_factory=list)


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def read_file(
    path: Path, *, sheet: str | None = None, column_map: Mapping[str, str] | None = None
) -> Staged:
    """Stage a CSV or spreadsheet file, or raise :class:`ReportUnreadable`."""
    data = path.read_bytes()
    if not data.strip():
        raise _unreadable("empty_file", "the file is empty; upload the report itself")
    if len(data) > MAX_BYTES:
        size = len(data) // 2**20
        message = f"the file is {size} MB; the most is {MAX_BYTES // 2**20} MB. Split the quarter"
        raise _unreadable("too_large", message)
    spreadsheet = data.startswith(SPREADSHEET_MAGIC)
    # A workbook is binary (NUL bytes in its first block): only other files are refused for it.
    if data.startswith(_NOT_A_TABLE) or (
        not spreadsheet and b"\x00" in data[:4096] and not _utf16(data)
    ):
        message = "the file is not a CSV or a spreadsheet; upload the report as .csv or .xlsx"
        raise _unreadable("not_a_table", message)
    digest = hashlib.sha256(data).hexdigest()
    if spreadsheet:
        try:
            staged = _read_workbook(data, sheet, column_map)
        except python_calamine.CalamineError as exc:
            # Listing the sheets opens the workbook before open_sheet can say why it cannot be
            # opened (a .docx renamed .xlsx, a damaged file, a password).
            raise _unopenable(exc) from None
    else:
        staged = _read_csv(path, data, column_map)
        if sheet:
            staged.notes.append("A sheet was named but the file is a CSV, which has none.")
    staged.sha256 = digest
    return staged


def stage_rows(rows: Iterable[Mapping[str, Any]]) -> Staged:
    """Stage lines sent as JSON objects keyed by field name (the API). Line numbers count the
    objects from 1; values are read as text, like a file's."""
    values: dict[str, list[str | None]] = {name: [] for name in FIELDS}
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 (count is used after the loop)
        for name in FIELDS:
            value = row.get(name)
            values[name].append(None if value is None else str(value))
    table = pa.table(
        {"line": pa.array(range(1, count + 1), pa.int64())}
        | {name: pa.array(values[name], pa.string()) for name in FIELDS}
    )
    con = connect()
    con.register("incoming", table)
    con.execute("CREATE TABLE raw AS SELECT *, false AS extra FROM incoming")
    con.unregister("incoming")
    return Staged(con, count, {name: name for name in FIELDS}, "json")


def _unreadable(code: str, message: str, line: int = 0) -> ReportUnreadable:
    return ReportUnreadable([file_problem(code, message, line)])


def _unopenable(exc: Exception) -> ReportUnreadable:
    if isinstance(exc, python_calamine.PasswordError):
        message = "the workbook is password-protected; remove the password and upload it again"
    else:
        message = f"the spreadsheet cannot be opened ({exc}); save it again as .xlsx"
    return _unreadable("unreadable", message)


def _utf16(data: bytes) -> bool:
    return data.startswith((b"\xff\xfe", b"\xfe\xff"))


# --------------------------------------------------------------------------- header


def _find_header(
    lines: Sequence[tuple[int, Sequence[str]]], column_map: Mapping[str, str] | None
) -> tuple[int, dict[str, int], list[str]]:
    """The first of the opening lines naming two or more known columns (a report may open with
    a title line or two): its position, the columns resolved and the header. Refused when a
    required column is missing or two columns could be the same field."""
    position = 0
    for index, (line, cells) in enumerate(lines[:HEADER_SEARCH]):
        found, _problems, _reported = resolve_columns(COLUMNS, line, cells, column_map)
        if len(found) >= 2:
            position = index
            break
    line, cells = lines[position] if lines else (1, [])
    header = [" ".join(str(c).split()) for c in cells]
    found, problems, _reported = resolve_columns(COLUMNS, line, header, column_map)
    if problems:
        raise ReportUnreadable(problems)
    return position, found, header


# --------------------------------------------------------------------------- CSV


def _read_csv(path: Path, data: bytes, column_map: Mapping[str, str] | None) -> Staged:
    try:
        text, encoding, notes = decode_csv(data)
    except UnreadableFile as exc:
        raise ReportUnreadable([exc.problem]) from None
    # Work on \n line ends. Blank lines become delimiter-only lines, which read as empty rows
    # that validation skips: DuckDB would drop them and shift every later row number.
    opening_text = "\n".join(text[:200_000].splitlines()[:HEADER_SEARCH])
    delimiter = guess_delimiter(opening_text)
    opening = list(csv.reader(io.StringIO(opening_text), delimiter=delimiter))
    numbered = [(n, row) for n, row in enumerate(opening, start=1)]
    at, found, header = _find_header(
        [(n, row) for n, row in numbered if any(v.strip() for v in row)], column_map
    )
    header_line = [n for n, row in numbered if any(v.strip() for v in row)][at]
    rewrite = encoding != "utf-8" or ("\r" in text and "\r\n" not in text) or _has_blank(text)
    source = path
    tmp = None
    if rewrite:
        # Trailing line ends dropped: each would become a filler row, counted as a line read.
        body = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
        filler = delimiter * max(len(header) - 1, 1)
        body = "\n".join(line if line.strip() else filler for line in body.split("\n"))
        tmp = tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", delete=False)  # noqa: SIM115
        with tmp:
            tmp.write(body)
        source = Path(tmp.name)
    con = connect()
    # The columns are given, as many as the header's and EXTRA_COLUMNS more: DuckDB's sniffer
    # refuses a whole file for one line with a value too many, which validation reports on its
    # line instead (extra_values).
    width = len(header) + EXTRA_COLUMNS
    digits = len(str(width - 1))
    columns = {f"column{i:0{digits}d}": "VARCHAR" for i in range(width)}
    sql = (
        "CREATE TABLE file_rows AS SELECT * FROM read_csv(?, header = false, columns = ?, "
        "delim = ?, quote = '\"', escape = '\"', null_padding = true, skip = ?, "
        "max_line_size = 10000000, auto_detect = false, parallel = ?)"
    )
    try:
        try:
            con.execute(sql, [str(source), columns, delimiter, header_line - 1, True])
        except duckdb.Error as exc:
            # A value with a line break inside its quotes (an address typed on two lines in
            # Excel) needs the single-threaded reader.
            if "parallel=false" not in str(exc):
                raise
            con.execute(sql, [str(source), columns, delimiter, header_line - 1, False])
    except duckdb.Error as exc:
        message = (
            f"the file cannot be read as CSV ({_first_line(exc)}); a value with a comma or a "
            'double quote in it must be in double quotes, with inner quotes doubled: "12"" pipe"'
        )
        raise _unreadable("unreadable", message) from None
    finally:
        if tmp is not None:
            Path(tmp.name).unlink(missing_ok=True)
    width = len(con.execute("SELECT * FROM file_rows LIMIT 0").description)
    _to_raw(con, found, width, len(header), header_line)
    rows = _count(con)
    return Staged(
        con, rows, {f: header[i] for f, i in found.items()}, "csv", encoding=encoding, notes=notes
    )


# A lone \r only where no \n follows: else the \r and \n of one CRLF would read as two line
# ends around an empty line, and every Excel CSV would be rewritten.
_BLANK_LINE = re.compile(r"(\r\n|\r(?!\n)|\n)[ \t]*(\r\n|\r(?!\n)|\n)")
# The same, for a text whose line ends are all \n or all \r\n: a literal to find first makes
# it ten times faster than the alternation above (0.07 s instead of 0.7 s for 180 MB).
_BLANK_LF = re.compile(r"\n[ \t]*\n")
_BLANK_CRLF = re.compile(r"\r\n[ \t]*\r\n")


def _has_blank(text: str) -> bool:
    end = len(text)
    while end and text[end - 1] in "\r\n \t":
        end -= 1
    if "\r" not in text:
        pattern = _BLANK_LF
    elif text.count("\r") == text.count("\n") == text.count("\r\n"):
        pattern = _BLANK_CRLF
    else:
        pattern = _BLANK_LINE
    return pattern.search(text, 0, end) is not None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n", 1)[0][:300]


# --------------------------------------------------------------------------- spreadsheets


def _read_workbook(data: bytes, sheet: str | None, column_map: Mapping[str, str] | None) -> Staged:
    names = [sheet] if sheet is not None else _sales_sheets(data, column_map)
    if len(names) > 1:
        listed = " and ".join(f"'{n}'" for n in names)
        message = (
            f"the workbook has sales lines on the sheets {listed}; put every line of the quarter "
            "on one sheet, or name the sheet to read"
        )
        raise _unreadable("several_sheets", message)
    try:
        chosen, grid = open_sheet(data, names[0] if names else None)
    except UnreadableFile as exc:
        raise ReportUnreadable([exc.problem]) from None
    numbered = [(n, row) for n, row in enumerate(grid, start=1) if any(map(cell_text, row))]
    at, found, header = _find_header(
        [(n, [cell_text(c) for c in row]) for n, row in numbered], column_map
    )
    header_line = numbered[at][0] if numbered else 1
    body = [(n, row) for n, row in enumerate(grid, start=1) if n > header_line]
    table = pa.table(
        {"line": pa.array([n for n, _ in body], pa.int64())}
        | {
            name: pa.array([_cell(row, index) for _, row in body], pa.string())
            for name, index in found.items()
        }
    )
    con = connect()
    con.register("sheet_rows", table)
    columns = ", ".join(
        f"{name if name in found else 'NULL'}::VARCHAR AS {name}" for name in FIELDS
    )
    con.execute(f"CREATE TABLE raw AS SELECT line, {columns}, false AS extra FROM sheet_rows")  # noqa: S608
    con.unregister("sheet_rows")
    notes = [] if sheet is not None or len(sheet_names(data)) == 1 else [f"Read sheet '{chosen}'."]
    return Staged(
        con,
        _count(con),
        {f: header[i] for f, i in found.items()},
        "xlsx",
        sheet=chosen,
        notes=notes,
    )


def _sales_sheets(data: bytes, column_map: Mapping[str, str] | None) -> list[str]:
    """The sheets whose opening rows hold a sales-report header."""
    found = []
    for name in sheet_names(data):
        _chosen, grid = open_sheet(data, name)
        for n, row in enumerate(grid[:HEADER_SEARCH], start=1):
            columns, _p, _r = resolve_columns(COLUMNS, n, [cell_text(c) for c in row], column_map)
            if len(columns) >= 2:
                found.append(name)
                break
    return found


def _cell(row: Sequence[Cell], index: int) -> str | None:
    if index >= len(row):
        return None
    cell = row[index]
    # A date cell reads as a datetime at midnight: keep the day.
    if hasattr(cell, "hour") and hasattr(cell, "date") and not cell.hour and not cell.minute:  # type: ignore[union-attr]
        return cell.date().isoformat()  # type: ignore[union-attr]
    if isinstance(cell, float) and not cell.is_integer():
        # Excel keeps 15 significant digits; a formula's binary noise beyond them (=3*0.1 is
        # stored as 0.30000000000000004) is not a decimal place the supplier wrote.
        return format(Decimal(format(cell, ".15g")), "f")
    text = cell_text(cell)
    return text or None


# --------------------------------------------------------------------------- common


def _to_raw(
    con: duckdb.DuckDBPyConnection,
    found: Mapping[str, int],
    width: int,
    header_width: int,
    header_line: int,
) -> None:
    """``raw`` from ``file_rows`` (DuckDB's columns ``column0``…, the header its first row):
    the resolved fields by name, the header dropped, and ``extra`` set on rows with values
    beyond the header's last column. A view: validation reads it once, so copying a million
    rows into a table first would only cost time."""
    digits = len(str(width - 1))

    def col(i: int) -> str:
        return f"column{i:0{digits}d}"

    columns = ", ".join(
        f"{col(found[name]) if name in found else 'NULL::VARCHAR'} AS {name}" for name in FIELDS
    )
    beyond = [f"{col(i)} IS NOT NULL AND trim({col(i)}) <> ''" for i in range(header_width, width)]
    extra = " OR ".join(beyond) or "false"
    con.execute(
        f"CREATE VIEW raw AS SELECT (rowid + {header_line})::BIGINT AS line, "  # noqa: S608
        f"{columns}, ({extra}) AS extra FROM file_rows WHERE rowid >= 1"
    )


def _count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM raw").fetchone()
    return int(row[0]) if row else 0
