"""Fixtures shared by every test: personas for each role, and the real-data location."""

import socket
from pathlib import Path

import pytest
from django.test import Client

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
    from tests.factories import make_personas  # imported here: pure tests run without Django

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


_real_connect = socket.socket.connect


def _loopback_only(sock: socket.socket, address: object) -> None:
    """Tests never reach the internet: any connection off this machine fails loudly."""
    if isinstance(address, tuple) and sock.family in (socket.AF_INET, socket.AF_INET6):
        host = str(address[0])
        if not (host.startswith("127.") or host in ("::1", "localhost")):
            raise OSError(f"test tried to reach {host}; Interlocal must work offline")
    _real_connect(sock, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def _no_internet():
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
