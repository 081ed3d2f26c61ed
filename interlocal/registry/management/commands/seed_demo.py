"""manage.py seed_demo --scale small|demo|national --seed N — the demo program."""

import time
from typing import Annotated

import typer
from django.conf import settings
from django.core.management.base import CommandError
from django_typer.management import TyperCommand

from interlocal.core.cli import command_console, counts_table, progress_bar
from interlocal.core.money import format_usd
from interlocal.registry.demo.calibration import calibrated_universe_counts
from interlocal.registry.demo.seed import SCALES, seed_demo
from interlocal.registry.models import Agency


class Command(TyperCommand):
    help = (
        "Seed the demo program: a calibrated national agency universe, participants, sponsors, "
        "the Foundation, the Advisory Board, suppliers and one login per role. Deterministic "
        "for a scale and seed. Leaves an existing program alone (use `make reseed`)."
    )

    def handle(
        self,
        scale: Annotated[str, typer.Option(help=f"One of: {', '.join(SCALES)}")] = "small",
        seed: Annotated[int, typer.Option(help="Random seed")] = 2026,
    ) -> None:
        if scale not in SCALES:
            raise CommandError(f"unknown scale '{scale}'; choose one of {', '.join(SCALES)}")
        out = command_console(self.stdout)
        if settings.PRODUCTION:
            # The demo personas have a published password and TOTP secret.
            raise CommandError("seed_demo plants demo logins; it refuses to run in production")
        if Agency.objects.exists():
            out.print(
                f"The database already holds a program ({Agency.objects.count():,} "
                "agencies); nothing seeded. Run `make reseed` to start over."
            )
            return
        total = sum(calibrated_universe_counts(SCALES[scale]).values())
        out.print(
            f"Seeding the {scale} demo: the agency universe (bar below), then the agreements and "
            "their quarterly sales history"
            + (" (about 21 million lines: several minutes)" if scale == "national" else "")
        )
        started = time.perf_counter()
        with progress_bar(total, f"Seeding the {scale} demo") as advance:
            summary = seed_demo(scale, seed, progress=advance)
        out.print(counts_table("Agency universe", summary.agencies, "type"))
        out.print(
            f"{summary.participants:,} participating agencies, {summary.suppliers} "
            f"suppliers; seeded in {time.perf_counter() - started:.1f} s"
        )
        sales = summary.sales
        out.print(
            f"Sales history: {sales['reports']:,} quarterly reports, {sales['lines']:,} invoice "
            f"lines, {format_usd(int(sales['sales_cents']))} in sales"
        )
