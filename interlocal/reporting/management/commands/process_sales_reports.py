"""manage.py process_sales_reports — process every report waiting, without a task worker."""

from typing import Annotated

import typer
from django_typer.management import TyperCommand

from interlocal.core.cli import command_console
from interlocal.reporting import services
from interlocal.reporting.models import ReportStatus, SalesReport


class Command(TyperCommand):
    help = (
        "Process every submitted sales report now (what the task worker does one by one). With "
        "--restart-stalled, first put back reports whose processing died (the process was "
        "killed) so they are processed again from their files."
    )

    def handle(
        self,
        restart_stalled: Annotated[
            bool, typer.Option("--restart-stalled", help="Restart reports stuck in processing")
        ] = False,
    ) -> None:
        out = command_console(self.stdout)
        if restart_stalled:
            out.print(f"{services.recover_stalled():,} stalled report(s) restarted.")
        waiting = SalesReport.objects.filter(status=ReportStatus.SUBMITTED).order_by("pk")
        for report in waiting:
            done = services.process_report(report)
            out.print(f"{done}: {done.get_status_display()}")
