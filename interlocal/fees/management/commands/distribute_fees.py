"""manage.py distribute_fees --period 2026Q3 [--preview] [--approve] --as EMAIL [--json]

Without ``--preview`` or ``--approve`` it prepares the quarter's run, as the program
administrator ``--as`` names; ``--approve`` approves and posts it, as another one (two-person
rule). The operator at the server's shell is trusted to name who acts, as with any management
command (decision 0018); the web UI is where people sign in for themselves.
"""

import json
from typing import Annotated

import typer
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django_typer.management import TyperCommand
from rich.table import Table

from interlocal.accounts.models import User
from interlocal.core.cli import command_console
from interlocal.core.money import format_usd
from interlocal.fees.models import DistributionRun, RunStatus
from interlocal.fees.services import distribution


class Command(TyperCommand):
    help = (
        "Distribute a quarter's collected administrative fees: --preview prints the split and "
        "writes nothing; without it the run is prepared as --as; --approve approves and posts "
        "the prepared run as another program administrator."
    )

    def handle(
        self,
        period: Annotated[str, typer.Option(help="The quarter, e.g. 2026Q3")],
        preview: Annotated[bool, typer.Option("--preview", help="Print only")] = False,
        approve: Annotated[bool, typer.Option("--approve", help="Approve and post")] = False,
        acting: Annotated[
            str, typer.Option("--as", help="E-mail of the program administrator acting")
        ] = "",
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    ) -> None:
        if preview and approve:
            raise CommandError("choose --preview or --approve, not both")
        try:
            if preview:
                plan = distribution.preview(period)
                self._print(plan.as_dict(), "preview: nothing was written", as_json)
                return
            actor = _user(acting)
            if approve:
                run = DistributionRun.objects.filter(
                    period=period.upper(), status=RunStatus.PREPARED
                ).first()
                if run is None:
                    raise CommandError(f"no prepared run for {period} to approve; prepare it first")
                run = distribution.approve(run, actor=actor)
                note = f"run #{run.pk} approved by {actor.email} and posted (entry #{run.entry_id})"
            else:
                run = distribution.prepare(period, actor=actor)
                note = (
                    f"run #{run.pk} prepared by {actor.email}; another program administrator "
                    f"approves it: manage.py distribute_fees --period {run.period} --approve "
                    "--as EMAIL"
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self._print(distribution.run_as_dict(run), note, as_json)

    def _print(self, data: dict, note: str, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(data | {"note": note}))
            return
        out = command_console(self.stdout)
        table = Table(title=f"Distribution of {data['period']}: {data['policy']}")
        for column in ("recipient", "amount", "basis"):
            table.add_column(column, justify="right" if column == "amount" else "left")
        for share in data["shares"]:
            table.add_row(share["recipient"], share["amount"], share["basis"])
        out.print(table)
        for label, key in (
            ("collected through the quarter", "collected_cents"),
            ("distributed before", "distributed_before_cents"),
            ("distributable", "distributable_cents"),
            ("approved costs", "costs_cents"),
            ("costs the cap leaves unfunded", "unfunded_costs_cents"),
            ("carried to the next quarter", "carried_cents"),
        ):
            if key in data:
                out.print(f"{label}: {format_usd(int(data[key]))}")
        out.print(note)


def _user(email: str) -> User:
    if not email:
        raise CommandError("say who acts: --as EMAIL of a program administrator")
    found = User.objects.filter(email__iexact=email.strip()).first()
    if found is None:
        raise CommandError(f"no user {email!r}")
    return found
