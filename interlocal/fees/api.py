"""``/api/v1/fees/invoices``: fee invoices with what was paid on them, the ledger postings
behind them and their lines. Every call needs an organization key with the scope
``fees:read``; a supplier's key reads its own supplier's invoices, the program office's every
one. Money is a decimal string of dollars (``"1234.56"``); an exact fee is a decimal string to
the millionth of a dollar (``"0.015000"``: cent-basis-points, exactly).

``/api/v1/transparency/{year}`` and ``/api/v1/fees/statements/{recipient}`` are public, as the
transparency pages are (decision 0018): a year's figures and a recipient's distribution
statement, money in the same decimal strings."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from interlocal.accounts.models import ApiScope
from interlocal.core.api import ErrorOut, LazyRows, acting_user
from interlocal.core.api_auth import ApiKeyAuth
from interlocal.core.money import decimal_text
from interlocal.core.periods import Quarter
from interlocal.fees import queries, transparency
from interlocal.fees.models import FeeInvoice, FeeLine
from interlocal.fees.services import distribution

router = Router(tags=["fees"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
_MILLIONTH = Decimal("0.000001")


def exact(cbp: int) -> str:
    """Cent-basis-points as dollars, exactly: 15000 -> '0.015000'."""
    return str((Decimal(int(cbp)) / 1_000_000).quantize(_MILLIONTH))


class InvoiceFilters(Schema):
    supplier: int | None = Field(None, description="The supplier's id")
    period: str = Field("", description="The sales quarter, as 2026Q3")
    status: str = Field("", description=f"One of: {', '.join(queries.STATUSES)}")


class InvoiceOut(Schema):
    id: int
    number: str
    supplier_id: int
    supplier: str
    agreement: str
    sales_period: str
    report_id: int
    issued_on: datetime.date
    due_on: datetime.date
    status: str = Field(description="open, overdue, paid or reversed")
    lines: int
    sales: str
    fee_base: str
    fee_exact: str = Field(description="The sum of the lines' exact fees, in dollars")
    fee: str = Field(description="The exact fee rounded once, half up, to the cent")
    state_add_ons: str = Field(description="The part of the fee that is state add-ons")
    paid: str = Field(description="Payments and credits applied (net of any given back)")
    outstanding: str
    replaced_by: str | None = Field(description="The number of the invoice that replaced it")
    url: str


class AllocationOut(Schema):
    booked_on: datetime.date
    source: str = Field(description="payment, credit (the supplier's credit) or refund")
    payment_id: int | None
    payment_reference: str | None
    received_on: datetime.date | None
    amount: str = Field(description="Negative when what was paid went back to the credit")
    entry_id: int


class PostingOut(Schema):
    debit: str = Field(description="The account debited (its code)")
    credit: str = Field(description="The account credited (its code)")
    amount: str


class EntryOut(Schema):
    id: int
    kind: str
    booked_on: datetime.date
    period: str
    memo: str
    role: str = Field(description="What the entry is to this invoice")
    postings: list[PostingOut]


class InvoiceDetailOut(InvoiceOut):
    replaces: str | None = Field(description="The number of the invoice it replaced")
    reversal_entry_id: int | None
    allocations: list[AllocationOut]
    entries: list[EntryOut]
    lines_url: str


class FeeLineOut(Schema):
    sales_line_id: int
    line: int = Field(description="The line's row in the supplier's file")
    agency_id: int | None
    agency: str
    state: str
    invoice_date: datetime.date
    invoice_number: str
    fee_base: str
    rate_bps: int = Field(description="The rate applied, the state add-on included")
    add_on_bps: int
    fee_exact: str = Field(description="fee_base x rate_bps, exactly, in dollars")
    schedule_id: int | None = Field(description="Null: no schedule was in effect (the default)")


def _invoice(i: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number,
        "supplier_id": i.supplier_id,
        "supplier": str(i.supplier),
        "agreement": i.agreement.number,
        "sales_period": i.sales_period,
        "report_id": i.report_id,
        "issued_on": i.issued_on,
        "due_on": i.due_on,
        "status": i.status,
        "lines": i.line_count,
        "sales": decimal_text(i.sales_cents),
        "fee_base": decimal_text(i.base_cents),
        "fee_exact": exact(i.fee_exact_cbp),
        "fee": decimal_text(i.fee_cents),
        "state_add_ons": decimal_text(i.add_on_cents),
        "paid": decimal_text(i.paid_cents),
        "outstanding": decimal_text(i.outstanding_cents),
        "replaced_by": i.replaced_by.number if i.replaced_by_id else None,
        "url": f"/api/v1/fees/invoices/{i.pk}",
    }


def _listed(actor: Any, filters: InvoiceFilters) -> Any:
    today = timezone.localdate()
    try:
        listed = queries.filter_invoices(
            queries.invoices(actor),
            today,
            supplier=filters.supplier,
            period=filters.period.strip(),
            status=filters.status.strip(),
        )
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    return listed.select_related("supplier", "agreement", "replaced_by")


@router.get(
    "/fees/invoices",
    auth=ApiKeyAuth(),
    response={200: list[InvoiceOut], **ERRORS},
    summary="Fee invoices (scope fees:read)",
    description="Latest issued first. Filters: `supplier` (id), `period` (the sales quarter, "
    f"2026Q3), `status` ({', '.join(queries.STATUSES)}; `open` includes the overdue). A "
    "supplier's key lists its own supplier's invoices only.",
)
@paginate(PageNumberPagination, page_size=100)
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilters]) -> Any:
    actor = acting_user(request, ApiScope.FEES_READ)
    return LazyRows(_listed(actor, filters), _invoice)


def _readable(request: HttpRequest, invoice_id: int) -> Any:
    actor = acting_user(request, ApiScope.FEES_READ)
    found = queries.invoice_of(queries.invoices(actor), invoice_id, timezone.localdate())
    if found is None:
        raise HttpError(404, f"no fee invoice {invoice_id} is yours to read")
    return found


def _allocation(a: Any) -> dict[str, Any]:
    source = "payment" if a.payment_id else ("refund" if a.amount_cents < 0 else "credit")
    return {
        "booked_on": a.entry.booked_on,
        "source": source,
        "payment_id": a.payment_id,
        "payment_reference": a.payment.reference if a.payment_id else None,
        "received_on": a.payment.received_on if a.payment_id else None,
        "amount": decimal_text(a.amount_cents),
        "entry_id": a.entry_id,
    }


@router.get(
    "/fees/invoices/{invoice_id}",
    auth=ApiKeyAuth(),
    response={200: InvoiceDetailOut, **ERRORS},
    summary="One fee invoice, its payments and its ledger entries (scope fees:read)",
    description="The invoice, the payments and credits applied to it, and every journal entry "
    "that touches it (its issue, its reversal, the payments) with their postings. Its lines "
    "are at `lines_url`, paginated.",
)
def get_invoice(request: HttpRequest, invoice_id: int) -> Any:
    invoice = _readable(request, invoice_id)
    allocations = queries.allocations_of(invoice)
    replaced = queries.replaces(invoice)
    return _invoice(invoice) | {
        "replaces": replaced.number if replaced else None,
        "reversal_entry_id": invoice.reversal_id,
        "allocations": [_allocation(a) for a in allocations],
        "entries": [
            {
                "id": t.entry.pk,
                "kind": t.entry.kind,
                "booked_on": t.entry.booked_on,
                "period": t.entry.period,
                "memo": t.entry.memo,
                "role": t.role,
                "postings": [
                    {
                        "debit": p.debit.code,
                        "credit": p.credit.code,
                        "amount": decimal_text(p.amount_cents),
                    }
                    for p in t.postings
                ],
            }
            for t in queries.entries_of(invoice, allocations)
        ],
        "lines_url": f"/api/v1/fees/invoices/{invoice.pk}/lines",
    }


def _line(f: FeeLine) -> dict[str, Any]:
    sale = f.line
    agency = sale.agency
    return {
        "sales_line_id": sale.pk,
        "line": sale.line,
        "agency_id": sale.agency_id,
        "agency": agency.name if agency else "",
        "state": agency.state.postal if agency and agency.state_id else "",
        "invoice_date": sale.invoice_date,
        "invoice_number": sale.invoice_number,
        "fee_base": decimal_text(f.base_cents),
        "rate_bps": f.rate_bps,
        "add_on_bps": f.add_on_bps,
        "fee_exact": exact(f.fee_cbp),
        "schedule_id": f.schedule_id,
    }


@router.get(
    "/fees/invoices/{invoice_id}/lines",
    auth=ApiKeyAuth(),
    response={200: list[FeeLineOut], **ERRORS},
    summary="An invoice's fee lines, in the order of the supplier's file (scope fees:read)",
)
@paginate(PageNumberPagination, page_size=500)
def invoice_lines(request: HttpRequest, invoice_id: int) -> Any:
    invoice: FeeInvoice = _readable(request, invoice_id)
    return LazyRows(queries.lines_of(invoice), _line)


# --------------------------------------------------------------------------- transparency


class FiguresOut(Schema):
    period: str = Field(description="A quarter (2026Q3) or a year (2026)")
    sales: str = Field(description="Sales reported for the period (its accepted reports)")
    fees_on_sales: str = Field(description="The standing invoices of those sales")
    effective_rate_bps: int | None = Field(description="fees_on_sales per sales dollar")
    billed: str = Field(description="Invoices issued less invoices reversed in the period")
    state_add_ons_billed: str
    collected: str = Field(description="Administrative fees applied to invoices in the period")
    state_add_ons_collected: str = Field(description="Collected first; never distributed")
    program_costs: str = Field(description="The approved program costs of the period")
    unfunded_costs: str = Field(description="Approved costs the administration cap left unpaid")
    distributed: dict[str, str] = Field(description="The posted runs' shares, by recipient")
    distributed_total: str
    receivables: str = Field(description="Fees billed and not yet paid, at the end")
    undistributed: str = Field(description="Fees collected and not yet distributed, at the end")


class RecipientOut(Schema):
    slug: str
    label: str
    statement_url: str = Field(description="The recipient's statement of the year's last quarter")


class TransparencyYearOut(Schema):
    year: int
    through: str = Field(description="The year's last quarter shown (the last one ended)")
    totals: FiguresOut = Field(description="The quarters summed; balances at the last")
    quarters: list[FiguresOut]
    recipients: list[RecipientOut]
    policy: str = Field(description="The distribution policy in effect at the end of `through`")
    method: list[str] = Field(description="That policy in words")
    url: str


class StatementLineOut(Schema):
    period: str
    run: int = Field(description="The distribution run")
    amount: str
    basis: str = Field(description="How the amount was reached, in words")
    approved_on: datetime.date | None


class StatementOut(Schema):
    recipient: str
    slug: str
    period: str
    distributed: StatementLineOut | None = Field(description="Null: nothing for the quarter")
    year_to_date: list[StatementLineOut]
    year_to_date_total: str
    since_start_total: str = Field(description="Everything distributed through the quarter")
    policy: str
    method: list[str]
    url: str
    csv_url: str
    pdf_url: str


def _figures(f: transparency.Figures) -> dict[str, Any]:
    return {
        "period": f.label,
        "sales": decimal_text(f.sales),
        "fees_on_sales": decimal_text(f.fees_on_sales),
        "effective_rate_bps": f.effective_rate_bps,
        "billed": decimal_text(f.billed),
        "state_add_ons_billed": decimal_text(f.add_ons_billed),
        "collected": decimal_text(f.collected),
        "state_add_ons_collected": decimal_text(f.add_ons_collected),
        "program_costs": decimal_text(f.costs),
        "unfunded_costs": decimal_text(f.unfunded_costs),
        "distributed": {who: decimal_text(cents) for who, cents in f.distributed.items()},
        "distributed_total": decimal_text(f.distributed_total),
        "receivables": decimal_text(f.receivables),
        "undistributed": decimal_text(f.undistributed),
    }


@router.get(
    "/transparency/{year}",
    response={200: TransparencyYearOut, 404: ErrorOut},
    tags=["transparency"],
    summary="A year's fee figures, quarter by quarter (public)",
    description="What the page `/transparency/{year}/` shows: the year's totals and its ended "
    "quarters (sales, fees on them, billed, collected, approved costs, distributions by "
    "recipient, receivables and undistributed at the end), the recipients, and the distribution "
    "policy in effect at the end of the last quarter, in words. A year without figures is a 404.",
)
def transparency_year(request: HttpRequest, year: int) -> Any:
    totals, quarters = transparency.year(year)
    if totals is None:
        raise HttpError(
            404,
            f"no fee figures for {year}: they run from the program's first fee activity to the "
            f"last quarter ended ({transparency.last_ended_quarter()})",
        )
    through = quarters[-1].label
    try:
        policy = distribution.policy_in_effect(Quarter.parse(through).last_day)
        policy_name, method = policy.name, distribution.method_text(policy)
    except ValidationError:
        policy_name, method = "no distribution policy in effect", []
    return {
        "year": year,
        "through": through,
        "totals": _figures(totals),
        "quarters": [_figures(q) for q in quarters],
        "recipients": [
            {
                "slug": slug,
                "label": label,
                "statement_url": f"/api/v1/fees/statements/{slug}?period={through}",
            }
            for slug, label in transparency.recipients()
        ],
        "policy": policy_name,
        "method": method,
        "url": reverse("transparency:year", args=[year]),
    }


def _statement_line(x: transparency.StatementLine) -> dict[str, Any]:
    return {
        "period": x.period,
        "run": x.run,
        "amount": decimal_text(x.amount_cents),
        "basis": x.basis,
        "approved_on": x.approved_on,
    }


@router.get(
    "/fees/statements/{recipient}",
    response={200: StatementOut, 404: ErrorOut, 422: ErrorOut},
    tags=["transparency"],
    summary="A recipient's distribution statement (public)",
    description="`recipient` is `administration`, `foundation` or a sponsor's acronym in lower "
    "case (`naco`); `period` an ended quarter (2026Q3; the last one ended by default). What the "
    "recipient received for the quarter and on what basis, its year to date, its total since "
    "the start, and the policy in words. An unknown recipient is a 404; a malformed or "
    "unfinished quarter a 422.",
)
def recipient_statement(request: HttpRequest, recipient: str, period: str = "") -> Any:
    try:
        quarter = (
            transparency.ended_quarter(period.strip())
            if period.strip()
            else transparency.last_ended_quarter()
        )
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    try:
        found = transparency.statement(recipient.lower(), str(quarter))
    except transparency.UnknownRecipient as exc:
        raise HttpError(404, str(exc)) from None
    args = [found.slug, found.period]
    return {
        "recipient": found.recipient,
        "slug": found.slug,
        "period": found.period,
        "distributed": _statement_line(found.line) if found.line else None,
        "year_to_date": [_statement_line(x) for x in found.year_to_date],
        "year_to_date_total": decimal_text(found.year_to_date_cents),
        "since_start_total": decimal_text(found.since_start_cents),
        "policy": found.policy,
        "method": found.method,
        "url": reverse("transparency:statement", args=args),
        "csv_url": reverse("transparency:statement_csv", args=args),
        "pdf_url": reverse("transparency:statement_pdf", args=args),
    }
