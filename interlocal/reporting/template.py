"""The downloadable report template: the headers the program reads, an example line, and the
field notes (CSV, or XLSX with a second sheet of notes)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from interlocal.reporting.ingest import DISPLAY, FIELDS, NOTES, REQUIRED, SYNONYMS

EXAMPLE = {
    "customer_name": "Harris County",
    "customer_address": "1001 Preston St",
    "city": "Houston",
    "state": "TX",
    "zip_code": "77002",
    "customer_id": "",
    "po_number": "PO-2026-0415",
    "invoice_number": "INV-104233",
    "invoice_date": "2026-08-15",
    "order_type": "sale",
    "sku": "OFF-10021",
    "description": "Copy paper, 8.5 x 11, 20 lb, case of 10 reams",
    "category_code": "615-60",
    "quantity": "12",
    "unit": "CS",
    "unit_price": "38.9500",
    "list_price": "54.99",
    "extended_amount": "467.40",
    "tax": "0.00",
    "freight": "0.00",
}


def field_rows() -> list[tuple[str, str, str, str]]:
    """(header, required, what it holds, other headers accepted) for every field."""
    return [
        (
            DISPLAY[name],
            "required" if name in REQUIRED else "optional",
            NOTES[name],
            ", ".join(SYNONYMS[name]),
        )
        for name in FIELDS
    ]


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([DISPLAY[name] for name in FIELDS])
    writer.writerow([EXAMPLE[name] for name in FIELDS])
    return out.getvalue()


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sales lines"
    sheet.append([DISPLAY[name] for name in FIELDS])
    sheet.append([EXAMPLE[name] for name in FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    notes = book.create_sheet("Field notes")
    notes.append(["Column", "Required", "What it holds", "Other headers read as this column"])
    for row in field_rows():
        notes.append(list(row))
    for cell in notes[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
