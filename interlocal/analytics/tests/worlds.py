"""The worlds the analytics tests start from, built through the real filing and acceptance
services (``reporting/tests/conftest.py`` has the supplier persona's MA-TEST-1 and the Texas
and Oklahoma agencies)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from interlocal.agreements.services.pricing import import_price_file
from interlocal.core.periods import Quarter
from interlocal.registry.models import Certification
from interlocal.reporting.models import (
    MatchMethod,
    ReportCustomer,
    ReportKind,
    ReportObligation,
    ReportStatus,
    SalesLine,
    SalesReport,
)
from interlocal.reporting.services import accept_report, obligation_for
from interlocal.reporting.tests.conftest import HEADER, PRICES, START, csv_bytes, file_report, line
from tests import factories

WITH_LIST = (*HEADER, "List Price")


def at(time_machine, day: str) -> None:
    time_machine.move_to(datetime.datetime.fromisoformat(f"{day}T15:00:00+00:00"), tick=False)


def certify(supplier, kind: str, start: str, end: str) -> Certification:
    return Certification.objects.create(
        supplier=supplier,
        kind=kind,
        certifying_body="Texas HUB Program",
        number=f"{kind}-1",
        valid_from=datetime.date.fromisoformat(start),
        valid_to=datetime.date.fromisoformat(end),
        verification_status=Certification.Verification.VERIFIED,
    )


@pytest.fixture
def filed(settings, time_machine, agreement, agencies, rep, supplier):
    """2026Q1: Austin (2 reams at $45.00, list $54.99) and Travis County (20 reams, no list
    price); 2026Q2: Austin again and Tulsa Public Schools. The supplier is a certified small
    business from 1 January to 15 February 2026 only."""
    settings.SALES_AUTO_ACCEPT = True
    certify(supplier, "SBE", "2026-01-01", "2026-02-15")
    at(time_machine, "2026-04-10")
    q1 = obligation_for(agreement.number, "2026Q1", actor=rep)
    rows = [
        {**line(invoice="A", date="2026-02-10"), "List Price": "54.99"},
        line(invoice="B", date="2026-03-02", customer="Travis County", qty="20", amount="900.00"),
    ]
    file_report(q1, csv_bytes(rows, WITH_LIST), actor=rep)
    at(time_machine, "2026-07-10")
    q2 = obligation_for(agreement.number, "2026Q2", actor=rep)
    rows = [
        line(invoice="C", date="2026-05-15"),
        line(
            invoice="D",
            date="2026-05-20",
            customer="Tulsa Public Schools",
            state="OK",
            zip="74103",
            qty="10",
            amount="450.00",
        ),
    ]
    file_report(q2, csv_bytes(rows), actor=rep)
    return {"q1": q1, "q2": q2}


@pytest.fixture
def served(filed, personas, rep, time_machine) -> dict[str, Any]:
    """``filed``, and a rival supplier's MA-RIVAL 2026Q2: $450.00 to the buyer persona's City
    of Lake Ridge and $900.00 to Travis County."""
    rival = factories.supplier_rep("Rival Supply Co.")
    held = factories.agreement(number="MA-RIVAL", supplier=rival.primary_organization.supplier)
    body = "SKU,Description,Unit,Contract Price\r\n" + "".join(
        f"{sku},Item {sku},EA,{price}\r\n" for sku, price in PRICES.items()
    )
    import_price_file(held, body.encode(), actor=None, effective_from=START)
    at(time_machine, "2026-07-12")
    rows = [
        line(
            invoice="R-1",
            date="2026-05-02",
            customer="City of Lake Ridge",
            qty="10",
            amount="450.00",
        ),
        line(
            invoice="R-2",
            date="2026-06-02",
            customer="Travis County",
            qty="20",
            amount="900.00",
        ),
    ]
    obligation = obligation_for("MA-RIVAL", "2026Q2", actor=rival)
    file_report(obligation, csv_bytes(rows), actor=rival)
    at(time_machine, "2026-08-01")
    return {**filed, "rival": rival, "rival_agreement": held}


def accept_lines(agreement, period: str, lines, agencies) -> SalesReport:
    """A report of ``lines`` under ``agreement`` for ``period``, written as processing leaves
    one in review, then accepted by the service (which invoices it and refreshes the rollups);
    no lines is a no-sales filing."""
    quarter = Quarter.parse(period)
    obligation, _ = ReportObligation.objects.get_or_create(
        agreement=agreement, period=period, defaults={"due_on": quarter.last_day}
    )
    version = obligation.reports.count() + 1
    report = SalesReport.objects.create(
        obligation=obligation,
        version=version,
        kind=ReportKind.LINES if lines else ReportKind.NO_SALES,
        source=SalesReport.Source.API,
        status=ReportStatus.IN_REVIEW,
        line_count=len(lines),
    )
    for n, (which, dollars, quantity, listed) in enumerate(lines, start=1):
        agency = agencies[which]
        customer = ReportCustomer.objects.create(
            report=report,
            name=agency.name,
            state=agency.state.postal,
            key=agency.search_name,
            agency=agency,
            method=MatchMethod.EXPLICIT_ID,
        )
        unit_e4 = abs(dollars) * 10000 // quantity
        SalesLine.objects.create(
            report=report,
            agreement=agreement,
            line=n + 1,
            customer=customer,
            agency=agency,
            invoice_date=quarter.first_day + datetime.timedelta(days=17 * which + n),
            invoice_number=f"INV-{n}",
            order_type="sale" if dollars >= 0 else "credit",
            sku="PAPER-1",
            quantity=Decimal(quantity) if dollars >= 0 else -Decimal(quantity),
            unit_price_e4=unit_e4,
            list_price_e4=unit_e4 + 12345 if listed else None,
            contract_price_e4=unit_e4,
            extended_cents=dollars * 100,
        )
    return accept_report(report, actor=None)
