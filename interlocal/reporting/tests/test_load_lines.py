"""Writing a processed report's lines: every value as read, and nothing of a report whose
writing fails, at whichever point (staging the lines, copying them, after).

The lines take a different road on each database (``load.write_lines``): PostgreSQL ``COPY``
reads the CSV DuckDB writes; SQLite copies them from a TEMP table filled before the write
transaction. These tests hold on both.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from interlocal.reporting import services
from interlocal.reporting.ingest import load
from interlocal.reporting.models import ReportCustomer, ReportObligation, SalesLine
from interlocal.reporting.tests.conftest import (
    HEADER,
    csv_bytes,
    file_report,
    line,
    loaded,
    submit,
)

pytestmark = pytest.mark.django_db

WIDE = (*HEADER, "Description", "PO Number", "Unit of Measure", "Category Code", "List Price",
        "Tax", "Freight")  # fmt: skip
VALUES = (
    "line", "invoice_date", "invoice_number", "po_number", "order_type", "sku", "description",
    "category_code", "quantity", "unit", "unit_price_e4", "list_price_e4", "contract_price_e4",
    "extended_cents", "tax_cents", "freight_cents", "exception", "customer__name",
)  # fmt: skip


def fresh(obj):
    obj.refresh_from_db()
    return obj


def written(report) -> list[tuple]:
    return list(SalesLine.objects.filter(report=report).order_by("line").values_list(*VALUES))


def temp_tables() -> list[str]:
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM temp.sqlite_master WHERE type = 'table'")
        return [name for (name,) in cursor.fetchall()]


def test_every_value_of_a_line_is_written_as_read(settings, obligation, rep) -> None:
    settings.SALES_AUTO_ACCEPT = True
    # given lines with quotes, commas, a line break, accents and empty optional values
    rows = [
        line(invoice="INV-1")
        | {
            "Description": 'Paper, "letter" size\nwhite',
            "PO Number": "PO-1",
            "Unit of Measure": "EA",
            "Category Code": "615-25",
            "List Price": "$50.00",
            "Tax": "1.25",
            "Freight": "(0.50)",
        },
        line(invoice="INV-2", sku="paper-1", qty="1.5", amount="67.50"),
        line(invoice="CM-3", type="Credit", qty="-1", amount="(45.00)")
        | {"Description": "Ünïcödé ✓ 日本", "PO Number": "", "List Price": ""},
        line(invoice="INV-4", sku="NOT-ON-FILE", price="3.0450", qty="4", amount="12.18"),
    ]
    # when the report is processed
    report = fresh(file_report(obligation, csv_bytes(rows, WIDE), actor=rep))
    # then it is accepted, and each line holds exactly what the file said
    assert report.status == "accepted"
    day = datetime.date(2026, 8, 15)
    assert written(report) == [
        (2, day, "INV-1", "PO-1", "sale", "PAPER-1", 'Paper, "letter" size white', "615-25",
         Decimal(2), "EA", 450000, 500000, 450000, 9000, 125, -50, "", "City of Austin"),
        (3, day, "INV-2", "", "sale", "paper-1", "", "", Decimal("1.5"), "", 450000, None, 450000,
         6750, 0, 0, "", "City of Austin"),
        (4, day, "CM-3", "", "credit", "PAPER-1", "Ünïcödé ✓ 日本", "", Decimal(-1), "", 450000,
         None, 450000, -4500, 0, 0, "", "City of Austin"),
        (5, day, "INV-4", "", "sale", "NOT-ON-FILE", "", "", Decimal(4), "", 30450, None, None,
         1218, 0, 0, "unknown_sku", "City of Austin"),
    ]  # fmt: skip
    lines = SalesLine.objects.filter(report=report)
    assert {(x.agreement_id, x.agency_id) for x in lines} == {
        (obligation.agreement_id, ReportCustomer.objects.get(report=report).agency_id)
    }
    assert temp_tables() == []


def _accepted_first(obligation, rep, settings):
    settings.SALES_AUTO_ACCEPT = True
    first = fresh(file_report(obligation, csv_bytes([line()]), actor=rep))
    assert first.status == "accepted"
    return first


def _nothing_of(report, first, obligation) -> None:
    """Nothing of ``report`` was written and ``first`` is still the quarter's facts."""
    report = fresh(report)
    assert report.status == "processing"
    assert loaded(report) == (0, 0)
    assert fresh(obligation).accepted == first
    assert set(SalesLine.objects.facts().values_list("report", flat=True)) == {first.pk}
    assert temp_tables() == []


def _correction(obligation, rep):
    rows = [line(invoice=f"INV-{n}") for n in range(1, 6)]
    return submit(obligation, csv_bytes(rows), "v2.csv", actor=rep)


def test_a_failure_while_the_lines_are_turned_into_rows_leaves_nothing(
    settings, obligation, rep, monkeypatch
) -> None:
    # given version 1 accepted, and a correction whose lines fail to convert after a first
    # batch (on SQLite while staged, on PostgreSQL while the customers' ids are read back)
    first = _accepted_first(obligation, rep, settings)
    second = _correction(obligation, rep)
    monkeypatch.setattr(load, "BATCH", 1)
    real, calls = load._python, []

    def fails_later(values):
        calls.append(1)
        if len(calls) > 20:
            raise RuntimeError("the worker was killed")
        return real(values)

    monkeypatch.setattr(load, "_python", fails_later)
    if connection.vendor != "sqlite":
        # PostgreSQL turns no line into rows: the failure comes with the COPY instead
        def dies(path):
            yield path.read_bytes()[:40]
            raise RuntimeError("the worker was killed")

        monkeypatch.setattr(load, "_blocks", dies)
    # when it is processed
    with pytest.raises(RuntimeError, match="killed"):
        services.process_report(second)
    # then nothing of it remains, and version 1 is still the quarter's facts
    _nothing_of(second, first, obligation)


def test_a_failure_after_the_lines_are_written_leaves_nothing(
    settings, obligation, rep, monkeypatch
) -> None:
    # given version 1 accepted, and a correction whose writing fails once its lines are in
    first = _accepted_first(obligation, rep, settings)
    second = _correction(obligation, rep)
    real, counted = load.write_lines, []

    def then_dies(report, con):
        counted.append(real(report, con))
        counted.append(SalesLine.objects.filter(report=report).count())
        raise RuntimeError("the worker was killed")

    monkeypatch.setattr(load, "write_lines", then_dies)
    # when it is processed
    with pytest.raises(RuntimeError, match="killed"):
        services.process_report(second)
    # then the five lines had been written, and are gone with the rest of version 2
    assert counted == [5, 5]
    _nothing_of(second, first, obligation)
    # and when processed again, it is accepted whole
    monkeypatch.setattr(load, "write_lines", real)
    services.recover_stalled(datetime.timedelta(0))
    second = fresh(services.process_report(fresh(second)))
    assert second.status == "accepted" and loaded(second) == (5, 1)


def test_lines_whose_customer_is_missing_are_refused_not_dropped(
    settings, obligation, rep, monkeypatch
) -> None:
    # given a correction whose customers' ids get lost on the way (a bug, simulated)
    first = _accepted_first(obligation, rep, settings)
    second = _correction(obligation, rep)
    real = load.insert_rows

    def loses_customers(table, columns, rows):
        if table.startswith("temp.ingest_customers"):
            return 0
        return real(table, columns, rows)

    monkeypatch.setattr(load, "insert_rows", loses_customers)
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL copies the lines with their customers joined in DuckDB")
    # when it is processed, the write stops rather than load fewer lines than were read
    with pytest.raises(RuntimeError, match="5 lines staged but 0 written"):
        services.process_report(second)
    _nothing_of(second, first, obligation)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("flushable_audit_table")
def test_sqlite_stages_the_lines_outside_the_write_transaction(
    settings, obligation: ReportObligation, rep, monkeypatch
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("only SQLite stages the lines")
    settings.SALES_AUTO_ACCEPT = True
    seen = []
    real_stage, real_write = load.stage_lines, load.write_lines

    def stage(report, con):
        seen.append(("stage", connection.in_atomic_block))
        return real_stage(report, con)

    def write(report, con):
        seen.append(("write", connection.in_atomic_block))
        return real_write(report, con)

    monkeypatch.setattr(load, "stage_lines", stage)
    monkeypatch.setattr(load, "write_lines", write)
    report = fresh(file_report(obligation, csv_bytes([line(), line(invoice="INV-2")]), actor=rep))
    # then the lines were staged with no transaction open, and copied inside the write's
    assert seen == [("stage", False), ("write", True)]
    assert report.status == "accepted" and loaded(report) == (2, 1)
    # and nothing is left behind: no TEMP table, no transaction open
    assert temp_tables() == []
    assert connection.get_autocommit() and not connection.in_atomic_block
