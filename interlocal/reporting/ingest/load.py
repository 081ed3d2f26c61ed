"""Write a processed report's rows into the database: problems, customers and lines.

Everything here runs inside the caller's transaction, so a report is written whole or not at
all. Rows go through the raw DB-API cursor of Django's own connection — ``executemany`` in
chunks on SQLite, ``COPY`` on PostgreSQL — because a million ORM objects would take minutes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pyarrow as pa
from django.db import connection

from interlocal.reporting.ingest import MAX_PROBLEMS
from interlocal.reporting.ingest.matching import Match
from interlocal.reporting.ingest.validate import problem_rows
from interlocal.reporting.models import ReportCustomer, SalesLine, SalesReport

CHUNK = 50_000

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


def insert_rows(table: str, columns: Sequence[str], rows: Iterator[Sequence[Any]]) -> int:
    """Append ``rows`` to ``table`` on Django's connection, inside its transaction."""
    connection.ensure_connection()
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


def _chunks(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[tuple]:
    result = con.execute(sql)
    while batch := result.fetchmany(CHUNK):
        yield from batch


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
    # Every line with its customer's database id and agency, for write_lines and the score.
    con.execute(
        "CREATE VIEW matched AS SELECT t.*, r.customer_pk, r.agency_id FROM typed t "
        "JOIN resolved r ON r.customer_name = t.customer_name AND r.state = t.state "
        "AND r.zip5 IS NOT DISTINCT FROM t.zip5 "
        "AND r.customer_id IS NOT DISTINCT FROM t.customer_id"
    )


def write_lines(report: SalesReport, con: duckdb.DuckDBPyConnection) -> int:
    """Every valid line, with its customer and agency, as the report's sales lines."""
    agreement_id = report.obligation.agreement_id
    sql = f"""
        SELECT {report.pk}, {agreement_id}, t.line, t.customer_pk, t.agency_id,
               strftime(t.invoice_date, '%Y-%m-%d'), t.invoice_number,
               coalesce(t.po_number, ''), t.order_type, t.sku, coalesce(t.description, ''),
               coalesce(t.category_code, ''),
               CAST(CAST(t.quantity_n AS DECIMAL(16, 4)) AS VARCHAR), coalesce(t.unit, ''),
               CAST(round(t.unit_price_n * 10000) AS BIGINT),
               CAST(round(t.list_price_n * 10000) AS BIGINT), t.contract_e4,
               CAST(round(t.extended_n * 100) AS BIGINT),
               CAST(round(coalesce(t.tax_n, 0) * 100) AS BIGINT),
               CAST(round(coalesce(t.freight_n, 0) * 100) AS BIGINT),
               coalesce(t.exception, '')
        FROM matched t
        ORDER BY t.line
    """  # noqa: S608
    return insert_rows(SalesLine._meta.db_table, LINE_COLUMNS, _chunks(con, sql))


def csv_text(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
