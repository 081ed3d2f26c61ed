"""API keys over HTTP: ``POST /api/v1/registrations`` needs a key with ``registrations:write``,
which only program-office and sponsor keys may carry; the directory is public."""

import json

import pytest
from django.test import Client

from interlocal.accounts.models import ApiKey, ApiScope
from interlocal.accounts.services import hash_secret, issue_api_key, revoke_api_key
from interlocal.registry.models import Registration
from tests.factories import AgencyFactory

URL = "/api/v1/registrations"


def _key(user, scopes):
    return issue_api_key(
        actor=user, organization=user.primary_organization, name="integration", scopes=scopes
    )


def _stored_key(organization, scopes, secret="s" * 43):
    """A key row as an earlier release stored it, bypassing today's scope rules."""
    ApiKey.objects.create(
        organization=organization,
        name="issued before the rule",
        prefix="0ldkey01",
        secret_hash=hash_secret(secret),
        scopes=scopes,
    )
    return f"il_0ldkey01_{secret}"


def _payload(agency, **changes):
    payload = {
        "agency_id": agency.pk,
        "contact_name": "Dana Reyes",
        "contact_title": "Purchasing Manager",
        "contact_email": "dana.reyes@example.gov",
        "signed_name": "Dana Reyes",
        "accepted_terms": True,
    }
    return payload | changes


def _post(payload, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(
        URL, data=json.dumps(payload), content_type="application/json", headers=headers
    )


@pytest.fixture
def agency(db):
    """An agency in the universe that does not participate yet and has no domains on file."""
    return AgencyFactory(name="Town of Millbrook")


@pytest.mark.django_db
def test_without_a_key_registration_is_refused_with_401(personas, agency):
    # given a valid payload and no key
    # when it is posted
    response = _post(_payload(agency))

    # then 401, and nothing is saved
    assert response.status_code == 401
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_a_key_without_the_write_scope_gets_403_naming_the_scope(personas, agency):
    # given a sponsor key stored by an earlier release with only the withdrawn agencies:read
    token = _stored_key(personas["sponsor_viewer"].primary_organization, ["agencies:read"])

    # when it is used to register
    response = _post(_payload(agency), token)

    # then 403, the message names the scope needed and that the key has none, and nothing is
    # saved
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "registrations:write" in detail
    assert "it has: none" in detail
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_a_supplier_key_stored_with_the_write_scope_cannot_enrol_agencies(personas, agency):
    # given a supplier key that an earlier release let carry registrations:write (a supplier's
    # fees grow with participation, so it may not enrol agencies)
    token = _stored_key(personas["supplier_rep"].primary_organization, ["registrations:write"])

    # when it is used to register an agency
    response = _post(_payload(agency), token)

    # then 403 naming the scope, and nothing is saved
    assert response.status_code == 403
    assert "registrations:write" in response.json()["detail"]
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_a_revoked_key_gets_401(personas, agency):
    # given a key with the right scope that has been revoked
    holder = personas["sponsor_viewer"]
    issued = _key(holder, [ApiScope.REGISTRATIONS_WRITE])
    revoke_api_key(actor=holder, key=issued.key)

    # when it is used
    response = _post(_payload(agency), issued.token)

    # then 401 and nothing is saved
    assert response.status_code == 401
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_a_forged_token_gets_401(personas, agency):
    # given a real key's prefix with a made-up secret
    issued = _key(personas["sponsor_viewer"], [ApiScope.REGISTRATIONS_WRITE])
    forged = f"il_{issued.key.prefix}_{'x' * 43}"

    # when it is used
    response = _post(_payload(agency), forged)

    # then 401
    assert response.status_code == 401
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_a_good_key_registers_an_existing_agency_as_pending(personas, agency):
    # given a key with registrations:write and an agency that does not participate yet
    issued = _key(personas["sponsor_viewer"], [ApiScope.REGISTRATIONS_WRITE])
    assert not agency.is_participating

    # when a valid registration is posted
    response = _post(_payload(agency), issued.token)

    # then 201 with the new pending registration, which is stored
    assert response.status_code == 201, response.content
    body = response.json()
    registration = Registration.objects.get()
    assert body["id"] == registration.pk
    assert body["status"] == "pending"
    assert body["agency_id"] == agency.pk
    assert body["auto_approved"] is False
    assert registration.status == Registration.Status.PENDING
    assert registration.agency == agency
    assert registration.contact_email == "dana.reyes@example.gov"


@pytest.mark.django_db
def test_a_refused_registration_is_422_listing_the_field_and_saves_nothing(personas, agency):
    # given a good key and a payload that does not accept the participation terms
    issued = _key(personas["sponsor_viewer"], [ApiScope.REGISTRATIONS_WRITE])
    before = Registration.objects.count()

    # when it is posted
    response = _post(_payload(agency, accepted_terms=False), issued.token)

    # then 422 names the field and says why, and no registration exists
    assert response.status_code == 422
    body = response.json()
    assert "nothing was saved" in body["detail"]
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert list(fields) == ["accepted_terms"]
    assert "terms" in fields["accepted_terms"]
    assert Registration.objects.count() == before


@pytest.mark.django_db
def test_a_payload_missing_required_fields_is_422_and_saves_nothing(personas, agency):
    # given a good key and a payload without the contact's name
    issued = _key(personas["sponsor_viewer"], [ApiScope.REGISTRATIONS_WRITE])
    payload = _payload(agency)
    del payload["contact_name"]

    # when it is posted
    response = _post(payload, issued.token)

    # then 422 mentions the missing field and nothing is saved
    assert response.status_code == 422
    assert "contact_name" in response.content.decode()
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_the_agency_directory_is_readable_without_a_key(personas, agency):
    # given an agency in the universe and no credentials
    # when the directory is searched anonymously
    response = Client().get("/api/v1/agencies", {"q": "Millbrook"})

    # then 200 and the agency is listed
    assert response.status_code == 200, response.content
    body = response.json()
    names = [row["name"] for row in body["items"]]
    assert "Town of Millbrook" in names
    assert body["count"] >= 1
