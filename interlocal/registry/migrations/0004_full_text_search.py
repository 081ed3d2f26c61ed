"""Full-text index on agencies' normalised names: an FTS5 table kept in step by triggers on
SQLite, a GIN expression index on PostgreSQL (see interlocal/core/search.py)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE registry_agency_fts USING fts5("
    "search_name, content='registry_agency', content_rowid='id')",
    "INSERT INTO registry_agency_fts(registry_agency_fts) VALUES ('rebuild')",
    """CREATE TRIGGER registry_agency_fts_insert AFTER INSERT ON registry_agency BEGIN
         INSERT INTO registry_agency_fts(rowid, search_name) VALUES (new.id, new.search_name);
       END""",
    """CREATE TRIGGER registry_agency_fts_delete AFTER DELETE ON registry_agency BEGIN
         INSERT INTO registry_agency_fts(registry_agency_fts, rowid, search_name)
         VALUES ('delete', old.id, old.search_name);
       END""",
    """CREATE TRIGGER registry_agency_fts_update AFTER UPDATE OF search_name ON registry_agency
       BEGIN
         INSERT INTO registry_agency_fts(registry_agency_fts, rowid, search_name)
         VALUES ('delete', old.id, old.search_name);
         INSERT INTO registry_agency_fts(rowid, search_name) VALUES (new.id, new.search_name);
       END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_agency_fts_insert",
    "DROP TRIGGER IF EXISTS registry_agency_fts_delete",
    "DROP TRIGGER IF EXISTS registry_agency_fts_update",
    "DROP TABLE IF EXISTS registry_agency_fts",
]
POSTGRES = [
    "CREATE INDEX registry_agency_search_fts ON registry_agency "
    "USING gin (to_tsvector('simple', search_name))",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS registry_agency_search_fts"]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_evidence_dates")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
