"""manage.py ingest_sales FILE --agreement NUMBER --period 2026Q3 [--json]"""

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import CommandError
from django_typer.management import TyperCommand
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from interlocal.core.cli import command_console, console
from interlocal.core.money import format_usd
from interlocal.reporting import services
from interlocal.reporting.models import SalesReport


def report_summary(report: SalesReport) -> dict[str, Any]:
    """What a processed report came to, as plain data (the --json output and the API's)."""
    summary = report.summary or {}
    return {
        "id": report.pk,
        "agreement": report.obligation.agreement.number,
        "period": report.obligation.period,
        "version": report.version,
        "status": report.status,
        "lines_read": summary.get("lines_read", 0),
        "lines": report.line_count,
        "lines_accepted": report.line_count if report.status == "accepted" else 0,
        "errors": report.error_count,
        "errors_by_code": summary.get("errors", {}),
        "warnings": report.warning_count,
        "warnings_by_code": summary.get("warnings", {}),
        "matches_by_method": summary.get("matches", {}),
        "review_items": report.review_count,
        "total_sales_cents": report.total_cents,
        "quality_score": report.quality_score,
        "seconds": summary.get("seconds", {}),
        "notes": summary.get("notes", []),
    }


class Command(TyperCommand):
    help = (
        "File a supplier's quarterly sales report (CSV or XLSX) for an agreement and process it "
        "at once: read, validate, match customers, load. A report with errors loads no lines; "
        "the errors are listed (all of them with --errors-csv)."
    )

    def handle(
        self,
        file: Annotated[Path, typer.Argument(help="Sales report (.csv or .xlsx)")],
        agreement: Annotated[str, typer.Option("--agreement", help="Agreement number")],
        period: Annotated[str, typer.Option("--period", help="Quarter, e.g. 2026Q3")],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the summary as one JSON object")
        ] = False,
        sheet: Annotated[str, typer.Option("--sheet", help="Sheet of a workbook")] = "",
        errors_to: Annotated[
            Path | None, typer.Option("--errors-csv", help="Write every problem to this CSV")
        ] = None,
    ) -> None:
        if not file.is_file():
            raise CommandError(f"{file} does not exist")
        try:
            obligation = services.obligation_for(agreement, period, actor=None)
            with file.open("rb") as handle:
                report = services.submit_report(
                    obligation, actor=None, file=File(handle, name=file.name), sheet=sheet
                )
        except ValidationError as exc:
            raise CommandError(f"{file.name} was not filed: {' '.join(exc.messages)}") from None
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} lines"),
            TimeElapsedColumn(),
            console=console,
            disable=as_json or not console.is_terminal,
        ) as bar:
            task = bar.add_task(f"Processing {file.name}", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total or None)

            report = services.process_report(report, progress=progress)
        if errors_to is not None:
            from interlocal.reporting.queries import problems_csv_of

            errors_to.write_text(problems_csv_of(report), encoding="utf-8")
        summary = report_summary(report)
        if as_json:
            self.stdout.write(json.dumps(summary))
            return
        self._print(summary, report)

    def _print(self, summary: dict[str, Any], report: SalesReport) -> None:
        out = command_console(self.stdout)
        table = Table(title=f"{summary['agreement']} {summary['period']} version {report.version}")
        table.add_column("what")
        table.add_column("value", justify="right")
        table.add_row("status", report.get_status_display())
        table.add_row("lines read", f"{summary['lines_read']:,}")
        table.add_row("lines accepted", f"{summary['lines_accepted']:,}")
        table.add_row("errors", f"{summary['errors']:,}")
        for code, count in sorted(summary["errors_by_code"].items()):
            table.add_row(f"  {code}", f"{count:,}")
        table.add_row("warnings", f"{summary['warnings']:,}")
        for code, count in sorted(summary["warnings_by_code"].items()):
            table.add_row(f"  {code}", f"{count:,}")
        for method, count in sorted(summary["matches_by_method"].items()):
            table.add_row(f"lines matched: {method}", f"{count:,}")
        table.add_row("customers to review", f"{summary['review_items']:,}")
        table.add_row("total sales (cents)", f"{summary['total_sales_cents']:,}")
        table.add_row("total sales", format_usd(summary["total_sales_cents"]))
        if report.quality_score is not None:
            table.add_row("data quality", f"{report.quality_score}%")
        out.print(table)
        for note in summary["notes"]:
            out.print(f"[yellow]Note:[/yellow] {note}")
        for problem in report.problems.order_by("line", "pk")[:20]:
            out.print(
                f"  line {problem.line}, {problem.column}: {problem.message} [{problem.code}]"
            )
