"""manage.py import_exempt_orgs FILE... — load IRS EO BMF extracts (501(c)(3) evidence)."""

from pathlib import Path
from typing import Annotated

import typer
from django.core.management.base import CommandError
from django_typer.management import TyperCommand

from interlocal.core.cli import command_console, counts_table, progress_bar
from interlocal.registry.ingest.errors import IngestError
from interlocal.registry.ingest.irs import ExemptOrgRow, parse_irs_file
from interlocal.registry.services.imports import import_exempt_org_files


class Command(TyperCommand):
    help = (
        "Import IRS Exempt Organizations Business Master File extracts (CSV, IRS layout). Each "
        "file must be a complete extract: organizations of its states that it no longer lists "
        "are marked delisted. Every file is checked first, then all are imported together; if "
        "any file has a problem, nothing is imported."
    )

    def handle(
        self,
        files: Annotated[list[Path], typer.Argument(help="eo_xx.csv files")],
        encoding: Annotated[str | None, typer.Option(help="Source encoding if not UTF-8")] = None,
    ) -> None:
        missing = [str(file) for file in files if not file.exists()]
        if missing:
            raise CommandError(
                f"{', '.join(missing)} does not exist; nothing was imported, nothing changed"
            )
        # Parse every file before writing anything, so one bad file cannot leave others applied
        # and every file's problems are reported in one run.
        parsed: list[tuple[str, list[ExemptOrgRow]]] = []
        failures: list[tuple[str, IngestError]] = []
        for file in files:
            try:
                parsed.append((file.name, parse_irs_file(file, encoding=encoding)))
            except IngestError as exc:
                failures.append((file.name, exc))
        if failures:
            bad = ", ".join(name for name, _ in failures)
            verb = "has" if len(failures) == 1 else "have"
            raise CommandError(
                f"No file was imported and nothing changed, because {bad} {verb} problems; fix "
                "them and run the command again with all the files.\n"
                + "\n".join(str(exc) for _, exc in failures)
            )
        total = sum(len(rows) for _, rows in parsed)
        try:
            with progress_bar(total, f"Importing {len(parsed)} file(s)") as advance:
                summaries = import_exempt_org_files(actor=None, files=parsed, progress=advance)
        except IngestError as exc:  # two files for the same state
            raise CommandError(f"No file was imported and nothing changed.\n{exc}") from exc
        out = command_console(self.stdout)
        for summary in summaries:
            out.print(
                counts_table(f"{summary.source} by subsection", summary.by_type, "subsection")
            )
            out.print(
                f"{summary.source}: {summary.created:,} created, {summary.updated:,} updated, "
                f"{summary.unchanged:,} unchanged, {summary.delisted:,} no longer listed "
                f"(delisted), {summary.relisted:,} listed again"
            )
