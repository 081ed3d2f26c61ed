"""manage.py import_price_file FILE --agreement NUMBER — a new version of an agreement's prices."""

import datetime
from pathlib import Path
from typing import Annotated

import typer
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django_typer.management import TyperCommand
from rich.table import Table

from interlocal.agreements.ingest import MAX_SHOWN, PriceFileError, errors_csv
from interlocal.agreements.ingest.price_rows import read_price_file
from interlocal.agreements.models import Agreement
from interlocal.agreements.services.pricing import import_price_rows
from interlocal.core.cli import command_console, progress_bar
from interlocal.core.money import format_usd


def _column_map(pairs: list[str]) -> dict[str, str] | None:
    mapping = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise CommandError(f"--map '{pair}' must look like sku=\"Part Number\"")
        mapping[ours.strip()] = theirs.strip()
    return mapping or None


def _day(text: str | None) -> datetime.date:
    if text is None:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--effective-from '{text}' is not a date; write YYYY-MM-DD") from None


def _refused(file: Path, exc: PriceFileError, errors_to: Path | None) -> CommandError:
    """The first errors, by line, for the terminal; all of them in a CSV when asked."""
    more = ""
    if errors_to is not None:
        errors_to.write_text(errors_csv(exc.errors), encoding="utf-8")
        more = f"\nAll {len(exc.errors)} errors are in {errors_to}."
    elif len(exc.errors) > MAX_SHOWN:
        more = "\nRun again with --errors-csv FILE to get all of them as a CSV."
    return CommandError(f"{file.name} was not imported; nothing changed.\n{exc}{more}")


class Command(TyperCommand):
    help = (
        "Import a CSV or XLSX price file as the next version of an agreement's prices. The whole "
        "file is checked first; a file with any error imports nothing."
    )

    def handle(
        self,
        file: Annotated[Path, typer.Argument(help="Price file (.csv or .xlsx)")],
        agreement: Annotated[str, typer.Option("--agreement", help="Agreement number")],
        effective_from: Annotated[
            str | None,
            typer.Option("--effective-from", help="First day the prices apply (default today)"),
        ] = None,
        map: Annotated[
            list[str] | None,
            typer.Option("--map", help='Column for a field, e.g. --map sku="SIN(s)" (repeat)'),
        ] = None,
        sheet: Annotated[
            str | None, typer.Option("--sheet", help="Sheet of a workbook (default the first)")
        ] = None,
        note: Annotated[str, typer.Option("--note", help="Why this version (kept)")] = "",
        errors_to: Annotated[
            Path | None,
            typer.Option("--errors-csv", help="On errors, write all of them to this CSV"),
        ] = None,
    ) -> None:
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        target = Agreement.objects.filter(number=agreement).first()
        if target is None:
            raise CommandError(f"there is no agreement numbered '{agreement}'")
        day = _day(effective_from)
        try:
            rows = read_price_file(file, column_map=_column_map(map or []), sheet=sheet)
        except PriceFileError as exc:
            raise _refused(file, exc, errors_to) from None
        out = command_console(self.stdout)
        for text in rows.notes:
            out.print(f"[yellow]Note:[/yellow] {text}")
        try:
            with progress_bar(len(rows.rows), f"Importing {file.name}") as advance:
                price_file = import_price_rows(
                    target, rows, actor=None, effective_from=day, note=note, progress=advance
                )
        except ValidationError as exc:
            raise CommandError(f"{file.name} was not imported: {' '.join(exc.messages)}") from exc
        summary = Table(
            title=f"{target.number} price file version {price_file.version}", show_header=False
        )
        summary.add_column("what")
        summary.add_column("value", justify="right")
        summary.add_row("effective from", f"{price_file.effective_from:%Y-%m-%d}")
        summary.add_row("items", f"{price_file.item_count:,}")
        summary.add_row("priced from list and discount", f"{rows.priced_from_discount:,}")
        summary.add_row("with a list price", f"{rows.with_list_price:,}")
        prices = [row.contract_price_cents for row in rows.rows]
        summary.add_row(
            "lowest / highest price", f"{format_usd(min(prices))} / {format_usd(max(prices))}"
        )
        summary.add_row("sha256", price_file.sha256)
        out.print(summary)
        previous = target.price_files.filter(version=price_file.version - 1).first()
        if previous is not None:
            out.print(f"Version {previous.version} now ends on {previous.effective_to:%Y-%m-%d}.")
        out.print(f"Imported {price_file.item_count:,} items from {file.name}.")
