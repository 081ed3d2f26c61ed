"""Fixtures shared by every test: personas for each role, and the real-data location."""

from pathlib import Path

import pytest
from django.test import Client

from tests.factories import make_personas

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"
ROLES = [
    "program_admin",
    "lead_agency_officer",
    "buyer",
    "supplier_rep",
    "sponsor_viewer",
    "advisory_member",
    "auditor",
]


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def client_for(personas):
    """client_for('buyer') is a Client signed in as that persona; None is anonymous."""

    def make(role: str | None) -> Client:
        client = Client()
        if role is not None:
            client.force_login(personas[role])
        return client

    return make


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data sets not found at {SHARED_DATA} (they live beside the repo in CI)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # argon2 is the production hasher (asserted in accounts tests); tests hash with MD5 for speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
