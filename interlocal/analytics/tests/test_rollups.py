"""The rollups equal the accepted facts after every acceptance and every correction, whatever
the order the quarters arrive in (``oracle`` recomputes them from the lines)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlocal.analytics.models import (
    AgreementBuyer,
    Buyer,
    RetentionCell,
    SegmentQuarter,
    StateQuarter,
)
from interlocal.analytics.services import rollups
from interlocal.analytics.tests.oracle import actual, assert_reconciled, expected
from interlocal.analytics.tests.worlds import accept_lines, at, certify
from interlocal.reporting.models import (
    ReportStatus,
)
from interlocal.reporting.tests.conftest import HEADER, csv_bytes, file_report, line
from tests import factories

WITH_LIST = (*HEADER, "List Price")


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
    assert Buyer.objects.get(agency=austin).first_period == "2026Q1"
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
    assert AgreementBuyer.objects.get(agreement=agreement, agency=austin).first_period == "2026Q2"
    buyer = Buyer.objects.get(agency=austin)
    assert buyer.first_period == "2026Q2"
    assert buyer.bought_in("2026Q2") and not buyer.bought_in("2026Q1")
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


def test_the_rollups_fees_are_the_fee_ledgers(served, rep, time_machine) -> None:
    """Each accepted report's fee in the rollups is its invoice's exact fee, and the program's
    total is the sum of the live invoices' (a correction's reversed invoice no longer counts)."""
    from django.db.models import Sum

    at(time_machine, "2026-08-20")
    rows = [
        line(invoice="B2", date="2026-03-02", customer="Travis County", qty="30", amount="1350.00")
    ]
    file_report(served["q1"], csv_bytes(rows), actor=rep)  # 2026Q1 corrected

    from interlocal.analytics.models import AgencyQuarter, StateQuarter
    from interlocal.fees.models import FeeInvoice
    from interlocal.reporting.models import ReportObligation

    for obligation in ReportObligation.objects.filter(accepted__isnull=False):
        invoice = FeeInvoice.objects.get(report=obligation.accepted)
        rollup = AgencyQuarter.objects.filter(
            agreement=obligation.agreement, period=obligation.period
        ).aggregate(fee=Sum("fee_cbp"))["fee"]
        assert rollup == invoice.fee_exact_cbp
    live = FeeInvoice.objects.filter(reversal__isnull=True).aggregate(f=Sum("fee_exact_cbp"))["f"]
    assert StateQuarter.objects.aggregate(f=Sum("fee_cbp"))["f"] == live
