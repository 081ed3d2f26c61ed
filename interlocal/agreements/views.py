"""Master agreement pages: search, the agreement, its due-diligence packet, and the office's and
lead agency's changes (renewals, amendments, price files, fee schedules, documents)."""

import csv
import secrets
from pathlib import PurePath
from typing import Any

import rules
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from interlocal.agreements import forms, packet, prices, queries, services
from interlocal.agreements.ingest import PriceFileError, errors_csv
from interlocal.agreements.models import Agreement, AgreementDocument
from interlocal.agreements.services.pricing import import_price_file, template_csv
from interlocal.core.forms import add_service_errors
from interlocal.core.ui import (
    page_or_fragment,
    paginate,
    querystring_without_page,
    require_perm,
    signed_in_user,
)
from interlocal.eligibility.queries import verdict_for_user
from interlocal.solicitations.queries import evaluation_report


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    return get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related(
            "supplier", "lead_agency__state", "solicitation"
        ),
        pk=pk,
    )


def _may(request: HttpRequest, permission: str, agreement: Agreement) -> Agreement:
    if not rules.has_perm(permission, request.user, agreement):
        raise PermissionDenied(f"you do not have permission '{permission}' on {agreement.number}")
    return agreement


@require_perm("agreement:view")
def index(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy() if request.GET else None
    if data is not None and "status" not in data:
        data["status"] = ""
    form = forms.AgreementSearchForm(data or {"status": "active"})
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    agreements = queries.search_agreements(
        viewer=request.user,
        q=filters.get("q") or "",
        category=filters.get("category") or "",
        supplier=filters.get("supplier") or "",
        lead_agency=filters.get("lead_agency") or "",
        status=filters.get("status") or "",
        certification=filters.get("certification") or "",
    ).order_by("title", "-effective_on", "number")  # the current one before its predecessors
    context = {
        "form": form,
        "page": paginate(request, agreements),
        "querystring": querystring_without_page(request),
        "today": timezone.localdate(),
    }
    return page_or_fragment(request, "agreements/index.html", "agreements/_results.html", context)


@require_perm("agreement:view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    today = timezone.localdate()
    price_file = prices.current_price_file(agreement, today)
    items = price_file.items.order_by("sku") if price_file else None
    q = request.GET.get("q", "").strip()
    if items is not None and q:
        items = items.filter(search_text__contains=q.lower())
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "today": today,
            "status": agreement.status(today),
            "days_left": agreement.days_to_expiry(today),
            "renewals": agreement.renewal_options.all(),
            "amendments": agreement.amendments.select_related("approved_by"),
            "documents": agreement.documents.all(),
            "fee_schedules": agreement.fee_schedules.prefetch_related(
                "tiers", "state_add_ons__state"
            ),
            "price_file": price_file,
            "price_versions": agreement.price_files.all(),
            "items": paginate(request, items) if items is not None else None,
            "q": q,
            "querystring": querystring_without_page(request),
            "may_manage": rules.has_perm("agreement:manage", request.user, agreement),
            "may_set_fees": rules.has_perm("agreement:fee_schedule", request.user, agreement),
            "verdict": verdict_for_user(request.user, agreement),
        },
    )


def _packet_context(agreement: Agreement) -> dict[str, Any]:
    contents = queries.due_diligence_packet(agreement)
    s = contents.solicitation
    report = evaluation_report(s) if s is not None and s.awarded_at is not None else None
    return {
        "agreement": agreement,
        "packet": contents,
        "solicitation": s,
        "report": report,
        "generated_at": timezone.now(),
    }


@require_perm("agreement:view")
def packet_summary(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    return render(request, "agreements/packet.html", _packet_context(agreement))


@require_perm("agreement:view")
def packet_zip(request: HttpRequest, pk: int) -> FileResponse:
    agreement = _agreement(request, pk)
    context = _packet_context(agreement)
    summary = render_to_string("agreements/packet.html", context | {"standalone": True}, request)
    archive = packet.build_zip(context["packet"], summary)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"{agreement.number}-due-diligence.zip",
        content_type="application/zip",
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_perm("agreement:view")
def price_file_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The price file in effect today, streamed (tens of thousands of rows)."""
    agreement = _agreement(request, pk)
    contents = queries.due_diligence_packet(agreement)
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in packet.price_file_rows(contents)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{agreement.number}-price-file.csv"'
    return response


@require_perm("agreement:view")
def document(request: HttpRequest, pk: int) -> FileResponse:
    doc = get_object_or_404(
        AgreementDocument.objects.filter(agreement__in=Agreement.objects.visible_to(request.user)),
        pk=pk,
    )
    return FileResponse(
        doc.file.open("rb"), as_attachment=True, filename=PurePath(doc.file.name or "").name
    )


@require_perm("agreement:pipeline")
def expiring(request: HttpRequest) -> HttpResponse:
    rows = queries.expiry_pipeline()
    bands = {t: [r for r in rows if r.threshold == t] for t in sorted(queries.EXPIRY_THRESHOLDS)}
    return render(request, "agreements/expiring.html", {"bands": bands, "count": len(rows)})


@require_perm("agreement:manage")
@require_POST
def renew(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _may(request, "agreement:manage", _agreement(request, pk))
    form = forms.RenewalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the decision reference for the renewal.")
        return redirect("agreements:detail", pk=pk)
    try:
        option = services.exercise_renewal(
            agreement, actor=signed_in_user(request), note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Renewal option {option.sequence} exercised: the agreement now ends on "
            f"{option.ends_on:%B %-d, %Y}.",
        )
    return redirect("agreements:detail", pk=pk)


def _form_page(
    request: HttpRequest,
    agreement: Agreement,
    form: Form,
    title: str,
    action: Any,
    success: str,
    *,
    multipart: bool = False,
) -> HttpResponse:
    """A form about one agreement: on a valid POST run ``action(cleaned_data)``; a refusal
    re-renders the form with the service's messages and nothing saved."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/form.html",
        {"agreement": agreement, "form": form, "title": title, "multipart": multipart},
    )


@require_perm("agreement:manage")
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _may(request, "agreement:manage", _agreement(request, pk))
    initial = {"title": agreement.title, "description": agreement.description}
    form = forms.AmendmentForm(request.POST or None, initial=initial)

    def action(data: dict[str, Any]) -> None:
        changes = {
            k: data[k] for k in ("title", "description") if data[k] and data[k] != initial[k]
        }
        if data["expires_on"]:
            changes["expires_on"] = data["expires_on"]
        services.amend(
            agreement,
            actor=signed_in_user(request),
            summary=data["summary"],
            reason=data["reason"],
            effective_on=data["effective_on"],
            changes=changes,
        )

    return _form_page(
        request, agreement, form, f"Amend {agreement.number}", action, "Amendment recorded."
    )


ERROR_CSV_TTL = 3600
SHOWN_ERRORS = 100


@require_perm("agreement:price_file")
def upload_price_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a price file; a refused file lists its errors by line and column, with the whole
    list as a CSV to download (kept for an hour), and nothing saved."""
    agreement = _may(request, "agreement:price_file", _agreement(request, pk))
    form = forms.PriceFileForm(request.POST or None, request.FILES or None)
    refused: PriceFileError | None = None
    errors_token = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            price_file = import_price_file(
                agreement,
                data["file"],
                actor=signed_in_user(request),
                effective_from=data["effective_from"],
                note=data["note"],
            )
        except PriceFileError as exc:
            refused = exc
            errors_token = secrets.token_urlsafe(16)
            cache.set(f"price-errors:{errors_token}", errors_csv(exc.errors), ERROR_CSV_TTL)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Price file version {price_file.version} imported: {price_file.item_count} "
                f"items, in effect from {price_file.effective_from:%B %-d, %Y}.",
            )
            return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/price_file_upload.html",
        {
            "agreement": agreement,
            "form": form,
            "refused": refused,
            "shown_errors": refused.errors[:SHOWN_ERRORS] if refused else [],
            "errors_token": errors_token,
        },
    )


@require_perm("agreement:price_file")
def price_file_errors(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    agreement = _may(request, "agreement:price_file", _agreement(request, pk))
    content = cache.get(f"price-errors:{token}")
    if content is None:
        raise Http404("this error file has expired; upload the price file again to see its errors")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{agreement.number}-price-file-errors.csv"'
    )
    return response


@require_perm("agreement:view")
def price_file_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="price-file-template.csv"'
    return response


@require_perm("agreement:fee_schedule")
def fee_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    form = forms.FeeScheduleForm(request.POST or None)

    def action(data: dict[str, Any]) -> None:
        terms = services.FeeTerms(
            effective_from=data["effective_from"],
            rate_bps=data["rate_bps"],
            fee_base=data["fee_base"],
            tiers=data["tiers"],
            state_add_ons=data["state_add_ons"],
            note=data["note"],
        )
        services.set_fee_schedule(agreement, terms, actor=signed_in_user(request))

    return _form_page(
        request,
        agreement,
        form,
        f"Fee schedule for {agreement.number}",
        action,
        "Fee schedule set.",
    )


@require_perm("agreement:manage")
def add_document(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _may(request, "agreement:manage", _agreement(request, pk))
    form = forms.DocumentForm(request.POST or None, request.FILES or None)

    def action(data: dict[str, Any]) -> None:
        services.add_document(
            agreement,
            actor=signed_in_user(request),
            kind=data["kind"],
            title=data["title"],
            file=data["file"],
        )

    return _form_page(
        request,
        agreement,
        form,
        f"Add a document to {agreement.number}",
        action,
        "Document added.",
        multipart=True,
    )
