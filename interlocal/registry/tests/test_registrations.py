"""Registration: find or propose an agency, sign the terms, get verified."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.accounts.models import Membership, User
from interlocal.core.models import AuditEvent
from interlocal.registry.models import (
    Agency,
    AgencyDomain,
    ExemptOrganization,
    ParticipationRoute,
    Registration,
)
from interlocal.registry.services import (
    RegistrationRequest,
    approve_registration,
    confirm_registration_email,
    enroll_agency,
    reject_registration,
    submit_registration,
)
from interlocal.registry.services.registrations import confirmation_token
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db


def request_for(agency: Agency | None = None, **overrides: object) -> RegistrationRequest:
    values: dict[str, object] = {
        "agency_id": agency.pk if agency else None,
        "contact_name": "Dana Ortiz",
        "contact_email": "dana.ortiz@lakeridge.gov",
        "signed_name": "Dana Ortiz",
        "accepted_terms": True,
    }
    values.update(overrides)
    return RegistrationRequest(**values)  # type: ignore[arg-type]


def test_contact_at_verified_domain_is_approved_once_they_confirm_the_address() -> None:
    # given an agency whose domain the program office verified
    agency = AgencyFactory(name="City of Lake Ridge")
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=True)
    # when its purchasing agent registers from that domain
    registration = submit_registration(actor=None, req=request_for(agency))
    # then nothing is decided until the address is shown to be theirs
    assert registration.status == Registration.Status.PENDING
    agency.refresh_from_db()
    assert not agency.is_participating
    # when they open the link mailed to that address
    confirm_registration_email(token=confirmation_token(registration))
    # then it participates today, self-registered, and the contact is a buyer of the agency
    agency.refresh_from_db()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED and registration.auto_approved
    assert registration.email_confirmed_at is not None
    assert agency.is_participating
    assert agency.participation_route == ParticipationRoute.SELF_REGISTERED
    user = User.objects.get(email="dana.ortiz@lakeridge.gov")
    assert Membership.objects.filter(user=user, organization__agency=agency, role="buyer").exists()
    events = list(AuditEvent.objects.order_by("seq").values_list("verb", "actor_label"))
    assert events == [
        ("registration.submit", "registrant dana.ortiz@lakeridge.gov"),
        ("registration.confirm_email", "registrant dana.ortiz@lakeridge.gov"),
        ("agency.participate", "registrant dana.ortiz@lakeridge.gov"),
        ("membership.add", "system"),
        ("registration.approve", "registrant dana.ortiz@lakeridge.gov"),
    ]


def test_subdomain_of_verified_domain_counts() -> None:
    agency = AgencyFactory()
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=True)
    registration = submit_registration(
        actor=None, req=request_for(agency, contact_email="buyer@police.lakeridge.gov")
    )
    confirm_registration_email(token=confirmation_token(registration))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED


def test_confirming_twice_changes_nothing_more() -> None:
    agency = AgencyFactory()
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=True)
    registration = submit_registration(actor=None, req=request_for(agency))
    token = confirmation_token(registration)
    confirm_registration_email(token=token)
    events = AuditEvent.objects.count()
    confirm_registration_email(token=token)
    assert AuditEvent.objects.count() == events


def test_confirmed_address_at_an_unverified_domain_still_waits_for_the_office() -> None:
    agency = AgencyFactory()
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=False)
    registration = submit_registration(actor=None, req=request_for(agency))
    confirm_registration_email(token=confirmation_token(registration))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert registration.email_confirmed_at is not None


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda t: t[:-3] + "xyz", "not valid"),
        (lambda t: "", "not valid"),
    ],
)
def test_a_forged_confirmation_link_is_refused(mangle, message) -> None:
    agency = AgencyFactory()
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=True)
    registration = submit_registration(actor=None, req=request_for(agency))
    with pytest.raises(ValidationError, match=message):
        confirm_registration_email(token=mangle(confirmation_token(registration)))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING


def test_an_expired_confirmation_link_is_refused(monkeypatch) -> None:
    import datetime

    from interlocal.registry.services import registrations

    agency = AgencyFactory()
    registration = submit_registration(actor=None, req=request_for(agency))
    token = confirmation_token(registration)
    monkeypatch.setattr(registrations, "CONFIRMATION_MAX_AGE", datetime.timedelta(seconds=-1))
    with pytest.raises(ValidationError, match="expired"):
        confirm_registration_email(token=token)


def test_unverified_domain_waits_for_the_program_office() -> None:
    agency = AgencyFactory()
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=False)
    registration = submit_registration(actor=None, req=request_for(agency))
    assert registration.status == Registration.Status.PENDING
    agency.refresh_from_db()
    assert not agency.is_participating


def test_email_outside_the_agencys_domains_is_refused_and_nothing_saved() -> None:
    agency = AgencyFactory(name="City of Lake Ridge")
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=True)
    with pytest.raises(ValidationError) as info:
        submit_registration(actor=None, req=request_for(agency, contact_email="someone@gmail.com"))
    message = info.value.message_dict["contact_email"][0]
    assert "gmail.com is not a domain of City of Lake Ridge" in message
    assert "lakeridge.gov" in message
    assert Registration.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_terms_must_be_accepted_and_signed() -> None:
    agency = AgencyFactory()
    with pytest.raises(ValidationError) as info:
        submit_registration(
            actor=None, req=request_for(agency, accepted_terms=False, signed_name=" ")
        )
    assert set(info.value.message_dict) == {"accepted_terms", "signed_name"}


def test_a_participating_agency_cannot_register_again() -> None:
    agency = AgencyFactory(participating_since="2020-01-01", participation_route="self_registered")
    with pytest.raises(ValidationError, match="already participates"):
        submit_registration(actor=None, req=request_for(agency))


def test_second_pending_registration_for_same_agency_is_refused() -> None:
    agency = AgencyFactory()
    submit_registration(actor=None, req=request_for(agency))
    with pytest.raises(ValidationError, match="already waiting"):
        submit_registration(
            actor=None, req=request_for(agency, contact_email="other@lakeridge.gov")
        )
    assert Registration.objects.count() == 1


def test_proposing_an_entity_already_in_the_universe_is_refused() -> None:
    AgencyFactory(name="North Fork Water District", agency_type="special_district")
    with pytest.raises(ValidationError) as info:
        submit_registration(
            actor=None,
            req=request_for(
                proposed_name="NORTH FORK WATER DIST.",
                proposed_type="special_district",
                proposed_state="TX",
            ),
        )
    assert "North Fork Water District (TX) is already in the directory" in str(info.value)


def test_proposal_needs_name_type_and_a_real_state() -> None:
    with pytest.raises(ValidationError) as info:
        submit_registration(
            actor=None, req=request_for(proposed_name="", proposed_type="x", proposed_state="ZZ")
        )
    errors = info.value.message_dict
    assert set(errors) == {"proposed_name", "proposed_type", "proposed_state"}
    assert "'ZZ' is not a state" in errors["proposed_state"][0]


def _exempt(ein: str, subsection: str = "03", status: str = "01") -> None:
    ExemptOrganization.objects.create(
        ein=ein, name="PINE VALLEY FOOD BANK", subsection=subsection, status=status
    )


def test_nonprofit_needs_an_active_501c3_ein() -> None:
    _exempt("123456789")
    registration = submit_registration(
        actor=None,
        req=request_for(
            proposed_name="Pine Valley Food Bank",
            proposed_type="nonprofit",
            proposed_state="DE",
            ein="12-3456789",
        ),
    )
    assert registration.ein == "123456789"
    assert registration.status == Registration.Status.PENDING


@pytest.mark.parametrize(
    ("ein", "subsection", "status", "expected"),
    [
        ("987654321", None, None, "is not in the IRS Exempt Organizations file"),
        ("223456789", "04", "01", "501(c)(4), not 501(c)(3)"),
        ("323456789", "03", "12", "does not have an active exemption"),
        ("12345", None, None, "EIN"),
    ],
)
def test_nonprofit_with_ineligible_ein_is_refused(ein, subsection, status, expected) -> None:
    if subsection:
        _exempt(ein, subsection, status)
    with pytest.raises(ValidationError) as info:
        submit_registration(
            actor=None,
            req=request_for(
                proposed_name="Pine Valley Food Bank",
                proposed_type="nonprofit",
                proposed_state="DE",
                ein=ein,
            ),
        )
    assert expected in info.value.message_dict["ein"][0]
    assert Registration.objects.count() == 0


def test_program_admin_approves_a_proposed_entity(personas) -> None:
    registration = submit_registration(
        actor=None,
        req=request_for(
            proposed_name="Cedar Falls Fire Protection District",
            proposed_type="special_district",
            proposed_state="IA",
            proposed_city="Cedar Falls",
            contact_email="chief@cedarfallsfire.org",
        ),
    )
    approve_registration(actor=personas["program_admin"], registration=registration, note="ok")
    registration.refresh_from_db()
    agency = registration.agency
    assert agency is not None and agency.state == state("IA") and agency.is_participating
    assert AuditEvent.objects.filter(verb="agency.create", object_id=str(agency.pk)).exists()


def test_only_the_program_office_decides(personas) -> None:
    registration = submit_registration(actor=None, req=request_for(AgencyFactory()))
    for role in ("auditor", "buyer", "supplier_rep", "lead_agency_officer"):
        with pytest.raises(PermissionDenied):
            approve_registration(actor=personas[role], registration=registration)


def test_rejection_needs_a_reason_and_is_final(personas) -> None:
    admin = personas["program_admin"]
    registration = submit_registration(actor=None, req=request_for(AgencyFactory()))
    with pytest.raises(ValidationError):
        reject_registration(actor=admin, registration=registration, reason="  ")
    reject_registration(actor=admin, registration=registration, reason="not a public body")
    with pytest.raises(ValidationError, match="already Rejected"):
        approve_registration(actor=admin, registration=registration)
    event = AuditEvent.objects.get(verb="registration.reject")
    assert event.reason == "not a public body"
    assert event.before["status"] == "pending" and event.after["status"] == "rejected"


def test_program_office_enrols_an_agency_directly(personas) -> None:
    agency = AgencyFactory()
    enroll_agency(actor=personas["program_admin"], agency=agency, reason="paper form")
    agency.refresh_from_db()
    assert agency.participation_route == ParticipationRoute.ENROLLED_BY_OFFICE
    with pytest.raises(ValidationError, match="already participates"):
        enroll_agency(actor=personas["program_admin"], agency=agency)


def test_registrant_is_emailed_after_each_decision(
    personas, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    agency = AgencyFactory(name="City of Lake Ridge")
    with django_capture_on_commit_callbacks(execute=True):
        registration = submit_registration(actor=None, req=request_for(agency))
    assert mailoutbox[-1].to == ["dana.ortiz@lakeridge.gov"]
    assert "Confirm the registration of City of Lake Ridge" in mailoutbox[-1].subject
    assert confirmation_token(registration) in mailoutbox[-1].body
    assert "http://127.0.0.1:8000/register/confirm/" in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        reject_registration(
            actor=personas["program_admin"],
            registration=registration,
            reason="signed by someone without authority",
        )
    assert "not approved" in mailoutbox[-1].subject
    assert "signed by someone without authority" in mailoutbox[-1].body


def test_no_email_when_the_decision_rolls_back(
    personas, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    from django.db import transaction

    registration = submit_registration(actor=None, req=request_for(AgencyFactory()))
    mailoutbox.clear()
    # the rejection succeeds but the caller's transaction around it fails: nothing may be sent
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reject_registration(
            actor=personas["program_admin"], registration=registration, reason="duplicate"
        )
        raise RuntimeError("the caller's transaction failed")
    assert callbacks == [] and mailoutbox == []
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING


def test_a_nonprofit_must_give_its_own_ein() -> None:
    # given a food bank in Delaware whose EIN is on file, and another charity's EIN
    _exempt("123456789")
    ExemptOrganization.objects.create(
        ein="223456780", name="OTHER CHARITY", subsection="03", status="01", state_postal="DE"
    )
    bank = AgencyFactory(
        name="Pine Valley Food Bank", agency_type="nonprofit", state=state("DE"), ein="123456789"
    )
    # when a registrant gives the other charity's EIN, then it is refused
    with pytest.raises(ValidationError) as info:
        submit_registration(actor=None, req=request_for(bank, ein="22-3456780"))
    assert "not the EIN on file for Pine Valley Food Bank" in info.value.message_dict["ein"][0]


def test_a_proposed_nonprofit_ein_must_be_registered_in_its_state() -> None:
    ExemptOrganization.objects.create(
        ein="323456781", name="WYOMING ARTS FUND", subsection="03", status="01", state_postal="WY"
    )
    with pytest.raises(ValidationError) as info:
        submit_registration(
            actor=None,
            req=request_for(
                proposed_name="Delaware Arts Fund",
                proposed_type="nonprofit",
                proposed_state="DE",
                ein="323456781",
            ),
        )
    assert "belongs to WYOMING ARTS FUND in WY" in info.value.message_dict["ein"][0]


def test_the_same_proposal_spelled_differently_cannot_wait_twice() -> None:
    first = {"proposed_type": "special_district", "proposed_state": "TX"}
    submit_registration(
        actor=None, req=request_for(proposed_name="Zephyr Co. Water Dist.", **first)
    )
    with pytest.raises(ValidationError, match="already been proposed"):
        submit_registration(
            actor=None,
            req=request_for(
                proposed_name="ZEPHYR COUNTY WATER DISTRICT", contact_email="b@zephyr.org", **first
            ),
        )


def test_approval_links_a_proposal_to_an_agency_imported_since(personas) -> None:
    registration = submit_registration(
        actor=None,
        req=request_for(
            proposed_name="Zephyr County Water District",
            proposed_type="special_district",
            proposed_state="TX",
        ),
    )
    imported = AgencyFactory(name="Zephyr County Water District", agency_type="special_district")
    approve_registration(actor=personas["program_admin"], registration=registration)
    registration.refresh_from_db()
    assert registration.agency == imported
    assert Agency.objects.filter(name="Zephyr County Water District").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_name", "Dana\nOrtiz", "line breaks"),
        ("contact_name", "x" * 151, "150 characters"),
        ("contact_email", "@", "work email"),
        ("signed_name", "   ", "signature"),
        ("contact_phone", "5" * 41, "40 characters"),
    ],
)
def test_bad_fields_are_refused_with_what_to_do(field, value, message) -> None:
    with pytest.raises(ValidationError) as info:
        submit_registration(actor=None, req=request_for(AgencyFactory(), **{field: value}))
    assert message in info.value.message_dict[field][0]
    assert Registration.objects.count() == 0


def test_a_superuser_without_the_role_cannot_decide() -> None:
    from interlocal.accounts.models import User as UserModel

    root = UserModel.objects.create_superuser(email="root@example.gov", password="x")
    registration = submit_registration(actor=None, req=request_for(AgencyFactory()))
    with pytest.raises(PermissionDenied):
        approve_registration(actor=root, registration=registration)
