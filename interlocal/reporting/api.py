"""``/api/v1/sales-reports``: a supplier's systems file quarterly reports (a file, or the lines
as JSON) and read their status, summary and errors. Every call needs an organization key with
the scope ``salesreports:write``; a key reads only its organization's reports."""

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field
from pydantic import ValidationError as SchemaError

from interlocal.accounts.models import ApiScope
from interlocal.core.api import ErrorOut, LazyRows, acting_user, attempt
from interlocal.core.api_auth import ApiKeyAuth
from interlocal.reporting import services
from interlocal.reporting.ingest import FIELDS
from interlocal.reporting.management.commands.ingest_sales import report_summary
from interlocal.reporting.models import ReportProblem, SalesReport
from interlocal.reporting.tasks import process_report_task

router = Router(tags=["sales reports"])
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ReportIn(Schema):
    """A report sent as JSON: the agreement, the quarter, and the lines (objects keyed by the
    field names of the template, e.g. ``customer_name``, ``invoice_date``, ``extended_amount``)
    or ``no_sales``."""

    agreement: str
    period: str = Field(description="Quarter, as 2026Q3")
    lines: list[dict[str, Any]] | None = None
    no_sales: bool = False
    note: str = ""


class ReportOut(Schema):
    id: int
    agreement: str
    period: str
    version: int
    status: str
    lines_read: int
    lines: int
    lines_accepted: int
    errors: int
    errors_by_code: dict[str, int]
    warnings: int
    warnings_by_code: dict[str, int]
    matches_by_method: dict[str, int]
    review_items: int
    total_sales_cents: int
    quality_score: int | None
    notes: list[str]
    errors_url: str


class ProblemOut(Schema):
    line: int
    column: str
    code: str
    severity: str
    message: str
    value: str


def _out(report: SalesReport) -> dict[str, Any]:
    return report_summary(report) | {"errors_url": f"/api/v1/sales-reports/{report.pk}/errors"}


_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["agreement", "period", "file"],
                    "properties": {
                        "agreement": {"type": "string"},
                        "period": {"type": "string", "example": "2026Q3"},
                        "file": {"type": "string", "format": "binary"},
                        "sheet": {"type": "string"},
                        "note": {"type": "string"},
                    },
                }
            },
            "application/json": {"schema": ReportIn.model_json_schema()},
        },
    }
}


@router.post(
    "/sales-reports",
    auth=ApiKeyAuth(),
    response={201: ReportOut, **WRITE_ERRORS},
    summary="File a quarterly sales report (scope salesreports:write)",
    description="Multipart with a CSV or XLSX `file`, or JSON with `lines` (field names as in "
    f"the template: {', '.join(FIELDS)}) or `no_sales: true`. A small report is processed "
    "before the answer; a large one by the task worker (poll its status). A report with "
    "errors loads nothing: read them at `errors_url`.",
    openapi_extra=_BODY,
)
def submit(request: HttpRequest) -> Any:
    actor = acting_user(request, ApiScope.SALESREPORTS_WRITE)
    if request.content_type == "application/json":
        try:
            body = ReportIn.model_validate(json.loads(request.body or b"{}"))
        except (ValueError, SchemaError) as exc:
            return Status(422, {"detail": f"the JSON body is not a report: {exc}", "errors": []})
        agreement, period, file, sheet = body.agreement, body.period, None, ""
        lines, no_sales, note = body.lines, body.no_sales, body.note
    else:
        data = request.POST
        agreement, period = data.get("agreement", ""), data.get("period", "")
        file, sheet, note = request.FILES.get("file"), data.get("sheet", ""), data.get("note", "")
        lines, no_sales = None, False
        if file is None:
            error = {"field": "file", "message": "attach the report as 'file'"}
            return Status(422, {"detail": "no file was sent", "errors": [error]})

    def file_it() -> SalesReport:
        obligation = services.obligation_for(agreement, period, actor=actor)
        return services.submit_report(
            obligation,
            actor=actor,
            file=file,
            rows=lines,
            no_sales=no_sales,
            note=note,
            sheet=sheet,
        )

    report = attempt("the sales report", file_it)
    if isinstance(report, Status):
        return report
    if report.size <= settings.SALES_INLINE_MAX_BYTES:
        report = services.process_report(report)
    else:
        process_report_task.enqueue(report.pk)
    return Status(201, _out(report))


def _readable(request: HttpRequest, report_id: int) -> SalesReport:
    actor = acting_user(request, ApiScope.SALESREPORTS_WRITE)
    return get_object_or_404(
        SalesReport.objects.visible_to(actor).select_related("obligation__agreement"),
        pk=report_id,
    )


@router.get(
    "/sales-reports/{report_id}",
    auth=ApiKeyAuth(),
    response={200: ReportOut, **WRITE_ERRORS},
    summary="A report's status and summary (scope salesreports:write)",
)
def detail(request: HttpRequest, report_id: int) -> Any:
    return _out(_readable(request, report_id))


@router.get(
    "/sales-reports/{report_id}/errors",
    auth=ApiKeyAuth(),
    response={200: list[ProblemOut], **WRITE_ERRORS},
    summary="A report's problems, in line order (scope salesreports:write)",
)
@paginate(PageNumberPagination, page_size=500)
def errors(request: HttpRequest, report_id: int) -> Any:
    report = _readable(request, report_id)
    problems = ReportProblem.objects.filter(report=report).order_by("line", "pk")
    return LazyRows(
        problems,
        lambda p: {
            "line": p.line,
            "column": p.column,
            "code": p.code,
            "severity": p.severity,
            "message": p.message,
            "value": p.value,
        },
    )
