"""Sales-reporting pages: the supplier's portal (obligations, upload, a report's result and
errors), the program office's (late and missing reports, the review queue, acceptance), and
for both the price dispersion across agencies and the data-quality trend."""

from typing import Any

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from interlocal.core.forms import add_service_errors
from interlocal.core.periods import Quarter
from interlocal.core.ui import paginate, querystring_without_page, require_perm, signed_in_user
from interlocal.registry.models import Agency
from interlocal.reporting import forms, queries, services
from interlocal.reporting.demo import history_in_progress
from interlocal.reporting.models import (
    ReportObligation,
    ReportStatus,
    SalesReport,
    Severity,
)
from interlocal.reporting.tasks import process_report_task
from interlocal.reporting.template import field_rows, template_csv, template_xlsx

IN_FLIGHT = (ReportStatus.SUBMITTED, ReportStatus.PROCESSING)
NO_SALES = "no_sales"  # the no-sales form's prefix: its fields must not share ids with the upload


def _may(request: HttpRequest, permission: str, obj: Any) -> None:
    if not rules.has_perm(permission, request.user, obj):
        raise PermissionDenied(f"you do not have permission '{permission}' here")


def _obligation(request: HttpRequest, pk: int) -> ReportObligation:
    return get_object_or_404(queries.obligations(request.user), pk=pk)


def _report(request: HttpRequest, pk: int) -> SalesReport:
    return get_object_or_404(
        SalesReport.objects.visible_to(request.user).select_related(
            "obligation__agreement__supplier", "submitted_by", "accepted_by"
        ),
        pk=pk,
    )


@require_perm("salesreport:view")
def index(request: HttpRequest) -> HttpResponse:
    """The supplier's obligations, or the program office's overview."""
    today = timezone.localdate()
    obligations = queries.obligations(request.user)
    past_due = queries.past_due(request.user, today)
    status = request.GET.get("status", "")
    late = request.GET.get("late") == "1"
    listed = past_due if late else obligations
    if status in ReportStatus.values:
        listed = listed.filter(status=status)
    context = {
        "page": paginate(request, listed.order_by("-period", "agreement__number")),
        "querystring": querystring_without_page(request),
        "status": status,
        "late": late,
        "statuses": ReportStatus.choices,
        "past_due": past_due[:10],
        "past_due_count": past_due.count(),
        "waiting": queries.waiting_for_office(request.user)[:50],
        "queue_count": queries.review_queue(request.user).count(),
        "today": today,
        "office": rules.has_perm("salesreport:office", request.user),
        "may_dispersion": rules.has_perm("salesreport:dispersion", request.user),
        "may_quality": rules.has_perm("salesreport:quality", request.user),
        "demo_history": history_in_progress(),
    }
    return render(request, "reporting/index.html", context)


@require_perm("salesreport:view")
def obligation(request: HttpRequest, pk: int) -> HttpResponse:
    ob = _obligation(request, pk)
    return render(
        request,
        "reporting/obligation.html",
        {
            "obligation": ob,
            "reports": ob.reports.select_related("submitted_by").order_by("-version"),
            "upload_form": forms.UploadForm(),
            "no_sales_form": forms.NoSalesForm(prefix=NO_SALES),
            "may_submit": rules.has_perm("salesreport:submit", request.user, ob.agreement),
            "in_flight": ob.latest is not None and ob.latest.status in IN_FLIGHT,
            "today": timezone.localdate(),
        },
    )


@require_perm("salesreport:submit")
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a file or file "no sales". A small file is processed at once; a large one by
    the task worker, its page showing the progress."""
    ob = _obligation(request, pk)
    _may(request, "salesreport:submit", ob.agreement)
    no_sales = NO_SALES in request.POST
    form: forms.UploadForm | forms.NoSalesForm
    form = (
        forms.NoSalesForm(request.POST, prefix=NO_SALES)
        if no_sales
        else forms.UploadForm(request.POST, request.FILES)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = services.submit_report(
                ob,
                actor=signed_in_user(request),
                file=None if no_sales else data["file"],
                no_sales=no_sales,
                note=data["note"],
                sheet="" if no_sales else data["sheet"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if no_sales or report.size <= settings.SALES_INLINE_MAX_BYTES:
                report = services.process_report(report)
            else:
                process_report_task.enqueue(report.pk)
            return redirect("reporting:report", pk=report.pk)
    return render(
        request,
        "reporting/obligation.html",
        {
            "obligation": ob,
            "reports": ob.reports.order_by("-version"),
            "upload_form": form if not no_sales else forms.UploadForm(),
            "no_sales_form": form if no_sales else forms.NoSalesForm(prefix=NO_SALES),
            "may_submit": True,
            "today": timezone.localdate(),
        },
        status=422,
    )


def _report_context(request: HttpRequest, report: SalesReport) -> dict[str, Any]:
    severity = request.GET.get("severity", "")
    problems = report.problems.order_by("line", "pk")
    if severity in Severity.values:
        problems = problems.filter(severity=severity)
    return {
        "report": report,
        "obligation": report.obligation,
        "in_flight": report.status in IN_FLIGHT,
        "page": paginate(request, problems, per_page=50),
        "severity": severity,
        "to_review": report.customers.filter(method="unmatched").order_by("-sales_cents")[:50],
        "exceptions": report.lines.exclude(exception="")
        .values("exception")
        .annotate(n=Count("pk"))
        .order_by("exception"),
        "may_accept": report.status == ReportStatus.IN_REVIEW
        and rules.has_perm("salesreport:accept", request.user, report),
        "summary": report.summary or {},
        "may_dispersion": bool(report.obligation.accepted_id)
        and rules.has_perm("salesreport:dispersion", request.user, report.obligation),
    }


@require_perm("salesreport:view")
def report(request: HttpRequest, pk: int) -> HttpResponse:
    r = _report(request, pk)
    return render(request, "reporting/report.html", _report_context(request, r))


@require_perm("salesreport:view")
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status panel alone, polled by htmx while the report is processed; once it is done
    the whole page is reloaded so the results show."""
    r = _report(request, pk)
    response = render(
        request, "reporting/_progress.html", {"report": r, "in_flight": r.status in IN_FLIGHT}
    )
    if r.status not in IN_FLIGHT:
        response["HX-Refresh"] = "true"
    return response


@require_perm("salesreport:view")
def problems_csv(request: HttpRequest, pk: int) -> HttpResponse:
    r = _report(request, pk)
    response = HttpResponse(queries.problems_csv_of(r), content_type="text/csv; charset=utf-8")
    name = f"{r.obligation.agreement.number}-{r.obligation.period}-v{r.version}-problems.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_perm("salesreport:accept")
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    r = _report(request, pk)
    try:
        services.accept_report(r, actor=signed_in_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Version {r.version} accepted: its lines are the quarter's sales."
        )
    return redirect("reporting:report", pk=r.pk)


@require_perm("salesreport:office")
def review_queue(request: HttpRequest) -> HttpResponse:
    customers = queries.review_queue(request.user)
    page = paginate(request, customers, per_page=20)
    ids = {pk for c in page for pk, _score in c.candidates}
    agencies = Agency.objects.in_bulk(ids) if ids else {}
    rows = [
        {
            "customer": c,
            "candidates": [
                (agencies.get(pk), score) for pk, score in c.candidates if pk in agencies
            ],
        }
        for c in page
    ]
    return render(
        request,
        "reporting/review_queue.html",
        {
            "page": page,
            "rows": rows,
            "form": forms.DecisionForm(),
            "may_decide": rules.has_perm("salesreport:review", request.user),
        },
    )


@require_perm("salesreport:review")
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(queries.review_queue(request.user), pk=pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision for the customer.")
        return redirect("reporting:review_queue")
    data = form.cleaned_data
    try:
        agency = None
        if data["decision"] == "pick":
            agency = (
                Agency.objects.select_related("state", "parent").filter(pk=data["agency"]).first()
            )
            if agency is None:
                raise ValidationError(
                    "give the ID of the agency to match (from the suggestions or the directory)"
                )
        services.decide_customer(
            customer,
            actor=signed_in_user(request),
            agency=agency,
            new_agency_type=data["agency_type"] if data["decision"] == "create" else "",
            reject=data["decision"] == "reject",
            reason=data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, f"{customer.name}: {' '.join(exc.messages)}")
    else:
        messages.success(
            request, f"{customer.name}: decided. The name will match by itself next time."
        )
    return redirect("reporting:review_queue")


@require_perm("salesreport:template")
def fields(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/fields.html", {"rows": field_rows()})


@require_perm("salesreport:template")
def template_file(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(template_xlsx(), content_type=content_type)
    else:
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sales-report-template.{fmt}"'
    return response


# --------------------------------------------------------------------------- price dispersion


@require_perm("salesreport:dispersion")
def dispersion(request: HttpRequest) -> HttpResponse:
    """Items of an agreement's quarter sold to different agencies at different net prices;
    with ``sku``, one item agency by agency. Without an agreement and a quarter, the quarters
    there are to choose from."""
    agreement = request.GET.get("agreement", "").strip()
    period = request.GET.get("period", "").strip()
    error = ""
    if agreement or period:
        try:
            period = str(Quarter.parse(period))
        except ValueError as exc:
            error = str(exc)
        if not agreement:
            error = "enter the agreement's number, as MA-2026-001"
    if error or not agreement:
        quarters = queries.accepted_quarters(request.user)
        context: dict[str, Any] = {
            "agreement": agreement,
            "period": period,
            "error": error,
            "page": paginate(request, quarters),
        }
        return render(
            request, "reporting/dispersion_choose.html", context, status=422 if error else 200
        )
    ob = queries.dispersion_obligation(request.user, agreement, period)
    if ob is None:
        raise Http404("no report obligation of that agreement and quarter is yours to see")
    _may(request, "salesreport:dispersion", ob)
    sku = request.GET.get("sku", "").strip()
    if sku:
        return _dispersion_of_sku(request, ob, sku)
    order = request.GET.get("order", "spread")
    if order not in queries.DISPERSION_ORDERS:
        order = "spread"
    rows = queries.dispersion(ob, order)
    context = {
        "obligation": ob,
        "order": order,
        "orders": [
            ("spread", "Widest spread (%)"),
            ("sales", "Sales"),
            ("above_contract", "Sales above contract"),
        ],
        # the rows are one per item, already counted: paged in memory, not counted again
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "querystring": querystring_without_page(request),
        "total_sales_cents": sum(r.sales_cents for r in rows),
        "total_above_cents": sum(r.above_contract_cents for r in rows),
        "skus_above": sum(1 for r in rows if r.above_contract_agencies),
    }
    return render(request, "reporting/dispersion.html", context)


def _dispersion_of_sku(request: HttpRequest, ob: ReportObligation, sku: str) -> HttpResponse:
    # One item's agencies and prices are few: fetched whole, so not counted by a second query.
    page = Paginator(list(queries.dispersion_of_sku(ob, sku)), 50).get_page(request.GET.get("page"))
    rows = [
        row
        | {
            "price": queries.usd_e4(row["unit_price_e4"]),
            "contract": queries.usd_e4(row["contract_e4"]),
            "above": row["contract_e4"] is not None and row["unit_price_e4"] > row["contract_e4"],
            "over": queries.usd_e4(row["unit_price_e4"] - row["contract_e4"])
            if row["contract_e4"] is not None
            else "",
            "quantity": queries.quantity_text(row["quantity_e4"]),
        }
        for row in page
    ]
    summary = next(iter(queries.dispersion(ob, sku=sku)), None)
    context = {
        "obligation": ob,
        "sku": sku.upper(),
        "summary": summary,
        "page": page,
        "rows": rows,
        "querystring": querystring_without_page(request),
    }
    return render(request, "reporting/dispersion_sku.html", context)


# --------------------------------------------------------------------------- data quality

CHART_WIDTH, CHART_HEIGHT = 720, 200
_LEFT, _BOTTOM, _TOP = 36, 24, 18  # room for the axis labels, the quarters, the scores


def trend_chart(trend: list[queries.QuarterQuality]) -> dict[str, Any]:
    """The geometry of the trend's bar chart (SVG drawn by the template): one bar per
    quarter, 0-100% high; a quarter with no score has a label and no bar."""
    plot = CHART_HEIGHT - _BOTTOM - _TOP
    slot = (CHART_WIDTH - _LEFT) / max(len(trend), 1)
    bars = []
    for i, quarter in enumerate(trend):
        height = round(plot * (quarter.score or 0) / 100, 1)
        x = _LEFT + i * slot
        bars.append(
            {
                "quarter": quarter,
                "label": quarter.period[2:],  # 26Q3: twelve fit under the bars
                "x": round(x + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(_TOP + plot - height, 1),
                "height": height,
                "middle": round(x + slot / 2, 1),
            }
        )
    grid = [
        {"y": round(_TOP + plot * (100 - pct) / 100, 1), "label": f"{pct}%"} for pct in (0, 50, 100)
    ]
    scored = [q for q in trend if q.score is not None]
    return {
        "bars": bars,
        "grid": grid,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": _LEFT,
        "base": CHART_HEIGHT - _BOTTOM,
        "label_y": CHART_HEIGHT - 6,
        "span": f"{trend[0].period} to {trend[-1].period}" if trend else "",
        "first": scored[0] if scored else None,
        "last": scored[-1] if scored else None,
    }


@require_perm("salesreport:quality")
def quality(request: HttpRequest) -> HttpResponse:
    """Each quarter's latest filing and the quality score's trend: a supplier's own, or, for
    the program office, every supplier's (``supplier`` picks one; ``all`` lists every filing)."""
    today = timezone.localdate()
    choice = request.GET.get("supplier", "").strip()
    suppliers = queries.quality_suppliers(request.user)
    office = rules.has_perm("salesreport:office", request.user)
    supplier = None
    if choice.isdigit():
        supplier = get_object_or_404(suppliers, pk=int(choice))
        _may(request, "salesreport:quality", supplier)
    elif choice not in ("", "all"):
        raise Http404("choose a supplier by its number")
    elif choice == "" and not office:
        own = list(suppliers[:2])
        supplier = own[0] if len(own) == 1 else None
    trend = queries.quality_trend(request.user, supplier, today)
    context: dict[str, Any] = {
        "supplier": supplier,
        "office": office,
        "listing_all": choice == "all" or (supplier is None and not office),
        "trend": trend,
        "chart": trend_chart(trend),
        "today": today,
    }
    context["overview"] = supplier is None and not context["listing_all"]
    if context["overview"]:
        periods = [q.period for q in trend]
        page = paginate(request, queries.quality_by_supplier(request.user, periods, today))
        context["page"] = page
        context["supplier_rows"] = [row | {"name": row["dba"] or row["legal_name"]} for row in page]
    else:
        page = paginate(request, queries.filings(request.user, supplier))
        context["page"] = page
        context["rows"] = [queries.Filing(ob, today) for ob in page]
    context["querystring"] = querystring_without_page(request)
    return render(request, "reporting/quality.html", context)
