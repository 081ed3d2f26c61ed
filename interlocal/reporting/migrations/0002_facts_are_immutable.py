"""Accepted sales lines are facts: the database refuses to change or delete them. A correction
is a new report version; the services never edit an accepted line, and nor may anyone else."""

from django.db import migrations

from interlocal.core.triggers import guard_operation

_ACCEPTED = (
    "(SELECT status FROM reporting_salesreport WHERE id = OLD.report_id) "
    "IN ('accepted', 'superseded')"
)
_MESSAGE = "accepted sales lines are immutable; file a corrected report instead"

SQLITE_GUARDS = [
    f"""CREATE TRIGGER reporting_salesline_no_update BEFORE UPDATE ON reporting_salesline
       WHEN {_ACCEPTED} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END;""",
    f"""CREATE TRIGGER reporting_salesline_no_delete BEFORE DELETE ON reporting_salesline
       WHEN {_ACCEPTED} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END;""",
]
SQLITE_UNGUARD = [
    "DROP TRIGGER IF EXISTS reporting_salesline_no_update;",
    "DROP TRIGGER IF EXISTS reporting_salesline_no_delete;",
]
POSTGRES_GUARDS = [
    f"""CREATE OR REPLACE FUNCTION reporting_salesline_immutable() RETURNS trigger AS $$
       BEGIN
         IF {_ACCEPTED} THEN RAISE EXCEPTION '{_MESSAGE}'; END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER reporting_salesline_no_change BEFORE UPDATE OR DELETE ON reporting_salesline
       FOR EACH ROW EXECUTE FUNCTION reporting_salesline_immutable();""",
]
POSTGRES_UNGUARD = [
    "DROP TRIGGER IF EXISTS reporting_salesline_no_change ON reporting_salesline;",
    "DROP FUNCTION IF EXISTS reporting_salesline_immutable();",
]


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [guard_operation(
            (SQLITE_GUARDS, SQLITE_UNGUARD), (POSTGRES_GUARDS, POSTGRES_UNGUARD)
        )]
