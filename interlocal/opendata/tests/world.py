"""A small program's public record, written straight through the ORM with fixed timestamps so
every release date is known in advance.

* RFP-2025-014 — office supplies: published with two addenda (the first moves the closing
  date), two advertisements, one question answered and one not, three proposals opened,
  awarded to two suppliers; agreement -01 renewed once and amended, agreement -02 expired.
* IFB-2025-020 — janitorial services: published, then cancelled before any proposal.
* RFP-2026-010 — furniture: published, two sealed proposals, not opened yet.
* RFP-2026-003 — a draft that must never appear.

``AS_OF`` is a moment after all of it.
"""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from interlocal.agreements.models import (
    Agreement,
    AgreementDocument,
    Amendment,
    RenewalOption,
)
from interlocal.core.models import CategoryCode
from interlocal.registry.models import Agency, Supplier
from interlocal.solicitations.models import (
    Addendum,
    Advertisement,
    EvaluationCriterion,
    Proposal,
    Question,
    Solicitation,
    SolicitationDocument,
    Status,
)
from tests.factories import AgencyFactory, SupplierFactory

UTC = datetime.UTC
AS_OF = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@dataclass
class World:
    lead: Agency
    summit: Supplier  # awarded, agreement -01 (renewed, amended)
    lakeside: Supplier  # awarded, agreement -02 (expired)
    prairie: Supplier  # proposed, not awarded
    office: Solicitation
    cancelled: Solicitation
    sealed: Solicitation
    draft: Solicitation
    renewed: Agreement = field(init=False)  # the agreements come with the award (_office)
    expired: Agreement = field(init=False)


def _document(s: Solicitation, kind: str, title: str, uploaded: str) -> SolicitationDocument:
    doc = SolicitationDocument(
        solicitation=s, kind=kind, title=title, sha256="0" * 64, uploaded_at=at(uploaded)
    )
    doc.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.4"), save=False)
    doc.save()
    return doc


def _solicitation(lead: Agency, number: str, **fields: object) -> Solicitation:
    values: dict[str, object] = {
        "title": "Office supplies and related products",
        "scope": "goods",
        "method": "rfp",
        "description": "Office supplies, paper and toner for every participating agency.",
        "time_zone": "America/Chicago",
    }
    values.update(fields)
    s = Solicitation.objects.create(number=number, lead_agency=lead, **values)
    s.categories.set(CategoryCode.objects.filter(scheme="IL", code__in=["1010", "1030"]))
    return s


def _proposal(s: Solicitation, supplier: Supplier, submitted: str, **fields: object) -> Proposal:
    return Proposal.objects.create(
        solicitation=s, supplier=supplier, submitted_at=at(submitted), receipt="f" * 64, **fields
    )


def _office(world: World) -> None:
    s = world.office
    for position, (name, weight) in enumerate(
        [("Price", 40), ("Product range", 30), ("National distribution", 30)]
    ):
        EvaluationCriterion.objects.create(
            solicitation=s, name=name, weight=weight, position=position
        )
    _document(s, "solicitation", "Request for proposals", "2025-01-10T16:00:00")
    _document(s, "specification", "Product specifications", "2025-01-10T16:05:00")
    original_due = at("2025-03-14T22:00:00")
    moved_due = at("2025-03-21T22:00:00")
    Addendum.objects.create(
        solicitation=s,
        number=1,
        title="Closing date extended",
        body="Proposals are now due on March 21.",
        issued_at=at("2025-02-20T15:00:00"),
        new_due_at=moved_due,
        previous_due_at=original_due,
    )
    Addendum.objects.create(
        solicitation=s,
        number=2,
        title="Pricing form clarified",
        body="Quote list prices before discount in column C.",
        issued_at=at("2025-03-01T15:00:00"),
    )
    Advertisement.objects.create(
        solicitation=s,
        medium="Harmon County Ledger",
        published_on=day("2025-02-04"),
        reference="Legal notices, page 12",
    )
    proof = _document(s, "advertisement_proof", "Proof: NIGP Notice", "2025-02-06T14:00:00")
    Advertisement.objects.create(
        solicitation=s,
        medium="NIGP Notice",
        published_on=day("2025-02-05"),
        reference="https://notices.example.org/rfp-2025-014",
        proof=proof,
    )
    Question.objects.create(
        solicitation=s,
        supplier=world.summit,
        text="May we propose recycled paper?",
        asked_at=at("2025-02-10T14:00:00"),
        answer="Yes, as an alternate line.",
        answered_at=at("2025-02-12T16:00:00"),
    )
    Question.objects.create(
        solicitation=s,
        supplier=world.prairie,
        text="Is freight included? (unanswered, private)",
        asked_at=at("2025-02-11T14:00:00"),
    )
    _proposal(s, world.lakeside, "2025-03-09T14:00:00", status=Proposal.Status.SUPERSEDED)
    summit = _proposal(s, world.summit, "2025-03-10T14:00:00", award=Proposal.Award.AWARDED)
    lakeside = _proposal(s, world.lakeside, "2025-03-12T14:00:00", award=Proposal.Award.AWARDED)
    _proposal(s, world.prairie, "2025-03-13T14:00:00", award=Proposal.Award.NOT_AWARDED)
    _document(s, "evaluation_report", "Evaluation report", "2025-04-20T15:00:00")
    world.renewed = _agreement(s, f"{s.number}-01", world.summit, summit)
    world.expired = _agreement(s, f"{s.number}-02", world.lakeside, lakeside)
    _renew_and_amend(world.renewed)
    expired_document = AgreementDocument(
        agreement=world.expired,
        kind=AgreementDocument.Kind.EXECUTED_AGREEMENT,
        title="Executed agreement",
        sha256="1" * 64,
        uploaded_at=at("2025-05-20T15:00:00"),
    )
    expired_document.file.save("executed.pdf", ContentFile(b"%PDF-1.4"), save=False)
    expired_document.save()
    Agreement.objects.filter(pk=world.expired.pk).update(modified_at=at("2025-05-20T15:00:00"))


def _agreement(s: Solicitation, number: str, supplier: Supplier, proposal: Proposal) -> Agreement:
    agreement = Agreement.objects.create(
        number=number,
        title=s.title,
        lead_agency=s.lead_agency,
        supplier=supplier,
        solicitation=s,
        proposal=proposal,
        scope=s.scope,
        description=s.description,
        cooperative_clause=s.cooperative_clause,
        effective_on=day("2025-07-01"),
        initial_term_months=12,
        initial_term_ends_on=day("2026-06-30"),
        expires_on=day("2026-06-30"),
        # Written in the award's transaction, a moment before awarded_at.
        created_at=at("2025-05-15T17:59:59"),
        modified_at=at("2025-05-15T17:59:59"),
    )
    agreement.categories.set(s.categories.all())
    RenewalOption.objects.create(
        agreement=agreement,
        sequence=1,
        months=12,
        starts_on=day("2026-07-01"),
        ends_on=day("2027-06-30"),
    )
    document = AgreementDocument(
        agreement=agreement,
        kind=AgreementDocument.Kind.INSURANCE,
        title="Certificate of insurance",
        sha256="2" * 64,
        uploaded_at=at("2025-05-15T17:59:59"),
    )
    document.file.save("insurance.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    return agreement


def _renew_and_amend(agreement: Agreement) -> None:
    RenewalOption.objects.filter(agreement=agreement, sequence=1).update(
        exercised_on=day("2026-05-20")
    )
    old_description = agreement.description
    new_description = old_description + " Includes recycled paper."
    Amendment.objects.create(
        agreement=agreement,
        number=1,
        effective_on=day("2026-02-15"),
        summary="Adds recycled paper products",
        reason="Requested by participating agencies with sustainability policies.",
        changes={"description": [old_description, new_description]},
        approved_at=at("2026-02-10T16:00:00"),
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        description=new_description,
        expires_on=day("2027-06-30"),
        modified_at=at("2026-05-20T15:00:00"),
    )
    agreement.refresh_from_db()


def build(prefix: str = "") -> World:
    """The world; ``prefix`` builds another, distinct one beside it (numbers and identifiers
    prefixed) for tests that need more rows."""
    lead = AgencyFactory(
        name=f"{prefix}Harmon County",
        agency_type="county",
        ein="741234567",
        census_id=f"4420170010000{len(prefix)}",
        street="100 Main Street",
        city="Harmon",
        zip_code="75001",
    )
    world = World(
        lead=lead,
        summit=SupplierFactory(
            legal_name="Summit Office Supply, LLC", uei=f"SUMMITUEI{len(prefix) + 1:03d}"
        ),
        lakeside=SupplierFactory(legal_name="Lakeside Paper Company", dba="Lakeside Paper"),
        prairie=SupplierFactory(legal_name="Prairie Toner Inc.", uei=None),
        office=_solicitation(
            lead,
            f"{prefix}RFP-2025-014",
            estimated_national_volume_cents=2_500_000_050,  # $25,000,000.50
            due_at=at("2025-03-21T22:00:00"),
            created_at=at("2025-01-06T15:00:00"),
            published_at=at("2025-02-03T15:00:00"),
            opened_at=at("2025-03-24T15:00:00"),
            awarded_at=at("2025-05-15T18:00:00"),
            status=Status.AWARDED,
            modified_at=at("2025-05-15T18:00:00"),
        ),
        cancelled=_solicitation(
            lead,
            f"{prefix}IFB-2025-020",
            title="Janitorial services",
            scope="services",
            method="sealed_bid",
            due_at=at("2025-07-01T22:00:00"),
            published_at=at("2025-06-02T15:00:00"),
            cancelled_at=at("2025-06-20T15:00:00"),
            cancel_reason="The member agencies' need was met by an existing agreement.",
            status=Status.CANCELLED,
            modified_at=at("2025-06-20T15:00:00"),
        ),
        sealed=_solicitation(
            lead,
            f"{prefix}RFP-2026-010",
            title="Classroom furniture",
            due_at=at("2030-12-15T22:00:00"),
            published_at=at("2026-10-01T15:00:00"),
            status=Status.PUBLISHED,
            modified_at=at("2026-10-01T15:00:00"),
        ),
        draft=_solicitation(
            lead,
            f"{prefix}RFP-2026-003",
            title="Confidential draft: fleet telematics",
            due_at=at("2030-01-15T22:00:00"),
            modified_at=at("2026-10-20T15:00:00"),
        ),
    )
    _office(world)
    _proposal(world.sealed, world.summit, "2026-10-20T14:00:00")
    _proposal(world.sealed, world.prairie, "2026-10-21T14:00:00")
    return world
