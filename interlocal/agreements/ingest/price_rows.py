"""Reading a supplier's price file (CSV or XLSX) into validated rows; nothing here writes.

:func:`read_price_file` returns every row of a valid file, or raises one :class:`PriceFileError`
listing every problem in it: the line as the person sees it in their file (a spreadsheet's row
number), the column by the file's own header, a code, and what to do. Rules, in
``docs/price-files.md``:

* Columns are found by header name, with synonyms ("Part Number", "UOM", "Net Price"...),
  ignoring case, spaces, punctuation and anything in parentheses; ``column_map`` overrides.
* Prices are read with :func:`interlocal.core.money.parse_amount` and must be exact to the
  cent: a supplier's "12.345" is refused, not rounded, because a contract price is a promise
  and only the supplier may say which cent it meant.
* A price derived from list price and discount is ``list * (10000 - bps) / 10000`` rounded
  half-up to the cent (:data:`interlocal.core.money.ROUNDING`), once, here.
* Text fields have their whitespace collapsed (GSA files carry "Data\\nModeler"); SKUs are
  unique per file ignoring case.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models

from interlocal.agreements.ingest import (
    DISPLAY,
    REQUIRED,
    TEXT_FIELDS,
    PriceError,
    PriceFileError,
    resolve_columns,
)
from interlocal.agreements.models import PriceItem
from interlocal.core.money import MoneyError, parse_amount, round_cents, to_cents
from interlocal.core.tabular import (
    LINE_BREAK,
    SPREADSHEET_MAGIC,
    Cell,
    UnreadableFile,
    cell_text,
    decode_csv,
    file_problem,
    guess_delimiter,
    open_sheet,
)
from interlocal.registry.ingest.errors import Source, read_bytes, source_name


def max_length(model: type[models.Model], name: str) -> int:
    """A text field's size, read from the model so the checks here follow a migration."""
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.CharField) and model_field.max_length
    return model_field.max_length


MAX_LENGTH = {name: max_length(PriceItem, name) for name in TEXT_FIELDS}
BASIS_POINTS = 10_000
HEADER_SEARCH = 20  # lines searched for the header, below any title lines


@dataclass(frozen=True, slots=True)
class PriceRow:
    """One valid item. ``priced_from_discount`` when the contract price was computed here."""

    line: int
    sku: str
    description: str
    unit: str
    contract_price_cents: int
    list_price_cents: int | None = None
    discount_bps: int | None = None
    category_code: str = ""
    priced_from_discount: bool = False


@dataclass
class PriceRows:
    """A whole valid price file: its rows and where they came from."""

    rows: list[PriceRow]
    source_name: str
    sha256: str
    file_format: str  # "csv" or "spreadsheet"
    columns: dict[str, str]  # our field -> the file's header
    encoding: str = ""
    sheet: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def priced_from_discount(self) -> int:
        return sum(row.priced_from_discount for row in self.rows)

    @property
    def with_list_price(self) -> int:
        return sum(row.list_price_cents is not None for row in self.rows)


@dataclass
class _Table:
    """Every non-blank line of a file, with its line number; the header is found later."""

    lines: list[tuple[int, Sequence[Cell]]]
    encoding: str = ""
    sheet: str = ""
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- entry point


def read_price_file(
    source: Source,
    *,
    column_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    name: str | None = None,
) -> PriceRows:
    """Every row of a valid CSV or spreadsheet price file, or one :class:`PriceFileError`."""
    data = read_bytes(source)
    name = name or source_name(source) or "price file"
    if not data.strip():
        raise PriceFileError(
            [_file_error("empty_file", "the file is empty; upload the price list itself")], name
        )
    spreadsheet = data.startswith(SPREADSHEET_MAGIC)
    table = _read_spreadsheet(data, sheet, name) if spreadsheet else _read_csv(data, name)
    at = _header_index(table, column_map)
    header_line, cells = table.lines[at] if table.lines else (1, [])
    header = [_text(cell) for cell in cells]
    columns, errors = resolve_columns(header_line, header, column_map)
    if errors:
        raise PriceFileError(errors, name)
    if at:
        skipped = ", ".join(str(line) for line, _ in table.lines[:at])
        table.notes.append(f"Line(s) {skipped} above the header were skipped as a title.")
    reader = _RowReader(header, columns)
    rows, errors = reader.read_all(table.lines[at + 1 :])
    if errors:
        raise PriceFileError(errors, name)
    if not rows:
        message = f"line {header_line} is a header but no item follows it; add the items"
        raise PriceFileError([_file_error("empty_file", message)], name)
    return PriceRows(
        rows=rows,
        source_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        file_format="spreadsheet" if spreadsheet else "csv",
        columns={f: header[i] for f, i in columns.items()},
        encoding=table.encoding,
        sheet=table.sheet,
        notes=table.notes + reader.notes() + ([] if spreadsheet or not sheet else [_SHEET_IGNORED]),
    )


_SHEET_IGNORED = "A sheet name was given but the file is a CSV, which has no sheets; ignored."


_file_error = file_problem


def _header_index(table: _Table, column_map: Mapping[str, str] | None) -> int:
    """The header is the first line naming two or more known columns (price lists often open
    with a title line or two); with none such in the first lines, the first line, so that its
    errors say what is missing."""
    for index, (line, cells) in enumerate(table.lines[:HEADER_SEARCH]):
        found, _errors = resolve_columns(line, [_text(cell) for cell in cells], column_map)
        if len(found) >= 2:
            return index
    return 0


# --------------------------------------------------------------------------- CSV


def _read_csv(data: bytes, name: str) -> _Table:
    try:
        text, encoding, notes = decode_csv(data)
    except UnreadableFile as exc:
        raise PriceFileError([exc.problem], name) from None
    text = LINE_BREAK.sub("\n", text)  # CRLF, lone CR (old Mac exports) and LF alike
    opening = "\n".join(text.split("\n", HEADER_SEARCH)[:HEADER_SEARCH])
    delimiter = guess_delimiter(opening)
    # strict: a stray quote is an error here rather than a silently merged value downstream.
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    lines: list[tuple[int, Sequence[Cell]]] = []
    previous = 0
    try:
        for values in reader:
            start, previous = previous + 1, reader.line_num  # a quoted value may span lines
            if any(value.strip() for value in values):
                lines.append((start, values))
    except csv.Error as exc:
        if "end of data" in str(exc):
            message = (
                "a double quote opened on this line is never closed, so the rest of the file "
                "reads as one value; close or remove the quote"
            )
        else:
            message = (
                f"the line cannot be read as CSV ({exc}); a value with a comma or a double "
                'quote in it must be quoted, with inner quotes doubled: "12"" pipe, 3/4"""'
            )
        error = PriceError(previous + 1, "(row)", "unreadable", message)
        raise PriceFileError([error], name) from None
    return _Table(lines, encoding=encoding, notes=notes)


# --------------------------------------------------------------------------- spreadsheets


def _read_spreadsheet(data: bytes, sheet: str | None, name: str) -> _Table:
    try:
        chosen, grid = open_sheet(data, sheet)
    except UnreadableFile as exc:
        raise PriceFileError([exc.problem], name) from None
    lines: list[tuple[int, Sequence[Cell]]] = [
        (n, cells) for n, cells in enumerate(grid, start=1) if any(map(_text, cells))
    ]
    return _Table(lines, sheet=chosen)


_text = cell_text


def _decimal(cell: Cell) -> Decimal:
    """A number cell as an exact Decimal, or MoneyError.

    A spreadsheet stores numbers as binary doubles; the shortest text that reads back as the
    same double (``repr``) is what Excel shows, so 491.94 stays 491.94. No arithmetic ever
    happens in float.
    """
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise MoneyError(f"'{_text(cell)}' is not a number")
    if isinstance(cell, float):
        return parse_amount(repr(cell))
    return parse_amount(cell)


# --------------------------------------------------------------------------- rows


class _RowReader:
    """Validates records against the resolved columns, collecting every error."""

    def __init__(self, header: Sequence[str], columns: dict[str, int]) -> None:
        self.header = header
        self.columns = columns
        self.errors: list[PriceError] = []
        self.first_line: dict[str, int] = {}
        self.fraction_lines: list[int] = []  # discount cells read as Excel percentages

    def notes(self) -> list[str]:
        if not self.fraction_lines:
            return []
        count = len(self.fraction_lines)
        return [
            f"Discount cells on {count} row(s), first row {self.fraction_lines[0]}, hold "
            "fractions such as 0.25, which Excel shows as 25%; they were read as percentages. "
            "If one meant a discount below 1%, type it as text such as 0.5%."
        ]

    def read_all(
        self, records: Sequence[tuple[int, Sequence[Cell]]]
    ) -> tuple[list[PriceRow], list[PriceError]]:
        rows = [row for line, cells in records if (row := self.read(line, cells)) is not None]
        return rows, self.errors

    def _error(self, line: int, name: str, code: str, message: str, value: str = "") -> None:
        self.errors.append(PriceError(line, self.header[self.columns[name]], code, message, value))

    def _cell(self, cells: Sequence[Cell], name: str) -> Cell:
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def read(self, line: int, cells: Sequence[Cell]) -> PriceRow | None:
        before = len(self.errors)
        if len(cells) > len(self.header) and any(_text(c) for c in cells[len(self.header) :]):
            message = (
                f"the line has {len(cells)} values but the header has {len(self.header)} "
                "columns; a value probably contains the delimiter (as 1,234.50 contains a "
                "comma) without double quotes around it: quote that value"
            )
            self.errors.append(PriceError(line, "(row)", "extra_values", message))
            return None
        text = {name: self._text(line, cells, name) for name in TEXT_FIELDS}
        self._check_duplicate(line, text["sku"])
        list_price = self._price(line, cells, "list_price")
        contract = self._price(line, cells, "contract_price")
        discount = self._discount(line, cells)
        if len(self.errors) > before:
            return None
        derived = False
        if contract is None and list_price is not None and discount is not None:
            contract, derived = discounted(list_price, discount), True
        if contract is None:
            self._no_price(line)
            return None
        self._check_consistent(line, contract, list_price, discount, derived)
        if len(self.errors) > before:
            return None
        return PriceRow(
            line=line,
            sku=text["sku"],
            description=text["description"],
            unit=text["unit"],
            contract_price_cents=contract,
            list_price_cents=list_price,
            discount_bps=discount,
            category_code=text["category_code"],
            priced_from_discount=derived,
        )

    def _text(self, line: int, cells: Sequence[Cell], name: str) -> str:
        if name not in self.columns:
            return ""
        value = _text(self._cell(cells, name))
        if not value and name in REQUIRED:
            message = f"{DISPLAY[name]} is empty; every item needs one"
            self._error(line, name, "missing_value", message)
        elif len(value) > MAX_LENGTH[name]:
            message = (
                f"{DISPLAY[name]} is {len(value)} characters long; the most is "
                f"{MAX_LENGTH[name]}. Shorten it (a repeated or pasted text?)"
            )
            self._error(line, name, "too_long", message, value[:60])
        return value

    def _check_duplicate(self, line: int, sku: str) -> None:
        if not sku:
            return
        first = self.first_line.setdefault(sku.casefold(), line)
        if first != line:
            message = (
                f"SKU '{_short(sku)}' is on line {first} and again on line {line}; an item may "
                "appear once per price file (SKUs are compared ignoring case). Remove one line "
                "or give it its own SKU"
            )
            self._error(line, "sku", "duplicate_sku", message, sku)

    def _price(self, line: int, cells: Sequence[Cell], name: str) -> int | None:
        if name not in self.columns:
            return None
        cell = self._cell(cells, name)
        shown = _text(cell)
        if not shown:
            return None
        try:
            amount = _decimal(cell)
        except MoneyError:
            message = (
                f"{DISPLAY[name]} '{shown}' is not a price; enter an amount such as 1234.50 "
                "(no text such as N/A; leave it empty if there is none)"
            )
            self._error(line, name, "non_numeric", message, shown)
            return None
        if amount < 0:
            message = f"{DISPLAY[name]} {shown} is negative; prices are 0 or more"
            self._error(line, name, "negative", message, shown)
            return None
        if round_cents(amount) != amount:
            message = (
                f"{DISPLAY[name]} {shown} has a fraction of a cent; state the price to the cent "
                "(in Excel, =ROUND(price, 2))"
            )
            self._error(line, name, "fraction_of_cent", message, shown)
            return None
        return to_cents(amount)

    def _discount(self, line: int, cells: Sequence[Cell]) -> int | None:
        if "discount" not in self.columns:
            return None
        cell = self._cell(cells, "discount")
        shown = _text(cell)
        if not shown:
            return None
        try:
            percent = _percent(cell)
        except (InvalidOperation, ValueError):
            message = f"Discount '{shown}' is not a percentage; write it as 25% or 25"
            self._error(line, "discount", "non_numeric", message, shown)
            return None
        if isinstance(cell, float) and 0 < cell < 1:
            self.fraction_lines.append(line)
        bps = percent * 100
        if bps < 0:
            message = f"Discount {shown} is negative; a discount off list is 0% to 100%"
            self._error(line, "discount", "negative", message, shown)
        elif bps > BASIS_POINTS:
            message = f"Discount {shown} is more than 100%; a discount off list is 0% to 100%"
            self._error(line, "discount", "discount_out_of_range", message, shown)
        elif bps != bps.to_integral_value():
            message = (
                f"Discount {shown} is finer than a hundredth of a percent; state it to two "
                "decimals (such as 12.25%)"
            )
            self._error(line, "discount", "discount_precision", message, shown)
        else:
            return int(bps)
        return None

    def _no_price(self, line: int) -> None:
        name = "contract_price" if "contract_price" in self.columns else "list_price"
        message = (
            "the item has no price: enter the contract price, or a list price and a discount "
            "off it (0% if none)"
        )
        self._error(line, name, "no_price", message)

    def _check_consistent(
        self, line: int, contract: int, list_price: int | None, discount: int | None, derived: bool
    ) -> None:
        if list_price is None or derived:
            return
        if contract > list_price:
            message = (
                f"the contract price {_usd(contract)} is above the list price "
                f"{_usd(list_price)}; a contract price is at or below list. Correct either one"
            )
            self._error(line, "contract_price", "above_list", message)
        elif discount is not None and discounted(list_price, discount) != contract:
            message = (
                f"list price {_usd(list_price)} less {Decimal(discount) / 100:f}% is "
                f"{_usd(discounted(list_price, discount))}, but the contract price is "
                f"{_usd(contract)}; correct one of the three, or leave the discount empty"
            )
            self._error(line, "discount", "discount_mismatch", message)


def _percent(cell: Cell) -> Decimal:
    """A discount in percent. '25%', '25' and 25 are 25%. A spreadsheet cell formatted as a
    percentage holds the fraction (25% is 0.25), so a number cell below 1 is read as one;
    text such as '0.5' in a CSV is 0.5%, as written."""
    if isinstance(cell, bool) or cell is None:
        raise ValueError("not a number")
    if isinstance(cell, float):
        value = Decimal(repr(cell))
        return value * 100 if 0 < value < 1 else value
    if isinstance(cell, int):
        return Decimal(cell)
    text = str(cell).strip().removesuffix("%").strip()
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError("not finite")
    return value


def discounted(list_cents: int, discount_bps: int) -> int:
    """List price less a discount, in cents, rounded half-up to the cent (the one rounding)."""
    exact = Decimal(list_cents) * (BASIS_POINTS - discount_bps) / BASIS_POINTS / 100
    return to_cents(round_cents(exact))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _usd(cents: int) -> str:
    return f"${Decimal(cents) / 100:,.2f}"
