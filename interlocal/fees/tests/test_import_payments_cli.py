"""manage.py import_payments FILE: the bank's file recorded, or refused with the lines."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interlocal.fees.models import FeeInvoice, Payment
from interlocal.reporting.tests.conftest import csv_bytes, file_report, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(obligation, rep) -> FeeInvoice:
    return FeeInvoice.objects.get(report=file_report(obligation, csv_bytes([line()]), actor=rep))


def test_the_file_is_recorded_and_summarised_as_json(invoice, tmp_path) -> None:
    # a semicolon-separated export with LF line ends
    path = tmp_path / "bank.csv"
    path.write_text(f"Date;Amount;Reference;Invoice\n2026-11-20;1.80;W-1;{invoice.number}\n")
    out = io.StringIO()
    call_command("import_payments", str(path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["payments"][0]["applied"] == {invoice.number: "180"}
    assert Payment.objects.get().amount_cents == 180


def test_a_refused_file_names_the_lines_and_writes_the_error_file(invoice, tmp_path) -> None:
    path, errors = tmp_path / "bank.csv", tmp_path / "errors.csv"
    path.write_text("Date,Amount,Reference,Invoice\r\n2026-11-20,0.00,W-1,FI-2026Q3-0000000\r\n")
    with pytest.raises(CommandError, match="nothing changed") as refused:
        call_command("import_payments", str(path), "--errors-csv", str(errors))
    assert "line 2" in str(refused.value)
    rows = list(csv.reader(io.StringIO(errors.read_text())))
    assert sorted((row[0], row[2]) for row in rows[1:]) == [
        ("2", "not_positive"),
        ("2", "unknown_invoice"),
    ]
    assert not Payment.objects.exists()
