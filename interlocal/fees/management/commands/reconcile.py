"""manage.py reconcile --period 2026Q3 [--json] — prove the ledger's figures through a quarter."""

import json
from typing import Annotated

import typer
from django.core.management.base import CommandError
from django_typer.management import TyperCommand
from rich.table import Table

from interlocal.core.cli import command_console
from interlocal.core.money import format_usd
from interlocal.fees.services.reconcile import reconcile


class Command(TyperCommand):
    help = (
        "Prove, through the end of a quarter: line fees = invoices; invoices - payments - "
        "credits = receivables; cash = payments; collections = distributions + undistributed "
        "balance; trial balance = 0. Any difference is printed with what is involved, and the "
        "exit code is 1. Nothing is ever corrected here."
    )

    def handle(
        self,
        period: Annotated[str, typer.Option(help="The quarter, e.g. 2026Q3")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    ) -> None:
        try:
            checks = reconcile(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        ok = all(c.ok for c in checks)
        if as_json:
            self.stdout.write(
                json.dumps({"period": period, "ok": ok, "checks": [c.as_dict() for c in checks]})
            )
        else:
            out = command_console(self.stdout)
            table = Table(title=f"Reconciliation through {period}")
            for column in ("check", "expected", "actual", "result"):
                table.add_column(column)
            for c in checks:
                table.add_row(
                    c.name,
                    format_usd(c.expected),
                    format_usd(c.actual),
                    "ok" if c.ok else "DIFFERENCE",
                )
            out.print(table)
            for c in checks:
                if c.detail:
                    out.print(f"  {c.name}: {c.detail}")
                for line in c.differences:
                    out.print(f"  {c.name}: {line}")
        if not ok:
            raise SystemExit(1)
