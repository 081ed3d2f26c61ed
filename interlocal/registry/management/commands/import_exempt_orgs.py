"""manage.py import_exempt_orgs FILE... — load IRS EO BMF extracts (501(c)(3) evidence)."""

from pathlib import Path
from typing import Annotated

import typer
from django.core.management.base import CommandError
from django_typer.management import TyperCommand

from interlocal.core.cli import command_console, counts_table, progress_bar
from interlocal.registry.ingest.errors import IngestError
from interlocal.registry.ingest.irs import parse_irs_file
from interlocal.registry.services import import_exempt_orgs


class Command(TyperCommand):
    help = "Import IRS Exempt Organizations Business Master File extracts (CSV, IRS layout)."

    def handle(
        self,
        files: Annotated[list[Path], typer.Argument(help="eo_xx.csv files")],
        encoding: Annotated[str | None, typer.Option(help="Source encoding if not UTF-8")] = None,
    ) -> None:
        out = command_console(self.stdout)
        for file in files:
            if not file.exists():
                raise CommandError(f"{file} does not exist")
            try:
                rows = parse_irs_file(file, encoding=encoding)
            except IngestError as exc:
                raise CommandError(
                    f"{file.name} was not imported; nothing changed.\n{exc}"
                ) from exc
            with progress_bar(len(rows), f"Importing {file.name}") as advance:
                summary = import_exempt_orgs(
                    actor=None, rows=rows, source=file.name, progress=advance
                )
            out.print(counts_table(f"{file.name} by subsection", summary.by_type, "subsection"))
            out.print(f"{file.name}: {summary.created:,} created, {summary.updated:,} updated")
