"""A world for the distribution tests, imported by their modules as fixtures: four sponsors,
a policy, two program administrators, and fees collected across two quarters.

2026Q2's report (Austin $90, Travis County $900: fee $19.80) is filed in July and paid on
1 August, in 2026Q3; 2026Q3's (Tulsa Public Schools $450: fee $9.00) is filed in October and
paid on 1 November, in 2026Q4. $5.00 of costs are approved for 2026Q3. Then it is 5 January
2027, and both quarters can be distributed.
"""

import datetime

import pytest

from interlocal.accounts.roles import Role
from interlocal.fees.models import FeeInvoice
from interlocal.fees.services import distribution, payments
from interlocal.fees.services.distribution import ShareSpec
from interlocal.registry.models import Sponsor
from interlocal.reporting import services
from interlocal.reporting.tests.conftest import AGREEMENT, csv_bytes, file_report, line
from tests import factories

DISTRIBUTED_ON = datetime.datetime(2027, 1, 5, 10, tzinfo=datetime.UTC)


@pytest.fixture
def sponsors(db) -> dict[str, Sponsor]:
    made = {}
    for acronym, represents in (
        ("NACo", ["county"]),
        ("NLC", ["municipality", "township"]),
        ("USCM", ["municipality"]),
        ("NIGP", ["county", "municipality", "school_district"]),
    ):
        made[acronym] = Sponsor.objects.create(
            name=f"Sponsor {acronym}", acronym=acronym, represents=represents
        )
    return made


@pytest.fixture
def policy(sponsors, office):
    """Administration: costs up to 35%; Foundation 5%; NIGP a fixed 10% of the sponsors' pool
    and the rest weighted among NACo, NLC and USCM."""
    return distribution.create_policy(
        name="Sponsor agreement 2020",
        effective_from=datetime.date(2020, 1, 1),
        administration_cap_bps=3500,
        foundation_bps=500,
        shares=[
            ShareSpec(sponsors["NIGP"], fixed_bps=1000),
            ShareSpec(sponsors["NACo"], weighted=True),
            ShareSpec(sponsors["NLC"], weighted=True),
            ShareSpec(sponsors["USCM"], weighted=True),
        ],
        actor=office,
    )


@pytest.fixture
def second(office):
    """Another program administrator of the same office: the approver."""
    organization = office.active_memberships[0].organization
    return factories.member(
        factories.UserFactory(email="second-admin@example.gov"), organization, Role.PROGRAM_ADMIN
    )


def file_quarter(period, rows, rep):
    obligation = services.obligation_for(AGREEMENT, period, actor=rep)
    return FeeInvoice.objects.get(report=file_report(obligation, csv_bytes(rows), actor=rep))


@pytest.fixture
def collected(time_machine, agreement, agencies, rep, supplier, office, policy):
    """2026Q2's report (Austin $90, Travis County $900: fee $19.80) filed in July and paid on
    1 August, in 2026Q3; 2026Q3's (Tulsa Public Schools $450: fee $9.00) filed in October and
    paid on 1 November, in 2026Q4. $5.00 of approved costs in 2026Q3. Now: 5 January 2027."""
    time_machine.move_to(datetime.datetime(2026, 7, 10, 9, tzinfo=datetime.UTC), tick=False)
    q2 = file_quarter(
        "2026Q2",
        [
            line(invoice="A", date="2026-05-15"),
            line(
                invoice="B", date="2026-05-20", customer="Travis County", qty="20", amount="900.00"
            ),
        ],
        rep,
    )
    payments.record_payment(
        supplier,
        actor=office,
        amount_cents=1980,
        received_on=datetime.date(2026, 8, 1),
        reference="ACH-Q2",
    )
    time_machine.move_to(datetime.datetime(2026, 10, 10, 9, tzinfo=datetime.UTC), tick=False)
    q3 = file_quarter(
        "2026Q3",
        [
            line(
                invoice="C",
                date="2026-08-15",
                customer="Tulsa Public Schools",
                state="OK",
                zip="74103",
                qty="10",
                amount="450.00",
            )
        ],
        rep,
    )
    payments.record_payment(
        supplier,
        actor=office,
        amount_cents=900,
        received_on=datetime.date(2026, 11, 1),
        reference="ACH-Q3",
    )
    distribution.record_cost(
        period="2026Q3",
        category="Staff",
        description="Contract administration",
        amount_cents=500,
        approval="Board resolution 2026-07",
        actor=office,
    )
    time_machine.move_to(DISTRIBUTED_ON, tick=False)
    assert (q2.fee_cents, q3.fee_cents) == (1980, 900)
    return q2, q3


EXPECTED_Q3 = {
    # allocate(1980, [35%, 5%, 60%]) = 693, 99, 1188: costs of 500 fit under the cap
    "Program administration": 500,
    "Foundation": 99,
    # the pool of 1,380... 1980 - 500 - 99 = 1381: NIGP 10% = 138.1 -> 138, weighted 1243
    # weighted by collections: county 1800, municipality 180 shared by NLC and USCM (90 each)
    "NACo": 1130,  # 1243 x 1800/1980 = 1130.0
    "NIGP": 138,
    "NLC": 57,  # 56.5: the tie goes to the sponsor listed first
    "USCM": 56,
}
