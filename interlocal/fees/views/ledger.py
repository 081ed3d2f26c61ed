"""Fee pages.

The program office's (``fees:view`` to read, ``fees:record_payment`` and ``fees:send_notice``
to act): the invoice list, an invoice traced from its lines to the ledger, recording a payment,
aging, delinquency notices and a supplier's statement of account. The supplier portal's
(``fees:view_own``): a representative's own invoices, payments, credit and statement."""

import datetime
from typing import Any

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interlocal.core.forms import add_service_errors
from interlocal.core.money import decimal_text, format_usd
from interlocal.core.periods import Quarter
from interlocal.core.tabular import inert
from interlocal.core.ui import (
    csv_response,
    paginate,
    querystring_without_page,
    require_perm,
    signed_in_user,
)
from interlocal.fees import forms, queries
from interlocal.fees.models import FeeInvoice, Payment
from interlocal.fees.services import notices, payments
from interlocal.registry.models import Supplier

LINES_PER_PAGE = 50


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


# --------------------------------------------------------------------------- invoices


@require_perm("fees:view")
def index(request: HttpRequest) -> HttpResponse:
    """Every invoice, filtered by supplier, sales quarter and status, with the totals of what
    is listed."""
    today = timezone.localdate()
    scope = queries.invoices(request.user)
    supplier = _int(request.GET.get("supplier"))
    period = request.GET.get("period", "").strip()
    status = request.GET.get("status", "").strip()
    error = ""
    try:
        listed = queries.filter_invoices(
            scope, today, supplier=supplier, period=period, status=status
        )
    except ValueError as exc:
        error = str(exc)
        listed = queries.with_status(scope.none(), today)
    context = {
        "page": paginate(request, listed.select_related("supplier", "agreement")),
        "totals": queries.invoice_totals(listed),
        "querystring": querystring_without_page(request),
        "suppliers": queries.invoiced_suppliers(scope),
        "periods": queries.invoiced_periods(scope),
        "statuses": queries.STATUSES,
        "supplier": supplier,
        "period": period,
        "status": status,
        "error": error,
        "today": today,
        "due_days": settings.FEE_INVOICE_DUE_DAYS,
        "may_record": rules.has_perm("fees:record_payment", request.user),
    }
    return render(request, "fees/index.html", context, status=422 if error else 200)


def _invoice_page(
    request: HttpRequest, scope: QuerySet[FeeInvoice], pk: int, *, office: bool
) -> HttpResponse:
    today = timezone.localdate()
    invoice = queries.invoice_of(scope, pk, today)
    if invoice is None:
        raise Http404("no fee invoice of that number is yours to read")
    allocations = queries.allocations_of(invoice)
    page = Paginator(queries.lines_of(invoice), LINES_PER_PAGE).get_page(request.GET.get("page"))
    schedules = {f.schedule_id: f.schedule for f in page if f.schedule_id}
    context = {
        "invoice": invoice,
        "replaces": queries.replaces(invoice),
        "allocations": allocations,
        "entries": queries.entries_of(invoice, allocations) if office else [],
        "page": page,
        "schedules": list(schedules.values()),
        "without_schedule": any(f.schedule_id is None for f in page),
        "querystring": querystring_without_page(request),
        "office": office,
        "admin_cents": invoice.fee_cents - invoice.add_on_cents,
        "instructions": notices.payment_instructions(),
        "may_record": office and rules.has_perm("fees:record_payment", request.user),
    }
    return render(request, "fees/invoice.html", context)


@require_perm("fees:view")
def invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """One invoice, from its sales lines to its postings: tracing a cent."""
    return _invoice_page(request, queries.invoices(request.user), pk, office=True)


# --------------------------------------------------------------------------- payments


def _recorded(payment: Payment) -> str:
    applied = [
        f"{format_usd(a.amount_cents)} to {a.invoice.number}"
        for a in payment.allocations.select_related("invoice").order_by("pk")
    ]
    credit = payment.amount_cents - sum(a.amount_cents for a in payment.allocations.all())
    what = ", ".join(applied) if applied else "no open invoice"
    return (
        f"Payment {payment.reference} of {format_usd(payment.amount_cents)} from "
        f"{payment.supplier} recorded: {what}; {format_usd(credit)} kept as the supplier's credit."
    )


@require_perm("fees:record_payment")
def record_payment(request: HttpRequest) -> HttpResponse:
    """Record a payment received: the service applies it and posts it, or refuses it whole."""
    status = 200
    if request.method == "POST":
        form = forms.PaymentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment = payments.record_payment(
                    data["supplier"],
                    actor=signed_in_user(request),
                    amount_cents=data["amount"],
                    received_on=data["received_on"],
                    reference=data["reference"],
                    method=data["method"],
                    invoices=data["invoices"],
                    note=data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _recorded(payment))
                return redirect(f"{reverse('fees:index')}?supplier={payment.supplier_id}")
        status = 422
        chosen = _int(request.POST.get("supplier"))
    else:
        chosen = _int(request.GET.get("supplier"))
        form = forms.PaymentForm(
            initial={
                "supplier": chosen,
                "invoices": request.GET.get("invoice", ""),
                "received_on": timezone.localdate(),
            }
        )
    open_invoices: list[Any] = payments.open_invoices(chosen) if chosen else []
    context = {
        "form": form,
        "chosen": Supplier.objects.filter(pk=chosen).first() if chosen else None,
        "open": open_invoices,
        "open_cents": sum(i.outstanding_cents for i in open_invoices),
        "credit_cents": payments.credit_balance(chosen) if chosen else 0,
        "recent": queries.recent_payments(),
    }
    return render(request, "fees/record_payment.html", context, status=status)


# --------------------------------------------------------------------------- aging


def _as_of(request: HttpRequest) -> tuple[datetime.date, str]:
    today = timezone.localdate()
    text = request.GET.get("on", "").strip()
    if not text:
        return today, ""
    try:
        return datetime.date.fromisoformat(text), ""
    except ValueError:
        return today, f"'{text}' is not a date; write it like {today:%Y-%m-%d}"


@require_perm("fees:view")
def aging(request: HttpRequest) -> HttpResponse:
    """What every supplier owes, by days past due."""
    on, error = _as_of(request)
    rows = payments.aging(on)
    labels = [b.capitalize() if b == "not yet due" else f"{b} days" for b in payments.BUCKETS]
    totals = queries.aging_totals(rows, payments.BUCKETS)
    context = {
        "on": on,
        "error": error,
        "labels": labels,
        "rows": [
            {
                "supplier": r["supplier"],
                "cells": list(zip(labels, [r[b] for b in payments.BUCKETS], strict=True)),
                "total": r["total"],
                "delinquent": bool(r["31-60"] or r["61-90"] or r["90+"]),
            }
            for r in rows
        ],
        "total_cells": [totals[b] for b in payments.BUCKETS],
        "total": totals["total"],
        "querystring": request.GET.urlencode(),
    }
    return render(request, "fees/aging.html", context, status=422 if error else 200)


@require_perm("fees:view")
def aging_csv(request: HttpRequest) -> HttpResponse:
    on, _error = _as_of(request)
    rows = payments.aging(on)
    table: list[list[Any]] = [["supplier_id", "supplier", *payments.BUCKETS, "total"]]
    for r in rows:
        amounts = [decimal_text(r[b]) for b in (*payments.BUCKETS, "total")]
        table.append([r["supplier"].pk, inert(r["supplier"].legal_name), *amounts])
    totals = queries.aging_totals(rows, payments.BUCKETS)
    table.append(["", "Total", *(decimal_text(totals[b]) for b in (*payments.BUCKETS, "total"))])
    return csv_response(table, f"fee-aging-{on:%Y-%m-%d}.csv")


# --------------------------------------------------------------------------- notices


@require_perm("fees:view")
def notice_list(request: HttpRequest) -> HttpResponse:
    """Suppliers with invoices 31 or more days past due, most owed first."""
    today = timezone.localdate()
    return render(
        request,
        "fees/notices.html",
        {
            "rows": queries.delinquent_suppliers(today),
            "today": today,
            "days": queries.DELINQUENT_DAYS,
        },
    )


@require_perm("fees:view")
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier's printable delinquency notice, and the button that e-mails it."""
    supplier = get_object_or_404(Supplier, pk=pk)
    today = timezone.localdate()
    context = {
        "notice": queries.notice(supplier, today),
        "instructions": notices.payment_instructions(),
        "days": queries.DELINQUENT_DAYS,
        "due_days": settings.FEE_INVOICE_DUE_DAYS,
        "may_send": rules.has_perm("fees:send_notice", request.user, supplier),
    }
    return render(request, "fees/notice.html", context)


@require_perm("fees:send_notice")
@require_POST
def send_notice(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=pk)
    try:
        sent = notices.send_delinquency_notice(supplier, actor=signed_in_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Notice of {format_usd(sent.notice.total_cents)} past due sent to "
            f"{', '.join(sent.recipients)}; the sending is in the audit trail.",
        )
    return redirect("fees:notice", pk=supplier.pk)


# --------------------------------------------------------------------------- statements


def _statement_context(request: HttpRequest, supplier: Supplier) -> tuple[dict[str, Any], int]:
    today = timezone.localdate()
    text = request.GET.get("period", "")
    error = ""
    try:
        start, end, label = queries.statement_span(text, today)
    except ValueError as exc:
        error = str(exc)
        start, end, label = queries.statement_span("", today)
    this = Quarter.containing(today)
    context = {
        "statement": queries.statement(supplier, start, end, label),
        "period": text.strip() or label,
        "error": error,
        # the quarter so far, the two before it, this year and last
        "choices": [
            str(this),
            str(this.previous()),
            str(this.previous().previous()),
            str(today.year),
            str(today.year - 1),
        ],
        "instructions": notices.payment_instructions(),
    }
    return context, 422 if error else 200


def _statement_csv(request: HttpRequest, supplier: Supplier) -> HttpResponse:
    context, _status = _statement_context(request, supplier)
    s: queries.Statement = context["statement"]
    table: list[list[Any]] = [
        ["date", "kind", "reference", "description", "charges", "payments_and_credits", "balance"],
        [s.start.isoformat(), "opening balance", "", "", "", "", decimal_text(s.opening_cents)],
    ]
    for r in s.rows:
        table.append(
            [
                r.booked_on.isoformat(),
                r.kind,
                inert(r.reference),
                inert(r.description),
                decimal_text(r.charge_cents) if r.charge_cents else "",
                decimal_text(r.credit_cents) if r.credit_cents else "",
                decimal_text(r.balance_cents),
            ]
        )
    table.append(
        [s.end.isoformat(), "closing balance", "", "", "", "", decimal_text(s.closing_cents)]
    )
    return csv_response(table, f"statement-{supplier.pk}-{s.label}.csv")


@require_perm("fees:view")
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier's statement of account for a quarter or a year (program office)."""
    supplier = get_object_or_404(Supplier, pk=pk)
    context, status = _statement_context(request, supplier)
    context |= {"office": True, "csv_url": reverse("fees:statement_csv", args=[supplier.pk])}
    return render(request, "fees/statement.html", context, status=status)


@require_perm("fees:view")
def statement_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _statement_csv(request, get_object_or_404(Supplier, pk=pk))


# --------------------------------------------------------------------------- supplier portal


def _own_supplier(request: HttpRequest) -> tuple[Supplier, list[Supplier]]:
    """The supplier whose account is shown (``?supplier=`` among the reader's own, else the
    first), and all of them when the reader represents several."""
    own = list(queries.own_suppliers(request.user).order_by("legal_name"))
    if not own:
        raise Http404("you do not represent a supplier")
    choice = _int(request.GET.get("supplier"))
    if request.GET.get("supplier") and choice is None:
        raise Http404("choose a supplier by its number")
    if choice is not None:
        chosen = next((s for s in own if s.pk == choice), None)
        if chosen is None:
            raise Http404("that supplier is not one you represent")
        return chosen, own
    return own[0], own


@require_perm("fees:view_own")
def account(request: HttpRequest) -> HttpResponse:
    """A supplier's fee account: what it owes, its credit, its invoices and latest payments."""
    supplier, own = _own_supplier(request)
    today = timezone.localdate()
    mine = queries.own_invoices(request.user).filter(supplier=supplier)
    open_listed = queries.filter_invoices(mine, today, status="open")
    overdue_listed = queries.filter_invoices(mine, today, status="overdue")
    status = request.GET.get("status", "").strip()
    if status not in queries.STATUSES:
        status = ""
    listed = queries.filter_invoices(mine, today, status=status).select_related("agreement")
    context = {
        "supplier": supplier,
        "suppliers": own if len(own) > 1 else [],
        "open_cents": queries.invoice_totals(open_listed)["outstanding"],
        "overdue_cents": queries.invoice_totals(overdue_listed)["outstanding"],
        "credit_cents": payments.credit_balance(supplier.pk),
        "page": paginate(request, listed),
        "querystring": querystring_without_page(request),
        "status": status,
        "statuses": queries.STATUSES,
        "payments": queries.with_credit(queries.payments_of(supplier.pk)[:5]),
        "today": today,
        "due_days": settings.FEE_INVOICE_DUE_DAYS,
    }
    return render(request, "fees/account.html", context)


@require_perm("fees:view_own")
def account_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the supplier's own invoices (another supplier's is not found)."""
    return _invoice_page(request, queries.own_invoices(request.user), pk, office=False)


@require_perm("fees:view_own")
def account_payments(request: HttpRequest) -> HttpResponse:
    """Every payment of the supplier, each with the invoices it paid."""
    supplier, own = _own_supplier(request)
    page = paginate(request, queries.payments_of(supplier.pk))
    context = {
        "supplier": supplier,
        "suppliers": own if len(own) > 1 else [],
        "page": page,
        "payments": queries.with_credit(page),
        "querystring": querystring_without_page(request),
        "credit_cents": payments.credit_balance(supplier.pk),
    }
    return render(request, "fees/account_payments.html", context)


@require_perm("fees:view_own")
def account_statement(request: HttpRequest) -> HttpResponse:
    supplier, own = _own_supplier(request)
    context, status = _statement_context(request, supplier)
    context |= {
        "office": False,
        "suppliers": own if len(own) > 1 else [],
        "csv_url": reverse("fees:account_statement_csv"),
    }
    return render(request, "fees/statement.html", context, status=status)


@require_perm("fees:view_own")
def account_statement_csv(request: HttpRequest) -> HttpResponse:
    supplier, _own = _own_supplier(request)
    return _statement_csv(request, supplier)
