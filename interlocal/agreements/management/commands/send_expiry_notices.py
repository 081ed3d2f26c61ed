"""manage.py send_expiry_notices — warn lead agencies and the office of agreements ending soon."""

import datetime
from typing import Annotated

import typer
from django_typer.management import TyperCommand

from interlocal.agreements.services.expiry import send_expiry_notices
from interlocal.core.cli import command_console


class Command(TyperCommand):
    help = (
        "Email each lead agency and the program office about agreements whose term ends within "
        "180, 90 or 30 days, once per band. Run it daily (cron or a scheduler)."
    )

    def handle(
        self,
        today: Annotated[
            datetime.datetime | None,
            typer.Option(formats=["%Y-%m-%d"], help="Act as if today were this date"),
        ] = None,
    ) -> None:
        console = command_console(self.stdout)
        sent = send_expiry_notices(today.date() if today else None)
        for notice in sent:
            console.print(
                f"{notice.agreement.number}: {notice.threshold_days}-day notice to "
                f"{len(notice.recipients)} recipient(s)"
            )
        console.print(f"{len(sent)} notice(s) sent")
