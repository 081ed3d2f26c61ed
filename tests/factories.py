"""factory-boy factories for tests. Geography comes from the migrations (real FIPS codes)."""

import datetime

import factory
from allauth.mfa.totp.internal.auth import TOTP

from interlocal.accounts.models import Membership, Organization, User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.core.models import County, State
from interlocal.registry.models import Agency, AgencyType, Certification, Sponsor, Supplier

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
