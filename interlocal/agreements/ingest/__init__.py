"""Price-file ingest: what a price file must look like and what can be wrong with one.

This package module holds what the reader (:mod:`interlocal.agreements.ingest.price_rows`) and
its callers share: the fields and the header synonyms that find them (:func:`resolve_columns`),
the error of one line (:class:`PriceError`), the exception carrying all of a file's errors
(:class:`PriceFileError`) and the downloadable error report (:func:`errors_csv`).

A reader collects *every* problem in a file before it raises, so the supplier fixes the file in
one pass and nothing is ever half-loaded.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict

from django.core.exceptions import ValidationError

from interlocal.core.tabular import ColumnSpec, Problem, missing_column, problems_csv
from interlocal.core.tabular import resolve_columns as tabular_resolve

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

#: How many errors ``str(PriceFileError)`` lists before summarising the rest.
MAX_SHOWN = 20
COLUMNS = ColumnSpec("price-file", FIELDS, REQUIRED, DISPLAY, SYNONYMS)
#: One thing wrong in a price file (the shared :class:`~interlocal.core.tabular.Problem`).
PriceError = Problem


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
    return problems_csv(errors)


def resolve_columns(
    header_line: int, header: Sequence[str], column_map: Mapping[str, str] | None = None
) -> tuple[dict[str, int], list[PriceError]]:
    """Our field -> column index (see :func:`interlocal.core.tabular.resolve_columns`); a price
    file also needs a price: a contract price column, or a list price and a discount."""
    found, errors, reported = tabular_resolve(COLUMNS, header_line, header, column_map)
    priced = "contract_price" in found or {"list_price", "discount"} <= found.keys()
    if any(header) and not priced and not reported & {"contract_price", "list_price", "discount"}:
        need = "a contract price column, or a list price column and a discount column"
        errors.append(missing_column(COLUMNS, header_line or 1, "contract_price", header, "", need))
    return found, errors
