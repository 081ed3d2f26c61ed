"""Errors for list imports, and the shared code that turns an upload into lines of text.

Every importer collects *all* problems in a file before it returns anything, then raises one
:class:`IngestError` carrying them. A problem names the line, the field, the value and what the
person uploading the file should do about it, so the file can be fixed in one pass and nothing is
ever half-loaded.

The text helpers live here because the first thing that goes wrong with an upload is usually its
encoding, and that error must name a line just like any other.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import IO

#: How many problems ``str(IngestError)`` lists before summarising the rest as "and N more".
MAX_SHOWN = 20

#: Anything an importer accepts: a path (str or ``pathlib.Path``), raw bytes, or a binary file
#: object such as a Django ``UploadedFile``.
Source = str | os.PathLike[str] | bytes | IO[bytes]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with one line of an uploaded file.

    ``line`` is 1-based, counted the way a text editor counts (a header is line 1). ``message``
    already contains the advice; ``value`` is kept separately so a UI can highlight it.
    """

    line: int
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, field '{self.field}': {self.message}"


class IngestError(Exception):
    """A file could not be imported; ``problems`` lists every reason, in line order."""

    def __init__(self, problems: Iterable[RowProblem], source: str | None = None) -> None:
        self.problems: list[RowProblem] = sorted(problems, key=lambda p: p.line)
        if not self.problems:
            raise ValueError("IngestError needs at least one problem")
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        where = f" in {self.source}" if self.source else ""
        noun = "problem" if count == 1 else "problems"
        lines = [
            f"{count} {noun} found{where}; nothing was imported. Fix the file and upload it again:"
        ]
        lines += [f"  {problem}" for problem in self.problems[:MAX_SHOWN]]
        if count > MAX_SHOWN:
            lines.append(f"  and {count - MAX_SHOWN} more")
        return "\n".join(lines)

    def as_dicts(self) -> list[dict[str, object]]:
        """Problems as plain dicts, for JSON responses and job logs."""
        return [asdict(problem) for problem in self.problems]


def source_name(source: Source) -> str | None:
    """A short name for messages: the file name of a path or an upload, else ``None``."""
    if isinstance(source, str | os.PathLike):
        return os.path.basename(os.fspath(source))
    name = getattr(source, "name", None)
    return os.path.basename(str(name)) if name else None


def read_bytes(source: Source) -> bytes:
    """All bytes of ``source``. File objects are rewound afterwards when they can be."""
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            return handle.read()
    data = source.read()
    if isinstance(data, str):
        raise TypeError("open the file in binary mode ('rb'); the importer decodes it itself")
    if source.seekable():
        source.seek(0)
    return data


def decode(
    data: bytes,
    encoding: str | None = None,
    *,
    field_at: Callable[[str], str] | None = None,
) -> str:
    """Decode an upload, or raise an :class:`IngestError` naming the first undecodable line.

    Without ``encoding`` only UTF-8 (with or without a byte-order mark) is accepted: guessing
    between cp1252 and latin-1 silently corrupts names, so a caller who knows the file is cp1252
    must say so. ``field_at(partial_line)`` may name the field in which the bad byte sits, given
    the decoded text of that line up to the bad byte.
    """
    reject_utf16(data, encoding)
    codec = encoding or "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise IngestError([_decode_problem(data, exc, codec, field_at)]) from None
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r}") from None
    return text.removeprefix("\ufeff")


def reject_utf16(data: bytes, encoding: str | None) -> None:
    """Excel's "Unicode text" is UTF-16; say so instead of reporting garbage on line 1."""
    if encoding is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise IngestError(
            [
                RowProblem(
                    1,
                    "(file encoding)",
                    "UTF-16",
                    "the file is UTF-16 ('Unicode text'); re-save it as 'CSV UTF-8' or plain "
                    "UTF-8 text and upload it again",
                )
            ]
        )


def _decode_problem(
    data: bytes,
    exc: UnicodeDecodeError,
    codec: str,
    field_at: Callable[[str], str] | None,
) -> RowProblem:
    before = data[: exc.start]
    line = len(_LINE_BREAK_BYTES.findall(before)) + 1
    line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    partial = data[line_start : exc.start].decode(codec, errors="replace").removeprefix("\ufeff")
    field = field_at(partial) if field_at else "(file encoding)"
    bad = data[exc.start : exc.end]
    shown = " ".join(f"0x{byte:02X}" for byte in bad)
    lines_affected = sum(1 for raw in _LINE_BREAK_BYTES.split(data) if _undecodable(raw, codec))
    more = f" ({lines_affected} lines are affected)" if lines_affected > 1 else ""
    if codec == "utf-8-sig":
        advice = (
            "the file is not UTF-8; re-save it as UTF-8 (in Excel: 'CSV UTF-8'), or if you know "
            "it is Windows-1252 or Latin-1, import it with that encoding"
        )
    else:
        advice = f"the file is not valid {codec}; re-save it as UTF-8 or choose its real encoding"
    message = (
        f"byte {shown} at character {len(partial) + 1} of the line cannot be read: {advice}{more}"
    )
    return RowProblem(line, field, shown, message)


def _undecodable(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return True
    return False


def csv_field_at(data: bytes) -> Callable[[str], str]:
    """For :func:`decode`: name the CSV column in which a bad byte sits, using the header."""
    first = _LINE_BREAK_BYTES.split(data, maxsplit=1)[0].decode("utf-8", errors="replace")
    first = first.removeprefix("\ufeff")
    delimiter = max(",;\t|", key=first.count)
    header = next(csv.reader([first], delimiter=delimiter), [])

    def field_at(partial: str) -> str:
        try:
            index = max(len(next(csv.reader([partial], delimiter=delimiter), [""])) - 1, 0)
        except csv.Error:  # the bad byte sits inside a quoted value that is still open
            index = partial.count(delimiter)
        return header[index].strip() if index < len(header) else f"column {index + 1}"

    return field_at


def split_lines(text: str) -> list[str]:
    """Split on CRLF, lone CR or LF (old Mac exports use lone CR), keeping line numbers exact.

    ``str.splitlines`` is not used because it also splits on form feeds and other separators
    that may legitimately sit inside a fixed-width record.
    """
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def csv_records(text: str) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """Parse CSV text into (header, [(line number, values)], delimiter).

    Blank lines are skipped. The delimiter is the one among ``, ; tab |`` that occurs most in the
    header line, so semicolon CSVs from European spreadsheet settings also work. Line numbers
    are those of the line on which each record starts.
    """
    normalised = _LINE_BREAK.sub("\n", text)
    first_line = next((line for line in normalised.split("\n") if line.strip()), "")
    delimiter = max(",;\t|", key=first_line.count)
    reader = csv.reader(io.StringIO(normalised), delimiter=delimiter)
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    previous_line = 0
    try:
        for values in reader:
            start = previous_line + 1
            previous_line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if header is None:
                header = [value.strip().removeprefix("\ufeff").strip() for value in values]
            else:
                records.append((start, values))
    except csv.Error as exc:
        raise IngestError(
            [
                RowProblem(
                    reader.line_num,
                    "(CSV)",
                    "",
                    f"the CSV cannot be read ({exc}); check for an unclosed quote on this or an "
                    "earlier line",
                )
            ]
        ) from None
    return header or [], records, delimiter


def find_columns(
    header: Sequence[str],
    wanted: dict[str, str],
    *,
    required: Iterable[str],
) -> tuple[dict[str, int], list[RowProblem]]:
    """Locate mapped columns in a CSV header, case- and space-insensitively.

    ``wanted`` maps our field name to the header expected in the file. Returns the column index
    of every field found and a problem for every required field whose column is missing (the
    message lists the columns the file does have) or that appears twice.
    """
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        positions.setdefault(_header_key(name), []).append(index)
    found: dict[str, int] = {}
    problems: list[RowProblem] = []
    required = set(required)
    missing: list[tuple[str, str]] = []
    for field, column in wanted.items():
        hits = positions.get(_header_key(column), [])
        if len(hits) > 1:
            where = " and ".join(str(hit + 1) for hit in hits)
            problems.append(
                RowProblem(
                    1,
                    field,
                    column,
                    f"column '{column}' appears more than once (columns {where}); "
                    "rename or remove the extra one",
                )
            )
        elif hits:
            found[field] = hits[0]
        elif field in required:
            missing.append((field, column))
    if missing:
        have = ", ".join(f"'{name}'" for name in header) or "(none: the first line is empty)"
        expected = ", ".join(f"'{column}'" for _, column in wanted.items())
        for field, column in missing:
            problems.append(
                RowProblem(
                    1,
                    field,
                    column,
                    f"required column '{column}' is missing from the header. The file has "
                    f"columns {have}; expected {expected}. Rename the column in the file or map "
                    "it to the right header",
                )
            )
    return found, problems


def _header_key(name: str) -> str:
    return " ".join(name.strip().lower().split())


def check_row_shape(
    line: int, record: Sequence[str], header: Sequence[str], columns: dict[str, int]
) -> RowProblem | None:
    """A problem when a CSV record does not line up with the header, else ``None``.

    ``columns`` maps field names to column indexes (from :func:`find_columns`). Short records
    name the first field they lack; unquoted delimiters and unclosed quotes get their own advice.
    """
    field_of = {index: field for field, index in columns.items()}
    for index, value in enumerate(record):
        if "\n" in value:
            return RowProblem(
                line,
                field_of.get(index, f"column {index + 1}"),
                value.split("\n", 1)[0],
                "a value on this line starts with a double quote that is never closed, so the "
                "lines after it were read as part of that value; close or remove the quote",
            )
    width = len(header)
    missing = sorted(
        (field for field, index in columns.items() if index >= len(record)),
        key=lambda field: columns[field],
    )
    if missing:
        return RowProblem(
            line,
            missing[0],
            "",
            f"the line has {len(record)} values but the header has {width} columns, so "
            f"'{header[columns[missing[0]]]}' is missing; check for a missing delimiter",
        )
    if len(record) > width and any(value.strip() for value in record[width:]):
        return RowProblem(
            line,
            "(row)",
            "",
            f"the line has {len(record)} values but the header has {width} columns; a value "
            "probably contains an unquoted delimiter — put that value in double quotes",
        )
    return None
