"""Signing in: argon2 passwords, the failed-login rate limit, and TOTP for program admins."""

import importlib

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from interlocal.accounts.models import Membership, Organization
from interlocal.accounts.roles import OrgKind, Role
from tests.factories import TOTP_SECRET, UserFactory

PASSWORD = "correct horse battery"  # what tests.factories.UserFactory sets
LOGIN_URL = "/accounts/login/"
TOO_MANY = "Too many failed login attempts. Try again later."
WRONG = "The email address and/or password you specified are not correct."
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    # Rate-limit counters and used TOTP codes live in the cache (a database table); each test
    # that uses the database starts clean. The settings-only tests touch neither.
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    cache.clear()
    yield
    cache.clear()


def _login(client: Client, email: str, password: str):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- passwords --------------------------------------------------------------------------------


def test_production_settings_hash_passwords_with_argon2_first():
    # given the settings module as production loads it (not the tests' MD5 override)
    production = importlib.import_module("config.settings")

    # then argon2 is the hasher new passwords get
    assert production.PASSWORD_HASHERS[0] == ARGON2


def test_argon2_is_installed_and_produces_argon2_hashes(settings):
    # given the production hasher list
    production = importlib.import_module("config.settings")
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS

    # when a password is hashed
    encoded = make_password("a long passphrase for the program office")

    # then it is an argon2 hash that verifies (argon2-cffi is present)
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("a long passphrase for the program office", encoded)
    assert not check_password("another passphrase", encoded)


# --- failed-login rate limit ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_message(personas):
    # given the buyer
    client = Client()

    # when they sign in with a wrong password
    response = _login(client, personas["buyer"].email, "wrong")

    # then the form comes back with the mismatch message and nobody is signed in
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert not _signed_in(client)


@pytest.mark.django_db
def test_four_failures_still_let_the_right_password_in(personas):
    # given four wrong passwords for the buyer (one under the limit of five)
    client = Client()
    email = personas["buyer"].email
    for _ in range(4):
        assert _login(client, email, "wrong").status_code == 200

    # when the right password is given
    response = _login(client, email, PASSWORD)

    # then they are signed in
    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")
    assert _signed_in(client)


@pytest.mark.django_db
def test_after_five_failures_even_the_right_password_is_refused(personas):
    # given five wrong passwords for the buyer
    client = Client()
    email = personas["buyer"].email
    for _ in range(5):
        response = _login(client, email, "wrong")
        assert response.status_code == 200
        assert WRONG in response.content.decode()

    # when the right password is given
    response = _login(client, email, PASSWORD)

    # then allauth refuses it on the form (HTTP 200, 'too many attempts' error) and does not
    # sign them in
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [TOO_MANY]
    assert TOO_MANY in response.content.decode()
    assert not _signed_in(client)


@pytest.mark.django_db
def test_the_limit_follows_the_account_to_another_address(personas):
    # given five wrong passwords for the buyer from one IP address
    email = personas["buyer"].email
    for _ in range(5):
        _login(Client(REMOTE_ADDR="198.51.100.7"), email, "wrong")

    # when the right password comes from another address
    client = Client(REMOTE_ADDR="203.0.113.9")
    response = _login(client, email, PASSWORD)

    # then it is still refused (the limit is per account as well as per IP)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert not _signed_in(client)


@pytest.mark.django_db
def test_the_limit_applies_to_every_account_from_a_guessing_address(personas):
    # given five wrong passwords for the buyer from one IP address
    for _ in range(5):
        _login(Client(REMOTE_ADDR="198.51.100.7"), personas["buyer"].email, "wrong")

    # when another person signs in correctly from that address
    client = Client(REMOTE_ADDR="198.51.100.7")
    response = _login(client, personas["supplier_rep"].email, PASSWORD)

    # then it is refused too (per-IP limit)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert not _signed_in(client)


@pytest.mark.django_db
def test_an_unaffected_account_at_another_address_signs_in(personas):
    # given five wrong passwords for the buyer from one IP address
    for _ in range(5):
        _login(Client(REMOTE_ADDR="198.51.100.7"), personas["buyer"].email, "wrong")

    # when someone else signs in from elsewhere
    client = Client(REMOTE_ADDR="203.0.113.9")
    response = _login(client, personas["supplier_rep"].email, PASSWORD)

    # then they are let in: the limit is not global
    assert response.status_code == 302
    assert _signed_in(client)


# --- MFA for program administrators -----------------------------------------------------------


def _admin_without_totp():
    office = Organization.objects.create(kind=OrgKind.PROGRAM_OFFICE, name="Program office")
    user = UserFactory(email="new.admin@example.gov")
    # Created directly: tests.factories.member() would enrol TOTP for a program admin.
    Membership.objects.create(user=user, organization=office, role=Role.PROGRAM_ADMIN)
    return user


@pytest.mark.django_db
def test_a_program_admin_without_totp_is_sent_to_enrol_it():
    # given a program administrator with no authenticator
    user = _admin_without_totp()
    assert not Authenticator.objects.filter(user=user).exists()
    client = Client()

    # when they sign in with their password
    login = _login(client, user.email, PASSWORD)

    # then they are signed in, but the dashboard sends them to TOTP activation
    assert login.status_code == 302
    assert _signed_in(client)
    dashboard = client.get(reverse("core:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard.url == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_a_program_admin_without_totp_can_enrol_and_then_use_the_site():
    # given a signed-in program administrator with no authenticator
    user = _admin_without_totp()
    client = Client()
    _login(client, user.email, PASSWORD)

    # when they open TOTP activation, allauth first asks for the password again
    # (adding an authenticator needs a fresh reauthentication), which the middleware lets
    # through rather than looping back to activation
    activate = reverse("mfa_activate_totp")
    first = client.get(activate)
    assert first.status_code == 302
    assert first.url.startswith(reverse("account_reauthenticate"))
    reauth = client.post(first.url, {"password": PASSWORD})
    assert reauth.status_code == 302
    assert reauth.url == activate

    # when they open activation and confirm with a code from the secret it shows
    page = client.get(activate)
    assert page.status_code == 200
    secret = page.context["form"].secret
    done = client.post(activate, {"code": pyotp.TOTP(secret).now()})

    # then a TOTP authenticator is stored and the dashboard opens
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("core:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_program_admin_without_totp_is_held_back_from_other_pages_too():
    # given a signed-in program administrator with no authenticator
    user = _admin_without_totp()
    client = Client()
    client.force_login(user)

    # when they open the API keys page
    response = client.get(reverse("accounts:api_keys"))

    # then they are sent to enrol TOTP first
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_a_program_admin_with_totp_must_give_a_code_to_sign_in(personas):
    # given the program administrator persona, who has a TOTP authenticator
    admin = personas["program_admin"]
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    client = Client()

    # when they give the right password
    login = _login(client, admin.email, PASSWORD)

    # then they are asked for a code and are not yet signed in
    assert login.status_code == 302
    assert login.url == reverse("mfa_authenticate")
    assert not _signed_in(client)
    assert client.get(reverse("core:dashboard")).status_code == 302  # to the login page

    # when they give the current code from their authenticator app
    step = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TOTP_SECRET).now()})

    # then sign-in completes and the dashboard opens
    assert step.status_code == 302
    assert step.url == reverse("core:dashboard")
    assert _signed_in(client)
    assert client.get(reverse("core:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_does_not_complete_sign_in(personas):
    # given the program administrator past the password step
    admin = personas["program_admin"]
    client = Client()
    assert _login(client, admin.email, PASSWORD).url == reverse("mfa_authenticate")

    # when they give a wrong code
    good = pyotp.TOTP(TOTP_SECRET).now()
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    # then the code form comes back with an error and they are not signed in
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not _signed_in(client)


@pytest.mark.django_db
def test_a_buyer_without_mfa_is_not_redirected(personas):
    # given the buyer, who has no authenticator
    buyer = personas["buyer"]
    assert not Authenticator.objects.filter(user=buyer).exists()
    client = Client()

    # when they sign in with their password
    login = _login(client, buyer.email, PASSWORD)

    # then they go straight to the dashboard, which opens
    assert login.status_code == 302
    assert login.url == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200
