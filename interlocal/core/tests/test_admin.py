"""The back office: program administrators only, and every change is an audit event."""

import datetime
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import ROLES
from interlocal.accounts.admin import MembershipInline
from interlocal.accounts.models import Membership, User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.core import audit
from interlocal.core.models import AuditEvent
from interlocal.registry import admin as registry_admin
from interlocal.registry.admin import (
    AliasInline,
    BoardSeatInline,
    CertificationInline,
    DomainInline,
)
from interlocal.registry.models import (
    AdvisoryBoardMember,
    Agency,
    AgencyAlias,
    AgencyDomain,
    Certification,
    Foundation,
    FoundationBoardSeat,
    ParticipationRoute,
    Registration,
    Supplier,
)
from tests.factories import (
    AgencyFactory,
    CertificationFactory,
    SponsorFactory,
    SupplierFactory,
    UserFactory,
    organization_for,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_only_program_admins_enter_the_back_office(client_for, role) -> None:
    response = client_for(role).get("/admin/registry/agency/")
    if role == "program_admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_admin_edit_is_audited_with_before_and_after(client_for) -> None:
    agency = AgencyFactory(name="City of Lake Rdige")
    admin = client_for("program_admin")
    form = admin.get(f"/admin/registry/agency/{agency.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {
        "name": "City of Lake Ridge",
        "state": agency.state_id,
        "county": agency.county_id,
        "domains-TOTAL_FORMS": 0,
        "domains-INITIAL_FORMS": 0,
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
    }
    response = admin.post(f"/admin/registry/agency/{agency.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(verb="admin.change")
    assert event.before["name"] == "City of Lake Rdige"
    assert event.after["name"] == "City of Lake Ridge"
    assert event.actor.email == "program_admin@example.gov"


def test_audit_events_are_read_only_in_the_back_office(client_for) -> None:
    AgencyFactory()
    admin = client_for("program_admin")
    assert admin.get("/admin/core/auditevent/").status_code == 200
    assert admin.get("/admin/core/auditevent/add/").status_code == 403


# --- inlines: visible to the program office, and audited row by row ------------------------


def _values(form: Any) -> dict[str, Any]:
    """The values an untouched form posts back (unchecked boxes and empty files post nothing)."""
    values = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or isinstance(value, FieldFile):
            continue
        values[form.add_prefix(name)] = value
    return values


def _change_page(client: Any, url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """GET a change page; return what posting it back unchanged would send, and the inline
    formsets by prefix."""
    response = client.get(url)
    assert response.status_code == 200
    data = _values(response.context["adminform"].form)
    formsets = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        formsets[formset.prefix] = inline
        count = len(formset.initial_forms)
        data |= {f"{formset.prefix}-TOTAL_FORMS": count, f"{formset.prefix}-INITIAL_FORMS": count}
        for form in formset.initial_forms:
            data |= _values(form)
    return data, formsets


def _add_row(data: dict[str, Any], prefix: str, **fields: Any) -> dict[str, Any]:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    data |= {f"{prefix}-{index}-{name}": value for name, value in fields.items()}
    return data


def _foundation() -> Foundation:
    foundation = Foundation.objects.create(name="Interlocal Foundation")
    FoundationBoardSeat.objects.create(
        foundation=foundation,
        sponsor=SponsorFactory(),
        person_name="Dana Whitfield",
        term_start=datetime.date(2025, 1, 1),
    )
    return foundation


@pytest.mark.parametrize(
    ("url", "prefixes"),
    [
        ("/admin/registry/agency/{agency}/change/", ["domains", "aliases"]),
        ("/admin/registry/supplier/{supplier}/change/", ["certifications"]),
        ("/admin/registry/foundation/{foundation}/change/", ["board_seats"]),
        ("/admin/accounts/user/{user}/change/", ["memberships"]),
    ],
)
def test_program_admins_can_use_every_inline(client_for, url, prefixes) -> None:
    # given one object of each kind that has inlines
    ids = {
        "agency": AgencyFactory().pk,
        "supplier": CertificationFactory().supplier_id,
        "foundation": _foundation().pk,
        "user": UserFactory().pk,
    }
    # when a program admin opens its change page
    _data, formsets = _change_page(client_for("program_admin"), url.format(**ids))
    # then every inline is there, and rows can be added, changed and deleted
    assert list(formsets) == prefixes
    for inline in formsets.values():
        assert inline.has_add_permission and inline.has_change_permission
        assert inline.has_delete_permission and inline.has_view_permission


INLINES = [
    (DomainInline, Agency),
    (AliasInline, Agency),
    (CertificationInline, Supplier),
    (BoardSeatInline, Foundation),
    (MembershipInline, User),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("inline_class", "parent"), INLINES)
def test_inline_permissions_belong_to_program_admins_only(
    personas, role, inline_class, parent
) -> None:
    # given a request by a person holding the role
    request = RequestFactory().get("/admin/")
    request.user = personas[role]
    # when the inline is asked what the person may do
    inline = inline_class(parent, admin.site)
    allowed = [
        inline.has_view_permission(request, None),
        inline.has_add_permission(request, None),
        inline.has_change_permission(request, None),
        inline.has_delete_permission(request, None),
    ]
    # then only a program admin may do anything
    assert allowed == [role == "program_admin"] * 4


def test_a_program_admin_adds_a_verified_domain_through_the_inline(client_for) -> None:
    # given an agency with no domain on file
    agency = AgencyFactory(name="Harmon County", agency_type="county")
    admin_client = client_for("program_admin")
    url = f"/admin/registry/agency/{agency.pk}/change/"
    data, _ = _change_page(admin_client, url)
    # when the program admin adds its web address as a verified domain
    _add_row(data, "domains", domain="https://www.HarmonCounty.GOV/", verified="on")
    response = admin_client.post(url, data)
    # then the domain is on file, normalised, stamped, and its addition is audited
    assert response.status_code == 302, response.content.decode()[:3000]
    domain = AgencyDomain.objects.get(agency=agency)
    assert (domain.domain, domain.verified) == ("harmoncounty.gov", True)
    assert domain.verified_at is not None
    event = AuditEvent.objects.get(verb="admin.add")
    assert (event.object_type, event.object_id) == ("registry.agencydomain", str(domain.pk))
    assert event.after["domain"] == "harmoncounty.gov" and event.after["verified"] is True
    assert event.actor.email == "program_admin@example.gov"
    assert list(audit.verify_chain()) == []


def test_a_domain_of_another_agency_is_refused_with_a_message(client_for) -> None:
    # given a domain already on file for another agency
    other = AgencyFactory(name="Harmon County")
    AgencyDomain.objects.create(agency=other, domain="harmoncounty.gov")
    agency = AgencyFactory()
    admin_client = client_for("program_admin")
    url = f"/admin/registry/agency/{agency.pk}/change/"
    data, _ = _change_page(admin_client, url)
    events = AuditEvent.objects.count()
    # when the program admin adds it to this agency too
    response = admin_client.post(url, _add_row(data, "domains", domain="HarmonCounty.gov"))
    # then the page says whose it is, and nothing is written
    assert response.status_code == 200
    assert "harmoncounty.gov is already a domain of Harmon County (TX)" in response.content.decode()
    assert not AgencyDomain.objects.filter(agency=agency).exists()
    assert AuditEvent.objects.count() == events


def test_changing_and_deleting_inline_rows_is_audited_with_before_and_after(client_for) -> None:
    # given an agency with two aliases
    agency = AgencyFactory()
    kept = AgencyAlias.objects.create(agency=agency, name="Testvile", source="sales_report")
    dropped = AgencyAlias.objects.create(agency=agency, name="Old Name", source="import")
    admin_client = client_for("program_admin")
    url = f"/admin/registry/agency/{agency.pk}/change/"
    data, formsets = _change_page(admin_client, url)
    rows = {form.instance.pk: form.prefix for form in formsets["aliases"].formset.initial_forms}
    # when the program admin corrects one and deletes the other
    data[f"{rows[kept.pk]}-name"] = "Testville"
    data[f"{rows[dropped.pk]}-DELETE"] = "on"
    response = admin_client.post(url, data)
    # then one event each, naming the row, with what it was and what it became
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(AgencyAlias.objects.filter(agency=agency).values_list("name", flat=True)) == [
        "Testville"
    ]
    change = AuditEvent.objects.get(verb="admin.change", object_type="registry.agencyalias")
    assert change.object_id == str(kept.pk)
    assert (change.before["name"], change.after["name"]) == ("Testvile", "Testville")
    delete = AuditEvent.objects.get(verb="admin.delete", object_type="registry.agencyalias")
    assert delete.object_id == str(dropped.pk)
    assert delete.before["name"] == "Old Name" and delete.after is None
    # and the agency itself, untouched, is not recorded as changed
    assert sorted(AuditEvent.objects.values_list("verb", "object_type")) == [
        ("admin.change", "registry.agencyalias"),
        ("admin.delete", "registry.agencyalias"),
    ]


def test_an_inline_row_and_its_audit_event_commit_together(client_for, monkeypatch) -> None:
    # given the audit trail fails while recording an inline row
    agency = AgencyFactory()
    admin_client = client_for("program_admin")
    url = f"/admin/registry/agency/{agency.pk}/change/"
    data, _ = _change_page(admin_client, url)
    real_record = audit.record

    def failing(**kwargs: Any) -> AuditEvent:
        if kwargs["verb"] == "admin.add":
            raise RuntimeError("audit store unavailable")
        return real_record(**kwargs)

    monkeypatch.setattr(audit, "record", failing)
    # when the program admin adds a domain
    with pytest.raises(RuntimeError):
        admin_client.post(url, _add_row(data, "domains", domain="testville.gov"))
    # then the domain was not saved without its event
    assert not AgencyDomain.objects.exists()


def test_verifying_a_certification_stamps_and_audits_it(client_for) -> None:
    # given a certification awaiting verification
    certification = CertificationFactory(
        verification_status=Certification.Verification.PENDING, verified_at=None
    )
    admin_client = client_for("program_admin")
    url = f"/admin/registry/supplier/{certification.supplier_id}/change/"
    data, formsets = _change_page(admin_client, url)
    (row,) = formsets["certifications"].formset.initial_forms
    # when the program admin marks it verified
    data[row.add_prefix("verification_status")] = "verified"
    response = admin_client.post(url, data)
    # then it is verified as of now, and the change is audited
    assert response.status_code == 302, response.content.decode()[:3000]
    certification.refresh_from_db()
    assert certification.verification_status == "verified"
    assert certification.verified_at is not None
    event = AuditEvent.objects.get(verb="admin.change", object_type="registry.certification")
    assert event.object_id == str(certification.pk)
    assert event.before["verification_status"] == "pending" and event.before["verified_at"] is None
    assert event.after["verification_status"] == "verified" and event.after["verified_at"]


def test_rejecting_a_verified_certification_clears_its_verification_date(client_for) -> None:
    # given a verified certification
    certification = CertificationFactory(verified_at=timezone.now())
    admin_client = client_for("program_admin")
    url = f"/admin/registry/supplier/{certification.supplier_id}/change/"
    data, formsets = _change_page(admin_client, url)
    (row,) = formsets["certifications"].formset.initial_forms
    # when the program admin rejects it
    data[row.add_prefix("verification_status")] = "rejected"
    response = admin_client.post(url, data)
    # then it no longer carries a verification date
    assert response.status_code == 302, response.content.decode()[:3000]
    certification.refresh_from_db()
    assert (certification.verification_status, certification.verified_at) == ("rejected", None)


def test_a_role_the_organization_cannot_hold_is_refused_on_the_user_page(client_for) -> None:
    # given a person and a supplier organization (suppliers have no buyers)
    person = UserFactory()
    supplier_org = organization_for(OrgKind.SUPPLIER, supplier=SupplierFactory())
    admin_client = client_for("program_admin")
    url = f"/admin/accounts/user/{person.pk}/change/"
    data, _ = _change_page(admin_client, url)
    events = AuditEvent.objects.count()
    # when the program admin gives the person the buyer role there
    response = admin_client.post(
        url, _add_row(data, "memberships", organization=supplier_org.pk, role=Role.BUYER)
    )
    # then the page shows why, and nothing is saved or audited
    assert response.status_code == 200
    assert "a Supplier cannot have the role &#x27;Buyer&#x27;" in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()
    assert AuditEvent.objects.count() == events


def test_a_role_without_an_organization_is_an_error_not_a_crash(client_for) -> None:
    # given a person
    person = UserFactory()
    admin_client = client_for("program_admin")
    url = f"/admin/accounts/user/{person.pk}/change/"
    data, _ = _change_page(admin_client, url)
    # when the program admin picks a role but no organization
    response = admin_client.post(url, _add_row(data, "memberships", role=Role.BUYER))
    # then the form asks for the organization, and nothing is saved
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()


def test_a_program_admin_assigns_an_allowed_role_and_it_is_audited(client_for) -> None:
    # given a person and an agency organization
    person = UserFactory()
    agency_org = organization_for(OrgKind.AGENCY, agency=AgencyFactory())
    admin_client = client_for("program_admin")
    url = f"/admin/accounts/user/{person.pk}/change/"
    data, _ = _change_page(admin_client, url)
    # when the program admin makes the person a buyer there
    response = admin_client.post(
        url, _add_row(data, "memberships", organization=agency_org.pk, role=Role.BUYER)
    )
    # then the person holds the role, and the assignment is audited
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=person)
    assert (membership.organization, membership.role) == (agency_org, Role.BUYER)
    event = AuditEvent.objects.get(verb="admin.add", object_type="accounts.membership")
    assert event.after["role"] == "buyer" and event.after["organization"] == agency_org.pk


# --- enrolment from the back office ----------------------------------------------------------


def test_the_enrol_action_enrols_non_participants_and_skips_participants(client_for) -> None:
    # given an agency that does not participate and one that already does
    newcomer = AgencyFactory(name="Town of Newcomb")
    member_since = datetime.date(2020, 7, 1)
    member = AgencyFactory(
        name="City of Oldham",
        participating_since=member_since,
        participation_route=ParticipationRoute.SELF_REGISTERED,
    )
    # when the program admin runs "Enrol selected agencies as participants" on both
    response = client_for("program_admin").post(
        "/admin/registry/agency/",
        {"action": "enrol_selected", "_selected_action": [newcomer.pk, member.pk]},
        follow=True,
    )
    # then the newcomer participates, enrolled by the office, and that is audited
    assert response.status_code == 200
    newcomer.refresh_from_db()
    assert newcomer.participating_since == timezone.localdate()
    assert newcomer.participation_route == ParticipationRoute.ENROLLED_BY_OFFICE
    (event,) = AuditEvent.objects.filter(verb="agency.participate")
    assert event.object_id == str(newcomer.pk)
    assert event.reason == "enrolled from the back office"
    assert event.actor.email == "program_admin@example.gov"
    # and the participant is left as it was, with a message saying so
    member.refresh_from_db()
    assert (member.participating_since, member.participation_route) == (
        member_since,
        ParticipationRoute.SELF_REGISTERED,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "Enrolled 1: Town of Newcomb (TX)." in shown
    assert "Skipped 1 already participating: City of Oldham (TX)." in shown


def test_the_enrol_action_refuses_an_oversized_selection(client_for, monkeypatch) -> None:
    # given a selection larger than the enrolment limit
    monkeypatch.setattr(registry_admin, "ENROL_LIMIT", 1)
    agencies = [AgencyFactory(), AgencyFactory()]
    # when the program admin runs the enrol action on it
    response = client_for("program_admin").post(
        "/admin/registry/agency/",
        {"action": "enrol_selected", "_selected_action": [a.pk for a in agencies]},
        follow=True,
    )
    # then nothing is enrolled, and the message says why
    assert not Agency.objects.filter(pk__in=[a.pk for a in agencies]).participating().exists()
    assert "Select at most 1 agencies to enrol at a time; nothing was changed." in [
        str(m) for m in response.context["messages"]
    ]


def test_bulk_delete_stays_off_beside_the_enrol_action(client_for) -> None:
    # given agencies in the list
    AgencyFactory()
    # when a program admin opens the list
    response = client_for("program_admin").get("/admin/registry/agency/")
    # then enrolment is offered and bulk delete is not
    choices = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "enrol_selected" in choices
    assert "delete_selected" not in choices


@pytest.mark.parametrize("role", [r for r in ROLES if r != "program_admin"] + [None])
def test_no_one_else_can_add_rows_or_enrol(client_for, role) -> None:
    # given an agency that does not participate
    agency = AgencyFactory()
    client = client_for(role)
    # when someone other than a program admin posts an inline row and the enrol action
    inline_post = client.post(
        f"/admin/registry/agency/{agency.pk}/change/",
        {
            "name": agency.name,
            "agency_type": agency.agency_type,
            "state": agency.state_id,
            "domains-TOTAL_FORMS": 1,
            "domains-INITIAL_FORMS": 0,
            "domains-0-domain": "testville.gov",
            "domains-0-verified": "on",
            "aliases-TOTAL_FORMS": 0,
            "aliases-INITIAL_FORMS": 0,
        },
    )
    action_post = client.post(
        "/admin/registry/agency/", {"action": "enrol_selected", "_selected_action": [agency.pk]}
    )
    # then both are sent to sign in, and nothing changes
    for response in (inline_post, action_post):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not AgencyDomain.objects.exists()
    agency.refresh_from_db()
    assert not agency.is_participating
    assert not AuditEvent.objects.exists()


# --- list pages: the query count does not grow with the rows ---------------------------------


def _registration(agency: Agency | None = None) -> Registration:
    return Registration.objects.create(
        agency=agency,
        proposed_name="" if agency else "Lakeview Water District",
        proposed_type="" if agency else "special_district",
        proposed_state=None if agency else state("OK"),
        contact_name="Pat Doe",
        contact_email="pat@example.gov",
        terms_version="2026-01",
        signed_name="Pat Doe",
        signed_at=timezone.now(),
    )


def _advisory_member() -> AdvisoryBoardMember:
    return AdvisoryBoardMember.objects.create(
        agency=AgencyFactory(), person_name="Lee Ortiz", term_start=datetime.date(2025, 1, 1)
    )


LISTS = {
    "/admin/registry/agency/": AgencyFactory,
    "/admin/registry/registration/": lambda: _registration(AgencyFactory()),
    "/admin/registry/advisoryboardmember/": _advisory_member,
    "/admin/registry/supplier/": SupplierFactory,
    "/admin/accounts/organization/": lambda: organization_for(
        OrgKind.SUPPLIER, supplier=SupplierFactory()
    ),
    "/admin/accounts/user/": UserFactory,
}


@pytest.mark.parametrize("url", LISTS)
def test_a_back_office_list_costs_the_same_queries_for_few_rows_or_many(client_for, url) -> None:
    # given a list page with one row of its own, then with seven
    admin_client = client_for("program_admin")
    make = LISTS[url]
    make()
    if url.endswith("/registration/"):
        _registration()  # one proposing a new entity, so both kinds of row are shown
    admin_client.get(url)  # warm per-process caches (content types, sessions)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(6):
        make()
    # when the program admin opens it again
    many = queries()
    # then the query count did not grow with the rows
    assert many == few
