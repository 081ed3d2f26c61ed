"""manage.py rebuild_analytics — recompute every rollup from the accepted sales facts."""

import time

from django_typer.management import TyperCommand

from interlocal.analytics.services import rollups
from interlocal.core.cli import command_console


class Command(TyperCommand):
    help = (
        "Recompute the analytics rollups from the accepted sales lines, a quarter at a time, in "
        "one transaction (readers see the old figures until it commits). Acceptance keeps them "
        "up to date by itself: run this once on a database that predates the rollups, or after "
        "agencies were moved to another state or type."
    )

    def handle(self) -> None:
        out = command_console(self.stdout)
        started = time.perf_counter()
        with out.status("Recomputing the rollups") as status:
            done = rollups.rebuild(progress=lambda period: status.update(f"Through {period}"))
        out.print(
            f"{done.quarters:,} agreement quarters, {done.agency_rows:,} agency rows, "
            f"in {time.perf_counter() - started:.1f} s"
        )
