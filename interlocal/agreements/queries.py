"""Reads about master agreements: search, the expiry pipeline and the due-diligence packet."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from interlocal.agreements.models import Agreement, AgreementStatus, PriceFile, PriceItem
from interlocal.agreements.prices import current_price_file
from interlocal.core.search import matching
from interlocal.registry.models import Certification
from interlocal.solicitations.models import Proposal, Solicitation, Status
from interlocal.solicitations.queries import public_tabulation

EXPIRY_THRESHOLDS = (180, 90, 30)


def search_agreements(
    *,
    viewer: Any,
    q: str = "",
    category: str = "",
    supplier: int | str = "",
    lead_agency: int | str = "",
    status: str = "",
    certification: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Agreement]:
    """Agreements matching every filter. ``q`` matches an agreement's own words (number, title,
    description, supplier, lead agency) or an item of its price file in effect today."""
    today = today or timezone.localdate()
    qs = Agreement.objects.visible_to(viewer).with_status(today)
    if q.strip():
        words = q.split()
        own = matching(
            Agreement.objects.all(), table="agreements_agreement", column="search_text", words=words
        )
        items = matching(
            PriceItem.objects.filter(price_file__in=PriceFile.objects.in_effect_on(today)),
            table="agreements_priceitem",
            column="search_text",
            words=words,
        )
        qs = qs.filter(
            Q(pk__in=own.values("pk")) | Q(pk__in=items.values("price_file__agreement_id"))
        )
    if category:
        qs = qs.filter(
            Q(categories__code=category) | Q(categories__parent__code=category)
        ).distinct()
    if supplier:
        qs = qs.filter(supplier_id=int(supplier))
    if lead_agency:
        qs = qs.filter(lead_agency_id=int(lead_agency))
    if status in AgreementStatus.values:
        qs = qs.in_status(status, today)
    if certification:
        counting = Certification.objects.counting(today).filter(
            supplier=OuterRef("supplier"), kind=certification
        )
        qs = qs.filter(Exists(counting))
    return qs.select_related("supplier", "lead_agency__state").prefetch_related("categories")


@dataclass
class ExpiryRow:
    agreement: Agreement
    days_left: int
    threshold: int
    renewals_left: int
    resolicitation: Solicitation | None

    @property
    def resolicitation_status(self) -> str:
        if self.resolicitation is not None:
            return self.resolicitation.get_status_display()
        if self.renewals_left:
            return f"{self.renewals_left} renewal option(s) left"
        return "Not started"


def threshold_for(days_left: int) -> int:
    return min(t for t in EXPIRY_THRESHOLDS if days_left <= t)


def expiry_pipeline(today: datetime.date | None = None) -> list[ExpiryRow]:
    """Active agreements whose current term ends within 180 days, soonest first, each with
    the 180/90/30-day band it is in and what is being done about it."""
    today = today or timezone.localdate()
    agreements = (
        Agreement.objects.expiring_within(max(EXPIRY_THRESHOLDS), today)
        .select_related("supplier", "lead_agency")
        .prefetch_related(
            "renewal_options",
            Prefetch(
                "resolicitations",
                queryset=Solicitation.objects.exclude(status=Status.CANCELLED).order_by(
                    "-created_at"
                ),
            ),
        )
        .order_by("expires_on", "number")
    )
    rows = []
    for agreement in agreements:
        days = agreement.days_to_expiry(today)
        renewals = sum(1 for o in agreement.renewal_options.all() if o.exercised_on is None)
        successors = list(agreement.resolicitations.all())
        rows.append(
            ExpiryRow(
                agreement,
                days,
                threshold_for(days),
                renewals,
                successors[0] if successors else None,
            )
        )
    return rows


@dataclass
class Packet:
    """Everything a buyer shows its governing body and auditors to prove the agreement was
    competed properly."""

    agreement: Agreement
    solicitation: Solicitation | None
    proposals_received: int
    tabulation: list[Proposal]
    price_file: PriceFile | None


def due_diligence_packet(agreement: Agreement) -> Packet:
    s = agreement.solicitation
    proposals = public_tabulation(s) if s is not None else []
    return Packet(
        agreement=agreement,
        solicitation=s,
        proposals_received=len(proposals),
        tabulation=proposals,
        price_file=current_price_file(agreement),
    )
