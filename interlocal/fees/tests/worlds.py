"""A billed world for the fee pages and the API, imported by their test modules as fixtures.

The supplier persona's MA-TEST-1 (``reporting/tests/conftest.py``):

- 2026Q1: one sale of $90.00 to Austin, accepted on 20 May 2026: invoice of $1.80, due
  19 June; $1.00 of it paid on 1 September (ACH-1);
- 2026Q2: two sales of $90.00 (Austin, Travis County), accepted on 10 August: $3.60, due
  9 September, nothing paid;
- 2026Q3: one sale of $90.00 to Tulsa (OK), accepted on 5 November: $1.80, due 5 December.

A rival supplier's MA-RIVAL 2026Q3: one sale of $450.00, accepted on 5 November: $9.00.
"Now" is 20 November 2026: the 2026Q1 invoice is 154 days past due, 2026Q2's 72, 2026Q3's
not yet due.
"""

import datetime
from typing import Any

import pytest

from interlocal.accounts.services import issue_api_key
from interlocal.agreements.services.pricing import import_price_file
from interlocal.fees.models import FeeInvoice
from interlocal.fees.services import payments
from interlocal.reporting import services
from interlocal.reporting.tests.conftest import AGREEMENT, PRICES, START, csv_bytes, file_report
from interlocal.reporting.tests.conftest import line as sale
from tests import factories

NOW = datetime.datetime(2026, 11, 20, 15, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)


def at(time_machine: Any, day: str) -> None:
    time_machine.move_to(datetime.datetime.fromisoformat(f"{day}T15:00:00+00:00"), tick=False)


def invoice_of(agreement: str, period: str, rows: list[dict[str, Any]], actor: Any) -> FeeInvoice:
    obligation = services.obligation_for(agreement, period, actor=actor)
    report = file_report(obligation, csv_bytes(rows), actor=actor)
    return FeeInvoice.objects.get(report=report)


def fees_key(user: Any) -> str:
    """A fresh key of ``user``'s organization with the scope ``fees:read``."""
    return issue_api_key(
        actor=user, organization=user.primary_organization, name="fees", scopes=["fees:read"]
    ).token


@pytest.fixture
def billed(time_machine, settings, agreement, agencies, rep, supplier, office) -> dict[str, Any]:
    settings.SALES_AUTO_ACCEPT = True
    at(time_machine, "2026-05-20")
    q1 = invoice_of(AGREEMENT, "2026Q1", [sale(invoice="Q1-1", date="2026-02-10")], rep)
    at(time_machine, "2026-08-10")
    q2_rows = [
        sale(invoice="Q2-1", date="2026-05-15"),
        sale(invoice="Q2-2", date="2026-05-16", customer="Travis County"),
    ]
    q2 = invoice_of(AGREEMENT, "2026Q2", q2_rows, rep)
    at(time_machine, "2026-09-01")
    payment = payments.record_payment(
        supplier,
        actor=office,
        amount_cents=100,
        received_on=datetime.date(2026, 9, 1),
        reference="ACH-1",
    )
    at(time_machine, "2026-11-05")
    tulsa = sale(
        invoice="Q3-1", date="2026-08-15", customer="City of Tulsa", state="OK", zip="74103"
    )
    q3 = invoice_of(AGREEMENT, "2026Q3", [tulsa], rep)

    rival = factories.supplier_rep("Rival Supply Co.")
    held = factories.agreement(number="MA-RIVAL", supplier=rival.primary_organization.supplier)
    body = "SKU,Description,Unit,Contract Price\r\n" + "".join(
        f"{sku},Item {sku},EA,{price}\r\n" for sku, price in PRICES.items()
    )
    import_price_file(held, body.encode(), actor=None, effective_from=START)
    big = sale(invoice="R-1", date="2026-08-20", qty="10", amount="450.00")
    rival_invoice = invoice_of("MA-RIVAL", "2026Q3", [big], rival)
    time_machine.move_to(NOW, tick=False)
    assert [i.fee_cents for i in (q1, q2, q3, rival_invoice)] == [180, 360, 180, 900]
    return {
        "q1": q1,
        "q2": q2,
        "q3": q3,
        "payment": payment,
        "rival": rival,
        "rival_invoice": rival_invoice,
        "rival_supplier": rival.primary_organization.supplier,
    }
