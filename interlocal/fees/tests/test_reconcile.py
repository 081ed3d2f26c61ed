"""manage.py reconcile: a quarter of reports, payments and a correction reconciles to zero
difference; a ledger that disagrees with its invoices is reported, never fixed."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from interlocal.core.periods import Quarter
from interlocal.fees.models import FeeInvoice, FeeLine
from interlocal.fees.services import payments
from interlocal.fees.services.reconcile import reconcile
from interlocal.reporting import services
from interlocal.reporting.tests.conftest import AGREEMENT, csv_bytes, file_report, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter_of_activity(agreement, rep, office, supplier) -> str:
    """Two quarters invoiced, one corrected, a payment that overpays: booked today."""
    for period, day in (("2026Q2", "2026-05-15"), ("2026Q3", "2026-08-15")):
        obligation = services.obligation_for(AGREEMENT, period, actor=rep)
        file_report(obligation, csv_bytes([line(invoice=f"{period}-1", date=day)]), actor=rep)
    obligation = services.obligation_for(AGREEMENT, "2026Q3", actor=rep)
    rows = [line(invoice=f"2026Q3-{n}", date="2026-08-15") for n in range(2)]
    file_report(obligation, csv_bytes(rows), actor=rep)
    payments.record_payment(
        supplier, actor=office, amount_cents=1000, received_on=datetime.date.today(), reference="A"
    )
    return str(Quarter.containing(datetime.date.today()))


def test_a_quarter_of_activity_reconciles(quarter_of_activity) -> None:
    checks = reconcile(quarter_of_activity)
    assert [c.ok for c in checks] == [True, True, True, True, True]
    assert checks[0].actual == 180 + 180 + 360  # three invoices booked, one later reversed
    assert checks[2].actual == 1000
    # $10.00 paid $1.80 + $3.60 of standing invoices; $4.60 is the supplier's credit
    assert checks[3].expected == 540
    assert "undistributed $5.40 (cash $10.00 less suppliers' credits $4.60" in checks[3].detail
    out = io.StringIO()
    call_command("reconcile", "--period", quarter_of_activity, "--json", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True


def test_an_invoice_that_disagrees_with_its_lines_is_reported_with_exit_code_1(
    quarter_of_activity,
) -> None:
    # given an invoice whose stored fee no longer matches its lines (written past the services)
    invoice = FeeInvoice.objects.filter(replaced_by__isnull=True).order_by("pk").last()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE fees_feeinvoice SET fee_cents = fee_cents + 1 WHERE id = %s", [invoice.pk]
        )
    checks = reconcile(quarter_of_activity)
    assert not checks[0].ok and invoice.number in checks[0].differences[0]
    assert not checks[1].ok  # the receivable no longer matches the invoices either
    with pytest.raises(SystemExit) as stopped:
        call_command("reconcile", "--period", quarter_of_activity, stdout=io.StringIO())
    assert stopped.value.code == 1
    # nothing was corrected
    assert FeeInvoice.objects.get(pk=invoice.pk).fee_cents == invoice.fee_cents + 1
    assert FeeLine.objects.filter(invoice=invoice).exists()
