"""``/api/v1/agreements``: master agreements, their price files — public reads."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from interlocal.agreements import queries
from interlocal.agreements.models import Agreement
from interlocal.agreements.prices import current_price_file
from interlocal.core.api import ErrorOut, LazyRows
from interlocal.core.money import from_cents

router = Router(tags=["agreements"])


class AgreementFilters(Schema):
    q: str = ""
    category: str = ""
    supplier: int | None = None
    lead_agency: int | None = None
    status: str = ""
    certification: str = ""


class AgreementOut(Schema):
    id: int
    number: str
    title: str
    status: str
    supplier_id: int
    supplier: str
    lead_agency_id: int
    lead_agency: str
    lead_agency_state: str
    scope: str
    categories: list[str]
    effective_on: datetime.date
    expires_on: datetime.date
    url: str


class RenewalOut(Schema):
    sequence: int
    months: int
    starts_on: datetime.date
    ends_on: datetime.date
    exercised_on: datetime.date | None


class AmendmentOut(Schema):
    number: int
    effective_on: datetime.date
    summary: str
    reason: str
    changes: dict[str, Any]


class FeeScheduleOut(Schema):
    effective_from: datetime.date
    effective_to: datetime.date | None
    rate_bps: int
    fee_base: str
    tiers: list[dict[str, Any]]
    state_add_ons: dict[str, int]


class AgreementDetailOut(AgreementOut):
    description: str
    cooperative_clause: str
    solicitation_id: int | None
    initial_term_ends_on: datetime.date
    final_expiry_on: datetime.date
    renewal_options: list[RenewalOut]
    amendments: list[AmendmentOut]
    fee_schedules: list[FeeScheduleOut]
    price_file_version: int | None
    packet_url: str


class PriceItemOut(Schema):
    sku: str
    description: str
    unit: str
    list_price: str | None
    contract_price: str
    discount_bps: int | None
    category_code: str


def _money(cents: int | None) -> str | None:
    return None if cents is None else str(from_cents(cents))


def _summary(a: Agreement, today: datetime.date) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "title": a.title,
        "status": a.status(today),
        "supplier_id": a.supplier_id,
        "supplier": str(a.supplier),
        "lead_agency_id": a.lead_agency_id,
        "lead_agency": a.lead_agency.name,
        "lead_agency_state": a.lead_agency.state.postal,
        "scope": a.scope,
        "categories": [c.code for c in a.categories.all()],
        "effective_on": a.effective_on,
        "expires_on": a.expires_on,
        "url": reverse("agreements:detail", args=[a.pk]),
    }


@router.get("/agreements", response=list[AgreementOut], summary="Search master agreements")
@paginate(PageNumberPagination, page_size=50)
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]) -> Any:
    today = timezone.localdate()
    qs = queries.search_agreements(
        viewer=request.user,
        q=filters.q,
        category=filters.category,
        supplier=filters.supplier or "",
        lead_agency=filters.lead_agency or "",
        status=filters.status,
        certification=filters.certification,
        today=today,
    ).order_by("number")
    return LazyRows(qs, lambda a: _summary(a, today))


def _agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    return get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("supplier", "lead_agency__state"),
        pk=agreement_id,
    )


@router.get(
    "/agreements/{agreement_id}",
    response={200: AgreementDetailOut, 404: ErrorOut},
    summary="One master agreement",
)
def get_agreement(request: HttpRequest, agreement_id: int) -> Any:
    a = _agreement(request, agreement_id)
    today = timezone.localdate()
    price_file = current_price_file(a, today)
    return _summary(a, today) | {
        "description": a.description,
        "cooperative_clause": a.cooperative_clause,
        "solicitation_id": a.solicitation_id,
        "initial_term_ends_on": a.initial_term_ends_on,
        "final_expiry_on": a.final_expiry_on,
        "renewal_options": list(
            a.renewal_options.values("sequence", "months", "starts_on", "ends_on", "exercised_on")
        ),
        "amendments": list(
            a.amendments.values("number", "effective_on", "summary", "reason", "changes")
        ),
        "fee_schedules": [
            {
                "effective_from": f.effective_from,
                "effective_to": f.effective_to,
                "rate_bps": f.rate_bps,
                "fee_base": f.fee_base,
                "tiers": [
                    {"from": _money(t.from_cents), "rate_bps": t.rate_bps} for t in f.tiers.all()
                ],
                "state_add_ons": {s.state.postal: s.add_on_bps for s in f.state_add_ons.all()},
            }
            for f in a.fee_schedules.prefetch_related("tiers", "state_add_ons__state")
        ],
        "price_file_version": price_file.version if price_file else None,
        "packet_url": reverse("agreements:packet", args=[a.pk]),
    }


@router.get(
    "/agreements/{agreement_id}/price-file",
    response={200: list[PriceItemOut], 404: ErrorOut},
    summary="Items of the price file in effect on a day (default today)",
)
@paginate(PageNumberPagination, page_size=200)
def get_price_file(
    request: HttpRequest, agreement_id: int, on: datetime.date | None = None, q: str = ""
) -> Any:
    a = _agreement(request, agreement_id)
    price_file = current_price_file(a, on or timezone.localdate())
    if price_file is None:
        return []
    items = price_file.items.order_by("sku")
    if q.strip():
        items = items.filter(search_text__contains=q.strip().lower())
    return LazyRows(
        items,
        lambda i: {
            "sku": i.sku,
            "description": i.description,
            "unit": i.unit,
            "list_price": _money(i.list_price_cents),
            "contract_price": _money(i.contract_price_cents),
            "discount_bps": i.discount_bps,
            "category_code": i.category_code,
        },
    )
