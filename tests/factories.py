"""factory-boy factories for tests. Geography comes from the migrations (real FIPS codes)."""

import datetime
from typing import TYPE_CHECKING

import factory
from allauth.mfa.totp.internal.auth import TOTP

from interlocal.accounts.models import Membership, Organization, User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.core.models import County, State
from interlocal.registry.models import Agency, AgencyType, Certification, Sponsor, Supplier

if TYPE_CHECKING:
    from interlocal.agreements.models import Agreement

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def state(postal: str = "TX") -> State:
    return State.objects.get(postal=postal)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"City of Testville {n}")
    agency_type = AgencyType.MUNICIPALITY
    state = factory.LazyFunction(lambda: state("TX"))
    county = factory.LazyAttribute(
        lambda o: County.objects.filter(state=o.state).order_by("fips").first()
    )
    census_id = factory.Sequence(lambda n: f"44201{n:09d}")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    legal_name = factory.Sequence(lambda n: f"Summit Supply {n}, LLC")
    uei = factory.Sequence(lambda n: f"TESTUEI{n:05d}")
    hq_state = factory.LazyFunction(lambda: state("OH"))
    business_size = Supplier.Size.SMALL


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    supplier = factory.SubFactory(SupplierFactory)
    kind = "WBE"
    certifying_body = "Test Certifying Council"
    number = factory.Sequence(lambda n: f"WBE-{n:06d}")
    valid_from = datetime.date(2025, 1, 1)
    valid_to = datetime.date(2027, 12, 31)
    verification_status = Certification.Verification.VERIFIED


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    name = factory.Sequence(lambda n: f"Association {n}")
    acronym = factory.Sequence(lambda n: f"A{n}")
    represents = ["county"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def organization_for(
    kind: str,
    *,
    agency: Agency | None = None,
    supplier: Supplier | None = None,
    sponsor: Sponsor | None = None,
    name: str = "",
) -> Organization:
    return Organization.objects.create(
        kind=kind,
        agency=agency,
        supplier=supplier,
        sponsor=sponsor,
        name=name or str(agency or supplier or sponsor or "Program office"),
    )


def member(user: User, organization: Organization, role: str) -> User:
    Membership.objects.create(user=user, organization=organization, role=role)
    for attr in ("roles", "active_memberships", "primary_organization"):
        user.__dict__.pop(attr, None)
    if role == Role.PROGRAM_ADMIN:
        TOTP.activate(user, TOTP_SECRET)
    return user


def make_personas() -> dict[str, User]:
    """One user per role, each in an organization of the right kind."""
    office = organization_for(OrgKind.PROGRAM_OFFICE, name="Program office")
    lead = organization_for(
        OrgKind.AGENCY, agency=AgencyFactory(name="Harmon County", agency_type="county")
    )
    buyer_agency = organization_for(OrgKind.AGENCY, agency=AgencyFactory(name="City of Lake Ridge"))
    supplier = organization_for(OrgKind.SUPPLIER, supplier=SupplierFactory())
    sponsor = organization_for(OrgKind.SPONSOR, sponsor=SponsorFactory())
    plan = {
        Role.PROGRAM_ADMIN: office,
        Role.AUDITOR: office,
        Role.LEAD_AGENCY_OFFICER: lead,
        Role.ADVISORY_MEMBER: lead,
        Role.BUYER: buyer_agency,
        Role.SUPPLIER_REP: supplier,
        Role.SPONSOR_VIEWER: sponsor,
    }
    return {
        role.value: member(UserFactory(email=f"{role.value}@example.gov"), org, role)
        for role, org in plan.items()
    }


def advisory_board(size: int = 3) -> list[User]:
    """Advisory Board members able to vote, each at an agency of their own."""
    members = []
    for i in range(size):
        agency = AgencyFactory(name=f"Advisory Agency {i}")
        organization = organization_for(OrgKind.AGENCY, agency=agency)
        members.append(member(UserFactory(), organization, Role.ADVISORY_MEMBER))
    return members


def supplier_rep(name: str = "") -> User:
    """A supplier representative for a new supplier."""
    supplier = SupplierFactory(**({"legal_name": name} if name else {}))
    organization = organization_for(OrgKind.SUPPLIER, supplier=supplier)
    return member(UserFactory(), organization, Role.SUPPLIER_REP)


def agreement(**overrides: object) -> "Agreement":
    """A master agreement without a solicitation (as migrated from before the program's
    records), 3 years from 2026-01-01 with two 1-year renewal options and the default fee."""
    from interlocal.agreements.models import Agreement, FeeSchedule
    from interlocal.agreements.services import term_end
    from interlocal.agreements.services.terms import add_renewal_options

    effective = overrides.pop("effective_on", datetime.date(2026, 1, 1))
    months = overrides.pop("initial_term_months", 36)
    end = term_end(effective, months)  # type: ignore[arg-type]
    values: dict[str, object] = {
        "number": f"MA-{Agreement.objects.count() + 1:04d}",
        "title": "Office supplies",
        "lead_agency": AgencyFactory(name="Harmon County Purchasing", agency_type="county"),
        "supplier": SupplierFactory(),
        "scope": "goods",
        "description": "Office supplies and paper",
        "cooperative_clause": "Any public agency may use this agreement.",
        "effective_on": effective,
        "initial_term_months": months,
        "initial_term_ends_on": end,
        "expires_on": end,
    }
    values.update(overrides)
    made = Agreement.objects.create(**values)
    add_renewal_options(made, [12, 12])
    FeeSchedule.objects.create(agreement=made, effective_from=effective)
    return made
