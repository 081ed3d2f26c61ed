"""A bank's file of received payments, recorded all at once or not at all.

The file is a CSV as banks export it (UTF-8 with or without a byte-order mark, Windows-1252,
CR, LF or CRLF line ends, commas or semicolons), columns found by header with synonyms: the
date received, the amount, the bank's reference, and the invoice number (``FI-...``, also found
inside a memo) or the supplier. A line that names an invoice pays that invoice first and the
supplier's other open invoices with the rest; a line naming only the supplier pays its open
invoices oldest first. Every line is checked before anything is recorded: one bad line and the
file is refused with every problem listed, nothing recorded.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from interlocal.core.money import MoneyError, parse_amount, to_cents
from interlocal.core.tabular import (
    ColumnSpec,
    Problem,
    UnreadableFile,
    decode_csv,
    guess_delimiter,
    resolve_columns,
)
from interlocal.fees.models import FeeInvoice, Payment
from interlocal.fees.services.payments import open_invoices, record_payment
from interlocal.registry.models import Supplier

SPEC = ColumnSpec(
    noun="bank-file",
    fields=("date", "amount", "reference", "invoice", "supplier", "method"),
    required=("date", "amount", "reference"),
    display={
        "date": "Date",
        "amount": "Amount",
        "reference": "Reference",
        "invoice": "Invoice",
        "supplier": "Supplier",
        "method": "Method",
    },
    synonyms={
        "date": ("Posting Date", "Value Date", "Received", "Date Received", "Deposit Date"),
        "amount": ("Credit", "Deposit", "Credit Amount", "Amount Received"),
        "reference": ("Bank Reference", "Transaction ID", "Trace Number", "Check Number"),
        "invoice": ("Invoice Number", "Memo", "Remittance", "Description", "Details"),
        "supplier": ("Supplier ID", "Payer", "Originator", "Remitter", "Customer"),
        "method": ("Type", "Payment Type", "Transaction Type"),
    },
)
INVOICE_NUMBER = re.compile(r"\bFI-\d{4}Q[1-4]-\d{7}\b")
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")
METHODS = {"ach": "ach", "wire": "wire", "check": "check", "cheque": "check", "chk": "check"}


class BankFileRefused(ValidationError):
    """The file was not recorded; ``problems`` says which line and what to do."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([str(p) for p in problems])


@dataclass(frozen=True)
class BankLine:
    line: int
    supplier: Supplier
    invoice: FeeInvoice | None
    received_on: datetime.date
    cents: int
    reference: str
    method: str


def read(data: bytes, name: str = "bank.csv") -> list[BankLine]:
    """The file's payments, checked; refused whole with every problem found."""
    try:
        text, _encoding, _notes = decode_csv(data)
    except UnreadableFile as exc:
        raise BankFileRefused([exc.problem]) from None
    if name.lower().endswith((".xlsx", ".xls", ".pdf")) or text.startswith("PK"):
        raise BankFileRefused(
            [Problem(0, "(file)", "wrong_type", "export the bank's list as CSV and upload that")]
        )
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(text[:2000])))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise BankFileRefused([Problem(0, "(file)", "empty_file", "the file has no lines")])
    header = [c.strip() for c in rows[0]]
    columns, problems, _ = resolve_columns(SPEC, 1, header)
    if problems:
        raise BankFileRefused(problems)
    if len(rows) == 1:
        raise BankFileRefused(
            [Problem(0, "(file)", "no_payments", "the file has a header but no payment lines")]
        )
    lines: list[BankLine] = []
    seen: dict[tuple[int, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {f: (row[i].strip() if i < len(row) else "") for f, i in columns.items()}
        checked = _line(number, cells, header, columns, problems)
        if checked is None:
            continue
        key = (checked.supplier.pk, checked.reference)
        if key in seen:
            problems.append(
                Problem(
                    number,
                    header[columns["reference"]],
                    "duplicate_reference",
                    f"reference {checked.reference!r} is also on line {seen[key]}; a bank "
                    "reference names one payment",
                    checked.reference,
                )
            )
            continue
        seen[key] = number
        lines.append(checked)
    if problems:
        raise BankFileRefused(problems)
    return lines


def _line(
    number: int,
    cells: dict[str, str],
    header: list[str],
    columns: dict[str, int],
    problems: list[Problem],
) -> BankLine | None:
    def wrong(field: str, code: str, message: str) -> None:
        problems.append(
            Problem(number, header[columns[field]], code, message, cells.get(field, ""))
        )

    before = len(problems)
    received = _date(cells["date"])
    if received is None:
        wrong(
            "date", "not_a_date", f"{cells['date']!r} is not a date; write 2026-10-15 or 10/15/2026"
        )
    cents = 0
    try:
        cents = to_cents(parse_amount(cells["amount"]))
    except MoneyError as exc:
        wrong("amount", "not_an_amount", str(exc))
    else:
        if cents <= 0:
            wrong(
                "amount",
                "not_positive",
                "a payment received is a positive amount; leave refunds and fees out of the file",
            )
    if not cells["reference"]:
        wrong("reference", "missing_reference", "give the bank's reference of the payment")
    invoice = None
    found = INVOICE_NUMBER.search(cells.get("invoice", ""))
    if found:
        invoice = FeeInvoice.objects.select_related("supplier").filter(number=found.group()).first()
        if invoice is None:
            wrong("invoice", "unknown_invoice", f"no fee invoice is numbered {found.group()}")
    elif cells.get("invoice") and "supplier" not in columns:
        wrong("invoice", "unknown_invoice", "no invoice number (FI-2026Q3-0000123) in this cell")
    supplier = invoice.supplier if invoice is not None else None
    if supplier is None and cells.get("supplier"):
        supplier = _supplier(cells["supplier"])
        if supplier is None:
            wrong("supplier", "unknown_supplier", f"no supplier is {cells['supplier']!r}")
    elif supplier is None and not any(p.line == number for p in problems[before:]):
        field = "invoice" if "invoice" in columns else "reference"
        wrong(field, "no_payer", "name the invoice (FI-...) or the supplier that paid")
    method = METHODS.get(cells.get("method", "").casefold(), Payment.Method.ACH)
    if len(problems) > before or supplier is None or received is None:
        return None
    return BankLine(number, supplier, invoice, received, cents, cells["reference"], method)


def _date(text: str) -> datetime.date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _supplier(text: str) -> Supplier | None:
    if text.isdigit():
        return Supplier.objects.filter(pk=int(text)).first()
    return Supplier.objects.filter(legal_name__iexact=text).first()


@transaction.atomic
def import_payments(data: bytes, *, actor: Any, name: str = "bank.csv") -> list[Payment]:
    """Record every payment of a bank file, or none (``BankFileRefused``)."""
    lines = read(data, name)
    problems = [
        Problem(
            line.line,
            "Reference",
            "already_recorded",
            f"reference {line.reference!r} of {line.supplier} is already recorded",
            line.reference,
        )
        for line in lines
        if Payment.objects.filter(supplier=line.supplier, reference=line.reference).exists()
    ]
    if problems:
        raise BankFileRefused(problems)
    payments = []
    for line in lines:
        payments.append(
            record_payment(
                line.supplier,
                actor=actor,
                amount_cents=line.cents,
                received_on=line.received_on,
                reference=line.reference,
                method=line.method,
                invoices=_first(line),
                source=f"{name}, line {line.line}",
            )
        )
    return payments


def _first(line: BankLine) -> list[FeeInvoice] | None:
    """The named invoice first, then the supplier's other open invoices oldest first."""
    if line.invoice is None:
        return None
    rest = [i for i in open_invoices(line.supplier.pk) if i.pk != line.invoice.pk]
    return [line.invoice, *rest]
