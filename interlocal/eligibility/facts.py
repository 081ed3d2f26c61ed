"""The facts of one purchase, read from the agreement, solicitation and agency models.

The thin adapter between the database and the pure evaluator: everything the evaluator knows
comes through ``facts_for``, so what a verdict rested on is exactly this ``Facts`` value.
"""

import datetime
from collections import Counter

from interlocal.agreements.models import Agreement, AgreementDocument, PriceFile
from interlocal.eligibility.verdict import Advertisement, Facts
from interlocal.eligibility.wording import day
from interlocal.registry.models import Agency
from interlocal.solicitations.models import Advertisement as SolicitationAdvertisement
from interlocal.solicitations.models import Solicitation
from interlocal.solicitations.models.solicitation import DocumentKind


def facts_for(
    agency: Agency,
    agreement: Agreement,
    *,
    on: datetime.date,
    amount_cents: int | None = None,
    scope: str | None = None,
    federal_funds: bool = False,
) -> Facts:
    lead = agreement.lead_agency
    solicitation = agreement.solicitation
    ads = list(solicitation.advertisements.all()) if solicitation is not None else []
    return Facts(
        on=on,
        buyer_name=agency.name,
        buyer_type=agency.agency_type,
        buyer_state=agency.state.postal,
        buyer_census_id=agency.census_id or "",
        agency_id=agency.pk,
        agreement_id=agreement.pk,
        lead_name=lead.name,
        lead_type=lead.agency_type,
        lead_state=lead.state.postal,
        agreement_number=agreement.number,
        agreement_status=agreement.status(on).value,
        agreement_effective_on=agreement.effective_on,
        agreement_expires_on=agreement.expires_on,
        scope=scope or agreement.scope,
        cooperative_clause=agreement.cooperative_clause,
        solicitation_number=solicitation.number if solicitation else None,
        method=solicitation.method if solicitation else None,
        advertisements=tuple(Advertisement(a.medium, a.published_on) for a in ads),
        amount_cents=amount_cents,
        federal_funds=federal_funds,
        evidence_on_file=_evidence_on_file(agreement, solicitation, ads, on),
    )


def _evidence_on_file(
    agreement: Agreement,
    solicitation: Solicitation | None,
    ads: list[SolicitationAdvertisement],
    on: datetime.date,
) -> dict[str, str]:
    """What the program holds for the buyer's file, evidence key -> where it is."""
    found: dict[str, str] = {}
    if solicitation is not None:
        kinds = Counter(solicitation.documents.values_list("kind", flat=True))
        number = solicitation.number
        if kinds[DocumentKind.SOLICITATION]:
            found["solicitation"] = f"Solicitation {number}, on file with the program"
        addenda = solicitation.addenda.count()
        found["addenda"] = (
            f"{addenda} addend{'um' if addenda == 1 else 'a'} to {number}, on file"
            if addenda
            else f"No addenda were issued to {number}"
        )
        if kinds[DocumentKind.ADVERTISEMENT_PROOF] or any(a.proof_id for a in ads):
            found["advertisement_proof"] = f"Proof of advertisement of {number}, on file"
        if kinds[DocumentKind.EVALUATION_REPORT]:
            found["evaluation_summary"] = f"Evaluation report for {number}, on file"
        if kinds[DocumentKind.AWARD_NOTICE]:
            found["award"] = f"Award notice for {number}, on file"
        elif solicitation.awarded_at:
            found["award"] = f"Award of {number} recorded on {day(solicitation.awarded_at.date())}"
    if agreement.documents.filter(kind=AgreementDocument.Kind.EXECUTED_AGREEMENT).exists():
        found["executed_agreement"] = f"Executed agreement {agreement.number}, on file"
    price_file = PriceFile.objects.in_effect_on(on).filter(agreement=agreement).first()
    if price_file is not None:
        found["price_file"] = f"Price file version {price_file.version}, in effect on {day(on)}"
    return found
