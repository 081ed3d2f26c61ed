"""The audit trail: written in the caller's transaction, hash-chained, append-only in the model
and in the database, verifiable by ``manage.py verify_audit``, and traceable to a request."""

import datetime
import importlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlocal.core.audit import (
    GENESIS_HASH,
    ChainBreak,
    compute_hash,
    record,
    snapshot,
    verify_chain,
)
from interlocal.core.models import AuditChainHead, AuditEvent
from interlocal.registry.models import Agency, Registration
from interlocal.registry.services import registrations as registration_services
from tests.factories import AgencyFactory, UserFactory

# The migration's module name starts with a digit, so it cannot be imported with `import`.
guards_migration = importlib.import_module(
    "interlocal.core.migrations.0002_geography_and_audit_guards"
)

ALTERED = "content does not match its hash (the row was altered)"
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


# --- helpers ------------------------------------------------------------------------------


def write_events(count: int) -> list[AuditEvent]:
    """``count`` system events in one transaction, as a service would write them."""
    with transaction.atomic():
        return [
            record(
                actor=None,
                verb="test.change",
                object_type="test.thing",
                object_id=str(n),
                object_repr=f"Thing {n}",
                before={"n": n - 1},
                after={"n": n},
                reason=f"step {n}",
            )
            for n in range(1, count + 1)
        ]


def head() -> tuple[int, str]:
    chain_head = AuditChainHead.objects.get(pk=1)
    return chain_head.last_seq, chain_head.last_hash


def raw(sql: str, params: tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def stored_reason(seq: int) -> str:
    return AuditEvent.objects.values_list("reason", flat=True).get(seq=seq)


def require_guarded_database() -> None:
    if connection.vendor not in ("sqlite", "postgresql"):
        pytest.skip(
            f"the append-only triggers exist for SQLite and PostgreSQL, not {connection.vendor}"
        )


@contextmanager
def guards_off() -> Iterator[None]:
    """Switch the append-only triggers off, as someone with direct database access could.

    They are always switched back on, even when the body fails; the body runs in a savepoint so
    a failure there cannot leave a PostgreSQL transaction too broken to re-enable them.
    """
    require_guarded_database()
    if connection.vendor == "sqlite":
        raw("DROP TRIGGER core_auditevent_no_update")
        raw("DROP TRIGGER core_auditevent_no_delete")
    else:
        alter_audit_table("DISABLE TRIGGER core_auditevent_no_change")
    try:
        with transaction.atomic():
            yield
    finally:
        if connection.vendor == "sqlite":
            for sql in guards_migration.SQLITE_GUARDS:
                raw(sql)
        else:
            alter_audit_table("ENABLE TRIGGER core_auditevent_no_change")


def alter_audit_table(action: str) -> None:
    """PostgreSQL: ALTER TABLE core_auditevent, inside or outside a transaction.

    Inside one, PostgreSQL refuses to alter a table with pending (deferred foreign-key) trigger
    events, so those checks are run first, as a commit would.
    """
    if connection.in_atomic_block:
        raw("SET CONSTRAINTS ALL IMMEDIATE")
    raw(f"ALTER TABLE core_auditevent {action}")
    if connection.in_atomic_block:
        raw("SET CONSTRAINTS ALL DEFERRED")


def set_json_column(seq: int, column: str, value: Any) -> None:
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    raw(f'UPDATE core_auditevent SET "{column}" = {cast} WHERE seq = %s', (json.dumps(value), seq))


def verify_audit_output() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


# --- writing: one transaction, strict order -----------------------------------------------


@pytest.mark.django_db
def test_record_appends_linked_events_and_moves_the_chain_head() -> None:
    # given an empty audit trail
    assert head() == (0, GENESIS_HASH)
    # when a service records three events
    first, second, third = write_events(3)
    # then they are numbered 1, 2, 3 and each names the hash of the one before
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert [e.prev_hash for e in events] == [GENESIS_HASH, first.hash, second.hash]
    assert [e.hash for e in events] == [first.hash, second.hash, third.hash]
    assert all(re.fullmatch(r"[0-9a-f]{64}", e.hash) for e in events)
    assert all(compute_hash(e) == e.hash for e in events)
    # and the chain head points at the newest event
    assert head() == (3, third.hash)
    # and the chain verifies
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_record_describes_the_object_and_who_acted(personas: dict) -> None:
    # given a signed-in program administrator acting on an agency
    admin = personas["program_admin"]
    agency = AgencyFactory(name="Harmon County Water District")
    # when the change is recorded
    with transaction.atomic():
        event = record(actor=admin, verb="agency.update", obj=agency, reason="renamed")
    # then the event names the object and the actor as they were at the time
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.object_type == "registry.agency"
    assert event.object_id == str(agency.pk)
    assert event.object_repr == str(agency)
    assert event.actor_id == admin.pk
    assert event.actor_label == "program_admin@example.gov"
    assert event.organization_id == admin.primary_organization.pk
    assert event.occurred_at <= timezone.now()
    # and a change made by the system itself is labelled so
    with transaction.atomic():
        system_event = record(actor=None, verb="agency.update", obj=agency)
    assert (system_event.actor_id, system_event.actor_label) == (None, "system")
    assert system_event.organization_id is None


@pytest.mark.django_db
def test_an_event_rolls_back_with_the_transaction_that_wrote_it() -> None:
    # given a trail with one event
    (first,) = write_events(1)
    before = head()

    # when a service records an event and then fails in the same transaction
    class ServiceFailed(Exception):
        pass

    with pytest.raises(ServiceFailed), transaction.atomic():
        record(actor=None, verb="test.change", object_type="test.thing", reason="doomed")
        raise ServiceFailed

    # then neither the event nor the move of the chain head survives
    assert AuditEvent.objects.count() == 1
    assert not AuditEvent.objects.filter(reason="doomed").exists()
    assert head() == before
    # and the next event continues the chain without a gap
    (second,) = write_events(1)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert list(verify_chain()) == []


def pending_registration(**fields: Any) -> Registration:
    return Registration.objects.create(
        agency=AgencyFactory(name="Village of Elm Creek"),
        contact_name="Pat Rivera",
        contact_email="pat.rivera@elmcreek.example.gov",
        terms_version="2026-01",
        signed_name="Pat Rivera",
        signed_at=timezone.now(),
        **fields,
    )


@pytest.mark.django_db
def test_a_service_that_fails_after_recording_leaves_no_audit_events(
    personas: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a pending registration
    registration = pending_registration()
    before = head()

    # and approval failing after it already recorded "agency.participate"
    def broken_contact(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("mail server down")

    monkeypatch.setattr(registration_services, "_ensure_contact", broken_contact)
    # when the program administrator approves it
    with pytest.raises(RuntimeError, match="mail server down"):
        registration_services.approve_registration(
            actor=personas["program_admin"], registration=registration
        )
    # then the change and its audit events are gone together
    assert AuditEvent.objects.count() == 0
    assert head() == before
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert not Agency.objects.get(pk=registration.agency_id).is_participating


# --- real transactions (transaction=True) -------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("flushable_audit_table")
class TestInRealTransactions:
    def test_record_refuses_to_write_outside_a_transaction(self) -> None:
        # given a connection in autocommit mode (no transaction.atomic around the call)
        assert not connection.in_atomic_block
        before = head()
        # when a caller records an event, then it is refused and nothing is written
        with pytest.raises(RuntimeError, match=r"must be called inside transaction\.atomic\(\)"):
            record(actor=None, verb="test.change", object_type="test.thing")
        assert AuditEvent.objects.count() == 0
        assert head() == before

    def test_a_rolled_back_transaction_commits_no_event(self) -> None:
        before = head()
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            record(actor=None, verb="test.change", object_type="test.thing")
            _ = 1 / 0
        assert AuditEvent.objects.count() == 0
        assert head() == before

    def test_a_committed_transaction_commits_the_event_and_the_head(self) -> None:
        (event,) = write_events(1)
        assert not connection.in_atomic_block  # committed, not merely written
        assert AuditEvent.objects.get(seq=1).hash == event.hash
        assert head() == (1, event.hash)
        assert list(verify_chain()) == []


# --- append-only in the model ---------------------------------------------------------------


@pytest.mark.django_db
def test_saving_an_existing_event_again_is_refused() -> None:
    (event,) = write_events(1)
    event.reason = "rewritten"
    with pytest.raises(PermissionError, match="append-only; record a correcting event instead"):
        event.save()
    loaded = AuditEvent.objects.get(pk=event.pk)
    loaded.reason = "rewritten"
    with pytest.raises(PermissionError, match="append-only"):
        loaded.save(update_fields=["reason"])
    assert stored_reason(1) == "step 1"


@pytest.mark.django_db
def test_deleting_an_event_is_refused() -> None:
    (event,) = write_events(1)
    with pytest.raises(PermissionError, match="cannot be deleted"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda: AuditEvent.objects.update(reason="x"),
        lambda: AuditEvent.objects.filter(seq=1).update(reason="x"),
        lambda: AuditEvent.objects.all().update(after={"n": 99}),
        lambda: AuditEvent.objects.delete(),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.filter(seq=2).delete(),
        lambda: AuditEvent.objects.bulk_update(
            [AuditEvent.objects.get(seq=1)], ["reason"], batch_size=10
        ),
    ],
    ids=["update", "filter-update", "all-update", "delete", "all-delete", "filter-delete", "bulk"],
)
def test_queryset_updates_and_deletes_are_refused(change: Any) -> None:
    write_events(2)
    # (in a savepoint: bulk_update wraps itself in atomic(savepoint=False))
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        change()
    assert AuditEvent.objects.count() == 2
    assert [stored_reason(1), stored_reason(2)] == ["step 1", "step 2"]
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_a_person_who_acted_cannot_be_deleted_out_of_the_trail() -> None:
    user = UserFactory()
    with transaction.atomic():
        record(actor=user, verb="test.change", object_type="test.thing")
    with pytest.raises(ProtectedError):
        user.delete()


# --- append-only in the database ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET reason = 'x'",
        "UPDATE core_auditevent SET reason = 'x' WHERE seq = 1",
        "UPDATE core_auditevent SET hash = prev_hash WHERE seq = 2",
        "DELETE FROM core_auditevent",
        "DELETE FROM core_auditevent WHERE seq = 2",
    ],
)
def test_raw_sql_cannot_change_or_remove_events(sql: str) -> None:
    # given a trail, on a database with the append-only triggers
    require_guarded_database()
    write_events(2)
    # when someone bypasses the model with raw SQL, then the database refuses
    with pytest.raises(DatabaseError, match="audit events are append-only"), transaction.atomic():
        raw(sql)
    # and nothing changed
    assert AuditEvent.objects.count() == 2
    assert [stored_reason(1), stored_reason(2)] == ["step 1", "step 2"]
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_emptying_the_table_at_once_is_refused() -> None:
    # PostgreSQL's TRUNCATE skips row triggers, so it has a statement guard of its own; SQLite
    # has no TRUNCATE, and its whole-table DELETE optimisation is off while triggers exist.
    write_events(1)
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE, too, refuses pending FK checks
        statement = "TRUNCATE core_auditevent"
    else:
        statement = "DELETE FROM core_auditevent"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(statement)
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_guards_off_always_puts_the_guards_back() -> None:
    # the tamper tests below rely on this helper; a leak would hide real regressions
    write_events(1)
    with pytest.raises(KeyError), guards_off():
        raw("UPDATE core_auditevent SET reason = 'inside' WHERE seq = 1")
        raise KeyError("body failed")
    assert stored_reason(1) == "step 1"  # the body's savepoint rolled back
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE core_auditevent SET reason = 'after' WHERE seq = 1")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("DELETE FROM core_auditevent")


# --- tamper detection -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seq", "column", "forged"),
    [
        (2, "after", {"n": 200}),
        (2, "before", None),
        (2, "reason", "nothing to see"),
        (2, "object_id", "999"),
        (2, "actor_label", "someone-else@example.gov"),
        (2, "request_id", "forged-request-id"),
        (1, "reason", "x"),
        (3, "reason", "x"),
    ],
)
def test_an_altered_event_is_named_by_verify_chain_and_verify_audit(
    seq: int, column: str, forged: Any
) -> None:
    # given an intact trail of three events
    write_events(3)
    # when someone with database access rewrites one field of one event
    with guards_off():
        if column in ("before", "after"):
            set_json_column(seq, column, forged)
        else:
            raw(f'UPDATE core_auditevent SET "{column}" = %s WHERE seq = %s', (forged, seq))
    # then verification names exactly that event as altered
    assert list(verify_chain()) == [ChainBreak(seq, ALTERED)]
    with pytest.raises(CommandError, match=rf"audit chain broken at event #{seq}: .*altered"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_row_rewritten_with_a_fresh_hash_breaks_the_link_to_the_next_event() -> None:
    # given a forger who rewrites event #2 and recomputes its hash so that it checks out
    write_events(3)
    forged = AuditEvent.objects.get(seq=2)
    forged.reason = "nothing to see"
    new_hash = compute_hash(forged)
    with guards_off():
        raw(
            "UPDATE core_auditevent SET reason = %s, hash = %s WHERE seq = 2",
            ("nothing to see", new_hash),
        )
    # then event #3 still names the original hash, so the chain breaks there
    assert list(verify_chain()) == [
        ChainBreak(3, "prev_hash does not match the previous event's hash")
    ]
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_deleted_middle_event_is_reported_missing() -> None:
    write_events(3)
    with guards_off():
        raw("DELETE FROM core_auditevent WHERE seq = 2")
    breaks = list(verify_chain())
    assert breaks[0] == ChainBreak(2, "event #2 is missing (next is #3)")
    with pytest.raises(CommandError, match=r"event #2: event #2 is missing"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_a_deleted_newest_event_is_caught_by_the_chain_head() -> None:
    write_events(3)
    with guards_off():
        raw("DELETE FROM core_auditevent WHERE seq = 3")
    assert list(verify_chain()) == [
        ChainBreak(3, "chain head does not match the last event (rows removed)")
    ]
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_verify_audit_reports_an_intact_chain() -> None:
    assert verify_audit_output().strip() == "audit chain intact: 0 events verified"
    write_events(3)
    assert verify_audit_output().strip() == "audit chain intact: 3 events verified"


@pytest.mark.django_db
def test_verify_chain_walks_past_batch_boundaries() -> None:
    events = write_events(5)
    assert list(verify_chain(batch_size=2)) == []
    with guards_off():
        raw("UPDATE core_auditevent SET reason = 'x' WHERE seq = 4")
    assert list(verify_chain(batch_size=2)) == [ChainBreak(4, ALTERED)]
    assert len(events) == 5


# --- request id ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_response_carries_a_fresh_request_id(client: Any) -> None:
    first = client.get(reverse("core:home"))
    second = client.get(reverse("core:home"))
    missing = client.get("/no-such-page/")
    assert (first.status_code, missing.status_code) == (200, 404)
    ids = [r["X-Request-ID"] for r in (first, second, missing)]
    assert all(HEX_ID.match(i) for i in ids)
    assert len(set(ids)) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    ["abcd1234", "req-2026.07.01_ABC", "0f8fad5b-d9cb-469f-a165-70867728950e", "a" * 64],
)
def test_a_well_formed_incoming_request_id_is_kept(client: Any, incoming: str) -> None:
    response = client.get(reverse("core:home"), headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [
        "has spaces in it",
        "x" * 200,
        "a" * 65,
        "short",
        "",
        "<script>alert(1)</script>",
        "abc12345\r\nSet-Cookie: sessionid=stolen",
        "id;DROP TABLE core_auditevent",
        "ünïcödé-request-id",
    ],
)
def test_a_malformed_incoming_request_id_is_replaced(client: Any, incoming: str) -> None:
    response = client.get(reverse("core:home"), headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert HEX_ID.match(response["X-Request-ID"])


def events_of_request(after_seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=after_seq).order_by("seq"))


@pytest.mark.django_db
def test_audit_events_written_during_a_request_carry_its_id(client_for: Any) -> None:
    # given a pending registration and the program administrator signed in
    registration = pending_registration()
    client = client_for("program_admin")
    start, _ = head()
    # when the administrator approves it, behind a proxy that set a request id
    response = client.post(
        reverse("registry:registration_approve", kwargs={"pk": registration.pk}),
        {"note": "checked the agency's website"},
        headers={"X-Request-ID": "support-ticket-00421"},
    )
    # then the approval happened
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    # and the newest audit event is the approval, tagged with that request id
    newest = AuditEvent.objects.order_by("-seq").first()
    assert (newest.verb, newest.request_id) == ("registration.approve", "support-ticket-00421")
    # as is every other event the request caused
    written = events_of_request(start)
    assert len(written) >= 2
    assert {e.request_id for e in written} == {"support-ticket-00421"}
    assert response["X-Request-ID"] == "support-ticket-00421"
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_without_an_incoming_id_events_carry_the_id_returned_to_the_client(
    client_for: Any,
) -> None:
    registration = pending_registration()
    start, _ = head()
    response = client_for("program_admin").post(
        reverse("registry:registration_approve", kwargs={"pk": registration.pk}),
        headers={"X-Request-ID": "bad id"},
    )
    request_id = response["X-Request-ID"]
    assert HEX_ID.match(request_id)
    assert {e.request_id for e in events_of_request(start)} == {request_id}
    # and once the request is over, events recorded outside any request carry no id
    (later,) = write_events(1)
    assert later.request_id == ""


# --- JSON round trip ------------------------------------------------------------------------


@pytest.mark.django_db
def test_decimals_are_stored_as_strings_and_the_hash_survives_a_reload() -> None:
    # given a change whose before/after carry money, dates and non-ASCII text
    after = {
        "amount": Decimal("1234.50"),
        "fee": Decimal("24.690"),
        "credit": Decimal("-0.01"),
        "rate_bp": 200,
        "period_end": datetime.date(2026, 9, 30),
        "reviewed_at": datetime.datetime(2026, 10, 1, 14, 5, 9, 123456, tzinfo=datetime.UTC),
        "agency": "Doña Ana County — “Las Cruces”",
        "lines": [{"total": Decimal("0.10")}, {"total": Decimal("1E+2")}],
        "approved": True,
        "note": None,
    }
    with transaction.atomic():
        event = record(
            actor=None, verb="fee.assess", object_type="fees.invoice", before={}, after=after
        )
    # when it is read back from the database (PostgreSQL's jsonb reorders keys and rewrites
    # numbers, so only strings are safe for exact values)
    loaded = AuditEvent.objects.get(pk=event.pk)
    assert loaded.after is not None
    # then every Decimal is the exact string it was, trailing zeros included
    assert loaded.after["amount"] == "1234.50"
    assert loaded.after["fee"] == "24.690"
    assert loaded.after["credit"] == "-0.01"
    assert loaded.after["lines"] == [{"total": "0.10"}, {"total": "1E+2"}]
    assert loaded.after["period_end"] == "2026-09-30"
    assert loaded.after["rate_bp"] == 200
    assert loaded.before == {}
    # and the database itself holds strings, not numbers
    assert AuditEvent.objects.filter(pk=event.pk, after__amount="1234.50").exists()
    # and the stored content still matches its hash
    assert compute_hash(loaded) == event.hash == loaded.hash
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_snapshot_stores_foreign_keys_as_ids_in_plain_json() -> None:
    agency = AgencyFactory(name="Harmon County")
    data = snapshot(agency, ["name", "state", "participating_since"])
    assert data == {"name": "Harmon County", "state": agency.state_id, "participating_since": None}
    assert json.loads(json.dumps(data)) == data


@pytest.mark.django_db
@pytest.mark.parametrize("value", [1e16, 2.5e300, -0.0])
def test_a_float_in_a_snapshot_still_verifies_after_a_reload(value: float) -> None:
    # (jsonb hands back 1e16 as an integer and -0.0 as 0.0, so floats are stored as text)
    # given a snapshot with a float in it (a FloatField, a computed ratio)
    with transaction.atomic():
        event = record(actor=None, verb="test.change", object_type="test.thing", after={"v": value})
    # when it is read back, then it still matches its hash
    loaded = AuditEvent.objects.get(pk=event.pk)
    assert compute_hash(loaded) == loaded.hash
    assert loaded.after == {"v": repr(value)}
    assert list(verify_chain()) == []


# Floats are kept to the range jsonb gives back unchanged (see the test above).
safe_floats = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False).filter(
    lambda x: x != 0 or str(x) == "0.0"
)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | safe_floats
    | st.decimals(allow_nan=False, allow_infinity=False, places=4)
    | st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))
    | st.dates()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=8).filter(lambda k: "\x00" not in k), children, max_size=4
        )
    ),
    max_leaves=12,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.dictionaries(st.text(max_size=8), json_values, max_size=5), after=json_values)
def test_any_json_payload_still_verifies_after_a_reload(before: dict, after: Any) -> None:
    before = {k.replace("\x00", ""): v for k, v in before.items()}
    with transaction.atomic():
        event = record(
            actor=None,
            verb="test.change",
            object_type="test.thing",
            before=before,
            after={"value": after},
        )
        loaded = AuditEvent.objects.get(pk=event.pk)
        assert compute_hash(loaded) == loaded.hash
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_events_appended_during_a_check_are_left_for_the_next_one(monkeypatch) -> None:
    import interlocal.core.audit as audit_module

    # given an intact chain of two events
    write_events(2)
    real_hash = audit_module.compute_hash
    appended: list[int] = []

    # when another request appends an event while the check is walking the chain
    def hash_while_another_request_appends(event: AuditEvent) -> str:
        if not appended:
            appended.append(1)
            write_events(1)
        return real_hash(event)

    monkeypatch.setattr(audit_module, "compute_hash", hash_while_another_request_appends)
    # then the check reports no break (the new event is checked next time)
    assert list(audit_module.verify_chain()) == []
    assert AuditEvent.objects.count() == 3
