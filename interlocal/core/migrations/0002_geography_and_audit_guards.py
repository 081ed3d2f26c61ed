"""Load states and counties, create the audit chain head, and make audit rows append-only in
the database itself (so even raw SQL cannot silently rewrite history)."""

from django.db import migrations

from interlocal.core.triggers import guard_operation

GENESIS = "0" * 64

SQLITE_GUARDS = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_UNGUARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]
POSTGRES_GUARDS = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
]
POSTGRES_UNGUARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only();",
]


def load(apps, schema_editor):
    from interlocal.core.geography import STATES, county_rows

    State = apps.get_model("core", "State")
    County = apps.get_model("core", "County")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    states = {
        fips: State.objects.create(fips=fips, postal=postal, name=name, kind=kind)
        for fips, postal, name, kind in STATES
    }
    County.objects.bulk_create(
        [County(fips=fips, state=states[st], name=name) for st, fips, name in county_rows()
         if st in states],
        batch_size=1000,
    )
    AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        guard_operation(
            (SQLITE_GUARDS, SQLITE_UNGUARD), (POSTGRES_GUARDS, POSTGRES_UNGUARD)
        ),
    ]
