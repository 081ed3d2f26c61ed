"""``/api/v1/sales-reports``: a supplier's systems file quarterly reports (a file, or the lines
as JSON) and read their status, summary and errors, the price dispersion of a quarter and the
data-quality trend. Every call needs an organization key with the scope
``salesreports:write`` (the one scope of sales reports, reads included); a key reads only its
organization's reports (the program office's, every supplier's)."""

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field
from pydantic import ValidationError as SchemaError

from interlocal.accounts.models import ApiScope
from interlocal.core.api import ErrorOut, LazyRows, acting_user, attempt
from interlocal.core.api_auth import ApiKeyAuth
from interlocal.core.periods import Quarter
from interlocal.reporting import queries, services
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


class SkuDispersionOut(Schema):
    """One item sold to at least two agencies at more than one net unit price. Prices in
    ten-thousandths of a dollar (``_e4``), amounts in cents."""

    sku: str
    description: str
    contract_price_min_e4: int | None
    contract_price_max_e4: int | None
    agencies: int
    min_unit_price_e4: int
    mean_unit_price_e4: int = Field(description="Mean of the lines' unit prices, rounded half up")
    max_unit_price_e4: int
    spread_e4: int
    spread_bp: int | None = Field(
        description="Spread in basis points of the lowest price, rounded down; null if it is 0"
    )
    lines: int
    sales_cents: int
    agencies_above_contract: int
    sales_above_contract_cents: int


class DispersionOut(Schema):
    agreement: str
    period: str
    accepted_report_id: int | None = Field(description="The version the lines are from")
    order: str
    skus: list[SkuDispersionOut]


class QuarterQualityOut(Schema):
    period: str
    obligations: int
    filed: int
    filed_late: int
    missing: int = Field(description="Past due with nothing filed")
    lines: int
    errors: int
    warnings: int
    quality_score: int | None = Field(description="Line-weighted over the quarter's reports")


class FilingOut(Schema):
    """An obligation and its latest filing."""

    agreement: str
    supplier_id: int
    period: str
    due_on: str
    status: str
    report_id: int | None
    version: int | None
    kind: str | None
    lines: int | None
    quality_score: int | None
    errors: int | None
    warnings: int | None
    price_exceptions: int | None
    first_filed_at: str | None
    days_late: int | None = Field(
        description="Filed: days after the due date (0 or less is on time); not filed: days "
        "past due so far; null if not filed and not yet due"
    )


class QualityOut(Schema):
    supplier_id: int | None
    trend: list[QuarterQualityOut]
    filings: list[FilingOut] = Field(description="The trend's quarters, latest first")


@router.get(
    "/sales-reports/dispersion",
    auth=ApiKeyAuth(),
    response={200: DispersionOut, **WRITE_ERRORS},
    summary="Price dispersion across agencies of an agreement's quarter (scope salesreports:write)",
    description="The items of the quarter's accepted sales lines (sales only) that at least two "
    "agencies bought at different net unit prices. `order`: `spread` (widest spread in percent "
    "first, the default), `sales` or `above_contract`.",
)
def dispersion(request: HttpRequest, agreement: str, period: str, order: str = "spread") -> Any:
    actor = acting_user(request, ApiScope.SALESREPORTS_WRITE)
    try:
        quarter = str(Quarter.parse(period))
    except ValueError as exc:
        return Status(
            422, {"detail": str(exc), "errors": [{"field": "period", "message": str(exc)}]}
        )
    if order not in queries.DISPERSION_ORDERS:
        message = f"order is one of: {', '.join(queries.DISPERSION_ORDERS)}"
        return Status(422, {"detail": message, "errors": [{"field": "order", "message": message}]})
    ob = queries.dispersion_obligation(actor, agreement, quarter)
    if ob is None:
        return Status(
            404, {"detail": f"no report obligation of {agreement} for {quarter} is yours"}
        )
    return {
        "agreement": ob.agreement.number,
        "period": ob.period,
        "accepted_report_id": ob.accepted_id,
        "order": order,
        "skus": [
            {
                "sku": r.sku,
                "description": r.description,
                "contract_price_min_e4": r.contract_min_e4,
                "contract_price_max_e4": r.contract_max_e4,
                "agencies": r.agencies,
                "min_unit_price_e4": r.min_e4,
                "mean_unit_price_e4": r.mean_e4,
                "max_unit_price_e4": r.max_e4,
                "spread_e4": r.spread_e4,
                "spread_bp": r.spread_bp,
                "lines": r.lines,
                "sales_cents": r.sales_cents,
                "agencies_above_contract": r.above_contract_agencies,
                "sales_above_contract_cents": r.above_contract_cents,
            }
            for r in queries.dispersion(ob, order)
        ],
    }


def _filing(f: queries.Filing) -> dict[str, Any]:
    ob, report = f.obligation, f.report
    return {
        "agreement": ob.agreement.number,
        "supplier_id": ob.agreement.supplier_id,
        "period": ob.period,
        "due_on": ob.due_on.isoformat(),
        "status": f.status,
        "report_id": report.pk if report else None,
        "version": report.version if report else None,
        "kind": report.kind if report else None,
        "lines": report.line_count if report else None,
        "quality_score": report.quality_score if report else None,
        "errors": report.error_count if report else None,
        "warnings": report.warning_count if report else None,
        "price_exceptions": f.price_exceptions,
        "first_filed_at": ob.first_filed_at.isoformat() if ob.first_filed_at else None,
        "days_late": f.days_late,
    }


@router.get(
    "/sales-reports/quality",
    auth=ApiKeyAuth(),
    response={200: QualityOut, **WRITE_ERRORS},
    summary="Data-quality trend and each quarter's latest filing (scope salesreports:write)",
    description=f"The last {queries.TREND_QUARTERS} quarters of one supplier (`supplier`, its "
    "id) or of every supplier the key may read: the line-weighted quality score by quarter, "
    "and every obligation's latest filing with its score, errors, warnings, price exceptions "
    "and days late.",
)
def quality(request: HttpRequest, supplier: int | None = None) -> Any:
    actor = acting_user(request, ApiScope.SALESREPORTS_WRITE)
    chosen = None
    if supplier is not None:
        chosen = queries.quality_suppliers(actor).filter(pk=supplier).first()
        if chosen is None:
            return Status(404, {"detail": f"supplier {supplier} is not one whose reports you read"})
    today = timezone.localdate()
    trend = queries.quality_trend(actor, chosen, today)
    periods = [q.period for q in trend]
    obligations = queries.filings(actor, chosen).filter(period__in=periods)
    return {
        "supplier_id": chosen.pk if chosen else None,
        "trend": [
            {
                "period": q.period,
                "obligations": q.obligations,
                "filed": q.filed,
                "filed_late": q.filed_late,
                "missing": q.missing,
                "lines": q.lines,
                "errors": q.errors,
                "warnings": q.warnings,
                "quality_score": q.score,
            }
            for q in trend
        ],
        "filings": [_filing(queries.Filing(ob, today)) for ob in obligations],
    }


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
