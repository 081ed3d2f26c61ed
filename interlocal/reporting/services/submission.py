"""Filing a report: a file (CSV or XLSX), JSON lines through the API, or "no sales"."""

import json
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from interlocal.core import audit
from interlocal.core.files import sha256_of
from interlocal.core.permissions import require
from interlocal.reporting.models import ReportKind, ReportObligation, ReportStatus, SalesReport
from interlocal.reporting.queries import derived_status
from interlocal.reporting.services.processing import move

SUFFIXES = {".csv": SalesReport.Source.CSV, ".txt": SalesReport.Source.CSV}
SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods"}
MAX_BYTES = 512 * 1024 * 1024
MAX_JSON_LINES = 200_000


def _source_of(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix in SPREADSHEETS:
        return SalesReport.Source.XLSX
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    raise ValidationError(
        {"file": f"{name or 'the file'} is not a CSV or a spreadsheet; upload a .csv or .xlsx file"}
    )


@transaction.atomic
def submit_report(
    obligation: ReportObligation,
    *,
    actor: Any,
    file: File | None = None,
    rows: Sequence[Mapping[str, Any]] | None = None,
    no_sales: bool = False,
    note: str = "",
    sheet: str = "",
) -> SalesReport:
    """File the next version of an obligation's report. Exactly one of ``file``, ``rows`` or
    ``no_sales``. Processing happens afterwards (:func:`process_report`); the version is kept
    whatever it turns out to hold. ``actor`` None is the operator at the command line."""
    obligation = ReportObligation.objects.select_for_update().get(pk=obligation.pk)
    if actor is not None:  # None is the operator at the command line
        require(actor, "salesreport:submit", obligation.agreement)
    given = [file is not None, rows is not None, no_sales]
    if sum(given) != 1:
        raise ValidationError("send a file, JSON lines, or a no-sales filing: exactly one")
    latest = obligation.latest
    if latest is not None and latest.status in (ReportStatus.SUBMITTED, ReportStatus.PROCESSING):
        raise ValidationError(
            f"version {latest.version} is still being processed; wait for its result before "
            "sending a correction"
        )
    version = (obligation.reports.aggregate(n=Max("version"))["n"] or 0) + 1
    report = SalesReport(
        obligation=obligation,
        version=version,
        note=note.strip()[:500],
        submitted_by=actor if getattr(actor, "pk", None) else None,
        sheet=sheet.strip(),
    )
    if no_sales:
        report.kind, report.source = ReportKind.NO_SALES, SalesReport.Source.FORM
    elif rows is not None:
        if not rows:
            raise ValidationError({"lines": "no lines were sent; send them, or file no sales"})
        if len(rows) > MAX_JSON_LINES:
            raise ValidationError(
                {
                    "lines": f"{len(rows):,} lines in one request; the most is {MAX_JSON_LINES:,}. "
                    "Upload a CSV file instead"
                }
            )
        body = json.dumps(list(rows), default=str).encode()
        report.source = SalesReport.Source.API
        file = ContentFile(body, name=f"{obligation.period}-lines.json")
        _check(report, file)
    else:
        assert file is not None
        report.source = _source_of(file.name or "")
        _check(report, file)
    same = obligation.reports.filter(sha256=report.sha256).exclude(sha256="").first()
    if same is not None:
        raise ValidationError(
            {
                "file": f"this is the same file as version {same.version} "
                f"({same.get_status_display().lower()}); correct it before sending it again"
            }
        )
    if file is not None:
        report.file.save(report.original_name, file, save=False)
    report.save()
    waiting = list(obligation.reports.filter(status=ReportStatus.IN_REVIEW).exclude(pk=report.pk))
    for older in waiting:
        move(older, "withdraw")
    obligation.refresh_from_db()
    obligation.latest = report
    obligation.first_filed_at = obligation.first_filed_at or report.submitted_at
    obligation.status = derived_status(obligation)
    obligation.save(update_fields=["latest", "first_filed_at", "status"])
    audit.record(
        actor=actor,
        actor_label="operator: manage.py ingest_sales",
        verb="salesreport.submit",
        obj=report,
        after={
            "version": version,
            "kind": report.kind,
            "source": report.source,
            "file": report.original_name,
            "sha256": report.sha256,
            "late": timezone.localdate() > obligation.due_on,
            "replaces_in_review": [older.version for older in waiting],
        },
    )
    return report


def _check(report: SalesReport, file: File) -> None:
    size = file.size or 0
    name = PurePath(file.name or "report").name
    if size == 0:
        raise ValidationError({"file": f"{name} is empty; upload the report itself"})
    if size > MAX_BYTES:
        raise ValidationError(
            {"file": f"{name} is {size // 2**20} MB; the most is {MAX_BYTES // 2**20} MB"}
        )
    report.original_name = name[:255]
    report.size = size
    report.sha256 = sha256_of(file)
