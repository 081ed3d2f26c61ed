"""The API keys page, ``/account/api-keys/``: create, see the token once, revoke."""

import re

import pytest
from django.urls import reverse

from interlocal.accounts.models import ApiKey, ApiScope
from interlocal.accounts.services import authenticate_api_key, issue_api_key
from interlocal.core.models import AuditEvent

TOKEN_IN_PAGE = re.compile(r'data-testid="new-token">(il_[^<]+)</code>')


def _buyer_key(personas, name="Buyer ERP sync"):
    buyer = personas["buyer"]
    return issue_api_key(
        actor=buyer,
        organization=buyer.primary_organization,
        name=name,
        scopes=[ApiScope.AGENCIES_READ],
    )


@pytest.mark.django_db
def test_the_page_is_at_the_documented_address():
    # given the URL name
    # then it resolves to /account/api-keys/
    assert reverse("accounts:api_keys") == "/account/api-keys/"


@pytest.mark.django_db
def test_a_buyer_creates_a_key_and_sees_the_token_only_once(personas, client_for):
    # given a signed-in buyer
    client = client_for("buyer")

    # when they submit the form
    response = client.post(
        reverse("accounts:api_keys"),
        {"name": "Finance ERP", "scopes": [ApiScope.REGISTRATIONS_WRITE, ApiScope.AGENCIES_READ]},
    )

    # then the page shows the new token, which is a working key of the buyer's organization
    assert response.status_code == 200
    found = TOKEN_IN_PAGE.findall(response.content.decode())
    assert len(found) == 1
    token = found[0]
    key = authenticate_api_key(token)
    assert key is not None
    assert key.name == "Finance ERP"
    assert key.organization == personas["buyer"].primary_organization
    assert key.scopes == ["agencies:read", "registrations:write"]

    # when they load the page again
    again = client.get(reverse("accounts:api_keys"))

    # then the key is listed by name and prefix, but the token (and its secret) is not shown
    page = again.content.decode()
    assert again.status_code == 200
    assert "Finance ERP" in page
    assert key.prefix in page
    assert token not in page
    assert token.split("_", 2)[2] not in page
    assert TOKEN_IN_PAGE.search(page) is None


@pytest.mark.django_db
def test_a_form_without_scopes_shows_an_error_and_creates_nothing(personas, client_for):
    # given a signed-in buyer
    client = client_for("buyer")

    # when they submit a name but no scope
    response = client.post(reverse("accounts:api_keys"), {"name": "Finance ERP"})

    # then the form is shown again with an error and no key or token exists
    assert response.status_code == 200
    assert response.context["form"].errors["scopes"]
    assert TOKEN_IN_PAGE.search(response.content.decode()) is None
    assert ApiKey.objects.count() == 0


@pytest.mark.django_db
def test_a_buyer_revokes_their_key_from_the_page(personas, client_for):
    # given a buyer's key and the buyer signed in
    issued = _buyer_key(personas)
    client = client_for("buyer")

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
    # given a buyer's key
    issued = _buyer_key(personas)

    # when the revoke address is fetched with GET (a link, a prefetch)
    response = client_for("buyer").get(reverse("accounts:api_key_revoke", args=[issued.key.pk]))

    # then it is refused and the key still works
    assert response.status_code == 405
    assert ApiKey.objects.get(pk=issued.key.pk).revoked_at is None


@pytest.mark.django_db
def test_a_supplier_rep_neither_sees_nor_revokes_the_buyers_key(personas, client_for):
    # given a buyer's key and a signed-in supplier representative
    issued = _buyer_key(personas, name="Lake Ridge purchasing sync")
    client = client_for("supplier_rep")

    # when they open the keys page
    page = client.get(reverse("accounts:api_keys"))

    # then the buyer's key is not listed
    assert page.status_code == 200
    assert "Lake Ridge purchasing sync" not in page.content.decode()
    assert issued.key.prefix not in page.content.decode()

    # when they post to the buyer's key's revoke address
    response = client.post(reverse("accounts:api_key_revoke", args=[issued.key.pk]))

    # then 404 (the key does not exist for them), and it still works
    assert response.status_code == 404
    assert ApiKey.objects.get(pk=issued.key.pk).revoked_at is None
    assert authenticate_api_key(issued.token) is not None


@pytest.mark.django_db
def test_the_program_admin_sees_every_organizations_keys(personas, client_for):
    # given a buyer's key
    issued = _buyer_key(personas, name="Lake Ridge purchasing sync")

    # when the program administrator opens the page
    page = client_for("program_admin").get(reverse("accounts:api_keys"))

    # then the buyer's key is listed
    assert page.status_code == 200
    assert "Lake Ridge purchasing sync" in page.content.decode()
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
    # given a buyer, and the supplier's organization they do not belong to
    supplier_org = personas["supplier_rep"].primary_organization
    # when the buyer forges the organization field of the form
    response = client_for("buyer").post(
        "/account/api-keys/",
        {"organization": supplier_org.pk, "name": "forged", "scopes": ["agencies:read"]},
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
