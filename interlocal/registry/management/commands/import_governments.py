"""manage.py import_governments FILE — load Census government units into the agency universe."""

from pathlib import Path
from typing import Annotated

import typer
from django.core.management.base import CommandError
from django_typer.management import TyperCommand

from interlocal.core.cli import command_console, counts_table, progress_bar
from interlocal.registry.ingest.census import parse_census_file
from interlocal.registry.ingest.errors import IngestError
from interlocal.registry.services import import_governments


def _mapping(pairs: list[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep:
            raise CommandError(f"--map '{pair}' must look like census_id=GOVT_ID")
        mapping[ours.strip()] = theirs.strip()
    return mapping


class Command(TyperCommand):
    help = (
        "Import US Census government units (the fixed-width unit ID file, or a CSV with "
        "mapped columns). Upserts by 14-digit Census ID; a bad file imports nothing."
    )

    def handle(
        self,
        file: Annotated[Path, typer.Argument(help="Census unit file (.txt fixed width or .csv)")],
        map: Annotated[
            list[str] | None,
            typer.Option(
                "--map", help="CSV column mapping, e.g. --map census_id=GOVT_ID --map name=NAME"
            ),
        ] = None,
        encoding: Annotated[
            str | None, typer.Option(help="Source encoding when not UTF-8, e.g. cp1252")
        ] = None,
    ) -> None:
        if not file.exists():
            raise CommandError(f"{file} does not exist")
        try:
            rows = parse_census_file(file, mapping=_mapping(map or []), encoding=encoding)
        except IngestError as exc:
            raise CommandError(f"{file.name} was not imported; nothing changed.\n{exc}") from exc
        with progress_bar(len(rows), f"Importing {file.name}") as advance:
            summary = import_governments(actor=None, rows=rows, source=file.name, progress=advance)
        out = command_console(self.stdout)
        out.print(counts_table("By type", summary.by_type, "type"))
        out.print(counts_table("By state", summary.by_state, "state"))
        out.print(
            f"{summary.created:,} created, {summary.updated:,} updated, "
            f"{summary.unchanged:,} unchanged from {file.name}"
        )
