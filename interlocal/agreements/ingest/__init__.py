"""Price-file ingest: what a price file must look like and what can be wrong with one.

This package module holds what the reader (:mod:`interlocal.agreements.ingest.price_rows`) and
its callers share: the fields and the header synonyms that find them (:func:`resolve_columns`),
the error of one line (:class:`PriceError`), the exception carrying all of a file's errors
(:class:`PriceFileError`) and the downloadable error report (:func:`errors_csv`).

A reader collects *every* problem in a file before it raises, so the supplier fixes the file in
one pass and nothing is ever half-loaded.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError

FIELDS = ("sku", "description", "unit", "list_price", "contract_price", "discount", "category_code")
REQUIRED = ("sku", "description", "unit")
TEXT_FIELDS = ("sku", "description", "unit", "category_code")
#: The names the template uses; also how a missing column is named in errors.
DISPLAY = {
    "sku": "SKU",
    "description": "Description",
    "unit": "Unit",
    "list_price": "List Price",
    "contract_price": "Contract Price",
    "discount": "Discount %",
    "category_code": "Category Code",
}
# Header synonyms, compared after _key() (case, spaces, punctuation and parentheses dropped).
# Punctuation is dropped, so "Item #" also makes a bare "Item" the SKU; "Product" alone is left
# out, as it heads the description as often as the SKU. A file with two candidates for a field
# is refused as ambiguous rather than guessed. "SIN" (GSA Special Item Number) is a SKU synonym
# as the program asked, though in GSA labour files it is a category shared by every row: map
# such files explicitly.
# fmt: off
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sku": (
        "SKU", "Item Number", "Item No", "Item #", "Item ID", "Item Code", "Part Number",
        "Part No", "Part #", "Catalog Number", "Catalog No", "Catalogue Number", "Product Number",
        "Product Code", "Product ID", "Model Number", "Manufacturer Part Number", "Mfr Part No",
        "MPN", "Stock Number", "Vendor Part Number", "Supplier SKU", "SIN",
    ),
    "description": (
        "Description", "Item Description", "Product Description", "Desc", "Item Name",
        "Product Name", "Service Proposed", "Service Description", "Labor Category",
        "Labour Category", "Job Title",
    ),
    "unit": (
        "Unit", "Units", "Unit of Measure", "UOM", "U/M", "Unit of Issue", "UI", "Unit of Sale",
        "Selling Unit", "Pack",
    ),
    "list_price": (
        "List Price", "List", "MSRP", "Retail Price", "Catalog Price", "List Unit Price",
        "Published Price", "Commercial Price",
    ),
    "contract_price": (
        "Contract Price", "Price", "Net Price", "Unit Price", "Contract Unit Price",
        "Price Offered", "Price Offered to GSA", "Offered Price", "Bid Price", "Net",
        "Discounted Price", "Your Price",
    ),
    "discount": (
        "Discount", "Discount Percent", "Discount Pct", "Discount Off List", "Discount From List",
        "Percent Off", "Percent Off List", "Discount Rate",
    ),
    "category_code": (
        "Category Code", "Category", "NIGP", "NIGP Code", "NIGP Commodity Code", "UNSPSC",
        "UNSPSC Code", "Commodity Code", "Class Code",
    ),
}
# fmt: on

_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
#: How many errors ``str(PriceFileError)`` lists before summarising the rest.
MAX_SHOWN = 20
ERRORS_CSV_HEADER = ("line", "column", "code", "value", "message")
# A spreadsheet runs a cell that starts with one of these as a formula. Values come from the
# uploaded file, so the report neutralises them (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class PriceError:
    """One thing wrong in a price file.

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


class PriceFileError(ValidationError):
    """A price file that cannot be imported; ``errors`` lists every reason in line order.

    A ``ValidationError`` so that a form can show it (``form.add_error(None, exc)``) like any
    other validation failure.
    """

    def __init__(self, errors: Iterable[PriceError], source: str | None = None) -> None:
        self.errors: list[PriceError] = sorted(errors, key=lambda e: e.line)
        if not self.errors:
            raise ValueError("PriceFileError needs at least one error")
        self.source = source
        super().__init__([ValidationError(str(e), code=e.code) for e in self.errors])

    def __str__(self) -> str:
        count = len(self.errors)
        where = f" in {self.source}" if self.source else ""
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} found{where}; nothing was imported. Fix the file and upload it:"]
        lines += [f"  {error}" for error in self.errors[:MAX_SHOWN]]
        if count > MAX_SHOWN:
            lines.append(f"  … and {count - MAX_SHOWN} more")
        return "\n".join(lines)

    def as_dicts(self) -> list[dict[str, object]]:
        return [asdict(error) for error in self.errors]


def errors_csv(errors: Iterable[PriceError]) -> str:
    """Every error as CSV (line, column, code, value, message), for a download link."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ERRORS_CSV_HEADER)
    for error in errors:
        writer.writerow(
            [error.line, _inert(error.column), error.code, _inert(error.value), error.message]
        )
    return out.getvalue()


def _inert(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


# --------------------------------------------------------------------------- columns


def _loose(header: str) -> str:
    return _NOT_ALNUM.sub("", header.casefold())


def _key(header: str) -> str:
    """'UNIT OF ISSUE (e.g. Hour, Task, Sq ft)' -> 'unitofissue'; 'SIN(s)' -> 'sin'."""
    return _loose(_PARENTHESES.sub("", header)) or _loose(header)


_SYNONYM_KEYS = {name: frozenset(_key(s) for s in words) for name, words in SYNONYMS.items()}


def resolve_columns(
    header_line: int, header: Sequence[str], column_map: Mapping[str, str] | None = None
) -> tuple[dict[str, int], list[PriceError]]:
    """Our field -> column index, from ``column_map`` first, then synonyms among the headers
    not mapped explicitly. Errors name the missing column and list the headers found."""
    found: dict[str, int] = {}
    errors: list[PriceError] = []
    reported: set[str] = set()  # fields with an error already, so each is reported once
    line = header_line or 1
    if not any(header):
        return found, [
            PriceError(0, "(file)", "empty_file", "the file has no header row and no items")
        ]
    for name, wanted in (column_map or {}).items():
        if name not in FIELDS:
            known = ", ".join(FIELDS)
            message = f"'{name}' is not a price-file field; map one of {known}"
            errors.append(PriceError(line, wanted, "unknown_field", message, name))
            continue
        reported.add(name)
        hits = [i for i, h in enumerate(header) if h and _loose(h) == _loose(wanted)]
        hits = hits or [i for i, h in enumerate(header) if h and _key(h) == _key(wanted)]
        if len(hits) == 1:
            found[name] = hits[0]
            reported.discard(name)
        elif hits:
            errors.append(_ambiguous(line, name, header, hits))
        else:
            message = (
                f"column '{wanted}', mapped to {DISPLAY[name]}, is not in the header. "
                f"{_headers_found(header)}"
            )
            errors.append(PriceError(line, wanted, "missing_column", message))
    taken = set(found.values())
    hints: dict[str, str] = {}
    for name in FIELDS:
        if name in found or name in (column_map or {}):
            continue
        hits = [
            i
            for i, h in enumerate(header)
            if i not in taken and h and _key(h) in _SYNONYM_KEYS[name]
        ]
        if len(hits) == 1:
            found[name] = hits[0]
        elif hits:
            errors.append(_ambiguous(line, name, header, hits))
            reported.add(name)
        for i in taken:
            if _key(header[i]) in _SYNONYM_KEYS[name]:
                hints[name] = (
                    f" '{header[i]}' is mapped to another field; to use it for {DISPLAY[name]} "
                    f'as well, map {name}="{header[i]}".'
                )
    missing = [name for name in REQUIRED if name not in found and name not in reported]
    priced = "contract_price" in found or {"list_price", "discount"} <= found.keys()
    if not priced and not reported & {"contract_price", "list_price", "discount"}:
        missing.append("contract_price")
    return found, errors + [_missing(line, name, header, hints.get(name, "")) for name in missing]


def _headers_found(header: Sequence[str]) -> str:
    names = ", ".join(f"'{h}'" for h in header if h)
    return f"The header (line with the column names) has {names}."


def _missing(line: int, name: str, header: Sequence[str], hint: str = "") -> PriceError:
    also = ", ".join(SYNONYMS[name][1:5])
    need = (
        "a contract price column, or a list price column and a discount column"
        if name == "contract_price"
        else f"a '{DISPLAY[name]}' column"
    )
    message = (
        f"required column '{DISPLAY[name]}' is missing: the file needs {need}. "
        f"{_headers_found(header)} Rename your column to '{DISPLAY[name]}' (or {also}), or map "
        f'it: {name}="Your header".{hint}'
    )
    return PriceError(line, DISPLAY[name], "missing_column", message)


def _ambiguous(line: int, name: str, header: Sequence[str], hits: list[int]) -> PriceError:
    names = " and ".join(f"'{header[i]}' (column {i + 1})" for i in hits)
    message = (
        f'{names} could each be {DISPLAY[name]}; map the one to use: {name}="{header[hits[0]]}"'
    )
    return PriceError(line, header[hits[0]], "ambiguous_column", message)
