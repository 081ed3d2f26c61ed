"""Benchmark: issue #6's analytics targets on the national demo.

Run from the repository root against a SQLite database holding the national demo with its
sales history and rollups (the ``var`` of a ``make demo``), and the Parquet export of its
facts (``manage.py export_facts --format parquet DIR``)::

    INTERLOCAL_VAR_DIR=/path/to/var .venv/bin/python benchmarks/analytics.py \\
        --parquet /path/to/facts [--requests 20]

1. **Pages.** Every analytics page (and an API call and the board PDF), as the program office
   sees them, requested ``--requests`` times in-process with Django's test client after two
   warm-up requests: the server time of each request (view, queries, template). Target: p95
   <= 150 ms. Beside each page, the baseline: the same figures computed by DuckDB straight
   from the Parquet facts (line level, no rollups), median of five, and the ratio.
2. **Rollup update.** A report of ``--lines`` lines (copied from the office-supplies
   agreement's largest demo reports into a new version of its latest quarter, not timed) is
   accepted and ``analytics.services.rollups.refresh`` times what the acceptance adds for the
   analytics, in a transaction rolled back afterwards (the database is left as it was).
   Target: <= 5 s.

Results go to the ``analytics`` section of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest_sales as common  # the machine description and tables
from fees_assessment import copied_report

SECTION = "analytics"
COMMAND = shlex.join([".venv/bin/python", "benchmarks/analytics.py", *sys.argv[1:]])
PAGE_TARGET_MS = 150
UPDATE_TARGET_S = 5.0


TOTALS = """SELECT SUM(extended_cents), SUM(fee_cbp), COUNT(*), COUNT(DISTINCT agency_id)
    FROM facts WHERE period {span}"""
BY = """SELECT {by}, SUM(extended_cents), COUNT(DISTINCT agency_id)
    FROM facts WHERE period {span} GROUP BY {by}"""
AGENCIES = """SELECT agency_id, SUM(extended_cents) FROM facts
    WHERE period {span} AND {where} GROUP BY agency_id"""
TREND = "SELECT period, SUM(extended_cents) FROM facts GROUP BY period"
COHORTS = """SELECT first, year, COUNT(*) FROM (
    SELECT agency_id, substr(period, 1, 4) AS year,
           MIN(substr(period, 1, 4)) OVER (PARTITION BY agency_id) AS first
    FROM facts GROUP BY agency_id, period) GROUP BY first, year"""
SAVINGS = """SELECT {by}, SUM(extended_cents), SUM(CASE WHEN list_price_e4 IS NOT NULL
    AND contract_price_e4 IS NOT NULL THEN (list_price_e4 - contract_price_e4) * quantity_e4
    ELSE 0 END) FROM facts WHERE period {span} GROUP BY {by}"""
DIVERSITY = """SELECT {by}, SUM(extended_cents),
    SUM(CASE WHEN diverse THEN extended_cents ELSE 0 END),
    SUM(CASE WHEN small THEN extended_cents ELSE 0 END),
    SUM(CASE WHEN local THEN extended_cents ELSE 0 END)
    FROM facts WHERE period {span} GROUP BY {by}"""


def pages(
    quarter: str, year: str, state: str, agreement: int
) -> list[tuple[str, str, dict[str, str], list[str]]]:
    """(name, path, query, DuckDB baseline statements) of every page measured. ``year`` is
    the range of the four quarters ending with ``quarter``."""
    first = year.split("-")[0]
    one, yearly = f"= '{quarter}'", f"BETWEEN '{first}' AND '{quarter}'"
    compared = [one, f"= '{_shift(quarter, -1)}'", f"= '{_shift(quarter, -4)}'"]
    municipal = f"state = '{state}' AND agency_type = 'municipality'"
    q = {"period": quarter}
    return [
        (
            "overview, a quarter",
            "/analytics/",
            q,
            [TOTALS.format(span=s) for s in [*compared, yearly]]
            + [TREND, BY.format(by="state", span=one)],
        ),
        (
            "overview, four quarters",
            "/analytics/",
            {"period": year},
            [TOTALS.format(span=yearly), TREND, BY.format(by="state", span=yearly)],
        ),
        (
            "sales by state",
            "/analytics/sales/",
            q,
            [BY.format(by="state", span=s) for s in compared],
        ),
        (
            "sales of a state by type",
            "/analytics/sales/",
            {**q, "state": state},
            [BY.format(by="agency_type", span=s + f" AND state = '{state}'") for s in compared],
        ),
        (
            "sales of a state's municipalities by agency",
            "/analytics/sales/",
            {**q, "state": state, "type": "municipality"},
            [AGENCIES.format(span=s, where=municipal) for s in compared],
        ),
        (
            "contract use by agreement",
            "/analytics/contracts/",
            q,
            [BY.format(by="agreement_id", span=s) for s in compared],
        ),
        (
            "contract use of an agreement by agency",
            "/analytics/contracts/",
            {**q, "agreement": str(agreement)},
            [AGENCIES.format(span=s, where=f"agreement_id = {agreement}") for s in compared],
        ),
        (
            "participation by state",
            "/analytics/participation/",
            q,
            [BY.format(by="state", span=one)],
        ),
        (
            "penetration",
            "/analytics/penetration/",
            q,
            [BY.format(by="state", span=f"<= '{quarter}'")],
        ),
        (
            "growth",
            "/analytics/growth/",
            {},
            [
                "SELECT agreement_id, SUM(extended_cents) FROM facts GROUP BY agreement_id",
                "SELECT period, COUNT(DISTINCT agency_id) FROM facts GROUP BY period",
                COHORTS,
            ],
        ),
        (
            "savings",
            "/analytics/savings/",
            q,
            [SAVINGS.format(by=by, span=one) for by in ("state", "agreement_id")],
        ),
        (
            "diversity",
            "/analytics/diversity/",
            q,
            [DIVERSITY.format(by=by, span=one) for by in ("state", "agreement_id")]
            + [DIVERSITY.format(by="period", span="IS NOT NULL")],
        ),
        (
            "board report (PDF)",
            "/analytics/board.pdf",
            q,
            [TOTALS.format(span=s) for s in compared] + [BY.format(by="state", span=one)],
        ),
        (
            "API: sales by state and type",
            "/api/v1/analytics/sales",
            {**q, "group_by": "state,agency_type"},
            [BY.format(by="state, agency_type", span=one)],
        ),
    ]


def _shift(period: str, by: int) -> str:
    year, number = int(period[:4]), int(period[5])
    index = year * 4 + number - 1 + by
    return f"{index // 4}Q{index % 4 + 1}"


def measure_pages(parquet: Path, requests: int) -> list[dict[str, Any]]:
    import duckdb
    from django.test import Client

    from interlocal.accounts.models import User
    from interlocal.analytics import queries
    from interlocal.analytics.models import AgencyQuarter
    from interlocal.core.models import State

    reported = queries.reported_span()
    assert reported is not None, "no rollups: run manage.py rebuild_analytics on this database"
    quarter = str(reported.last)
    year = queries.Span.ending(reported.last, 4).key
    texas = State.objects.get(postal="TX").postal
    agreement = (
        AgencyQuarter.objects.filter(period=quarter).values_list("agreement_id", flat=True).first()
    )
    client = Client()
    client.force_login(User.objects.get(email="admin@interlocal.demo"))
    db = duckdb.connect()
    source = str(parquet / "sales_facts" / "**" / "*.parquet")
    db.execute(
        f"CREATE VIEW facts AS SELECT * FROM read_parquet('{source}', hive_partitioning = true)"
    )
    assert agreement is not None, f"nothing was bought in {quarter}"
    out = []
    for name, path, query, baseline in pages(quarter, year, texas, agreement):
        times = []
        for n in range(requests + 2):
            started = time.perf_counter()
            response = client.get(path, query)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, f"{path} {query}: {response.status_code}"
            if n >= 2:
                times.append(elapsed)
        duck = []
        for _ in range(5):
            started = time.perf_counter()
            for sql in baseline:
                db.execute(sql).fetchall()
            duck.append(time.perf_counter() - started)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times) + 0.5) - 1)]
        out.append(
            {
                "name": name,
                "url": path
                + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
                "p50": statistics.median(times),
                "p95": p95,
                "duckdb": statistics.median(duck),
            }
        )
        common.log(
            f"{name}: p95 {p95 * 1000:.0f} ms, DuckDB {statistics.median(duck) * 1000:.0f} ms"
        )
    return out


def measure_update(lines: int) -> dict[str, Any]:
    """Build a ``lines``-line version of the office-supplies agreement's latest quarter,
    accept it, time the rollups' refresh; roll everything back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from interlocal.analytics.services import rollups
    from interlocal.reporting.services.processing import move

    result: dict[str, Any] = {}
    with transaction.atomic():
        obligation, report, _ = copied_report(lines)
        now = timezone.now()
        report.accepted_at = now
        report.save(update_fields=["accepted_at"])
        assert obligation.accepted is not None
        move(obligation.accepted, "supersede")
        move(report, "accept")
        obligation.accepted = report
        obligation.save(update_fields=["accepted"])
        result["lines"] = report.lines.count()
        result["agreement"], result["period"] = obligation.agreement.number, obligation.period
        started = time.perf_counter()
        done = rollups.refresh([obligation])
        result["seconds"] = time.perf_counter() - started
        result["refreshed"] = done.as_dict()
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                "SELECT agency_id, SUM(extended_cents) FROM reporting_salesline "
                "WHERE report_id = %s GROUP BY agency_id",
                [report.pk],
            )
            cursor.fetchall()
            result["bare"] = time.perf_counter() - started
        transaction.set_rollback(True)
    return result


def render(
    info: dict[str, str], rows: list[dict[str, Any]], updates: list[dict[str, Any]], elapsed: float
) -> str:
    lines = [
        "#### SQLite",
        "",
        *common.table(
            "item|value",
            [
                *info.items(),
                ("command", f"`{COMMAND}`"),
                ("benchmark wall time", f"{elapsed / 60:.1f} min"),
            ],
            "ll",
        ),
        "",
    ]
    table = []
    for r in rows:
        verdict = "met" if r["p95"] * 1000 <= PAGE_TARGET_MS else "**missed**"
        table.append(
            [
                r["name"],
                f"`{r['url']}`",
                f"{r['p50'] * 1000:.0f}",
                f"{r['p95'] * 1000:.0f}",
                verdict,
                f"{r['duckdb'] * 1000:.0f}",
                f"{r['p50'] / r['duckdb']:.2f}x",
            ]
        )
    lines += [
        "Pages, as the program office sees them (server time in-process; target p95 "
        f"≤ {PAGE_TARGET_MS} ms), beside DuckDB computing the same figures from the Parquet "
        "facts:",
        "",
        *common.table("page|URL|p50 ms|p95 ms|target|DuckDB ms|page ÷ DuckDB", table, "llrrlrr"),
        "",
    ]
    seconds = [u["seconds"] for u in updates]
    first = updates[0]
    verdict = "met" if common.med(seconds) <= UPDATE_TARGET_S else "missed"
    bare = common.med([u["bare"] for u in updates])
    median = common.med(seconds)
    lines += [
        f"Rollup update after accepting a {first['lines']:,}-line version of "
        f"`{first['agreement']}` {first['period']} ({first['refreshed']['agency_rows']:,} "
        f"agencies): median **{median:.2f} s** ({common.span(seconds)} s over {len(seconds)} "
        f"runs; target ≤ {UPDATE_TARGET_S:.0f} s, {verdict}); the bare `GROUP BY agency_id` "
        f"over the same lines takes {bare:.2f} s ({median / bare:.1f}x).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parquet", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="rollup updates")
    parser.add_argument("--output", type=Path, default=common.DOC)
    args = parser.parse_args()
    common.setup_django()
    started = time.perf_counter()
    rows = measure_pages(args.parquet, args.requests)
    updates = []
    for n in range(args.runs):
        updates.append(measure_update(args.lines))
        common.log(f"update {n + 1}/{args.runs}: {updates[-1]['seconds']:.2f} s")
    source = common.Source("sqlite", {})
    body = render(common.machine(source), rows, updates, time.perf_counter() - started)
    common.write_named_section(
        args.output,
        SECTION,
        "### Issue #6: analytics pages and rollup update (`benchmarks/analytics.py`)",
        body,
    )
    print(body)
    print(json.dumps({"pages": rows, "updates": updates}, default=str)[:2000])


if __name__ == "__main__":
    main()
