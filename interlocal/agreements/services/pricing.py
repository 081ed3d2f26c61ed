"""Importing a price file: a new version of an agreement's prices, effective from a day.

A version is never edited. A new one effective on day D ends the open-ended version before it
on D - 1, so exactly one version (or none) is in effect on any day; see ``docs/price-files.md``.
"""

import csv
import datetime
import io
import unicodedata
from collections.abc import Callable, Mapping
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction

from interlocal.accounts.models import User
from interlocal.agreements.ingest.price_rows import (
    DISPLAY,
    PriceRows,
    max_length,
    read_price_file,
)
from interlocal.agreements.models import Agreement, PriceFile, PriceItem
from interlocal.core import audit
from interlocal.core.permissions import require
from interlocal.core.search import search_text
from interlocal.registry.ingest.errors import Source

PERMISSION = "agreement:price_file"
BATCH = 2000
ONE_DAY = datetime.timedelta(days=1)
Progress = Callable[[int], None]

_SEARCH_LENGTH = max_length(PriceItem, "search_text")
_NOTE_LENGTH = max_length(PriceFile, "note")
_NAME_LENGTH = max_length(PriceFile, "source_name")


@transaction.atomic
def import_price_file(
    agreement: Agreement,
    file: Source,
    *,
    actor: User | None,
    effective_from: datetime.date,
    note: str = "",
    column_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> PriceFile:
    """Read, validate and store a CSV or XLSX price file as the agreement's next version.

    Raises :class:`~interlocal.agreements.ingest.PriceFileError` (every bad line) or
    ``ValidationError`` (the effective date), and then nothing is stored. ``actor`` None is the
    operator at the command line, who already has the server.
    """
    # Checked before the file is read: whoever may not import gets the same refusal whatever
    # the file holds, and no parsing work is done for them.
    if actor is not None:
        require(actor, PERMISSION, agreement)
    rows = read_price_file(file, column_map=column_map, sheet=sheet)
    return import_price_rows(agreement, rows, actor=actor, effective_from=effective_from, note=note)


@transaction.atomic
def import_price_rows(
    agreement: Agreement,
    rows: PriceRows,
    *,
    actor: User | None,
    effective_from: datetime.date,
    note: str = "",
    progress: Progress | None = None,
) -> PriceFile:
    """Store rows already read by :func:`read_price_file` (the command reads first to show
    the reader's notes and a progress bar)."""
    # The lock serialises imports per agreement: two at once would both take version max + 1.
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if actor is not None:
        require(actor, PERMISSION, locked)
    if len(note) > _NOTE_LENGTH:
        raise ValidationError(
            {"note": f"the note is {len(note)} characters; the most is {_NOTE_LENGTH}"}
        )
    previous = locked.price_files.order_by("-version").first()
    _check_effective_from(previous, effective_from)
    before = None
    if previous is not None and previous.effective_to is None:
        before = {"version": previous.version, "effective_to": None}
        previous.effective_to = effective_from - ONE_DAY
        previous.save(update_fields=["effective_to"])
    price_file = PriceFile.objects.create(
        agreement=locked,
        version=previous.version + 1 if previous else 1,
        effective_from=effective_from,
        source_name=rows.source_name[-_NAME_LENGTH:],
        sha256=rows.sha256,
        item_count=len(rows.rows),
        note=note,
        uploaded_by=actor,
    )
    for start in range(0, len(rows.rows), BATCH):
        chunk = rows.rows[start : start + BATCH]
        PriceItem.objects.bulk_create(
            [price_item(price_file, row, row.category_code) for row in chunk]
        )
        if progress:
            progress(len(chunk))
    audit.record(
        actor=actor,
        actor_label="operator: manage.py import_price_file",
        verb="agreement.price_file",
        obj=price_file,
        before=before,
        after=_audit_after(price_file, rows, previous),
        reason=note,
    )
    return price_file


def _check_effective_from(previous: PriceFile | None, effective_from: datetime.date) -> None:
    if previous is None:
        return
    if effective_from <= previous.effective_from:
        raise ValidationError(
            {
                "effective_from": (
                    f"price file version {previous.version} takes effect on "
                    f"{previous.effective_from:%Y-%m-%d}; a new version must take effect after "
                    f"that day (it ends version {previous.version} the day before). Choose "
                    f"{previous.effective_from + ONE_DAY:%Y-%m-%d} or later."
                )
            },
            code="effective_from",
        )
    if previous.effective_to is not None and effective_from <= previous.effective_to:
        raise ValidationError(
            {
                "effective_from": (
                    f"price file version {previous.version} is in effect until "
                    f"{previous.effective_to:%Y-%m-%d}; choose a later day so versions do not "
                    "overlap."
                )
            },
            code="effective_from",
        )


class ItemValues(Protocol):
    """An item's values as read from a file (``PriceRow``) or generated (the demo's items)."""

    @property
    def sku(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def list_price_cents(self) -> int | None: ...
    @property
    def contract_price_cents(self) -> int: ...
    @property
    def discount_bps(self) -> int | None: ...


def price_item(price_file: PriceFile, row: ItemValues, category_code: str) -> PriceItem:
    """The (unsaved) item of ``price_file``, its search text filled."""
    return PriceItem(
        price_file=price_file,
        sku=row.sku,
        description=row.description,
        unit=row.unit,
        list_price_cents=row.list_price_cents,
        contract_price_cents=row.contract_price_cents,
        discount_bps=row.discount_bps,
        category_code=category_code,
        search_text=item_search_text(row.sku, row.description),
    )


def item_search_text(sku: str, description: str) -> str:
    """The words ``core.search`` indexes, accents folded first ("Café" is found by "cafe"), and
    the SKU also run together, so "AB-12/X" is found by "ab12x" as well as by "ab 12"."""
    ascii_sku = _ascii(sku)
    whole_sku = "".join(search_text(ascii_sku).split())
    return search_text(whole_sku, ascii_sku, _ascii(description))[:_SEARCH_LENGTH]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _audit_after(
    price_file: PriceFile, rows: PriceRows, previous: PriceFile | None
) -> dict[str, object]:
    return {
        "version": price_file.version,
        "effective_from": price_file.effective_from,
        "source_name": price_file.source_name,
        "sha256": price_file.sha256,
        "format": rows.file_format,
        "encoding": rows.encoding,
        "sheet": rows.sheet,
        "columns": rows.columns,
        "items": len(rows.rows),
        "priced_from_discount": rows.priced_from_discount,
        "with_list_price": rows.with_list_price,
        "notes": rows.notes,
        "ends_version": (
            {"version": previous.version, "effective_to": previous.effective_to}
            if previous is not None
            else None
        ),
    }


def template_csv() -> str:
    """A CSV to start from: the header row and one example item. The example has list price,
    discount and the contract price they give, so each way of pricing is shown; a supplier may
    fill only the contract price, or only list price and discount."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    order = ("sku", "description", "unit", "list_price", "discount", "contract_price")
    writer.writerow([DISPLAY[name] for name in (*order, "category_code")])
    # 54.00 less 25% is 40.50; 1030 is "Paper and printing" in the program's own scheme.
    example = ["ABC-1001", "Copy paper, letter, 20 lb, case of 10 reams", "CS", "54.00", "25%"]
    writer.writerow([*example, "40.50", "1030"])
    return out.getvalue()
