"""The API keys page, ``/account/api-keys/``: create, see the token once, revoke."""

import re

import pytest
from django.urls import reverse

from interlocal.accounts.models import ApiKey, ApiScope
from interlocal.accounts.services import authenticate_api_key, hash_secret, issue_api_key
from interlocal.core.models import AuditEvent

TOKEN_IN_PAGE = re.compile(r'data-testid="new-token">(il_[^<]+)</code>')
SCOPE_BOX = re.compile(r'<input type="checkbox" name="scopes" value="([^"]+)"')


def _sponsor_key(personas, name="Association member sync"):
    holder = personas["sponsor_viewer"]
    return issue_api_key(
        actor=holder,
        organization=holder.primary_organization,
        name=name,
        scopes=[ApiScope.REGISTRATIONS_WRITE],
    )


def _stored_key(organization, scopes, name="issued before the rule"):
    """A key row as an earlier release stored it, bypassing today's scope rules."""
    return ApiKey.objects.create(
        organization=organization,
        name=name,
        prefix="0ldkey01",
        secret_hash=hash_secret("s" * 43),
        scopes=scopes,
    )


@pytest.mark.django_db
def test_the_page_is_at_the_documented_address():
    # given the URL name
    # then it resolves to /account/api-keys/
    assert reverse("accounts:api_keys") == "/account/api-keys/"


@pytest.mark.django_db
def test_a_sponsor_viewer_creates_a_key_and_sees_the_token_only_once(personas, client_for):
    # given a signed-in sponsor viewer
    client = client_for("sponsor_viewer")

    # when they submit the form
    response = client.post(
        reverse("accounts:api_keys"),
        {"name": "Member sync", "scopes": [ApiScope.REGISTRATIONS_WRITE]},
    )

    # then the page shows the new token, which is a working key of the sponsor's organization
    assert response.status_code == 200
    found = TOKEN_IN_PAGE.findall(response.content.decode())
    assert len(found) == 1
    token = found[0]
    key = authenticate_api_key(token)
    assert key is not None
    assert key.name == "Member sync"
    assert key.organization == personas["sponsor_viewer"].primary_organization
    assert key.scopes == ["registrations:write"]

    # when they load the page again
    again = client.get(reverse("accounts:api_keys"))

    # then the key is listed by name and prefix, but the token (and its secret) is not shown
    page = again.content.decode()
    assert again.status_code == 200
    assert "Member sync" in page
    assert key.prefix in page
    assert token not in page
    assert token.split("_", 2)[2] not in page
    assert TOKEN_IN_PAGE.search(page) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("sponsor_viewer", ["registrations:write", "analytics:read"]),
        (
            "program_admin",
            [
                "registrations:write",
                "solicitations:write",
                "salesreports:write",
                "fees:read",
                "analytics:read",
            ],
        ),
    ],
)
def test_the_page_offers_only_the_scopes_the_organization_may_hold(client_for, role, offered):
    # given a member of an organization that may enrol agencies
    # when they open the page
    page = client_for(role).get(reverse("accounts:api_keys")).content.decode()

    # then exactly the organization's scopes are offered
    assert SCOPE_BOX.findall(page) == offered
    assert "No API scopes are available" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("buyer", "solicitations:write analytics:read"),
        ("lead_agency_officer", "solicitations:write analytics:read"),
        ("supplier_rep", "proposals:write salesreports:write fees:read analytics:read"),
    ],
)
def test_agencies_and_suppliers_are_offered_their_own_scope(client_for, role, scope):
    # given a member of an agency or a supplier
    # when they open the page
    response = client_for(role).get(reverse("accounts:api_keys"))

    # then their organization's own scopes are offered, never registrations:write
    assert response.status_code == 200
    page = response.content.decode()
    assert SCOPE_BOX.findall(page) == scope.split()
    assert "Create key</button>" in page


@pytest.mark.django_db
def test_a_supplier_posting_the_write_scope_anyway_gets_no_key(personas, client_for):
    # given a signed-in supplier representative
    client = client_for("supplier_rep")

    # when they post a key request for registrations:write (an old form, a crafted request)
    response = client.post(
        reverse("accounts:api_keys"),
        {"name": "enrol everyone", "scopes": [ApiScope.REGISTRATIONS_WRITE]},
    )

    # then no key or token exists, and the page says the scope is not theirs to hold
    assert response.status_code == 200
    assert TOKEN_IN_PAGE.search(response.content.decode()) is None
    assert "registrations:write is not one of the available choices" in response.content.decode()
    assert ApiKey.objects.count() == 0


@pytest.mark.django_db
def test_a_person_in_two_organizations_sees_the_scopes_of_the_one_chosen(personas, client_for):
    from tests.factories import member

    # given a buyer who is also a sponsor viewer of the sponsor association
    buyer = personas["buyer"]
    agency_org = buyer.primary_organization
    sponsor_org = personas["sponsor_viewer"].primary_organization
    member(buyer, sponsor_org, "sponsor_viewer")
    client = client_for("buyer")
    url = reverse("accounts:api_keys")

    # when they choose their agency, then the sponsor
    for_agency = client.get(url, {"organization": agency_org.pk}).content.decode()
    for_sponsor = client.get(url, {"organization": sponsor_org.pk}).content.decode()

    # then the agency offers solicitations:write and the sponsor registrations:write (both
    # their own analytics)
    assert SCOPE_BOX.findall(for_agency) == ["solicitations:write", "analytics:read"]
    assert SCOPE_BOX.findall(for_sponsor) == ["registrations:write", "analytics:read"]
    assert f'<option value="{sponsor_org.pk}" selected>' in for_sponsor

    # when they create a key for the sponsor
    response = client.post(
        url,
        {"organization": sponsor_org.pk, "name": "Member sync", "scopes": ["registrations:write"]},
    )

    # then the key belongs to the sponsor
    assert TOKEN_IN_PAGE.search(response.content.decode())
    assert ApiKey.objects.get(name="Member sync").organization == sponsor_org


@pytest.mark.django_db
def test_a_form_without_scopes_shows_an_error_and_creates_nothing(personas, client_for):
    # given a signed-in sponsor viewer
    client = client_for("sponsor_viewer")

    # when they submit a name but no scope
    response = client.post(reverse("accounts:api_keys"), {"name": "Member sync"})

    # then the form is shown again with an error and no key or token exists
    assert response.status_code == 200
    assert response.context["form"].errors["scopes"]
    assert TOKEN_IN_PAGE.search(response.content.decode()) is None
    assert ApiKey.objects.count() == 0


@pytest.mark.django_db
def test_a_sponsor_viewer_revokes_their_key_from_the_page(personas, client_for):
    # given a sponsor's key and the sponsor viewer signed in
    issued = _sponsor_key(personas)
    client = client_for("sponsor_viewer")

    # when they post to the revoke address
    response = client.post(reverse("accounts:api_key_revoke", args=[issued.key.pk]))

    # then they are sent back to the list, the key is revoked, audited and refused
    assert response.status_code == 302
    assert response.url == reverse("accounts:api_keys")
    assert ApiKey.objects.get(pk=issued.key.pk).revoked_at is not None
    assert AuditEvent.objects.filter(verb="apikey.revoke", object_id=str(issued.key.pk)).exists()
    assert authenticate_api_key(issued.token) is None
    listing = client.get(reverse("accounts:api_keys")).content.decode()
    assert "Revoked" in listing


@pytest.mark.django_db
def test_revoking_needs_post(personas, client_for):
    # given a sponsor's key
    issued = _sponsor_key(personas)

    # when the revoke address is fetched with GET (a link, a prefetch)
    response = client_for("sponsor_viewer").get(
        reverse("accounts:api_key_revoke", args=[issued.key.pk])
    )

    # then it is refused and the key still works
    assert response.status_code == 405
    assert ApiKey.objects.get(pk=issued.key.pk).revoked_at is None


@pytest.mark.django_db
def test_a_supplier_rep_neither_sees_nor_revokes_the_sponsors_key(personas, client_for):
    # given a sponsor's key and a signed-in supplier representative
    issued = _sponsor_key(personas, name="Association member sync")
    client = client_for("supplier_rep")

    # when they open the keys page
    page = client.get(reverse("accounts:api_keys"))

    # then the sponsor's key is not listed
    assert page.status_code == 200
    assert "Association member sync" not in page.content.decode()
    assert issued.key.prefix not in page.content.decode()

    # when they post to the sponsor's key's revoke address
    response = client.post(reverse("accounts:api_key_revoke", args=[issued.key.pk]))

    # then 404 (the key does not exist for them), and it still works
    assert response.status_code == 404
    assert ApiKey.objects.get(pk=issued.key.pk).revoked_at is None
    assert authenticate_api_key(issued.token) is not None


@pytest.mark.django_db
def test_the_program_admin_sees_every_organizations_keys(personas, client_for):
    # given a sponsor's key
    issued = _sponsor_key(personas, name="Association member sync")

    # when the program administrator opens the page
    page = client_for("program_admin").get(reverse("accounts:api_keys"))

    # then the sponsor's key is listed
    assert page.status_code == 200
    assert "Association member sync" in page.content.decode()
    assert issued.key.prefix in page.content.decode()


@pytest.mark.django_db
def test_the_auditor_may_not_open_the_page(personas, client_for):
    # given the auditor signed in
    # when they open the keys page
    response = client_for("auditor").get(reverse("accounts:api_keys"))

    # then it is forbidden
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_sign_in(client_for):
    # given nobody signed in
    # when the keys page is opened
    response = client_for(None).get(reverse("accounts:api_keys"))

    # then they are redirected to the login page
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_posting_another_organizations_id_is_refused(client_for, personas):
    # given a buyer, and the sponsor's organization they do not belong to (which may hold
    # registrations:write)
    sponsor_org = personas["sponsor_viewer"].primary_organization
    # when the buyer forges the organization field of the form
    response = client_for("buyer").post(
        "/account/api-keys/",
        {"organization": sponsor_org.pk, "name": "forged", "scopes": ["registrations:write"]},
    )
    # then nothing is issued for anyone
    assert response.status_code == 403
    assert not ApiKey.objects.filter(name="forged").exists()


@pytest.mark.django_db
def test_a_buyer_who_also_audits_elsewhere_still_manages_their_keys(client_for, personas):
    from tests.factories import member

    buyer = personas["buyer"]
    member(buyer, personas["auditor"].primary_organization, "auditor")
    assert buyer.has_perm("apikey:manage")


@pytest.mark.django_db
def test_a_key_stored_before_the_rule_shows_its_withdrawn_scopes_and_can_be_revoked(
    personas, client_for
):
    # given a buyer's key stored by an earlier release with the withdrawn agencies:read
    key = _stored_key(personas["buyer"].primary_organization, ["agencies:read"])
    client = client_for("buyer")

    # when the buyer opens the page
    page = client.get(reverse("accounts:api_keys")).content.decode()

    # then the key is listed as granting nothing, naming what it no longer grants
    assert "issued before the rule" in page
    assert "none <span" in page
    assert "(no longer granted: agencies:read)" in page

    # when they revoke it
    response = client.post(reverse("accounts:api_key_revoke", args=[key.pk]))

    # then it is revoked
    assert response.status_code == 302
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
