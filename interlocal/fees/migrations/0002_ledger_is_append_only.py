"""The ledger is append-only: the database refuses to change or delete an entry, a posting or
a fee line, and refuses an entry into a closed period. Corrections are reversing entries."""

from django.db import migrations

from interlocal.core.triggers import guard_operation

APPEND_ONLY = ("fees_journalentry", "fees_posting", "fees_feeline")
_MESSAGE = "the fee ledger is append-only; post a reversing entry instead"
_CLOSED = (
    "EXISTS (SELECT 1 FROM fees_ledgerperiod p WHERE p.period = NEW.period "
    "AND p.closed_at IS NOT NULL)"
)
_CLOSED_MESSAGE = "this ledger period is closed; nothing posts into it"


def _sqlite() -> list[str]:
    statements = [
        f"""CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table}
           BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END;"""
        for table in APPEND_ONLY
        for op in ("update", "delete")
    ]
    statements.append(
        f"""CREATE TRIGGER fees_journalentry_closed_period BEFORE INSERT ON fees_journalentry
           WHEN {_CLOSED} BEGIN SELECT RAISE(ABORT, '{_CLOSED_MESSAGE}'); END;"""
    )
    return statements


def _postgres() -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION fees_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION '{_MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
        f"""CREATE OR REPLACE FUNCTION fees_open_period() RETURNS trigger AS $$
           BEGIN
             IF {_CLOSED} THEN RAISE EXCEPTION '{_CLOSED_MESSAGE}'; END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER fees_journalentry_closed_period BEFORE INSERT ON fees_journalentry
           FOR EACH ROW EXECUTE FUNCTION fees_open_period();""",
    ]
    statements += [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION fees_append_only();"""
        for table in APPEND_ONLY
    ]
    return statements


def _sqlite_undo() -> list[str]:
    names = [f"{t}_no_{op}" for t in APPEND_ONLY for op in ("update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {n};" for n in [*names, "fees_journalentry_closed_period"]]


def _postgres_undo() -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in APPEND_ONLY]
    return [
        *drops,
        "DROP TRIGGER IF EXISTS fees_journalentry_closed_period ON fees_journalentry;",
        "DROP FUNCTION IF EXISTS fees_append_only();",
        "DROP FUNCTION IF EXISTS fees_open_period();",
    ]


SQLITE_GUARDS, SQLITE_UNGUARD = _sqlite(), _sqlite_undo()
POSTGRES_GUARDS, POSTGRES_UNGUARD = _postgres(), _postgres_undo()


class Migration(migrations.Migration):
    dependencies = [("fees", "0001_initial")]
    operations = [guard_operation(
            (SQLITE_GUARDS, SQLITE_UNGUARD), (POSTGRES_GUARDS, POSTGRES_UNGUARD)
        )]
