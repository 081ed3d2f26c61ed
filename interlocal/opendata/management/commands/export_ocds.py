"""manage.py export_ocds OUT.json [--records] [--as-of ISO] — everything public, as OCDS."""

import datetime
import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from django.core.management.base import CommandError
from django.utils import timezone
from django_typer.management import TyperCommand

from interlocal.core.cli import command_console, progress_bar
from interlocal.opendata import feed
from interlocal.opendata.ocds import links, packages
from interlocal.opendata.ocds.values import parse_since


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write beside the target, then rename over it: a reader (or a crash) never sees half a
    file, and an earlier export stays whole until the new one is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(TyperCommand):
    help = (
        "Write every published contracting process as one OCDS 1.1.5 release package (or, with "
        "--records, one record package with compiled releases). The output depends only on the "
        "data and --as-of, so the same data gives the same file."
    )

    def handle(
        self,
        out: Annotated[Path, typer.Argument(help="File to write, e.g. var/ocds.json")],
        records: Annotated[
            bool, typer.Option("--records", help="A record package instead of releases")
        ] = False,
        as_of: Annotated[
            str | None,
            typer.Option(help="Publish the data as it stood at this ISO date-time (default: now)"),
        ] = None,
    ) -> None:
        moment = self._moment(as_of)
        processes = feed.everything(moment)
        if not processes:
            raise CommandError("Nothing is published yet, so no file was written.")
        build = packages.record_package if records else packages.release_package
        with progress_bar(len(processes), f"Building {len(processes)} process(es)") as advance:
            package = build(processes, uri=links.feed(), as_of=moment, progress=advance)
        write_atomically(out, package)
        kind = "records" if records else "releases"
        count = len(package[kind])
        command_console(self.stdout).print(
            f"Wrote {count:,} {kind} of {len(processes):,} contracting process(es) to {out}"
        )

    @staticmethod
    def _moment(as_of: str | None) -> datetime.datetime:
        if as_of is None:
            return timezone.now()
        try:
            return parse_since(as_of)
        except ValueError:
            raise CommandError(
                f"--as-of must be an ISO 8601 date-time such as 2026-06-30T23:59:59Z, not '{as_of}'"
            ) from None
