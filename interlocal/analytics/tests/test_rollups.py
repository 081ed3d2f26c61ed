"""The rollups equal the accepted facts after every acceptance and every correction, whatever
the order the quarters arrive in (``oracle`` recomputes them from the lines)."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlocal.analytics.models import (
    FirstPurchase,
    FirstUse,
    RetentionCell,
    SegmentQuarter,
    StateQuarter,
)
from interlocal.analytics.services import rollups
from interlocal.analytics.tests.oracle import actual, assert_reconciled, expected
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
from interlocal.reporting.tests.conftest import HEADER, csv_bytes, file_report, line
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


def test_acceptance_writes_the_rollups_the_lines_add_up_to(filed, agencies, agreement) -> None:
    austin = agencies["Austin"]
    assert_reconciled()
    q1 = SegmentQuarter.objects.get(
        agreement=agreement, period="2026Q1", agency_type="municipality"
    )
    # 9,000 cents at 200 bp: 1,800,000 cent-basis-points, $1.80
    assert (q1.sales_cents, q1.fee_cbp, q1.agencies, q1.first_uses) == (9000, 1_800_000, 1, 1)
    # (54.99 - 45.00) x 2 reams = $19.98, in hundred-millionths of a dollar
    assert (q1.priced_cents, q1.savings_e8) == (9000, 1998 * 10**6)
    # certified small on 10 February, no longer on 2 March
    county = StateQuarter.objects.get(period="2026Q1", agency_type="county")
    assert (county.sales_cents, county.small_cents) == (90000, 0)
    assert q1.small_cents == 9000
    q2 = SegmentQuarter.objects.get(
        agreement=agreement, period="2026Q2", agency_type="municipality"
    )
    assert (q2.agencies, q2.first_uses) == (1, 0)  # Austin came back: not a new first use
    assert FirstPurchase.objects.get(agency=austin).period == "2026Q1"
    assert (
        RetentionCell.objects.get(cohort=2026, year=2026, agency_type="municipality").agencies == 1
    )


def test_a_correction_moves_first_uses_and_cohorts(filed, agencies, agreement, rep, time_machine):
    """Austin's 2026Q1 purchase was filed in error: the correction moves its first use of the
    agreement, and its first purchase in the program, to 2026Q2."""
    austin = agencies["Austin"]
    at(time_machine, "2026-07-20")
    rows = [
        line(invoice="B", date="2026-03-02", customer="Travis County", qty="20", amount="900.00")
    ]
    report = file_report(filed["q1"], csv_bytes(rows), actor=rep)
    assert report.status == ReportStatus.ACCEPTED and report.version == 2
    assert_reconciled()
    assert FirstUse.objects.get(agreement=agreement, agency=austin).period == "2026Q2"
    assert FirstPurchase.objects.get(agency=austin).period == "2026Q2"
    q2 = SegmentQuarter.objects.get(
        agreement=agreement, period="2026Q2", agency_type="municipality"
    )
    assert q2.first_uses == 1
    assert not SegmentQuarter.objects.filter(period="2026Q1", agency_type="municipality").exists()
    assert StateQuarter.objects.get(period="2026Q2", agency_type="municipality").first_buyers == 1


def test_rebuild_gives_what_the_increments_gave(filed) -> None:
    before = actual()
    rollups.rebuild()
    assert actual() == before == expected()


# Any sequence of filings and corrections, in any order of quarters.

PERIODS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2027Q1"]
Line = st.tuples(
    st.integers(0, 4),  # agency
    st.integers(-200, 5000),  # dollars (negative: a credit)
    st.integers(1, 7),  # quantity
    st.booleans(),  # list price known
)
Filing = st.tuples(st.integers(0, 1), st.integers(0, len(PERIODS) - 1), st.lists(Line, max_size=6))


@pytest.fixture
def world(agreement, agencies):
    rival = factories.supplier_rep("Rival Supply Co.").primary_organization.supplier
    other = factories.agreement(number="MA-RIVAL", supplier=rival)
    certify(agreement.supplier, "SBE", "2026-02-01", "2026-05-31")
    certify(rival, "MBE", "2025-01-01", "2026-03-31")
    certify(rival, "LOCAL", "2026-06-01", "2027-12-31")
    return [agreement, other], list(agencies.values())


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


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(filings=st.lists(Filing, min_size=1, max_size=7))
def test_any_sequence_of_filings_reconciles(world, filings) -> None:
    agreements, agencies = world
    with transaction.atomic():
        for which, period, lines in filings:
            accept_lines(agreements[which], PERIODS[period], lines, agencies)
            assert_reconciled()
        transaction.set_rollback(True)
