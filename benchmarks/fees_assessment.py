"""Benchmark: issue #5's fee assessment of a 1,000,000-line accepted report (target <= 3 s).

Run from the repository root against a SQLite database holding the national demo with its
sales history (the ``var`` of a ``make demo``, or ``seed_demo --scale national``)::

    INTERLOCAL_VAR_DIR=/path/to/var .venv/bin/python benchmarks/fees_assessment.py [--runs 3]

Each run copies the database (not timed), then, in a worker process: builds a report of the
office-supplies agreement's latest quarter with ``--lines`` lines copied from the agreement's
largest demo reports (their customers, agencies, items and amounts; invoice dates moved into the
quarter), and times ``fees.services.assess`` of it in its own transaction, commit included. The
baseline, timed in the same process on the same lines: the bare SQL aggregate
``SELECT SUM(extended_cents * 200) ... WHERE report_id = ?``. Results go to the
``fees_assessment`` section of ``docs/performance.md``. Its one assertion: every line was
assessed. SQLite only for now (the line copy uses SQLite's date functions).
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest_sales as common  # the database copies, subprocess runs and tables

SECTION = "fees_assessment"
TARGET_S = 3.0
COPY_LINES = """
INSERT INTO reporting_salesline (report_id, agreement_id, line, customer_id, agency_id,
    invoice_date, invoice_number, po_number, order_type, sku, description, category_code,
    quantity, unit, unit_price_e4, list_price_e4, contract_price_e4, extended_cents, tax_cents,
    freight_cents, exception)
SELECT %(report)s, l.agreement_id, ROW_NUMBER() OVER (ORDER BY l.id) + 1, l.customer_id,
       l.agency_id,
       date(%(first)s, '+' || (CAST(julianday(l.invoice_date) AS INTEGER) %% %(days)s) || ' days'),
       l.invoice_number, l.po_number, l.order_type, l.sku, l.description, l.category_code,
       l.quantity, l.unit, l.unit_price_e4, l.list_price_e4, l.contract_price_e4,
       l.extended_cents, l.tax_cents, l.freight_cents, l.exception
FROM reporting_salesline l WHERE l.report_id IN ({sources})
ORDER BY l.id LIMIT %(lines)s
"""


def copied_report(lines: int) -> tuple[Any, Any, int]:
    """A new version (in review) of the office-supplies agreement's latest accepted quarter,
    with ``lines`` lines copied from the agreement's largest demo reports (their customers,
    agencies, items and amounts; invoice dates moved into the quarter); (obligation, report).
    Written in the caller's transaction, or committed on its own. Returns the obligation, the
    report and how many demo reports the lines came from."""
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from interlocal.core.periods import Quarter
    from interlocal.reporting.models import ReportObligation, ReportStatus, SalesReport

    obligation = (
        ReportObligation.objects.filter(
            agreement__title__startswith="Office supplies", accepted__isnull=False
        )
        .select_related("accepted", "agreement")
        .order_by("-period")
        .first()
    )
    assert obligation is not None, "no accepted office-supplies quarter: seed the national demo"
    sources, total = [], 0
    for pk, count in (
        SalesReport.objects.filter(obligation__agreement=obligation.agreement, kind="lines")
        .order_by("-line_count")
        .values_list("pk", "line_count")
    ):
        sources.append(int(pk))
        total += count
        if total >= lines:
            break
    quarter = Quarter.parse(obligation.period)
    now = timezone.now()
    with transaction.atomic():
        version = obligation.reports.aggregate(v=Max("version"))["v"] + 1
        report = SalesReport.objects.create(
            obligation=obligation,
            version=version,
            kind="lines",
            source=SalesReport.Source.CSV,
            status=ReportStatus.IN_REVIEW,
            note="benchmark: lines copied from the demo history",
            submitted_at=now,
            processed_at=now,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                COPY_LINES.format(sources=", ".join(str(s) for s in sources)),
                {
                    "report": report.pk,
                    "first": quarter.first_day.isoformat(),
                    "days": (quarter.last_day - quarter.first_day).days + 1,
                    "lines": lines,
                },
            )
    return obligation, report, len(sources)


def assess_worker(lines_text: str) -> None:
    """In the copy: build the report, assess it, time it; print the result as JSON."""
    common.setup_django()
    from django.db import connection, transaction

    from interlocal.fees.services import assess

    obligation, report, sources = copied_report(int(lines_text))
    built = report.lines.count()
    started = time.perf_counter()
    with transaction.atomic():
        invoice = assess(report, previous=obligation.accepted, booked_on=datetime.date.today())
    seconds = time.perf_counter() - started
    assert invoice is not None and invoice.line_count == built, "not every line was assessed"
    bare = []
    with connection.cursor() as cursor:
        for _ in range(5):
            began = time.perf_counter()
            cursor.execute(
                "SELECT SUM(extended_cents * 200) FROM reporting_salesline "
                "WHERE report_id = %s AND agency_id IS NOT NULL",
                [report.pk],
            )
            cursor.fetchall()
            bare.append(time.perf_counter() - began)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "bare": statistics.median(bare),
                "lines": built,
                "fee_cents": invoice.fee_cents,
                "base_cents": invoice.base_cents,
                "agreement": obligation.agreement.number,
                "period": obligation.period,
                "sources": sources,
            }
        )
    )


def render(info: dict[str, str], runs: list[dict[str, Any]], elapsed: float) -> str:
    times = [r["seconds"] for r in runs]
    bare = [r["bare"] for r in runs]
    first = runs[0]
    median = common.med(times)
    verdict = "met" if median <= TARGET_S else "missed"
    command = shlex.join([".venv/bin/python", "benchmarks/fees_assessment.py", *sys.argv[1:]])
    rows = [*info.items(), ("command", f"`{command}`")]
    rows.append(("benchmark wall time", f"{elapsed / 60:.1f} min"))
    lines = ["#### SQLite", "", *common.table("item|value", rows, "ll"), ""]
    lines.append(
        f"The report: {first['lines']:,} lines of `{first['agreement']}` {first['period']}, "
        f"copied from {first['sources']} demo reports; fee base ${first['base_cents'] / 100:,.2f}, "
        f"fee ${first['fee_cents'] / 100:,.2f}."
    )
    lines += [
        "",
        *common.table(
            "measure|median s|min - max s|lines/s|÷ bare aggregate",
            [
                [
                    "`fees.services.assess` (fee lines, invoice, ledger entry, audit; commit)",
                    f"{median:.2f}",
                    common.span(times),
                    f"{first['lines'] / median:,.0f}",
                    f"{median / common.med(bare):.1f}x",
                ],
                [
                    "baseline: `SELECT SUM(extended_cents * 200)` over the same lines",
                    f"{common.med(bare):.3f}",
                    common.span(bare, 3),
                    f"{first['lines'] / common.med(bare):,.0f}",
                    "1.0x",
                ],
            ],
        ),
        "",
        f"Target: ≤ {TARGET_S:.0f} s. Median **{median:.2f} s** ({verdict}).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path, default=common.DOC)
    parser.add_argument("--assess-worker", nargs=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.assess_worker:
        assess_worker(args.assess_worker[0])
        return
    import os

    env = dict(os.environ)
    if env.get("DATABASE_URL"):
        parser.error("SQLite only for now: unset DATABASE_URL and set INTERLOCAL_VAR_DIR")
    source = common.Source("sqlite", env)
    started = time.perf_counter()
    results = []
    for n in range(args.runs):
        copy = common.Copy(source)
        try:
            _seconds, _rss, out = common.run(
                [sys.executable, __file__, "--assess-worker", str(args.lines)], copy.env
            )
            result = json.loads(out.strip().splitlines()[-1])
        finally:
            copy.close()
        common.log(f"run {n + 1}/{args.runs}: assess {result['seconds']:.2f} s")
        results.append(result)
    body = render(common.machine(source), results, time.perf_counter() - started)
    common.write_named_section(
        args.output,
        SECTION,
        "### Issue #5: fee assessment of a 1,000,000-line report (`benchmarks/fees_assessment.py`)",
        body,
    )
    print(body)


if __name__ == "__main__":
    main()
