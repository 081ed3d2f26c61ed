"""Write the planned sales history fast: obligations and accepted reports through the ORM (a
few thousand rows), customers and invoice lines set-based in the database (millions).

Each report's lines come from one ``INSERT ... SELECT`` over a numbers table, joined to the
report's buyers, the price items in effect and the calendar. Which buyer, item, day and
quantity a line gets comes from integer hashes of its line number, so the SQL is the same on
SQLite and PostgreSQL and the result is deterministic. Lines are priced at the contract price in
effect on their day, except for the few that the plan marks as charged above it (flagged
``price_above_contract``, as validation would flag them).
"""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from interlocal.reporting.ingest.load import LINE_COLUMNS, insert_rows

DAY_ZERO = datetime.date(1995, 1, 1)
#: Never marked up: a markup test whose remainder cannot occur (hashes are below 2**32).
NEVER = 2**33
#: Seeds stay below this, so ``seed * 13`` fits PostgreSQL's 32-bit integers.
SEED_LIMIT = 2**27
#: No invoice line orders more than this many units.
MAX_QUANTITY = 500
# The SELECT gives LINE_COLUMNS in their order. g: the line's index in its report (0-based,
# counting across price-file segments); h1..h5: independent-looking hashes of g in [0, 2**32).
# The first ``buyers`` lines go one to each buyer, so every customer has a line; later lines
# favour the first-ranked buyers and the cheapest items (u * u / 2**32 skews towards 0), among
# the items priced at most the line's target amount (``items``). A line's quantity makes that
# target on average: round(2 * target * U / price), at least 1.
LINE_SQL = """
INSERT INTO reporting_salesline ({columns})
SELECT %(report)s, %(agreement)s, w.g + 2, b.customer_id, b.agency_id, d.day,
       %(invoice)s || CAST(w.g + 1 AS VARCHAR),
       CASE WHEN w.h4 %% 10 < 7 THEN 'PO' || CAST(100000 + w.h4 %% 900000 AS VARCHAR) ELSE '' END,
       CASE WHEN w.sign < 0 THEN 'return' ELSE 'sale' END,
       w.sku, w.description, w.category_code, w.sign * w.qty, w.unit, w.unit_e4, w.list_e4,
       w.price_e4, w.sign * ((w.qty * w.unit_e4 + 50) / 100), 0, 0,
       CASE WHEN w.unit_e4 > w.price_e4 THEN 'price_above_contract' ELSE '' END
FROM (
    SELECT x.*, CASE WHEN x.q < 1 THEN 1 WHEN x.q > %(max_quantity)s THEN %(max_quantity)s
                     ELSE x.q END AS qty
    FROM (
        SELECT y.g, y.h4, y.k_buyer, y.k_day, i.sku, i.description, i.category_code, i.unit,
               i.list_e4, i.price_e4,
               CASE WHEN y.h5 %% 97 = 0 THEN -1 ELSE 1 END AS sign,
               (2 * %(line_cents)s * (y.h4 %% 1000) + 500 * i.price_cents)
                   / (1000 * i.price_cents) AS q,
               CASE WHEN y.h5 %% %(markup_every)s = 1 THEN i.price_cents * (103 + y.h4 %% 10)
                    ELSE i.price_e4 END AS unit_e4
        FROM (
            SELECT z.g, z.h4, z.h5,
                   CASE WHEN z.g < %(buyers)s THEN z.g
                        ELSE (%(buyers)s * (z.h1 / 65536) * (z.h1 / 65536)) / 4294967296 END
                       AS k_buyer,
                   (%(items)s * (z.h2 / 65536) * (z.h2 / 65536)) / 4294967296 AS k_item,
                   %(day0)s + z.h3 %% %(days)s AS k_day
            FROM (
                SELECT v.g,
                       (v.g * 2654435761 + %(seed)s) %% 4294967296 AS h1,
                       (v.g * 2246822519 + %(seed)s * 3) %% 4294967291 AS h2,
                       (v.g * 3266489917 + %(seed)s * 7) %% 4294967279 AS h3,
                       (v.g * 668265263 + %(seed)s * 11) %% 4294967231 AS h4,
                       (v.g * 374761393 + %(seed)s * 13) %% 4294967197 AS h5
                FROM (
                    SELECT CAST(n.n AS BIGINT) + %(first)s AS g
                    FROM demo_n n WHERE n.n < %(lines)s
                ) v
            ) z
        ) y
        JOIN demo_item i ON i.file_id = %(file)s AND i.k = y.k_item
    ) x
) w
JOIN demo_buyer b ON b.report_id = %(report)s AND b.k = w.k_buyer
JOIN demo_day d ON d.k = w.k_day
"""
CUSTOMER_SQL = """
INSERT INTO reporting_reportcustomer (id, report_id, name, address, city, state, zip_code,
    identifier, key, department, line_count, sales_cents, agency_id, method, score, candidates,
    decided_by_id, decided_at)
SELECT b.customer_id, b.report_id,
       CASE WHEN b.upper_case = 1 THEN UPPER(a.name) ELSE a.name END,
       COALESCE(a.street, ''), COALESCE(a.city, ''), s.postal, COALESCE(a.zip_code, ''),
       CASE WHEN b.with_id = 1 THEN COALESCE(a.census_id, '') ELSE '' END,
       a.search_name, '', 0, 0, a.id,
       CASE WHEN b.with_id = 1 AND a.census_id IS NOT NULL THEN 'explicit_id' ELSE 'exact' END,
       NULL, '[]', NULL, NULL
FROM demo_buyer b
JOIN registry_agency a ON a.id = b.agency_id
JOIN core_state s ON s.id = a.state_id
"""


@dataclass(frozen=True)
class Segment:
    """Part of a report's quarter under one price-file version."""

    file_id: int
    first_day: datetime.date
    last_day: datetime.date


@dataclass(frozen=True)
class LineSpec:
    report_id: int
    agreement_id: int
    invoice_prefix: str
    buyers: int
    lines: int
    line_cents: int
    markup_every: int  # one line in this many charged above contract; NEVER for none
    seed: int
    segments: tuple[Segment, ...]


def day_index(day: datetime.date) -> int:
    return (day - DAY_ZERO).days


def create_scratch(max_lines: int, last_day: datetime.date) -> None:
    """The temporary tables the line SQL reads: numbers, calendar, price items by position."""
    with connection.cursor() as cursor:
        for table in ("demo_n", "demo_day", "demo_item", "demo_buyer"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute("CREATE TEMP TABLE demo_n (n INTEGER PRIMARY KEY)")
        cursor.execute("CREATE TEMP TABLE demo_day (k INTEGER PRIMARY KEY, day DATE NOT NULL)")
        cursor.execute(
            "CREATE TEMP TABLE demo_item (file_id INTEGER, k INTEGER, sku VARCHAR(100), "
            "description VARCHAR(300), unit VARCHAR(40), category_code VARCHAR(20), "
            "price_cents BIGINT, price_e4 BIGINT, list_e4 BIGINT, PRIMARY KEY (file_id, k))"
        )
        cursor.execute(
            "CREATE TEMP TABLE demo_buyer (report_id INTEGER, k INTEGER, customer_id INTEGER, "
            "agency_id INTEGER, upper_case INTEGER, with_id INTEGER, PRIMARY KEY (report_id, k))"
        )
    insert_rows("demo_n", ("n",), ((n,) for n in range(max_lines)))
    days = (last_day - DAY_ZERO).days + 1
    insert_rows(
        "demo_day",
        ("k", "day"),
        ((k, (DAY_ZERO + datetime.timedelta(days=k)).isoformat()) for k in range(days)),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO demo_item SELECT price_file_id, ROW_NUMBER() OVER ("
            "PARTITION BY price_file_id ORDER BY contract_price_cents, sku) - 1, sku, "
            "SUBSTR(description, 1, 300), unit, category_code, contract_price_cents, "
            "contract_price_cents * 100, list_price_cents * 100 FROM agreements_priceitem "
            "WHERE contract_price_cents > 0"
        )


def drop_scratch() -> None:
    with connection.cursor() as cursor:
        for table in ("demo_n", "demo_day", "demo_item", "demo_buyer"):
            cursor.execute(f"DROP TABLE {table}")


def clear_buyers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM demo_buyer")


def next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def write_buyers(rows: Iterator[Sequence[Any]]) -> int:
    """(report, k, customer id, agency id, upper-case name?, census id given?) rows; then the
    report customers themselves, with ids chosen here so the lines can point at them."""
    count = insert_rows(
        "demo_buyer",
        ("report_id", "k", "customer_id", "agency_id", "upper_case", "with_id"),
        rows,
    )
    with connection.cursor() as cursor:
        cursor.execute(CUSTOMER_SQL)
    reset_sequence("reporting_reportcustomer")
    return count


def reset_sequence(table: str) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's next rowid follows the largest id by itself
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def write_lines(spec: LineSpec) -> None:
    """All of a report's lines, split over its price-file segments by their share of days."""
    days = [(s.last_day - s.first_day).days + 1 for s in spec.segments]
    total, first = sum(days), 0
    sql = LINE_SQL.format(columns=", ".join(LINE_COLUMNS))
    with connection.cursor() as cursor:
        for n, (segment, length) in enumerate(zip(spec.segments, days, strict=True)):
            last = n == len(days) - 1
            count = spec.lines - first if last else round(spec.lines * length / total)
            if count <= 0:
                continue
            # the items priced at most the line's target (demo_item is numbered cheapest first),
            # or the cheapest one: a line of a vehicle contract is a vehicle
            cursor.execute(
                "SELECT COUNT(*) FROM demo_item WHERE file_id = %s AND price_cents <= %s",
                [segment.file_id, spec.line_cents],
            )
            items = max(1, int(cursor.fetchone()[0]))
            cursor.execute(
                sql,
                {
                    "report": spec.report_id,
                    "agreement": spec.agreement_id,
                    "invoice": spec.invoice_prefix,
                    "buyers": spec.buyers,
                    "items": items,
                    "line_cents": spec.line_cents,
                    "markup_every": spec.markup_every,
                    "max_quantity": MAX_QUANTITY,
                    "seed": spec.seed,
                    "first": first,
                    "lines": count,
                    "file": segment.file_id,
                    "day0": day_index(segment.first_day),
                    "days": length,
                },
            )
            first += count


def totals_into_customers(report_ids: Sequence[int]) -> None:
    """Each customer's line count and sales, summed from the lines just written."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS demo_agg")
        cursor.execute(
            "CREATE TEMP TABLE demo_agg (id INTEGER PRIMARY KEY, n INTEGER, cents BIGINT)"
        )
        for report in report_ids:
            cursor.execute(
                "INSERT INTO demo_agg SELECT customer_id, COUNT(*), SUM(extended_cents) "
                "FROM reporting_salesline WHERE report_id = %s GROUP BY customer_id",
                [report],
            )
        cursor.execute(
            "UPDATE reporting_reportcustomer SET line_count = demo_agg.n, "
            "sales_cents = demo_agg.cents "
            "FROM demo_agg WHERE demo_agg.id = reporting_reportcustomer.id"
        )
        cursor.execute("DROP TABLE demo_agg")


def report_totals(report_ids: Sequence[int]) -> dict[int, tuple[int, int, int, int]]:
    """report id -> (lines, sales cents, lines above contract, customers)."""
    out = {}
    with connection.cursor() as cursor:
        for report in report_ids:
            cursor.execute(
                "SELECT COUNT(*), COALESCE(SUM(extended_cents), 0), "
                "SUM(CASE WHEN exception = '' THEN 0 ELSE 1 END), COUNT(DISTINCT customer_id) "
                "FROM reporting_salesline WHERE report_id = %s",
                [report],
            )
            lines, cents, flagged, customers = cursor.fetchone()
            out[report] = (int(lines), int(cents), int(flagged or 0), int(customers))
    return out


def match_counts(report_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """report id -> {match method: lines} (as the pipeline counts them); run after
    ``totals_into_customers``."""
    out: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT report_id, method, SUM(line_count) FROM reporting_reportcustomer "
            "WHERE report_id >= %s AND report_id <= %s GROUP BY report_id, method",
            [min(report_ids, default=0), max(report_ids, default=0)],
        )
        for report, method, count in cursor.fetchall():
            out.setdefault(report, {})[method] = count
    return out
