"""Word search behind one small interface: SQLite FTS5 or PostgreSQL full-text search.

A search matches rows whose indexed text has every query word as the start of one of its words
(any order): "lake ridge isd" finds "Lake Ridge Independent School District" once the caller
has normalised both sides the same way. Each searchable table has its index created by a
migration (``registry.0004_full_text_search`` for agencies); other databases fall back to
``LIKE``, which finds the same rows more slowly.
"""

import re
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"[a-z0-9]+")
# Tables with a full-text index, and the column it covers. Table and column names in the SQL
# below come only from here; the user's words are parameters, reduced to [a-z0-9] first.
INDEXED = {
    "registry_agency": "search_name",
    "agreements_agreement": "search_text",
    "agreements_priceitem": "search_text",
}


def matching[QS: QuerySet[Any]](queryset: QS, *, table: str, column: str, words: list[str]) -> QS:
    """``queryset`` narrowed to rows of ``table`` whose ``column`` holds every word as a prefix."""
    if INDEXED.get(table) != column:
        raise ValueError(f"{table}.{column} has no full-text index; add it to INDEXED")
    words = [w for word in words for w in _WORD.findall(word.lower())]
    if not words:
        return queryset
    vendor = connection.vendor
    if vendor == "sqlite":
        query = " ".join(f'"{w}"*' for w in words)
        sql = f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s"  # noqa: S608
        ids = RawSQL(sql, [query])  # noqa: S611
    elif vendor == "postgresql":
        query = " & ".join(f"{w}:*" for w in words)
        sql = (
            f"SELECT id FROM {table} WHERE to_tsvector('simple', {column}) "  # noqa: S608
            "@@ to_tsquery('simple', %s)"
        )
        ids = RawSQL(sql, [query])  # noqa: S611
    else:
        for word in words:
            queryset = queryset.filter(**{f"{column}__contains": word})
        return queryset
    return queryset.filter(pk__in=ids)


def search_text(*parts: str) -> str:
    """The words of ``parts``, lower-cased and reduced to [a-z0-9], for an indexed column."""
    return " ".join(w for part in parts for w in _WORD.findall(part.lower()))


def index_statements(table: str, column: str) -> dict[str, tuple[list[str], list[str]]]:
    """SQL that creates (and drops) the full-text index of ``table.column``: an FTS5 table kept
    in step by triggers on SQLite, a GIN expression index on PostgreSQL. Run by migrations.

    Names come only from migrations' literals, never from input (hence the S608 waivers)."""
    fts = f"{table}_fts"
    sqlite = [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='id')",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
        *sqlite_triggers(table, column),
    ]
    sqlite_reverse = [f"DROP TRIGGER IF EXISTS {fts}_{op}" for op in ("insert", "delete", "update")]
    sqlite_reverse.append(f"DROP TABLE IF EXISTS {fts}")
    postgres = [
        f"CREATE INDEX {table}_{column}_fts ON {table} USING gin (to_tsvector('simple', {column}))"
    ]
    postgres_reverse = [f"DROP INDEX IF EXISTS {table}_{column}_fts"]
    return {"sqlite": (sqlite, sqlite_reverse), "postgresql": (postgres, postgres_reverse)}


def sqlite_triggers(table: str, column: str) -> list[str]:
    """The triggers that keep an SQLite FTS5 index in step with its table. A migration that
    makes SQLite rebuild the table (adding a NOT NULL column does) loses them with the old
    table and must run these again; the index itself survives, rows keep their ids."""
    fts = f"{table}_fts"
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN
             INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});
           END""",  # noqa: S608
        f"""CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN
             INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});
           END""",  # noqa: S608
        f"""CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {column} ON {table} BEGIN
             INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});
             INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});
           END""",  # noqa: S608
    ]
