"""Write a processed report's rows into the database: problems, customers and lines.

Everything here runs inside the caller's transaction, so a report is written whole or not at
all. Rows go through the raw DB-API cursor of Django's own connection — ``executemany`` on
SQLite, ``COPY`` on PostgreSQL — because a million ORM objects would take minutes. The sales
lines, a million for a large report, come straight from a DuckDB query (:class:`Selected`):
on PostgreSQL as CSV that DuckDB writes and ``COPY`` reads, without a Python object per line;
on SQLite in Arrow batches turned into the few Python objects ``executemany`` binds.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from interlocal.reporting.ingest import MAX_PROBLEMS
from interlocal.reporting.ingest.matching import Match
from interlocal.reporting.ingest.validate import problem_rows
from interlocal.reporting.models import ReportCustomer, SalesLine, SalesReport

CHUNK = 50_000
BATCH = 100_000  # rows per Arrow batch from DuckDB: bounds the Python objects alive at once
COPY_BLOCK = 4 * 2**20  # bytes per write of a CSV to PostgreSQL's COPY

LINE_COLUMNS = (
    "report_id",
    "agreement_id",
    "line",
    "customer_id",
    "agency_id",
    "invoice_date",
    "invoice_number",
    "po_number",
    "order_type",
    "sku",
    "description",
    "category_code",
    "quantity",
    "unit",
    "unit_price_e4",
    "list_price_e4",
    "contract_price_e4",
    "extended_cents",
    "tax_cents",
    "freight_cents",
    "exception",
)
CUSTOMER_COLUMNS = (
    "report_id",
    "name",
    "address",
    "city",
    "state",
    "zip_code",
    "identifier",
    "key",
    "department",
    "line_count",
    "sales_cents",
    "agency_id",
    "method",
    "score",
    "candidates",
)
PROBLEM_COLUMNS = ("report_id", "line", "column", "code", "severity", "message", "value")


@dataclass(frozen=True)
class Selected:
    """The rows of a DuckDB query, as :func:`insert_rows` takes them: ``constants`` are the
    values of the first columns, the same on every row (a report's id), ``sql`` selects the
    others. Iterated, it gives each row as a tuple like any other source of rows; given to
    :func:`insert_rows` it is streamed without that."""

    con: duckdb.DuckDBPyConnection
    sql: str
    constants: tuple[int, ...] = ()

    def batches(self) -> Iterator[list[list[Any]]]:
        """The rows, ``BATCH`` at a time, as one list of Python values per selected column."""
        for batch in self.con.sql(self.sql).to_arrow_reader(BATCH):
            yield [_python(column) for column in batch.columns]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for columns in self.batches():
            size = len(columns[0]) if columns else 0
            yield from zip(*([c] * size for c in self.constants), *columns, strict=True)


@dataclass(frozen=True)
class Copied:
    """The rows a SELECT gives on Django's own connection (from its TEMP tables): iterated,
    each as a tuple; given to :func:`insert_rows`, copied by the database itself."""

    sql: str

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql)
            while rows := cursor.fetchmany(CHUNK):
                yield from rows
        finally:
            cursor.close()


def insert_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]] | Selected | Copied
) -> int:
    """Append ``rows`` to ``table`` on Django's connection, inside its transaction."""
    connection.ensure_connection()
    if isinstance(rows, Selected):
        return _insert_selected(table, columns, rows)
    if isinstance(rows, Copied):
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(f"INSERT INTO {table} ({names}) {rows.sql}")
            return int(cursor.rowcount)
        finally:
            cursor.close()
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    if connection.vendor == "postgresql":
        raw = connection.connection.cursor()
        with raw, raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    marks = ", ".join("?" for _ in columns)
    cursor = connection.connection.cursor()
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    chunk: list[Sequence[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            cursor.executemany(sql, chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        cursor.executemany(sql, chunk)
        count += len(chunk)
    return count


def _insert_selected(table: str, columns: Sequence[str], rows: Selected) -> int:
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    # The constants are integers (ids from the database): written into the statement, once,
    # rather than bound on every row; int() makes sure nothing else gets there.
    constants = [str(int(value)) for value in rows.constants]
    if connection.vendor == "postgresql":
        sql = f"SELECT {', '.join([*constants, '*'])} FROM ({rows.sql})"  # noqa: S608
        return _copy_csv(table, names, rows.con, sql)
    marks = ", ".join([*constants, *("?" for _ in columns[len(constants) :])])
    insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    cursor = connection.connection.cursor()
    count = 0
    try:
        for batch in rows.batches():
            cursor.executemany(insert, zip(*batch, strict=True))
            count += len(batch[0]) if batch else 0
    finally:
        cursor.close()
    return count


def _python(values: pa.Array) -> list[Any]:
    """An Arrow column as the Python values the database driver binds, made as cheaply as
    Arrow allows: integers through NumPy when there is no NULL, texts dictionary-encoded so
    that each distinct text (an SKU, a date, "sale") is one Python string shared by its lines."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        encoded = pc.dictionary_encode(values)
        texts = np.array([*encoded.dictionary.to_pylist(), None], dtype=object)
        at = encoded.indices.fill_null(len(encoded.dictionary)).to_numpy()
        return texts[at].tolist()
    if pa.types.is_integer(values.type) and values.null_count == 0:
        return values.to_numpy().tolist()
    return values.to_pylist()


def _copy_csv(table: str, names: str, con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """PostgreSQL: ``COPY table FROM STDIN`` of what ``sql`` selects in DuckDB, which writes it
    as CSV to a temporary file (NULL unquoted and empty, an empty text quoted, as PostgreSQL's
    CSV format reads them), sent on as it is."""
    with tempfile.TemporaryDirectory(prefix="interlocal-copy-") as folder:
        path = Path(folder) / "rows.csv"
        target = str(path).replace("'", "''")
        ((count,),) = con.execute(
            f"COPY ({sql}) TO '{target}' (FORMAT csv, HEADER false)"
        ).fetchall()
        raw = connection.connection.cursor()
        statement = f"COPY {table} ({names}) FROM STDIN (FORMAT csv)"
        with raw, raw.copy(statement) as copy:
            for block in _blocks(path):
                copy.write(block)
    return int(count)


def _blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as data:
        while block := data.read(COPY_BLOCK):
            yield block


def write_problems(report: SalesReport, con: duckdb.DuckDBPyConnection) -> int:
    rows = (
        (report.pk, line, column[:100], code, severity, message[:500], value[:100])
        for line, column, code, severity, message, value in problem_rows(con, MAX_PROBLEMS)
    )
    return insert_rows("reporting_reportproblem", PROBLEM_COLUMNS, rows)


def distinct_customers(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The report's distinct customers, numbered in ``customer_no`` on ``typed``:
    (number, name, address, city, state, zip5, identifier, lines, sales in cents)."""
    con.execute(
        """
        CREATE TABLE customers AS
        SELECT row_number() OVER (ORDER BY min(line)) AS customer_no,
               customer_name, any_value(customer_address) AS customer_address,
               any_value(city) AS city, state, zip5, customer_id,
               count(*) AS lines, CAST(round(sum(extended_n) * 100) AS BIGINT) AS cents
        FROM typed GROUP BY customer_name, state, zip5, customer_id
        """
    )
    return con.execute("SELECT * FROM customers ORDER BY customer_no").fetchall()


def write_customers(
    report: SalesReport,
    customers: Sequence[tuple],
    matches: Sequence[Match],
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Insert the customers with their matches, and put each one's database id and agency on
    ``customers`` for :func:`write_lines`."""
    import json

    rows = (
        (
            report.pk,
            name[:200],
            (address or "")[:200],
            (city or "")[:100],
            state,
            zip5 or "",
            (identifier or "")[:20],
            m.key[:200],
            m.department[:200],
            lines,
            cents,
            m.agency_id,
            m.method,
            m.score,
            json.dumps(m.candidates),
        )
        for (_no, name, address, city, state, zip5, identifier, lines, cents), m in zip(
            customers, matches, strict=True
        )
    )
    insert_rows(ReportCustomer._meta.db_table, CUSTOMER_COLUMNS, rows)
    ids = list(
        ReportCustomer.objects.filter(report=report).order_by("pk").values_list("pk", flat=True)
    )
    resolved = pa.table(
        {
            "customer_no": pa.array(range(1, len(ids) + 1), pa.int64()),
            "customer_pk": pa.array(ids, pa.int64()),
            "agency_id": pa.array([m.agency_id for m in matches], pa.int64()),
        }
    )
    con.register("resolved_rows", resolved)
    con.execute(
        "CREATE TABLE resolved AS SELECT c.*, r.customer_pk, r.agency_id FROM customers c "
        "JOIN resolved_rows r USING (customer_no)"
    )
    con.unregister("resolved_rows")
    if connection.vendor == "sqlite":
        # The customers' ids by number, for write_lines' INSERT ... SELECT.
        _lines, table = _staging(report)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{table}")
            cursor.execute(
                f"CREATE TEMP TABLE {table} (customer_no INTEGER PRIMARY KEY, "
                "customer_pk INTEGER NOT NULL, agency_id INTEGER)"
            )
        finally:
            cursor.close()
        numbered = zip(range(1, len(ids) + 1), ids, (m.agency_id for m in matches), strict=True)
        insert_rows(f"temp.{table}", ("customer_no", "customer_pk", "agency_id"), numbered)
    # Every line with its customer's database id and agency, for the score (and write_lines on
    # PostgreSQL).
    con.execute(
        "CREATE VIEW matched AS SELECT t.*, r.customer_pk, r.agency_id FROM typed t "
        "JOIN resolved r ON r.customer_name = t.customer_name AND r.state = t.state "
        "AND r.zip5 IS NOT DISTINCT FROM t.zip5 "
        "AND r.customer_id IS NOT DISTINCT FROM t.customer_id"
    )


# The sales lines' values in LINE_COLUMNS' order from invoice_date: integers as integers
# (cents, ten-thousandths), the date as ISO text, the quantity as decimal text.
_LINE_VALUES = """
    strftime(t.invoice_date, '%Y-%m-%d'), t.invoice_number, coalesce(t.po_number, ''),
    t.order_type, t.sku, coalesce(t.description, ''), coalesce(t.category_code, ''),
    CAST(CAST(t.quantity_n AS DECIMAL(16, 4)) AS VARCHAR), coalesce(t.unit, ''),
    CAST(round(t.unit_price_n * 10000) AS BIGINT), CAST(round(t.list_price_n * 10000) AS BIGINT),
    t.contract_e4, CAST(round(t.extended_n * 100) AS BIGINT),
    CAST(round(coalesce(t.tax_n, 0) * 100) AS BIGINT),
    CAST(round(coalesce(t.freight_n, 0) * 100) AS BIGINT), coalesce(t.exception, '')
"""
_VALUE_COLUMNS = LINE_COLUMNS[5:]  # the columns of _LINE_VALUES
# Each line of typed with the number of its customer in customers.
_NUMBERED = """
    FROM typed t JOIN customers c ON c.customer_name = t.customer_name AND c.state = t.state
    AND c.zip5 IS NOT DISTINCT FROM t.zip5 AND c.customer_id IS NOT DISTINCT FROM t.customer_id
"""


def write_lines(report: SalesReport, con: duckdb.DuckDBPyConnection) -> int:
    """Every valid line, with its customer and agency, as the report's sales lines, in line
    order: the order of the (report, line) index, whose pages then fill one after another.

    PostgreSQL: ``COPY`` from DuckDB. SQLite: one ``INSERT ... SELECT`` from the lines
    :func:`stage_lines` put in a TEMP table before the transaction began (staged now if they
    were not), joined to the customers' ids (:func:`write_customers`)."""
    table = SalesLine._meta.db_table
    constants = (report.pk, report.obligation.agreement_id)
    if connection.vendor != "sqlite":
        sql = (
            f"SELECT t.line, t.customer_pk, t.agency_id, {_LINE_VALUES} "  # noqa: S608
            "FROM matched t ORDER BY t.line"
        )
        return insert_rows(table, LINE_COLUMNS, Selected(con, sql, constants))
    lines, customers = _staging(report)
    staged = _staged_count(lines)
    if staged is None:
        staged = stage_lines(report, con)
    report_id, agreement_id = (int(value) for value in constants)
    values = ", ".join(f"s.{connection.ops.quote_name(c)}" for c in _VALUE_COLUMNS)
    # s is kept in line order (line is its rowid), so the database reads it in that order.
    sql = (
        f"SELECT {report_id}, {agreement_id}, s.line, m.customer_pk, m.agency_id, {values} "  # noqa: S608
        f"FROM temp.{lines} s JOIN temp.{customers} m ON m.customer_no = s.customer_no "
        "ORDER BY s.line"
    )
    written = insert_rows(table, LINE_COLUMNS, Copied(sql))
    if written != staged:
        raise RuntimeError(f"{staged} lines staged but {written} written: a customer is missing")
    return written


def _staging(report: SalesReport) -> tuple[str, str]:
    """The names of the report's TEMP tables on SQLite: its lines, its customers' ids."""
    return f"ingest_lines_{int(report.pk)}", f"ingest_customers_{int(report.pk)}"


def _staged_count(table: str) -> int | None:
    cursor = connection.connection.cursor()
    try:
        found = cursor.execute(
            "SELECT count(*) FROM temp.sqlite_master WHERE type = 'table' AND name = ?", [table]
        ).fetchone()[0]
        if not found:
            return None
        return int(cursor.execute(f"SELECT count(*) FROM temp.{table}").fetchone()[0])  # noqa: S608
    finally:
        cursor.close()


def stage_lines(report: SalesReport, con: duckdb.DuckDBPyConnection) -> int:
    """SQLite: put the report's lines, with the number of their customer, into a TEMP table
    of Django's connection, for :func:`write_lines`; elsewhere nothing.

    Called before the write transaction, so the database is locked for writing only while the
    lines are copied in C (an ``INSERT ... SELECT``), not while a million rows are bound from
    Python. A TEMP table is the connection's own: nobody else sees it, a killed process takes
    it along, and :func:`unstage` drops it."""
    if connection.vendor != "sqlite":
        return 0
    connection.ensure_connection()
    lines, _customers = _staging(report)
    columns = ("line", "customer_no", *_VALUE_COLUMNS)
    names = ", ".join(connection.ops.quote_name(c) for c in _VALUE_COLUMNS)
    sql = f"SELECT t.line, c.customer_no, {_LINE_VALUES} {_NUMBERED} ORDER BY t.line"
    with _scratch():
        cursor = connection.connection.cursor()
        try:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{lines}")
            # No declared types: each value is kept as bound, and takes the sales line
            # column's type when copied there, as if bound to it directly.
            cursor.execute(
                f"CREATE TEMP TABLE {lines} (line INTEGER PRIMARY KEY, customer_no INTEGER "
                f"NOT NULL, {names})"
            )
        finally:
            cursor.close()
        return insert_rows(f"temp.{lines}", columns, Selected(con, sql))


def unstage(report: SalesReport) -> None:
    """Drop the report's TEMP tables, if any (SQLite)."""
    if connection.vendor != "sqlite" or connection.connection is None:
        return
    cursor = connection.connection.cursor()
    try:
        for table in _staging(report):
            cursor.execute(f"DROP TABLE IF EXISTS temp.{table}")
    finally:
        cursor.close()


@contextmanager
def _scratch() -> Iterator[None]:
    """A transaction around writes to TEMP tables only, so that SQLite does not commit each row
    on its own: a plain (deferred) BEGIN, which locks nothing of the database file. Inside the
    caller's transaction, when there is one, nothing more."""
    if connection.in_atomic_block or not connection.get_autocommit():
        yield
        return
    raw = connection.connection
    raw.execute("BEGIN")
    try:
        yield
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    raw.execute("COMMIT")


def csv_text(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
