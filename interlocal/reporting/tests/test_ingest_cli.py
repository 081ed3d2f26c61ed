"""manage.py ingest_sales: the operator files a supplier's report from the command line and gets
its outcome as one JSON object (or a table), or the reason it was not filed."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from interlocal.core.models import AuditEvent
from interlocal.reporting.models import SalesLine, SalesReport
from interlocal.reporting.tests.conftest import (
    AGREEMENT,
    HEADER,
    QUARTER,
    STRANGER,
    csv_bytes,
    line,
)

pytestmark = pytest.mark.django_db


def ingest(path: Path, *, period: str = QUARTER, agreement: str = AGREEMENT, **options) -> str:
    """Run the command as typed. The agreement and the quarter go as command-line strings:
    django-typer 4.1 refuses required options passed to call_command as keywords ("Missing
    parameter: agreement"); the optional ones (``as_json``, ``errors_to``) go as keywords."""
    out = io.StringIO()
    call_command(
        "ingest_sales", str(path), "--agreement", agreement, "--period", period, stdout=out,
        **options,
    )  # fmt: skip
    return out.getvalue()


def summary_of(path: Path, **options) -> dict:
    output = ingest(path, as_json=True, **options)
    assert output.count("\n") <= 1  # one object, nothing else on stdout
    return json.loads(output)


@pytest.fixture
def report_file(tmp_path):
    def write(body: bytes, name: str = "acme-2026q3.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(body)
        return path

    return write


def test_a_clean_report_prints_its_outcome_as_json(agreement, report_file) -> None:
    # given three lines for two matched customers, one of them a credit, one item off contract
    rows = [
        line(),
        line(invoice="INV-2", customer="Travis County", amount="-90.00", qty="-2"),
        line(invoice="INV-3", sku="NOT-ON-FILE", price="10.00", amount="20.00"),
    ]
    # when the operator ingests it
    summary = summary_of(report_file(csv_bytes(rows)))
    # then the summary counts the lines, accepted, the matches and the total in cents
    report = SalesReport.objects.get()
    assert summary == {
        "id": report.pk,
        "agreement": AGREEMENT,
        "period": QUARTER,
        "version": 1,
        "status": "accepted",
        "lines_read": 3,
        "lines": 3,
        "lines_accepted": 3,
        "errors": 0,
        "errors_by_code": {},
        "warnings": 1,
        "warnings_by_code": {"unknown_sku": 1},
        "matches_by_method": {"exact": 3},
        "review_items": 0,
        "total_sales_cents": 2000,
        "quality_score": 66,
        "seconds": summary["seconds"],
        "notes": [],
    }
    assert set(summary["seconds"]) >= {"read", "validate", "match"}
    assert SalesLine.objects.facts().count() == 3
    # and the filing is the operator's, recorded as such
    assert report.submitted_by is None
    assert AuditEvent.objects.get(verb="salesreport.submit").actor_label == (
        "operator: manage.py ingest_sales"
    )


def test_unmatched_customers_are_counted_as_review_items(agreement, report_file) -> None:
    rows = [line(), line(invoice="INV-2"), line(invoice="INV-3", customer=STRANGER)]
    summary = summary_of(report_file(csv_bytes(rows)))
    assert summary["status"] == "in_review"
    assert summary["matches_by_method"] == {"exact": 2, "unmatched": 1}
    assert (summary["review_items"], summary["lines_accepted"]) == (1, 0)
    assert summary["total_sales_cents"] == 27000


def test_a_report_with_errors_counts_them_by_code_and_loads_nothing(
    agreement, report_file, tmp_path
) -> None:
    rows = [
        line(),
        line(invoice="INV-2", state="ZZ"),
        line(invoice="INV-3", amount="91.00"),
        line(invoice="INV-4", amount="92.00"),
    ]
    errors_csv = tmp_path / "errors.csv"
    summary = summary_of(report_file(csv_bytes(rows)), errors_to=errors_csv)
    assert summary["status"] == "validation_failed"
    assert summary["errors_by_code"] == {"unknown_state": 1, "extended_mismatch": 2}
    assert (summary["errors"], summary["lines_read"], summary["lines_accepted"]) == (3, 4, 0)
    assert (summary["matches_by_method"], summary["total_sales_cents"]) == ({}, 0)
    assert SalesLine.objects.count() == 0
    # and every problem is in the errors file, line by line
    written = errors_csv.read_text(encoding="utf-8").splitlines()
    assert written[0] == "line,column,code,value,message,severity"
    assert [row.split(",")[:3] for row in written[1:]] == [
        ["3", "State", "unknown_state"],
        ["4", "Extended Amount", "extended_mismatch"],
        ["5", "Extended Amount", "extended_mismatch"],
    ]


def test_a_file_missing_columns_is_filed_and_fails_counting_each(agreement, report_file) -> None:
    # given a report without its Unit Price and Extended Amount columns
    header = [h for h in HEADER if h not in ("Unit Price", "Extended Amount")]
    summary = summary_of(report_file(csv_bytes([line()], header)))
    # then it is filed, fails, and the summary counts both missing columns
    assert summary["status"] == "validation_failed"
    assert summary["errors_by_code"] == {"missing_column": 2}
    assert (summary["errors"], summary["lines_read"], summary["lines_accepted"]) == (2, 0, 0)


def test_without_json_it_prints_a_table(agreement, report_file) -> None:
    output = ingest(report_file(csv_bytes([line(), line(invoice="INV-2", state="ZZ")])))
    assert "lines read" in output
    assert "unknown_state" in output
    assert "line 3, State: 'ZZ' is not a state code" in output


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"agreement": "MA-0000"}, "there is no master agreement numbered 'MA-0000'"),
        ({"period": "2099Q1"}, "MA-TEST-1 was not in force in 2099Q1"),
        ({"period": "Q3"}, "'Q3' is not a quarter; write it like 2026Q3"),
    ],
    ids=["agreement", "quarter", "not-a-quarter"],
)
def test_a_report_that_cannot_be_filed_is_refused_with_the_reason(
    agreement, report_file, options, reason
) -> None:
    with pytest.raises(CommandError) as caught:
        ingest(report_file(csv_bytes([line()])), as_json=True, **options)
    assert str(caught.value).startswith("acme-2026q3.csv was not filed: ")
    assert reason in str(caught.value)
    assert SalesReport.objects.count() == 0


def test_a_file_of_the_wrong_type_is_refused(agreement, report_file) -> None:
    with pytest.raises(CommandError) as caught:
        ingest(report_file(b"%PDF-1.7\n", "sales.pdf"), as_json=True)
    assert str(caught.value) == (
        "sales.pdf was not filed: sales.pdf is not a CSV or a spreadsheet; upload a .csv or "
        ".xlsx file"
    )


def test_the_same_file_twice_is_refused(agreement, report_file) -> None:
    path = report_file(csv_bytes([line()]))
    assert summary_of(path)["status"] == "accepted"
    with pytest.raises(CommandError, match="same file as version 1"):
        ingest(path, as_json=True)


def test_a_missing_file_is_refused(agreement, tmp_path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        ingest(tmp_path / "nowhere.csv", as_json=True)
