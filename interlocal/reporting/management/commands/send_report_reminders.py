"""manage.py send_report_reminders — daily: open the obligations of quarters that have ended,
then remind suppliers of reports due within a week or late."""

from django_typer.management import TyperCommand

from interlocal.core.cli import command_console
from interlocal.reporting import services


class Command(TyperCommand):
    help = (
        "Open a report obligation for every agreement and quarter that has ended, and email "
        "the reminders due today (a week before the due date, then 1, 15 and 30 days late). "
        "Run it daily; running it twice sends nothing twice."
    )

    def handle(self) -> None:
        out = command_console(self.stdout)
        opened = services.open_obligations()
        sent = services.send_reminders()
        out.print(f"{opened:,} obligation(s) opened; {len(sent):,} reminder(s) sent.")
