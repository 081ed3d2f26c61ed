"""Roles come from memberships in active organizations; only the program office assigns them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.accounts.models import Membership, Organization, User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.accounts.services import add_membership
from interlocal.core.models import AuditEvent
from tests.factories import (
    AgencyFactory,
    SponsorFactory,
    SupplierFactory,
    UserFactory,
    organization_for,
)


def _org(kind: str) -> Organization:
    if kind == OrgKind.AGENCY:
        return organization_for(kind, agency=AgencyFactory())
    if kind == OrgKind.SUPPLIER:
        return organization_for(kind, supplier=SupplierFactory())
    if kind == OrgKind.SPONSOR:
        return organization_for(kind, sponsor=SponsorFactory())
    return organization_for(kind, name="Program office")


def _fresh(user: User) -> User:
    """The user as a new request would load it (no cached roles)."""
    return User.objects.get(pk=user.pk)


# --- which roles an organization kind can hold ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (OrgKind.SUPPLIER, Role.BUYER),
        (OrgKind.SUPPLIER, Role.PROGRAM_ADMIN),
        (OrgKind.AGENCY, Role.PROGRAM_ADMIN),
        (OrgKind.AGENCY, Role.SUPPLIER_REP),
        (OrgKind.AGENCY, Role.AUDITOR),
        (OrgKind.SUPPLIER, Role.AUDITOR),
        (OrgKind.SPONSOR, Role.AUDITOR),
        (OrgKind.SPONSOR, Role.BUYER),
        (OrgKind.PROGRAM_OFFICE, Role.SUPPLIER_REP),
        (OrgKind.PROGRAM_OFFICE, Role.BUYER),
    ],
)
def test_membership_clean_refuses_a_role_the_organization_kind_cannot_have(kind, role):
    # given an organization of one kind
    org = _org(kind)

    # when a membership with a role foreign to that kind is validated
    membership = Membership(user=UserFactory(), organization=org, role=role)

    # then it is refused on the role field, with a message naming kind and role
    with pytest.raises(ValidationError) as excinfo:
        membership.clean()
    message = " ".join(excinfo.value.message_dict["role"])
    assert org.get_kind_display() in message
    assert membership.get_role_display() in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (OrgKind.SUPPLIER, Role.SUPPLIER_REP),
        (OrgKind.AGENCY, Role.BUYER),
        (OrgKind.AGENCY, Role.LEAD_AGENCY_OFFICER),
        (OrgKind.SPONSOR, Role.SPONSOR_VIEWER),
        (OrgKind.PROGRAM_OFFICE, Role.PROGRAM_ADMIN),
        (OrgKind.PROGRAM_OFFICE, Role.AUDITOR),
    ],
)
def test_membership_clean_accepts_a_role_the_organization_kind_has(kind, role):
    # given an organization and a role that belongs in it
    membership = Membership(user=UserFactory(), organization=_org(kind), role=role)

    # when it is validated
    # then nothing is raised
    membership.clean()


# --- assigning roles --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "actor_role",
    ["buyer", "lead_agency_officer", "supplier_rep", "sponsor_viewer", "auditor"],
)
def test_only_the_program_office_assigns_roles(personas, actor_role):
    # given a member who is not a program administrator, and a newcomer
    newcomer = UserFactory()
    org = personas["buyer"].primary_organization

    # when they try to give the newcomer a role
    # then it is refused and nothing is stored or audited
    with pytest.raises(PermissionDenied):
        add_membership(actor=personas[actor_role], user=newcomer, organization=org, role="buyer")
    assert not Membership.objects.filter(user=newcomer).exists()
    assert not AuditEvent.objects.filter(verb="membership.add").exists()


@pytest.mark.django_db
def test_the_program_admin_assigns_a_role_and_it_is_audited(personas):
    # given the program administrator and a newcomer
    admin = personas["program_admin"]
    newcomer = UserFactory(email="newcomer@example.gov")
    org = personas["buyer"].primary_organization
    assert newcomer.roles == frozenset()  # read once, so the answer is cached on the object

    # when the administrator makes the newcomer a buyer
    membership = add_membership(actor=admin, user=newcomer, organization=org, role=Role.BUYER)

    # then the membership exists, is audited, and the same user object's roles reflect it at
    # once (the cached answer is dropped)
    assert membership.pk is not None
    event = AuditEvent.objects.get(verb="membership.add")
    assert event.actor == admin
    assert event.organization == org
    assert event.after == {"user": "newcomer@example.gov", "role": "buyer", "organization": org.pk}
    assert newcomer.roles == frozenset({"buyer"})
    assert newcomer.has_role(Role.BUYER)
    assert newcomer.primary_organization == org


@pytest.mark.django_db
def test_assigning_the_same_role_twice_keeps_one_membership(personas):
    # given a newcomer already made a buyer
    admin = personas["program_admin"]
    newcomer = UserFactory()
    org = personas["buyer"].primary_organization
    add_membership(actor=admin, user=newcomer, organization=org, role=Role.BUYER)

    # when the same role is assigned again
    add_membership(actor=admin, user=newcomer, organization=org, role=Role.BUYER)

    # then there is still one membership and one audit event
    assert Membership.objects.filter(user=newcomer).count() == 1
    assert AuditEvent.objects.filter(verb="membership.add").count() == 1


@pytest.mark.django_db
def test_add_membership_refuses_a_role_the_organization_kind_cannot_have(personas):
    # given a supplier organization
    supplier_org = personas["supplier_rep"].primary_organization
    newcomer = UserFactory()

    # when the program administrator tries to make someone a buyer there
    # then it is refused on the role field and nothing is stored
    with pytest.raises(ValidationError) as excinfo:
        add_membership(
            actor=personas["program_admin"],
            user=newcomer,
            organization=supplier_org,
            role=Role.BUYER,
        )
    assert "role" in excinfo.value.message_dict
    assert not Membership.objects.filter(user=newcomer).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [OrgKind.AGENCY, OrgKind.SUPPLIER, OrgKind.SPONSOR])
def test_the_auditor_role_is_given_only_in_the_program_office(personas, kind):
    # given an organization outside the program office and a newcomer
    org = _org(kind)
    newcomer = UserFactory()

    # when the program administrator tries to make the newcomer its auditor
    # then it is refused on the role field: an auditor reads the program-wide queue and audit
    # trail, so the role belongs to the program office
    with pytest.raises(ValidationError) as excinfo:
        add_membership(
            actor=personas["program_admin"], user=newcomer, organization=org, role=Role.AUDITOR
        )
    assert "role" in excinfo.value.message_dict
    assert not Membership.objects.filter(user=newcomer).exists()


@pytest.mark.django_db
def test_an_auditor_row_written_in_an_agency_grants_no_oversight(personas):
    # given a person with an auditor membership in an agency, written around the rules (a
    # fixture, a database edit), and the program office's auditor
    agency_org = personas["buyer"].primary_organization
    person = UserFactory()
    Membership.objects.create(user=person, organization=agency_org, role=Role.AUDITOR)
    person = _fresh(person)
    assert person.has_role(Role.AUDITOR)

    # when their permissions are checked
    # then the agency "auditor" reads neither the registration queue nor the audit trail,
    # while the program office's auditor does
    for permission in ("registration:view_queue", "audit:view"):
        assert not person.has_perm(permission), permission
        assert _fresh(personas["auditor"]).has_perm(permission), permission


@pytest.mark.django_db
def test_an_auditor_at_an_agency_and_the_program_office_keeps_oversight(personas):
    # given the program office's auditor, who also holds a stray auditor row at an agency
    auditor = personas["auditor"]
    Membership.objects.create(
        user=auditor, organization=personas["buyer"].primary_organization, role=Role.AUDITOR
    )

    # when their permissions are checked
    # then the program-office membership still counts
    assert _fresh(auditor).has_perm("audit:view")


@pytest.mark.django_db
def test_the_system_may_assign_roles_without_an_actor(personas):
    # given a newcomer (e.g. the contact of an approved registration)
    newcomer = UserFactory()
    org = personas["buyer"].primary_organization

    # when the system assigns a role with no actor
    add_membership(actor=None, user=newcomer, organization=org, role=Role.BUYER)

    # then it is stored and audited with no actor
    assert _fresh(newcomer).has_role(Role.BUYER)
    assert AuditEvent.objects.get(verb="membership.add").actor is None


# --- what memberships grant -------------------------------------------------------------------


@pytest.mark.django_db
def test_roles_and_has_role_reflect_memberships(personas):
    # given a person who is a buyer and an advisory member of one agency, and a user with none
    org = _org(OrgKind.AGENCY)
    person = UserFactory()
    Membership.objects.create(user=person, organization=org, role=Role.BUYER)
    Membership.objects.create(user=person, organization=org, role=Role.ADVISORY_MEMBER)
    nobody = UserFactory()

    # when their roles are read
    person, nobody = _fresh(person), _fresh(nobody)

    # then roles lists exactly those, and has_role answers for any of several roles
    assert person.roles == frozenset({"buyer", "advisory_member"})
    assert person.has_role(Role.BUYER)
    assert person.has_role(Role.PROGRAM_ADMIN, Role.ADVISORY_MEMBER)
    assert not person.has_role(Role.PROGRAM_ADMIN)
    assert not person.has_role()
    assert person.primary_organization == org
    assert person.organizations_with(Role.BUYER) == [org]
    assert person.organizations_with(Role.SUPPLIER_REP) == []
    assert nobody.roles == frozenset()
    assert not nobody.has_role(*Role.values)
    assert nobody.primary_organization is None


@pytest.mark.django_db
def test_each_persona_holds_exactly_its_role(personas):
    # given the personas
    # when each one's roles are read fresh
    # then each holds only the role it is named for
    for role, user in personas.items():
        assert _fresh(user).roles == frozenset({role}), role


@pytest.mark.django_db
def test_a_membership_in_an_inactive_organization_grants_nothing(personas):
    # given a buyer whose agency organization is then deactivated
    buyer = personas["buyer"]
    assert _fresh(buyer).has_perm("apikey:manage")
    Organization.objects.filter(pk=buyer.primary_organization.pk).update(is_active=False)

    # when their roles are read
    buyer = _fresh(buyer)

    # then they have no role, no organization and no member permission
    assert buyer.roles == frozenset()
    assert not buyer.has_role(Role.BUYER)
    assert buyer.primary_organization is None
    assert buyer.organizations_with(Role.BUYER) == []
    assert not buyer.has_perm("apikey:manage")


@pytest.mark.django_db
def test_an_inactive_organization_does_not_hide_roles_held_elsewhere():
    # given a person who is a buyer at an inactive agency and a sponsor viewer at an active one
    inactive, active = _org(OrgKind.AGENCY), _org(OrgKind.SPONSOR)
    Organization.objects.filter(pk=inactive.pk).update(is_active=False)
    person = UserFactory()
    Membership.objects.create(user=person, organization=inactive, role=Role.BUYER)
    Membership.objects.create(user=person, organization=active, role=Role.SPONSOR_VIEWER)

    # when their roles are read
    person = _fresh(person)

    # then only the active organization's role counts
    assert person.roles == frozenset({"sponsor_viewer"})
    assert person.primary_organization == active
