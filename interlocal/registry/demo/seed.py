"""Write the demo program into the database: the calibrated agency universe, 55,000
participants at national scale, sponsors, the Foundation, the Advisory Board named in the case
study, fictional suppliers, pending registrations and one persona login per role.

Deterministic for a (scale, seed). Bulk loading is one system operation, recorded as a single
audit event with its counts rather than one event per row.
"""

import datetime
import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import Membership, Organization, User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.agreements.demo import seed_agreements
from interlocal.core import audit
from interlocal.core.models import AuditEvent, County, State
from interlocal.core.periods import Quarter
from interlocal.registry.demo.names import company_name
from interlocal.registry.demo.universe import DemoAgency, generate_universe
from interlocal.registry.models import (
    AdvisoryBoardMember,
    Agency,
    AgencyAlias,
    AgencyDomain,
    AgencyType,
    Certification,
    CertificationKind,
    ExemptOrganization,
    Foundation,
    FoundationBoardSeat,
    ParticipationRoute,
    Registration,
    Sponsor,
    Supplier,
)
from interlocal.registry.normalise import normalise_name
from interlocal.reporting.demo import SEED_VERB, seed_sales

SCALES = {"small": 0.01, "national": 1.0}
NATIONAL_PARTICIPANTS = 55_000
DEMO_PASSWORD = "interlocal-demo-2026"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPINTERLOCALDEMO23"
#: A second program administrator: fee distributions are prepared by one and approved by another.
TREASURER = "treasurer@interlocal.demo"
#: Each demo persona's login, by role (and the treasurer's).
PERSONAS = {
    Role.PROGRAM_ADMIN.value: "admin@interlocal.demo",
    Role.AUDITOR.value: "auditor@interlocal.demo",
    Role.LEAD_AGENCY_OFFICER.value: "officer@lacounty.demo",
    Role.BUYER.value: "buyer@city.demo",
    Role.SUPPLIER_REP.value: "rep@supplier.demo",
    Role.SPONSOR_VIEWER.value: "viewer@naco.demo",
    Role.ADVISORY_MEMBER.value: "advisor@fairfax.demo",
    "treasurer": TREASURER,
}
PROGRAM_START = datetime.date(1996, 1, 1)
BATCH = 5000

# Relative likelihood that an eligible entity of a type participates (counties and school
# districts were the program's first and most loyal users).
PARTICIPATION_WEIGHT = {
    "state": 4.0,
    "county": 4.0,
    "municipality": 1.6,
    "township": 0.6,
    "special_district": 0.6,
    "school_district": 1.6,
    "public_college": 2.5,
    "private_college": 1.5,
    "tribal_government": 0.5,
    "nonprofit": 0.8,
}
AGENCY_TYPE = {"state": AgencyType.STATE_AGENCY}

SPONSORS = [
    ("National Association of Counties", "NACo", ["county"], True),
    ("National League of Cities", "NLC", ["municipality", "township"], False),
    ("U.S. Conference of Mayors", "USCM", ["municipality"], False),
    (
        "Association of School Business Officials International",
        "ASBO",
        ["school_district", "public_college", "private_college"],
        False,
    ),
    ("National Governors Association", "NGA", ["state_agency"], False),
    ("National Institute of Governmental Purchasing", "NIGP", [t.value for t in AgencyType], False),
    ("California State Association of Counties", "CSAC", ["county"], False),
    ("League of California Cities", "LCC", ["municipality"], False),
]

# The Advisory Board of the case study (U.S. Communities): agency, state, type, county FIPS.
# The Advisory Board of the case study (U.S. Communities), real public bodies: name, state,
# type, county FIPS, population (2020 Census) or approximate enrolment, and web domain.
ADVISORY_AGENCIES = [
    ("Allegheny County", "PA", "county", "42003", 1_250_578, "alleghenycounty.us"),
    ("Cook County", "IL", "county", "17031", 5_275_541, "cookcountyil.gov"),
    ("Dallas County", "TX", "county", "48113", 2_613_539, "dallascounty.org"),
    ("Fairfax County", "VA", "county", "51059", 1_150_309, "fairfaxcounty.gov"),
    ("Hennepin County", "MN", "county", "27053", 1_281_565, "hennepin.us"),
    ("Los Angeles County", "CA", "county", "06037", 10_014_009, "lacounty.gov"),
    ("Maricopa County", "AZ", "county", "04013", 4_420_568, "maricopa.gov"),
    ("Miami-Dade County", "FL", "county", "12086", 2_701_767, "miamidade.gov"),
    ("San Diego County", "CA", "county", "06073", 3_298_634, "sandiegocounty.gov"),
    ("City of Charlotte", "NC", "municipality", "37119", 874_579, "charlottenc.gov"),
    ("City and County of Denver", "CO", "municipality", "08031", 715_522, "denvergov.org"),
    ("City of Los Angeles", "CA", "municipality", "06037", 3_898_747, "lacity.org"),
    ("City of Seattle", "WA", "municipality", "53033", 737_015, "seattle.gov"),
    ("Emory University", "GA", "private_college", "13089", 15_000, "emory.edu"),
    ("North Carolina State University", "NC", "public_college", "37183", 36_000, "ncsu.edu"),
    ("Wichita Public Schools", "KS", "school_district", "20173", 47_000, "usd259.org"),
]
# Departments that buy under their parent's participation, and names suppliers use in reports.
DEPARTMENTS = {
    "Los Angeles County": [
        "Los Angeles County Sheriff's Department",
        "Los Angeles County Fire Department",
        "Los Angeles County Library",
    ],
    "Fairfax County": ["Fairfax County Police Department", "Fairfax County Public Library"],
    "City of Seattle": ["Seattle City Light", "Seattle Public Utilities"],
    "Cook County": ["Cook County Sheriff's Office"],
}
ALIASES = {
    "Los Angeles County": ["COUNTY OF LOS ANGELES", "LA COUNTY", "L.A. CO."],
    "Fairfax County": ["FAIRFAX CO VA", "COUNTY OF FAIRFAX"],
    "City of Charlotte": ["CHARLOTTE CITY OF"],
    "Wichita Public Schools": ["WICHITA USD 259", "UNIFIED SCHOOL DISTRICT 259"],
}
FIRST_NAMES = [
    "Maria",
    "James",
    "Linda",
    "Robert",
    "Patricia",
    "Michael",
    "Barbara",
    "David",
    "Jennifer",
    "William",
    "Elizabeth",
    "Carlos",
    "Susan",
    "Kevin",
    "Angela",
    "Thomas",
    "Denise",
    "Anthony",
    "Karen",
    "Marcus",
    "Nicole",
    "Steven",
    "Teresa",
    "Brian",
]
LAST_NAMES = [
    "Alvarez",
    "Bennett",
    "Chen",
    "Dawson",
    "Ellison",
    "Foster",
    "Garcia",
    "Hughes",
    "Iverson",
    "Jackson",
    "Kowalski",
    "Lindqvist",
    "Morales",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quinn",
    "Ramirez",
    "Sullivan",
    "Thompson",
    "Underwood",
    "Vasquez",
    "Whitaker",
    "Young",
]
CERTIFIERS = {
    "MBE": "National Minority Supplier Development Council",
    "WBE": "Women's Business Enterprise National Council",
    "DBE": "State Unified Certification Program",
    "SBE": "State Small Business Office",
    "VOSB": "SBA Veteran Small Business Certification",
    "SDVOSB": "SBA Veteran Small Business Certification",
    "HUBZone": "U.S. Small Business Administration",
    "DOBE": "Disability:IN",
    "LGBTBE": "National LGBT Chamber of Commerce",
    "LOCAL": "City Office of Small and Local Business",
}


@dataclass
class SeedSummary:
    scale: str
    seed: int
    agencies: Counter[str] = field(default_factory=Counter)
    participants: int = 0
    suppliers: int = 0
    personas: dict[str, str] = field(default_factory=dict)
    agreements: dict[str, int] = field(default_factory=dict)
    sales: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "agencies": dict(self.agencies),
            "participants": self.participants,
            "suppliers": self.suppliers,
            "personas": sorted(self.personas),
            "agreements": self.agreements,
            "sales": self.sales,
        }


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _participation(rng: random.Random, universe: list[DemoAgency], target: int) -> dict[str, int]:
    """Pick ``target`` participants by weighted sampling without replacement
    (Efraimidis-Spirakis keys): larger agencies of keener types are likelier."""
    keys = []
    for agency in universe:
        size = agency.population or agency.enrollment or 100
        weight = PARTICIPATION_WEIGHT[agency.agency_type] * math.log10(size + 10)
        keys.append((rng.random() ** (1.0 / weight), agency.key))
    keys.sort(reverse=True)
    chosen = {key for _, key in keys[:target]}
    # Day offsets after PROGRAM_START; sqrt skews towards recent years (the program grew).
    span = (datetime.date(2026, 10, 31) - PROGRAM_START).days
    return {key: int(span * math.sqrt(rng.random())) for key in sorted(chosen)}


def _route(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.72:
        return ParticipationRoute.SELF_REGISTERED
    return ParticipationRoute.ENROLLED_BY_OFFICE if draw < 0.9 else ParticipationRoute.SALES_REPORT


def _load_universe(
    universe: list[DemoAgency],
    rng: random.Random,
    target: int,
    progress: Callable[[int], None] | None,
) -> Counter[str]:
    states = {s.postal: s for s in State.objects.all()}
    # ``county_index`` indexes the state's counties in FIPS order (``universe.county_areas``,
    # read from the same county file the County table was loaded from).
    counties: dict[str, list[County]] = {}
    by_state_id = {s.pk: s.postal for s in states.values()}
    for row in County.objects.order_by("fips"):
        counties.setdefault(by_state_id[row.state_id], []).append(row)
    joined = _participation(rng, universe, target)
    counts: Counter[str] = Counter()
    for start in range(0, len(universe), BATCH):
        chunk = universe[start : start + BATCH]
        rows = []
        for demo in chunk:
            county = (
                counties[demo.state_postal][demo.county_index]
                if demo.county_index is not None
                else None
            )
            offset = joined.get(demo.key)
            agency_type = AGENCY_TYPE.get(demo.agency_type, demo.agency_type)
            rows.append(
                Agency(
                    name=demo.name,
                    search_name=normalise_name(demo.name),
                    agency_type=agency_type,
                    special_district_function=demo.special_district_function,
                    state=states[demo.state_postal],
                    county=county,
                    census_id=demo.census_id or None,
                    ein=demo.ein,
                    population=demo.population,
                    enrollment=demo.enrollment,
                    website=f"https://www.{demo.email_domain}/",
                    participating_since=(
                        PROGRAM_START + datetime.timedelta(days=offset)
                        if offset is not None
                        else None
                    ),
                    participation_route=_route(rng) if offset is not None else "",
                )
            )
            counts[agency_type] += 1
        created = Agency.objects.bulk_create(rows, batch_size=BATCH)
        AgencyDomain.objects.bulk_create(
            [
                AgencyDomain(
                    agency=agency,
                    domain=demo.email_domain,
                    verified=agency.participating_since is not None,
                )
                for agency, demo in zip(created, chunk, strict=True)
            ],
            batch_size=BATCH,
        )
        ExemptOrganization.objects.bulk_create(
            [
                ExemptOrganization(
                    ein=demo.ein,
                    name=demo.name.upper(),
                    state_postal=demo.state_postal,
                    subsection="03",
                    status="01",
                    source="demo",
                )
                for demo in chunk
                if demo.ein
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        if progress:
            progress(len(chunk))
    return counts


def _advisory_board(rng: random.Random) -> list[Agency]:
    states = {s.postal: s for s in State.objects.all()}
    members = []
    for name, postal, agency_type, county_fips, size, domain in ADVISORY_AGENCIES:
        agency = Agency.objects.filter(state__postal=postal, name=name).first()
        if agency is None:
            agency = Agency(
                name=name,
                agency_type=agency_type,
                state=states[postal],
                county=County.objects.filter(fips=county_fips).first(),
            )
        if agency_type in ("county", "municipality"):
            agency.population, agency.enrollment = size, None
        else:
            agency.population, agency.enrollment = None, size
        agency.website = f"https://www.{domain}/"
        # the Advisory Board's agencies founded the program: participants from its first day
        agency.participating_since = PROGRAM_START
        agency.participation_route = (
            agency.participation_route or ParticipationRoute.ENROLLED_BY_OFFICE
        )
        agency.save()
        AgencyDomain.objects.filter(agency=agency).delete()
        AgencyDomain.objects.update_or_create(
            domain=domain, defaults={"agency": agency, "verified": True}
        )
        AdvisoryBoardMember.objects.create(
            agency=agency,
            person_name=_person(rng),
            title="Purchasing Director",
            term_start=datetime.date(2025, 1, 1),
            term_end=datetime.date(2027, 12, 31),
        )
        members.append(agency)
        for department in DEPARTMENTS.get(name, []):
            Agency.objects.create(
                name=department,
                agency_type=agency.agency_type,
                state=agency.state,
                county=agency.county,
                parent=agency,
                participating_since=PROGRAM_START,
                participation_route=ParticipationRoute.ENROLLED_BY_OFFICE,
            )
        for alias in ALIASES.get(name, []):
            AgencyAlias.objects.create(
                agency=agency, name=alias, source=AgencyAlias.Source.SALES_REPORT
            )
    return members


def _governance(rng: random.Random) -> list[Sponsor]:
    sponsors = [
        Sponsor.objects.create(
            name=name, acronym=acronym, represents=represents, is_managing_sponsor=managing
        )
        for name, acronym, represents, managing in SPONSORS
    ]
    foundation = Foundation.objects.create(
        name="Interlocal Cooperative Purchasing Foundation",
        mission="Governs the program for the benefit of public agencies and the public "
        "purchasing profession.",
    )
    for i, sponsor in enumerate(sponsors):
        FoundationBoardSeat.objects.create(
            foundation=foundation,
            sponsor=sponsor,
            person_name=_person(rng),
            office="Chair" if i == 0 else ("Treasurer" if i == 1 else ""),
            term_start=datetime.date(2025, 7, 1),
            term_end=datetime.date(2027, 6, 30),
        )
    return sponsors


def _suppliers(rng: random.Random, count: int) -> list[Supplier]:
    states = list(State.objects.filter(kind="state"))
    today = timezone.localdate()
    suppliers: list[Supplier] = []
    names: set[str] = set()
    while len(suppliers) < count:
        name = company_name(rng)
        if name in names:
            continue
        names.add(name)
        supplier = Supplier.objects.create(
            legal_name=name,
            uei=f"D{len(suppliers):04d}{rng.randrange(10**7):07d}",
            ein=f"{rng.randrange(10, 99)}{rng.randrange(10**7):07d}",
            hq_state=rng.choice(states),
            business_size=rng.choice([Supplier.Size.SMALL, Supplier.Size.OTHER_THAN_SMALL]),
        )
        for kind in rng.sample(list(CertificationKind.values), k=rng.choice([0, 0, 1, 1, 2])):
            if rng.random() < 0.2:  # lapsed: a year-long certificate that ended before today
                start = today - datetime.timedelta(days=rng.randrange(400, 1200))
                end = start + datetime.timedelta(days=rng.randrange(180, 366))
            else:
                start = today - datetime.timedelta(days=rng.randrange(30, 900))
                end = today + datetime.timedelta(days=rng.randrange(60, 900))
            Certification.objects.create(
                supplier=supplier,
                kind=kind,
                certifying_body=CERTIFIERS[kind],
                number=f"{kind}-{rng.randrange(10**6):06d}",
                valid_from=start,
                valid_to=end,
                verification_status=rng.choice(["verified", "verified", "verified", "pending"]),
            )
        suppliers.append(supplier)
    return suppliers


def _persona(email: str, name: str, title: str, org: Organization, role: str) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=DEMO_PASSWORD, full_name=name, title=title
    )
    Membership.objects.get_or_create(user=user, organization=org, role=role)
    return user


def _org(
    kind: str,
    name: str,
    agency: Agency | None = None,
    supplier: Supplier | None = None,
    sponsor: Sponsor | None = None,
) -> Organization:
    org, _ = Organization.objects.get_or_create(
        kind=kind, name=name, agency=agency, supplier=supplier, sponsor=sponsor
    )
    return org


def _personas(
    rng: random.Random, advisory: list[Agency], sponsors: list[Sponsor], suppliers: list[Supplier]
) -> dict[str, str]:
    office = _org(OrgKind.PROGRAM_OFFICE, "Program office")
    lead = advisory[5]  # Los Angeles County, the first lead agency in the case study
    # A Texas city: Texas has starter eligibility rules, so the buyer sees a real verdict.
    cities = Agency.objects.participating().filter(
        agency_type=AgencyType.MUNICIPALITY, population__gte=20_000
    )
    buyer_agency = (
        cities.filter(state__postal="TX").order_by("name").first()
        or cities.order_by("name").first()
        or advisory[10]
    )
    lead_org = _org(OrgKind.AGENCY, lead.name, agency=lead)
    buyer_org = _org(OrgKind.AGENCY, buyer_agency.name, agency=buyer_agency)
    advisory_org = _org(OrgKind.AGENCY, advisory[3].name, agency=advisory[3])
    supplier_org = _org(OrgKind.SUPPLIER, suppliers[0].legal_name, supplier=suppliers[0])
    sponsor_org = _org(OrgKind.SPONSOR, sponsors[0].name, sponsor=sponsors[0])
    plan = [
        ("Program Administrator", office, Role.PROGRAM_ADMIN),
        ("Independent Auditor", office, Role.AUDITOR),
        (
            "Lead-Agency Contract Officer",
            lead_org,
            Role.LEAD_AGENCY_OFFICER,
        ),
        (f"Buyer at {buyer_agency.name}", buyer_org, Role.BUYER),
        (
            f"Account Manager, {suppliers[0].legal_name}",
            supplier_org,
            Role.SUPPLIER_REP,
        ),
        ("NACo Program Liaison", sponsor_org, Role.SPONSOR_VIEWER),
        (
            "Purchasing Director, Fairfax County",
            advisory_org,
            Role.ADVISORY_MEMBER,
        ),
    ]
    personas = {}
    for name, org, role in plan:
        email = PERSONAS[role.value]
        user = _persona(email, name, "", org, role)
        personas[role.value] = email
        if role == Role.PROGRAM_ADMIN:
            TOTP.activate(user, DEMO_TOTP_SECRET)
    treasurer = _persona(TREASURER, "Program Treasurer", "", office, Role.PROGRAM_ADMIN)
    TOTP.activate(treasurer, DEMO_TOTP_SECRET)
    personas["treasurer"] = TREASURER
    member = AdvisoryBoardMember.objects.filter(agency=advisory[3]).first()
    if member:
        member.user = User.objects.get(email=PERSONAS[Role.ADVISORY_MEMBER.value])
        member.save(update_fields=["user"])
    return personas


def _pending_registrations(rng: random.Random) -> None:
    ids = list(
        Agency.objects.filter(participating_since__isnull=True)
        .exclude(agency_type=AgencyType.NONPROFIT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(ids, k=min(6, len(ids)))
    for agency in Agency.objects.filter(pk__in=chosen).order_by("pk"):
        domain = agency.domains.first()
        email_domain = domain.domain if domain else "example.org"
        person = _person(rng)
        signed_at = timezone.now() - datetime.timedelta(minutes=rng.randrange(60, 72 * 60))
        registration = Registration.objects.create(
            agency=agency,
            contact_name=person,
            contact_title="Purchasing Agent",
            contact_email=f"{person.split()[0].lower()}@{email_domain}",
            terms_version="2026-1",
            signed_name=person,
            signed_at=signed_at,
        )
        # received when signed (created_at is set on insert, so backdate it explicitly)
        Registration.objects.filter(pk=registration.pk).update(created_at=signed_at)


def seed_demo(
    scale_name: str,
    seed: int,
    progress: Callable[[int], None] | None = None,
    *,
    history: bool = True,
) -> SeedSummary:
    """Seed an empty database; refuses to write over an existing program. The program is one
    transaction; its sales history follows (:func:`seed_history`), unless ``history`` is
    False, when it is left for a later ``seed_history``."""
    if scale_name not in SCALES:
        raise ValueError(f"unknown scale '{scale_name}'; choose {', '.join(SCALES)}")
    if Agency.objects.exists():
        raise RuntimeError("the database already holds a program; seeding would mix data")
    scale = SCALES[scale_name]
    rng = random.Random(seed)
    universe = list(generate_universe(scale, seed))
    summary = SeedSummary(scale=scale_name, seed=seed)
    with transaction.atomic():
        summary.agencies = _load_universe(
            universe, rng, round(NATIONAL_PARTICIPANTS * scale), progress
        )
        advisory = _advisory_board(rng)
        sponsors = _governance(rng)
        suppliers = _suppliers(rng, max(12, round(120 * scale)))
        summary.suppliers = len(suppliers)
        summary.personas = _personas(rng, advisory, sponsors, suppliers)
        summary.agreements = seed_agreements(rng, scale, advisory, suppliers, summary.personas)
        _pending_registrations(rng)
        summary.participants = Agency.objects.participating().count()
        audit.record(
            actor=None,
            actor_label="operator: manage.py seed_demo",
            verb=SEED_VERB,
            object_type="registry.agency",
            object_repr=f"demo program, scale {scale_name}",
            after=summary.as_dict(),
        )
    if history:
        summary.sales = seed_history()
        summary.participants = Agency.objects.participating().count()
    return summary


def seed_history(progress: Callable[[Quarter, int], None] | None = None) -> dict[str, Any]:
    """Write the seeded program's sales history, or what is left of it; the scale and seed are
    the program's own (its ``demo.seed`` audit event). Refused when no demo was seeded."""
    event = AuditEvent.objects.filter(verb=SEED_VERB).order_by("pk").last()
    if event is None:
        raise RuntimeError("no demo program here to write a sales history for: seed one first")
    after = event.after or {}
    scale, seed = SCALES[after["scale"]], int(after["seed"])
    return seed_sales(seed, scale, PERSONAS, progress)
