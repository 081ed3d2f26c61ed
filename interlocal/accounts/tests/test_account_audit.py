"""Account-security changes made through allauth's pages are audited, without their secrets:
passwords (change, set, reset), email addresses, TOTP and recovery codes."""

import json
import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from interlocal.accounts.models import User
from interlocal.core.audit import verify_chain
from interlocal.core.models import AuditEvent

PASSWORD = "correct horse battery"  # what tests.factories.UserFactory sets
NEW_PASSWORD = "quarterly fee ledger 2026 reconciles"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and used TOTP codes live in the cache; each test starts clean.
    cache.clear()
    yield
    cache.clear()


def _signed_in_client(user: User, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.content
    return client


def _get_past_reauthentication(client: Client, url: str, password: str = PASSWORD):
    """allauth asks for the password again before MFA changes; give it and come back."""
    response = client.get(url)
    if response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate")):
        assert client.post(response.url, {"password": password}).status_code == 302
        response = client.get(url)
    return response


def _audit_text() -> str:
    """Everything the audit trail holds, as one string to search for secrets."""
    rows = AuditEvent.objects.values_list("object_repr", "before", "after", "reason")
    return json.dumps(list(rows), default=str)


def _events(user: User, prefix: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(verb__startswith=prefix, object_id=str(user.pk)).order_by("seq")
    )


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_the_password_is_audited_without_the_password(personas):
    # given a signed-in buyer
    buyer = personas["buyer"]
    client = _signed_in_client(buyer)

    # when they change their password on allauth's page
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    # then the password changed, and one event says so: the buyer acted on their own account
    assert response.status_code == 302, response.content
    buyer.refresh_from_db()
    assert check_password(NEW_PASSWORD, buyer.password)
    [event] = _events(buyer, "account.")
    assert event.verb == "account.password_changed"
    assert event.actor == buyer
    assert event.object_type == "accounts.user"
    assert event.organization == buyer.primary_organization
    assert event.after == {"user": buyer.email, "how": "changed"}

    # and neither password nor the stored hash is anywhere in the audit trail, which verifies
    text = _audit_text()
    for secret in (PASSWORD, NEW_PASSWORD, buyer.password):
        assert secret not in text
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_a_refused_password_change_is_not_audited(personas):
    # given a signed-in buyer
    buyer = personas["buyer"]
    client = _signed_in_client(buyer)

    # when they give a wrong current password
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    # then nothing changed and nothing is recorded
    assert response.status_code == 200
    assert not _events(buyer, "account.")


@pytest.mark.django_db
def test_setting_a_first_password_is_audited(personas):
    # given a person invited without a usable password, signed in
    buyer = personas["buyer"]
    buyer.set_unusable_password()
    buyer.save()
    client = Client()
    client.force_login(buyer)

    # when they set one
    response = client.post(
        reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    # then it is recorded as a password set, without the password
    assert response.status_code == 302, response.content
    [event] = _events(buyer, "account.")
    assert event.verb == "account.password_set"
    assert event.actor == buyer
    assert NEW_PASSWORD not in _audit_text()


@pytest.mark.django_db
def test_resetting_the_password_by_emailed_link_is_audited(personas):
    # given a buyer who asks for a reset link, signed out
    buyer = personas["buyer"]
    client = Client()
    client.post(reverse("account_reset_password"), {"email": buyer.email})
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)
    assert link, message.body

    # when they follow it and choose a new password
    page = client.get(link[1])
    form_url = page.url if page.status_code == 302 else link[1]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # then the password changed and one event records the reset, acted by the account owner,
    # with neither the password nor the reset key in the trail
    assert response.status_code == 302, response.content
    buyer.refresh_from_db()
    assert check_password(NEW_PASSWORD, buyer.password)
    [event] = _events(buyer, "account.")
    assert event.verb == "account.password_reset"
    assert event.actor == buyer
    assert event.after == {"user": buyer.email, "how": "emailed reset link"}
    text = _audit_text()
    assert NEW_PASSWORD not in text
    assert link[1].rstrip("/").rsplit("/", 1)[-1] not in text


# --- email addresses --------------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_an_address_and_making_it_primary_is_audited(personas):
    # given a signed-in buyer
    buyer = personas["buyer"]
    old_email = buyer.email
    client = _signed_in_client(buyer)

    # when they add a new address and then make it their primary one
    client.post(reverse("account_email"), {"action_add": "", "email": "d.reyes@lakeridge.gov"})
    client.post(reverse("account_email"), {"action_primary": "", "email": "d.reyes@lakeridge.gov"})

    # then the account's email is the new one, and both steps are recorded with the addresses
    buyer.refresh_from_db()
    assert buyer.email == "d.reyes@lakeridge.gov"
    events = _events(buyer, "account.")
    assert [e.verb for e in events] == ["account.email_added", "account.email_changed"]
    added, changed = events
    assert added.after == {"email": "d.reyes@lakeridge.gov"}
    assert changed.before == {"primary_email": old_email}
    assert changed.after == {"primary_email": "d.reyes@lakeridge.gov"}
    assert all(e.actor == buyer for e in events)


# --- MFA --------------------------------------------------------------------------------------


def _activate_totp(client: Client, django_capture_on_commit_callbacks) -> str:
    """Activate TOTP on allauth's page; returns the secret it showed. allauth sends its MFA
    signals once the transaction commits, so the callbacks are run here."""
    activate = reverse("mfa_activate_totp")
    page = _get_past_reauthentication(client, activate)
    assert page.status_code == 200
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(activate, {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302, done.content
    return secret


def _mfa_secrets(user: User) -> list[str]:
    """The TOTP secret, the recovery-code seed and every unused recovery code of a user."""
    found = []
    for authenticator in Authenticator.objects.filter(user=user):
        found += [str(value) for value in authenticator.data.values() if value]
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            found += authenticator.wrap().get_unused_codes()
    return found


@pytest.mark.django_db
def test_activating_totp_is_audited_without_the_secret_or_recovery_codes(
    personas, django_capture_on_commit_callbacks
):
    # given a signed-in buyer with no authenticator
    buyer = personas["buyer"]
    client = _signed_in_client(buyer)

    # when they activate TOTP (allauth also creates recovery codes)
    secret = _activate_totp(client, django_capture_on_commit_callbacks)

    # then one event per authenticator added, naming its type and id
    authenticators = {a.type: a for a in Authenticator.objects.filter(user=buyer)}
    assert set(authenticators) == {"totp", "recovery_codes"}
    events = _events(buyer, "mfa.")
    assert {e.verb for e in events} == {"mfa.authenticator_added"}
    assert sorted((e.after["type"], e.after["authenticator_id"]) for e in events) == sorted(
        (kind, a.pk) for kind, a in authenticators.items()
    )
    assert all(e.actor == buyer for e in events)

    # and neither the TOTP secret, the recovery-code seed nor any recovery code is in the trail
    text = _audit_text()
    secrets = [secret, *_mfa_secrets(buyer)]
    assert len(secrets) > 3
    for value in secrets:
        assert value not in text
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_regenerating_recovery_codes_is_audited_without_the_codes(
    personas, django_capture_on_commit_callbacks
):
    # given a buyer with TOTP and recovery codes
    buyer = personas["buyer"]
    client = _signed_in_client(buyer)
    _activate_totp(client, django_capture_on_commit_callbacks)
    old_codes = _mfa_secrets(buyer)

    # when they generate new recovery codes
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))

    # then a reset of the recovery-codes authenticator is recorded, with no code old or new
    assert response.status_code == 302, response.content
    [reset] = [e for e in _events(buyer, "mfa.") if e.verb == "mfa.authenticator_reset"]
    assert reset.after["type"] == "recovery_codes"
    text = _audit_text()
    for value in [*old_codes, *_mfa_secrets(buyer)]:
        assert value not in text


@pytest.mark.django_db
def test_deactivating_totp_is_audited(personas, django_capture_on_commit_callbacks):
    # given a buyer with TOTP and recovery codes
    buyer = personas["buyer"]
    client = _signed_in_client(buyer)
    _activate_totp(client, django_capture_on_commit_callbacks)

    # when they deactivate TOTP
    response = client.post(reverse("mfa_deactivate_totp"))

    # then both authenticators are gone and each removal is recorded by type
    assert response.status_code == 302, response.content
    assert not Authenticator.objects.filter(user=buyer).exists()
    removed = [e for e in _events(buyer, "mfa.") if e.verb == "mfa.authenticator_removed"]
    assert sorted(e.before["type"] for e in removed) == ["recovery_codes", "totp"]
    assert all(e.actor == buyer for e in removed)
