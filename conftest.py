"""Fixtures shared by every test: personas for each role, and the real-data location."""

import importlib
import socket
from pathlib import Path

import pytest
from django.test import Client

from interlocal.accounts.roles import Role

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"
ROLES = [role.value for role in Role]


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
def _media_in_tmp(settings, tmp_path):
    # Uploads and the demo's documents go to each test's own directory, never var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


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


_AUDIT_GUARDS = importlib.import_module(
    "interlocal.core.migrations.0002_geography_and_audit_guards"
)
# Accepted sales lines and the fee ledger are immutable the same way (triggers), and the flush
# must empty them too.
_FACT_GUARDS = importlib.import_module("interlocal.reporting.migrations.0002_facts_are_immutable")
_LEDGER_GUARDS = importlib.import_module("interlocal.fees.migrations.0002_ledger_is_append_only")
_DISTRIBUTION_GUARDS = importlib.import_module(
    "interlocal.fees.migrations.0005_distribution_is_final"
)


def _set_audit_guards(*, on: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for guards in (_AUDIT_GUARDS, _FACT_GUARDS, _LEDGER_GUARDS, _DISTRIBUTION_GUARDS):
                for statement in guards.SQLITE_UNGUARD:
                    cursor.execute(statement)
                for statement in guards.SQLITE_GUARDS if on else []:
                    cursor.execute(statement)
        elif connection.vendor == "postgresql":
            tables = (*_LEDGER_GUARDS.APPEND_ONLY, *_DISTRIBUTION_GUARDS.TABLES)
            for table in ("core_auditevent", "reporting_salesline", *tables):
                cursor.execute(f"ALTER TABLE {table} {'ENABLE' if on else 'DISABLE'} TRIGGER USER")


@pytest.fixture(scope="module")
def _audit_guards_back_after_module(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _set_audit_guards(on=True)


@pytest.fixture
def flushable_audit_table(_audit_guards_back_after_module, transactional_db):
    """For ``transaction=True`` tests that write audit events.

    After such a test Django empties every table (DELETE on SQLite, TRUNCATE on PostgreSQL),
    which the append-only triggers rightly refuse. The guards are on while each test runs and
    lifted from its end until the next test starts (pytest-django flushes last, after every
    fixture's teardown), and back on when the module ends. Pair it with
    ``serialized_rollback=True``: the flush also removes the states, counties and chain head the
    migrations load.
    """
    _set_audit_guards(on=True)
    yield
    _set_audit_guards(on=False)
