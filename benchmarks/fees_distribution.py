"""Benchmark: issue #5's national distribution run with statements (target <= 5 s) and the
reconciliation of a year (target <= 5 s).

Run from the repository root against a database holding the national demo with its fee
history (the ``var`` of a ``make demo`` whose history is complete)::

    INTERLOCAL_VAR_DIR=/path/to/var .venv/bin/python benchmarks/fees_distribution.py [--runs 3]
    DATABASE_URL=postgres://.../national .venv/bin/python benchmarks/fees_distribution.py

Each run copies the database (not timed), then, in a worker process living on 5 January of
next year (``time_machine``), so that the current quarter has ended and is not distributed yet:

- **distribution**: ``prepare`` as one demo program administrator and ``approve`` as the other
  (which recomputes the figures and posts the entry), commit included, then every recipient's
  statement with its CSV and PDF; the baseline is the bare SQL aggregates over the rows the run
  reads (the sum of every allocation through the quarter's end, and of the quarter's customers'
  sales by agency type);
- **reconciliation of a year**: ``reconcile`` of each quarter of the last full calendar year;
  the baseline is ``SUM(fee_cbp)`` of that year's fee lines grouped by invoice.

Results go to the ``fees_distribution`` section of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest_sales as common  # the database copies, subprocess runs and tables

SECTION = "fees_distribution"
TARGET_S = 5.0


def _bare(cursor: Any, sql: str, params: list[Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def distribution_worker() -> None:
    """In the copy, on 5 January next year: prepare, approve and state the ended quarter."""
    today = datetime.date.today()
    import time_machine

    with time_machine.travel(datetime.datetime(today.year + 1, 1, 5, 9, tzinfo=datetime.UTC)):
        common.setup_django()
        from django.db import connection

        from interlocal.accounts.models import User
        from interlocal.accounts.roles import Role
        from interlocal.core.pdf import text_pdf
        from interlocal.core.periods import Quarter
        from interlocal.fees import transparency
        from interlocal.fees.services import distribution

        quarter = Quarter.containing(today)
        admins = list(
            User.objects.filter(memberships__role=Role.PROGRAM_ADMIN, is_active=True)
            .distinct()
            .order_by("pk")[:2]
        )
        assert len(admins) == 2, "the demo needs two program administrators"
        started = time.perf_counter()
        run = distribution.prepare(str(quarter), actor=admins[0])
        run = distribution.approve(run, actor=admins[1])
        posted = time.perf_counter() - started
        pages = 0
        for slug, _label in transparency.recipients():
            found = transparency.statement(slug, str(quarter))
            list(transparency.statement_csv_rows(found))
            text_pdf(
                f"Distribution statement {found.period}",
                transparency.statement_pdf_paragraphs(found),
            )
            pages += 1
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            bare = _bare(
                cursor,
                "SELECT SUM(a.amount_cents) FROM fees_allocation a JOIN fees_journalentry e "
                "ON e.id = a.entry_id WHERE e.booked_on <= %s",
                [quarter.last_day],
            ) + _bare(
                cursor,
                "SELECT g.agency_type, SUM(c.sales_cents) FROM reporting_reportcustomer c "
                "JOIN registry_agency g ON g.id = c.agency_id WHERE c.report_id IN ("
                "SELECT i.report_id FROM fees_feeinvoice i JOIN fees_allocation a "
                "ON a.invoice_id = i.id JOIN fees_journalentry e ON e.id = a.entry_id "
                "WHERE e.booked_on BETWEEN %s AND %s) GROUP BY g.agency_type",
                [quarter.first_day, quarter.last_day],
            )
        shares = list(run.shares.all())
        print(
            json.dumps(
                {
                    "seconds": seconds,
                    "posted": posted,
                    "bare": bare,
                    "period": run.period,
                    "recipients": len(shares),
                    "statements": pages,
                    "distributed_cents": sum(s.amount_cents for s in shares),
                    "collected_cents": run.collected_cents,
                }
            )
        )


def reconcile_worker() -> None:
    common.setup_django()
    from django.db import connection

    from interlocal.fees.services.reconcile import reconcile

    year = datetime.date.today().year - 1
    started = time.perf_counter()
    checks = [c for n in range(1, 5) for c in reconcile(f"{year}Q{n}")]
    seconds = time.perf_counter() - started
    assert all(c.ok for c in checks), [c.as_dict() for c in checks if not c.ok]
    with connection.cursor() as cursor:
        bare = _bare(
            cursor,
            "SELECT f.invoice_id, SUM(f.fee_cbp) FROM fees_feeline f JOIN fees_feeinvoice i "
            "ON i.id = f.invoice_id JOIN fees_journalentry e ON e.id = i.entry_id "
            "WHERE e.period BETWEEN %s AND %s GROUP BY f.invoice_id",
            [f"{year}Q1", f"{year}Q4"],
        )
        cursor.execute(
            "SELECT COUNT(*) FROM fees_feeline f JOIN fees_feeinvoice i ON i.id = f.invoice_id "
            "JOIN fees_journalentry e ON e.id = i.entry_id WHERE e.period BETWEEN %s AND %s",
            [f"{year}Q1", f"{year}Q4"],
        )
        lines = int(cursor.fetchone()[0])
    print(
        json.dumps(
            {"seconds": seconds, "bare": bare, "year": year, "lines": lines, "checks": len(checks)}
        )
    )


def render(
    info: dict[str, str],
    dist: list[dict[str, Any]],
    rec: list[dict[str, Any]],
    engine: str,
    elapsed: float,
) -> str:
    d, r = dist[0], rec[0]
    dm, rm = common.med([x["seconds"] for x in dist]), common.med([x["seconds"] for x in rec])
    db, rb = common.med([x["bare"] for x in dist]), common.med([x["bare"] for x in rec])
    command = shlex.join([".venv/bin/python", "benchmarks/fees_distribution.py", *sys.argv[1:]])
    rows = [*info.items(), ("command", f"`{command}`")]
    rows.append(("benchmark wall time", f"{elapsed / 60:.1f} min"))
    lines = [f"#### {engine}", "", *common.table("item|value", rows, "ll"), ""]
    lines += common.table(
        "measure|median s|min - max s|÷ bare aggregate|target",
        [
            [
                f"distribution run of {d['period']} (prepare, approve, post; {d['recipients']} "
                f"recipients) and {d['statements']} statements (page data, CSV, PDF)",
                f"{dm:.2f}",
                common.span([x["seconds"] for x in dist]),
                f"{dm / db:.1f}x",
                f"≤ {TARGET_S:.0f} s: {'met' if dm <= TARGET_S else 'missed'}",
            ],
            [
                "baseline: bare sums of the allocations through the quarter and of the sales "
                "by agency type of the reports paid in it",
                f"{db:.3f}",
                common.span([x["bare"] for x in dist], 3),
                "1.0x",
                "",
            ],
            [
                f"reconciliation of {r['year']} (4 quarters, {r['checks']} checks, "
                f"{r['lines']:,} fee lines)",
                f"{rm:.2f}",
                common.span([x["seconds"] for x in rec]),
                f"{rm / rb:.1f}x",
                f"≤ {TARGET_S:.0f} s: {'met' if rm <= TARGET_S else 'missed'}",
            ],
            [
                "baseline: `SUM(fee_cbp)` of the year's fee lines by invoice",
                f"{rb:.3f}",
                common.span([x["bare"] for x in rec], 3),
                "1.0x",
                "",
            ],
        ],
        "lrrrl",
    )
    lines += [
        "",
        f"The run distributed ${d['distributed_cents'] / 100:,.2f} "
        f"(collected to date ${d['collected_cents'] / 100:,.2f}); distribution median "
        f"**{dm:.2f} s**, reconciliation median **{rm:.2f} s**.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=common.DOC)
    parser.add_argument("--distribution-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reconcile-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.distribution_worker:
        distribution_worker()
        return
    if args.reconcile_worker:
        reconcile_worker()
        return
    env = dict(os.environ)
    engine = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    source = common.Source(engine, env)
    started = time.perf_counter()
    dist: list[dict[str, Any]] = []
    rec: list[dict[str, Any]] = []
    for n in range(args.runs):
        copy = common.Copy(source)
        try:
            for kind, into in (("distribution", dist), ("reconcile", rec)):
                _s, _rss, out = common.run([sys.executable, __file__, f"--{kind}-worker"], copy.env)
                into.append(json.loads(out.strip().splitlines()[-1]))
        finally:
            copy.close()
        common.log(
            f"run {n + 1}/{args.runs}: distribution {dist[-1]['seconds']:.2f} s, "
            f"reconcile {rec[-1]['seconds']:.2f} s"
        )
    name = "SQLite" if engine == "sqlite" else "PostgreSQL"
    body = render(common.machine(source), dist, rec, name, time.perf_counter() - started)
    common.write_named_section(
        args.output,
        f"{SECTION}_{engine}",
        f"### Issue #5: distribution run and reconciliation of a year, {name} "
        "(`benchmarks/fees_distribution.py`)",
        body,
    )
    print(body)


if __name__ == "__main__":
    main()
