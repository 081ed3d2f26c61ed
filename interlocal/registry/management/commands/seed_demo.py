"""manage.py seed_demo --scale small|demo|national --seed N — the demo program."""

import time
from typing import Annotated, Any

import typer
from django.conf import settings
from django.core.management.base import CommandError
from django_typer.management import TyperCommand
from rich.console import Console

from interlocal.core.cli import command_console, counts_table, progress_bar
from interlocal.core.money import format_usd
from interlocal.core.periods import Quarter
from interlocal.registry.demo.calibration import calibrated_universe_counts
from interlocal.registry.demo.seed import SCALES, seed_demo, seed_history
from interlocal.registry.models import Agency
from interlocal.reporting.demo import history_complete

HISTORY = ("now", "later", "only")


class Command(TyperCommand):
    help = (
        "Seed the demo program: a calibrated national agency universe, participants, sponsors, "
        "the Foundation, the Advisory Board, suppliers, one login per role, and every "
        "agreement's quarterly sales history. Deterministic for a scale and seed. Leaves an "
        "existing program alone (use `make reseed`). `--history later` seeds the program "
        "without its sales history; `--history only` then writes it, a quarter at a time, "
        "or what is left of it (what `make demo` runs beside the web server)."
    )

    def handle(
        self,
        scale: Annotated[str, typer.Option(help=f"One of: {', '.join(SCALES)}")] = "small",
        seed: Annotated[int, typer.Option(help="Random seed")] = 2026,
        history: Annotated[
            str, typer.Option(help="Sales history: now (default), later, or only (resume)")
        ] = "now",
    ) -> None:
        if scale not in SCALES:
            raise CommandError(f"unknown scale '{scale}'; choose one of {', '.join(SCALES)}")
        if history not in HISTORY:
            raise CommandError(f"unknown --history '{history}'; choose one of {', '.join(HISTORY)}")
        out = command_console(self.stdout)
        if settings.PRODUCTION:
            # The demo personas have a published password and TOTP secret.
            raise CommandError("seed_demo plants demo logins; it refuses to run in production")
        if history == "only":
            self._history(out)
            return
        if Agency.objects.exists():
            out.print(
                f"The database already holds a program ({Agency.objects.count():,} "
                "agencies); nothing seeded. Run `make reseed` to start over."
            )
            return
        total = sum(calibrated_universe_counts(SCALES[scale]).values())
        out.print(
            f"Seeding the {scale} demo: the agency universe (bar below), then the agreements"
            + (
                " and their quarterly sales history"
                + (" (about 21 million lines: several minutes)" if scale == "national" else "")
                if history == "now"
                else "; the sales history is left for `seed_demo --history only`"
            )
        )
        started = time.perf_counter()
        with progress_bar(total, f"Seeding the {scale} demo") as advance:
            summary = seed_demo(scale, seed, progress=advance, history=history == "now")
        out.print(counts_table("Agency universe", summary.agencies, "type"))
        out.print(
            f"{summary.participants:,} participating agencies, {summary.suppliers} "
            f"suppliers; seeded in {time.perf_counter() - started:.1f} s"
        )
        if summary.sales:
            _say_history(out, summary.sales)

    def _history(self, out: Console) -> None:
        if history_complete():
            out.print("The demo's sales history is complete; nothing to write.")
            return
        out.print("Writing the demo's sales history, a quarter at a time, oldest first")

        def written(quarter: Quarter, lines: int) -> None:
            out.print(f"{quarter}: {lines:,} lines")

        try:
            sales = seed_history(progress=written)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        _say_history(out, sales)


def _say_history(out: Console, sales: dict[str, Any]) -> None:
    out.print(
        f"Sales history: {sales['reports']:,} quarterly reports, {sales['lines']:,} invoice "
        f"lines, {format_usd(int(sales['sales_cents']))} in sales"
    )
    fees = sales.get("fees")
    if fees:
        out.print(
            f"Fees: {fees['fee_invoices']:,} invoices, {format_usd(fees['fee_cents'])} billed; "
            f"{fees['payments']:,} payments, {format_usd(fees['paid_cents'])} received; "
            f"{format_usd(fees['outstanding_cents'])} outstanding, "
            f"{format_usd(fees['past_due_31_cents'])} of it more than 30 days past due"
        )
