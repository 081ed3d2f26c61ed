"""Reads for the registry: the directory search and the numbers on the home page."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from interlocal.core import search
from interlocal.registry.models import Agency, Certification, Registration, Sponsor, Supplier
from interlocal.registry.normalise import normalise_domain, normalise_name


def search_agencies(
    *,
    viewer: object,
    q: str = "",
    state: str = "",
    agency_type: str = "",
    participating: str = "",
) -> QuerySet[Agency]:
    """The agency directory: name words (any order, abbreviations understood), a Census ID,
    state, type and participation filters."""
    qs = Agency.objects.visible_to(viewer).select_related("state", "county")
    text = q.strip()
    if text.isdigit() and len(text) == 14:
        qs = qs.filter(census_id=text)
    elif text:
        qs = search.matching(
            qs, table="registry_agency", column="search_name", words=normalise_name(text).split()
        )
    if state:
        qs = qs.filter(state__postal=state.upper())
    if agency_type:
        qs = qs.filter(agency_type=agency_type)
    if participating == "yes":
        qs = qs.filter(participating_since__isnull=False)
    elif participating == "no":
        qs = qs.filter(participating_since__isnull=True)
    return qs.order_by("name", "pk")


def search_suppliers(*, viewer: object, q: str = "", certification: str = "") -> QuerySet[Supplier]:
    qs = Supplier.objects.visible_to(viewer).select_related("hq_state")
    if q.strip():
        qs = qs.filter(Q(legal_name__icontains=q.strip()) | Q(dba__icontains=q.strip()))
    if certification:
        qs = qs.filter(
            certifications__in=Certification.objects.counting().filter(kind=certification)
        ).distinct()
    return qs.order_by("legal_name", "pk")


@dataclass(frozen=True)
class ProgramNumbers:
    universe: int
    participants: int
    states_with_participants: int
    suppliers: int
    sponsors: int
    pending_registrations: int


def program_numbers() -> ProgramNumbers:
    agencies = Agency.objects.aggregate(
        universe=Count("pk"),
        participants=Count("pk", filter=Q(participating_since__isnull=False)),
        states=Count("state", distinct=True, filter=Q(participating_since__isnull=False)),
    )
    return ProgramNumbers(
        universe=agencies["universe"],
        participants=agencies["participants"],
        states_with_participants=agencies["states"],
        suppliers=Supplier.objects.count(),
        sponsors=Sponsor.objects.filter(is_active=True).count(),
        pending_registrations=Registration.objects.pending().count(),
    )


def participants_by_type() -> list[dict[str, object]]:
    return [
        dict(row)
        for row in Agency.objects.participating()
        .values("agency_type")
        .annotate(n=Count("pk"))
        .order_by("-n")
    ]


@dataclass(frozen=True)
class DomainEvidence:
    domain: str
    matched: str  # the agency domain the contact's address is at, or ""
    verified: bool
    on_file: list[str]


def domain_evidence(registration: Registration) -> DomainEvidence:
    """What the contact's email domain says about whether they work at the agency."""
    return domain_evidence_for(registration.agency, registration.contact_email)


def domain_evidence_for(agency: Agency | None, email: str) -> DomainEvidence:
    domain = normalise_domain(email)
    on_file = list(agency.domains.all()) if agency else []
    match = next(
        (d for d in on_file if domain == d.domain or domain.endswith("." + d.domain)), None
    )
    return DomainEvidence(
        domain=domain,
        matched=match.domain if match else "",
        verified=bool(match and match.verified),
        on_file=[d.domain for d in on_file],
    )
