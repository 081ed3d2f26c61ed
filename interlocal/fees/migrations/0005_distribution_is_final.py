"""A distribution is final: the database refuses to change or delete a run's shares or an
approved program cost, to delete a run, and to change a run once it is posted or withdrawn (a
prepared run changes once, when it is approved or withdrawn)."""

from django.db import migrations

from interlocal.core.triggers import guard_operation

APPEND_ONLY = ("fees_distributionshare", "fees_programcost")
TABLES = (*APPEND_ONLY, "fees_distributionrun")
_MESSAGE = "distributions and approved costs are append-only; record an adjustment instead"
_FINAL = "a posted or withdrawn distribution run is final"


def _sqlite() -> list[str]:
    statements = [
        f"""CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table}
           BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END;"""
        for table in APPEND_ONLY
        for op in ("update", "delete")
    ]
    statements += [
        f"""CREATE TRIGGER fees_distributionrun_no_delete BEFORE DELETE ON fees_distributionrun
           BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END;""",
        f"""CREATE TRIGGER fees_distributionrun_final BEFORE UPDATE ON fees_distributionrun
           WHEN OLD.status <> 'prepared' BEGIN SELECT RAISE(ABORT, '{_FINAL}'); END;""",
    ]
    return statements


def _postgres() -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION fees_distribution_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION '{_MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
        f"""CREATE OR REPLACE FUNCTION fees_distribution_run_final() RETURNS trigger AS $$
           BEGIN
             IF TG_OP = 'DELETE' OR OLD.status <> 'prepared' THEN
               RAISE EXCEPTION '{_FINAL}';
             END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER fees_distributionrun_final BEFORE UPDATE OR DELETE
           ON fees_distributionrun FOR EACH ROW EXECUTE FUNCTION fees_distribution_run_final();""",
    ]
    statements += [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION fees_distribution_append_only();"""
        for table in APPEND_ONLY
    ]
    return statements


def _sqlite_undo() -> list[str]:
    names = [f"{t}_no_{op}" for t in APPEND_ONLY for op in ("update", "delete")]
    names += ["fees_distributionrun_no_delete", "fees_distributionrun_final"]
    return [f"DROP TRIGGER IF EXISTS {n};" for n in names]


def _postgres_undo() -> list[str]:
    drops = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in APPEND_ONLY]
    return [
        *drops,
        "DROP TRIGGER IF EXISTS fees_distributionrun_final ON fees_distributionrun;",
        "DROP FUNCTION IF EXISTS fees_distribution_append_only();",
        "DROP FUNCTION IF EXISTS fees_distribution_run_final();",
    ]


SQLITE_GUARDS, SQLITE_UNGUARD = _sqlite(), _sqlite_undo()
POSTGRES_GUARDS, POSTGRES_UNGUARD = _postgres(), _postgres_undo()


class Migration(migrations.Migration):
    dependencies = [("fees", "0004_distribution")]
    operations = [
        guard_operation((SQLITE_GUARDS, SQLITE_UNGUARD), (POSTGRES_GUARDS, POSTGRES_UNGUARD))
    ]
