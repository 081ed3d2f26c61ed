"""manage.py import_payments FILE — record the payments of a bank's CSV, all or none."""

import json
from pathlib import Path
from typing import Annotated

import typer
from django.core.management.base import CommandError
from django_typer.management import TyperCommand
from rich.table import Table

from interlocal.core.cli import command_console
from interlocal.core.money import format_usd
from interlocal.core.tabular import problems_csv
from interlocal.fees.services import bank


class Command(TyperCommand):
    help = (
        "Record the fee payments of a bank's CSV (date, amount, reference, and the invoice "
        "number or the supplier). Every line is checked first; a file with any problem records "
        "nothing. Run as the operator (the program office) at the command line."
    )

    def handle(
        self,
        file: Annotated[Path, typer.Argument(help="The bank's CSV of payments received")],
        errors_csv: Annotated[
            Path | None, typer.Option(help="Write every problem to this CSV when refused")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
    ) -> None:
        out = command_console(self.stdout)
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        try:
            payments = bank.import_payments(file.read_bytes(), actor=None, name=file.name)
        except bank.BankFileRefused as exc:
            if errors_csv is not None:
                errors_csv.write_text(problems_csv(exc.problems), encoding="utf-8")
            shown = "\n".join(str(p) for p in exc.problems[:20])
            more = f"\n... and {len(exc.problems) - 20} more" if len(exc.problems) > 20 else ""
            message = f"{file.name} was not recorded; nothing changed.\n{shown}{more}"
            raise CommandError(message) from None
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "payments": [
                            {
                                "id": p.pk,
                                "supplier": p.supplier_id,
                                "reference": p.reference,
                                "received_on": p.received_on.isoformat(),
                                "amount_cents": str(p.amount_cents),
                                "applied": {
                                    a.invoice.number: str(a.amount_cents)
                                    for a in p.allocations.select_related("invoice")
                                },
                            }
                            for p in payments
                        ]
                    }
                )
            )
            return
        table = Table(title=f"{len(payments)} payment(s) recorded from {file.name}")
        for column in ("reference", "supplier", "received", "amount", "applied to"):
            table.add_column(column)
        for p in payments:
            applied = ", ".join(
                f"{a.invoice.number} {format_usd(a.amount_cents)}"
                for a in p.allocations.select_related("invoice")
            )
            table.add_row(
                p.reference,
                str(p.supplier),
                str(p.received_on),
                format_usd(p.amount_cents),
                applied or "(credit)",
            )
        out.print(table)
