"""Ad-hoc analytics written once, as Ibis expressions over the sales facts, that run where the
facts are: DuckDB over the Parquet export (``manage.py export_facts``), the project's own
database (SQLite or PostgreSQL, through the ``analytics_facts`` view), or compiled to the SQL
of an engine Interlocal does not run itself (Trino, Spark, BigQuery).

The pages and the API read the rollups (``analytics.queries``); these are for the questions
the rollups were not built for, and for a program whose facts outgrow one machine. Each
function takes a table of the facts schema (``FACTS_SCHEMA``) and returns an expression:
``.execute()`` it, or ``to_sql()`` it for another engine.

Money is integer, as everywhere: sales and amounts in cents, fees in cent-basis-points
(``fee_cbp``: divide by 10,000 for cents), prices in ten-thousandths of a dollar (``_e4``) and
savings in hundred-millionths (``savings_e8``: a price in ten-thousandths times a quantity in
ten-thousandths, so no line's saving is rounded before it is summed). Only shares and
coverage, which are ratios, are floating point.
"""

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
from django.db import connections

from interlocal.core.periods import Quarter

#: The view the migration ``analytics 0002`` creates over the accepted lines.
VIEW = "analytics_facts"

#: One row per accepted sales line resolved to an agency, denormalised for analytics. The
#: agency's state (postal code) and type are as they are at export time; ``period`` is the
#: quarter the line was reported for (its obligation's), ``year`` that quarter's year (the
#: Parquet export's partition). ``quantity_e4`` is the quantity in ten-thousandths, so that
#: savings are exact integers on every engine. ``diverse``, ``small`` and ``local``: the
#: supplier held a verified certification of that class on the invoice date
#: (``analytics.certified``).
FACTS_SCHEMA = ibis.schema(
    {
        "line_id": "int64",
        "report_id": "int64",
        "agreement_id": "int64",
        "agreement_number": "string",
        "supplier_id": "int64",
        "supplier_name": "string",
        "agency_id": "int64",
        "agency_name": "string",
        "state": "string",
        "agency_type": "string",
        "period": "string",
        "year": "int64",
        "invoice_date": "date",
        "order_type": "string",
        "sku": "string",
        "category_code": "string",
        "quantity": "decimal(16, 4)",
        "quantity_e4": "int64",
        "unit_price_e4": "int64",
        "list_price_e4": "int64",
        "contract_price_e4": "int64",
        "extended_cents": "int64",
        "fee_cbp": "int64",
        "diverse": "boolean",
        "small": "boolean",
        "local": "boolean",
    }
)

#: The ``DATABASES`` OPTIONS that are libpq's own (the rest are Django's or psycopg's).
LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options")

#: Engines ``to_sql`` writes for, by the names people use; values are Ibis's dialect names.
DIALECTS = {
    "trino": "trino",
    "spark": "pyspark",
    "pyspark": "pyspark",
    "databricks": "databricks",
    "bigquery": "bigquery",
    "duckdb": "duckdb",
    "postgres": "postgres",
    "sqlite": "sqlite",
}


# -- where the facts are -----------------------------------------------------------------


def facts_table(
    name: str = "sales_facts", *, catalog: str | None = None, database: str | None = None
) -> ir.Table:
    """The facts as a table of no engine, for ``to_sql``: name it as the target engine knows
    it (on Trino, e.g. ``catalog="hive", database="interlocal"``)."""
    return ibis.table(FACTS_SCHEMA, name=name, catalog=catalog, database=database)


def on_duckdb(export_dir: str | Path, *, threads: int | None = None) -> ir.Table:
    """The facts of a Parquet export (``manage.py export_facts``) read by an in-process DuckDB:
    the year partitions are read only as a query's filters need them."""
    files = Path(export_dir) / "sales_facts"
    if not any(files.glob("year=*/*.parquet")):
        raise FileNotFoundError(
            f"no sales facts under {files}: run `manage.py export_facts --format parquet "
            f"{export_dir}` first (an export of a database with no accepted lines is empty)"
        )
    config = {} if threads is None else {"threads": threads}
    con = ibis.duckdb.connect(**config)
    table = con.read_parquet(
        str(files / "year=*" / "*.parquet"), table_name="sales_facts", hive_partitioning=True
    )
    return _conformed(table)


def on_database(database: Mapping[str, Any] | None = None) -> ir.Table:
    """The facts on the project's own database, through the ``analytics_facts`` view, on a
    connection of their own (read-only on SQLite). ``database`` is a Django ``DATABASES``
    entry; by default the ``default`` connection's. Call ``close(table)`` when done."""
    settings = database if database is not None else connections["default"].settings_dict
    engine = settings["ENGINE"]
    con: Any
    if engine == "django.db.backends.sqlite3":
        con = ibis.sqlite.from_connection(_sqlite_reader(settings["NAME"]))
    elif engine in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
        con = ibis.postgres.connect(
            host=settings.get("HOST") or None,
            port=int(settings.get("PORT") or 5432),
            user=settings.get("USER") or None,
            password=settings.get("PASSWORD") or None,
            database=settings["NAME"],
            **{k: v for k, v in settings.get("OPTIONS", {}).items() if k in LIBPQ_OPTIONS},
        )
    else:
        raise ValueError(f"portable analytics read SQLite or PostgreSQL, not {engine}")
    # The schema is stated, not inferred: SQLite types a view's computed columns only by
    # their first row's values (and not at all when there is none).
    columns = ", ".join(f'"{name}"' for name in FACTS_SCHEMA.names)
    return con.sql(f"SELECT {columns} FROM {VIEW}", schema=FACTS_SCHEMA)  # noqa: S608


def close(table: ir.Table) -> None:
    """Close the connection a table of ``on_duckdb`` or ``on_database`` holds."""
    table.get_backend().disconnect()


def _sqlite_reader(name: str | Path) -> sqlite3.Connection:
    name = str(name)
    if name.startswith("file:"):
        # Already a URI: the test runner's shared in-memory database.
        return sqlite3.connect(name, uri=True, check_same_thread=False)
    if name in ("", ":memory:"):
        raise ValueError("a private in-memory SQLite database cannot be opened a second time")
    # Read-only: ad-hoc analytics must never take the write lock the web process needs.
    uri = f"{Path(name).resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _conformed(table: ir.Table) -> ir.Table:
    """The facts' columns in ``FACTS_SCHEMA`` order, cast where an engine typed one otherwise
    (DuckDB reads the ``year`` partition as it likes)."""
    missing = [name for name in FACTS_SCHEMA.names if name not in table.columns]
    if missing:
        raise ValueError(f"not a facts table: no {', '.join(missing)}")
    return table.select(
        *[
            table[name] if table[name].type() == dtype else table[name].cast(dtype).name(name)
            for name, dtype in FACTS_SCHEMA.items()
        ]
    )


# -- the questions ---------------------------------------------------------------------------


def _bounds(first: str, last: str | None) -> tuple[str, str]:
    """The span ``first`` to ``last`` (inclusive; one quarter when ``last`` is None) as the
    facts write quarters: such strings sort in time order, so a string range is a span."""
    start = Quarter.parse(first)
    end = Quarter.parse(last) if last is not None else start
    if start > end:
        raise ValueError(f"{start} is after {end}: give the earlier quarter first")
    return str(start), str(end)


def _span(facts: ir.Table, first: str, last: str | None) -> ir.Table:
    """The facts reported for the quarters of a span. The test of ``year`` says nothing the
    periods do not, but it is what lets an engine skip the other years' partitions."""
    start, end = _bounds(first, last)
    return facts.filter(
        facts.year >= int(start[:4]),
        facts.year <= int(end[:4]),
        facts.period >= start,
        facts.period <= end,
    )


def _ratio(part: ir.IntegerValue, whole: ir.IntegerValue) -> ir.FloatingValue:
    """part / whole as a float, and null where the whole is zero (credits can cancel sales)."""
    return ibis.ifelse(whole != 0, part.cast("float64") / whole.cast("float64"), ibis.null())


def sales_by_state_and_type(facts: ir.Table, first: str, last: str | None = None) -> ir.Table:
    """Sales, fees, lines and distinct buying agencies by the buyers' state and agency type
    over a span of quarters, largest sales first (the program's "by state and type" table)."""
    rows = _span(facts, first, last)
    return (
        rows.group_by("state", "agency_type")
        .aggregate(
            lines=rows.count(),
            sales_cents=rows.extended_cents.sum(),
            fee_cbp=rows.fee_cbp.sum(),
            agencies=rows.agency_id.nunique(),
        )
        .order_by(ibis.desc("sales_cents"), "state", "agency_type")
    )


def adoption(facts: ir.Table, first: str, last: str | None = None) -> ir.Table:
    """Each agreement's adoption curve over a span: per quarter, the distinct agencies that
    bought under it (``agencies``), those buying under it for the first time ever
    (``first_uses``: each a solicitation it did not have to run) and the agencies that have
    used it by the end of the quarter (``adopted``, counted from the agreement's first sale,
    not from the span's start)."""
    start, end = _bounds(first, last)
    # first uses before the span count in ``adopted``; nothing after it counts at all
    history = facts.filter(facts.year <= int(end[:4]), facts.period <= end)
    buying = history.group_by("agreement_id", "agreement_number", "period").aggregate(
        agencies=history.agency_id.nunique()
    )
    firsts = history.group_by("agreement_id", "agency_id").aggregate(
        first_period=history.period.min()
    )
    uses = firsts.group_by("agreement_id", "first_period").aggregate(first_uses=firsts.count())
    joined = buying.left_join(
        uses,
        [buying.agreement_id == uses.agreement_id, buying.period == uses.first_period],
    )
    curve = joined.select(
        agreement_id=buying.agreement_id,
        agreement_number=buying.agreement_number,
        period=buying.period,
        agencies=buying.agencies,
        first_uses=uses.first_uses.fill_null(0),
    )
    # every first use falls in a quarter the agency bought, so summing them over the quarters
    # with purchases counts every adopter
    window = ibis.cumulative_window(group_by=curve.agreement_id, order_by=curve.period)
    curve = curve.mutate(adopted=curve.first_uses.sum().over(window))
    return curve.filter(curve.period >= start).order_by("agreement_number", "period")


def savings_by_agreement(facts: ir.Table, first: str, last: str | None = None) -> ir.Table:
    """What buyers saved against list price under each agreement over a span:
    ``savings_e8`` = sum of (list - contract price) x quantity on the lines where both prices
    are known, and ``coverage`` = the sales on those lines (``priced_cents``) / all sales, so
    a reader knows how much of the agreement the figure speaks for. Largest savings first."""
    rows = _span(facts, first, last)
    priced = rows.list_price_e4.notnull() & rows.contract_price_e4.notnull()
    saving = (rows.list_price_e4 - rows.contract_price_e4) * rows.quantity_e4
    sums = rows.group_by("agreement_id", "agreement_number").aggregate(
        sales_cents=rows.extended_cents.sum(),
        priced_cents=priced.ifelse(rows.extended_cents, 0).sum(),
        savings_e8=priced.ifelse(saving, 0).sum(),
    )
    return sums.mutate(coverage=_ratio(sums.priced_cents, sums.sales_cents)).order_by(
        ibis.desc("savings_e8"), "agreement_number"
    )


def diversity_by_quarter(facts: ir.Table, first: str, last: str | None = None) -> ir.Table:
    """Per quarter of a span, the sales through certified diverse, small and local suppliers
    (the classes overlap by design: ``analytics.certified``) and their shares of all sales."""
    rows = _span(facts, first, last)
    sums = rows.group_by("period").aggregate(
        sales_cents=rows.extended_cents.sum(),
        diverse_cents=rows.diverse.ifelse(rows.extended_cents, 0).sum(),
        small_cents=rows.small.ifelse(rows.extended_cents, 0).sum(),
        local_cents=rows.local.ifelse(rows.extended_cents, 0).sum(),
    )
    return sums.mutate(
        diverse_share=_ratio(sums.diverse_cents, sums.sales_cents),
        small_share=_ratio(sums.small_cents, sums.sales_cents),
        local_share=_ratio(sums.local_cents, sums.sales_cents),
    ).order_by("period")


#: Every question, by name, for the tests and for whoever lists them.
QUESTIONS = {
    "sales_by_state_and_type": sales_by_state_and_type,
    "adoption": adoption,
    "savings_by_agreement": savings_by_agreement,
    "diversity_by_quarter": diversity_by_quarter,
}


def to_sql(expr: ir.Expr, dialect: str) -> str:
    """The SQL an engine runs for an expression: ``trino``, ``spark`` (Spark SQL, as
    ``pyspark``), ``databricks``, ``bigquery``, ``duckdb``, ``postgres`` or ``sqlite``. Build
    the expression on ``facts_table()`` so that it names the table as that engine knows it."""
    try:
        name = DIALECTS[dialect]
    except KeyError:
        raise ValueError(
            f"no SQL dialect {dialect!r}: use one of {', '.join(sorted(DIALECTS))}"
        ) from None
    return str(ibis.to_sql(expr, dialect=name))
