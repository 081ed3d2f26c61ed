"""Distribution runs: collected fees split to the cent, prepared by one program administrator
and approved by another, posted once and final; policies refused when they cannot be paid."""

import datetime
import io
import json
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from interlocal.fees.models import (
    DistributionRun,
    DistributionShare,
    JournalEntry,
    PolicyShare,
    RunStatus,
)
from interlocal.fees.services import distribution, ledger
from interlocal.fees.services.distribution import ShareSpec
from interlocal.fees.services.reconcile import reconcile
from interlocal.fees.tests.distributing import EXPECTED_Q3
from interlocal.registry.models import Sponsor

pytestmark = pytest.mark.django_db


def amounts(plan_or_run) -> dict[str, int]:
    shares = plan_or_run.shares
    if hasattr(shares, "all"):
        return {s.label: s.amount_cents for s in shares.select_related("sponsor")}
    return {s.name: s.amount_cents for s in shares}


def test_a_preview_splits_the_collections_to_the_cent_and_writes_nothing(collected) -> None:
    entries = JournalEntry.objects.count()
    plan = distribution.preview("2026Q3")
    assert plan.collected_cents == 1980  # paid in 2026Q3; November's payment is 2026Q4's
    assert plan.distributable_cents == 1980
    assert {s.name: s.amount_cents for s in plan.shares} == EXPECTED_Q3
    assert plan.distributed_cents == 1980 and plan.carried_cents == 0
    assert plan.unfunded_costs_cents == 0
    assert plan.weights == {"county": Fraction(1800), "municipality": Fraction(180)}
    assert (DistributionRun.objects.count(), JournalEntry.objects.count()) == (0, entries)


def test_two_people_prepare_and_approve_and_the_ledger_balances(collected, office, second):
    run = distribution.prepare("2026Q3", actor=office)
    assert run.status == RunStatus.PREPARED and run.entry is None
    with pytest.raises(ValidationError, match="another program administrator must approve"):
        distribution.approve(run, actor=office)
    run.refresh_from_db()
    assert run.status == RunStatus.PREPARED
    run = distribution.approve(run, actor=second)
    assert (run.status, run.prepared_by, run.approved_by) == (RunStatus.POSTED, office, second)
    assert run.entry.booked_on == datetime.date(2026, 9, 30)
    posted = {p.credit.name: p.amount_cents for p in run.entry.postings.select_related("credit")}
    assert posted == {a.name: c for a, c in ((s.account, s.amount_cents) for s in run.shares.all())}
    assert sorted(posted.values()) == sorted(EXPECTED_Q3.values())
    assert all(p.debit.code == ledger.FEES_BILLED for p in run.entry.postings.all())
    assert sum(ledger.balances().values()) == 0
    assert ledger.balance(ledger.FOUNDATION) == -99  # a credit balance: owed to the Foundation


def test_a_posted_run_is_final(collected, office, second, sponsors) -> None:
    run = distribution.approve(distribution.prepare("2026Q3", actor=office), actor=second)
    with pytest.raises(ValidationError, match="only a prepared run can be approved"):
        distribution.approve(run, actor=office)
    with pytest.raises(ValidationError, match="already distributed"):
        distribution.prepare("2026Q3", actor=second)
    with pytest.raises(ValidationError, match="only a prepared run can be withdrawn"):
        distribution.withdraw(run, actor=office, reason="second thoughts")
    with pytest.raises(ValidationError, match="2026Q3 is distributed"):
        distribution.record_cost(
            period="2026Q3",
            category="Staff",
            description="late invoice",
            amount_cents=100,
            approval="Board resolution 2026-09",
            actor=office,
        )
    # and the database itself refuses to change it
    for change in (
        lambda: DistributionRun.objects.filter(pk=run.pk).update(status=RunStatus.WITHDRAWN),
        lambda: DistributionRun.objects.filter(pk=run.pk).delete(),
        lambda: DistributionShare.objects.filter(run=run).update(amount_cents=1),
        lambda: DistributionShare.objects.filter(run=run).delete(),
    ):
        with pytest.raises(DatabaseError, match=r"final|append-only"), transaction.atomic():
            change()
    assert DistributionShare.objects.filter(run=run).count() == 6


def test_approval_is_refused_when_the_figures_changed(collected, office, second) -> None:
    run = distribution.prepare("2026Q3", actor=office)
    distribution.record_cost(
        period="2026Q3",
        category="Audit",
        description="Annual audit",
        amount_cents=250,
        approval="Board resolution 2026-08",
        actor=second,
    )
    with pytest.raises(ValidationError, match=r"costs \$5.00 → \$7.50.*withdraw it"):
        distribution.approve(run, actor=second)
    distribution.withdraw(run, actor=second, reason="costs of the annual audit came in")
    again = distribution.prepare("2026Q3", actor=second)
    # $7.50 of costs, but the cap is 35% of $19.80: $6.93 funded, $0.57 not (and shown)
    assert (again.costs_cents, amounts(again)["Program administration"]) == (750, 693)
    assert distribution.approve(again, actor=office).status == RunStatus.POSTED


def test_quarters_go_in_order_and_what_is_left_carries_forward(collected, office, second):
    distribution.approve(distribution.prepare("2026Q3", actor=office), actor=second)
    plan = distribution.preview("2026Q4")
    assert (plan.collected_cents, plan.distributed_before_cents) == (2880, 1980)
    assert plan.distributable_cents == 900  # November's payment
    assert amounts(plan)["Program administration"] == 0  # no approved costs in 2026Q4
    # Tulsa Public Schools is a school district: no weighted sponsor represents it, so the
    # weighted part stays undistributed and carries into the next quarter
    assert plan.weights == {"school_district": Fraction(900)}
    assert plan.carried_cents == plan.distributable_cents - plan.distributed_cents > 0
    q4 = distribution.approve(distribution.prepare("2026Q4", actor=office), actor=second)
    assert q4.distributable_cents == 900
    with pytest.raises(ValidationError, match="2026Q3 already has a distribution run"):
        distribution.preview("2026Q2")


def test_refusals_name_what_is_wrong(collected, office, rep) -> None:
    with pytest.raises(ValidationError, match="2027Q1 has not ended"):
        distribution.preview("2027Q1")
    with pytest.raises(ValidationError, match=r"nothing to distribute for 2026Q2.*\$0.00"):
        distribution.preview("2026Q2")
    with pytest.raises(ValidationError, match="no distribution policy is in effect on 2019-12-31"):
        distribution.preview("2019Q4")
    with pytest.raises(PermissionDenied):
        distribution.prepare("2026Q3", actor=rep)
    assert not DistributionRun.objects.exists()


def test_the_same_run_twice_is_refused(collected, office, second) -> None:
    distribution.prepare("2026Q3", actor=office)
    with pytest.raises(ValidationError, match="already distributed"):
        distribution.prepare("2026Q3", actor=second)
    assert DistributionRun.objects.count() == 1


# --- policies ---------------------------------------------------------------------------------


def test_fixed_shares_over_100_percent_are_refused(sponsors, office) -> None:
    with pytest.raises(ValidationError, match=r"add up to 105.00%; they may be at most 100%"):
        distribution.create_policy(
            name="Too generous",
            effective_from=datetime.date(2030, 1, 1),
            administration_cap_bps=3500,
            foundation_bps=500,
            shares=[
                ShareSpec(sponsors["NACo"], fixed_bps=6000),
                ShareSpec(sponsors["NLC"], fixed_bps=4500),
            ],
            actor=office,
        )


@pytest.mark.parametrize(
    ("cap", "foundation", "shares", "message"),
    [
        (9000, 1500, [("NACo", 10000, False)], "add up to more than 100% of collections"),
        (3500, 500, [("NACo", 6000, False)], "leave 40.00% of the sponsors' pool to nobody"),
        (3500, 500, [("NACo", 5000, False), ("NACo", 5000, False)], "listed twice"),
    ],
)
def test_policies_that_cannot_be_paid_are_refused(
    sponsors, office, cap, foundation, shares, message
) -> None:
    with pytest.raises(ValidationError, match=message):
        distribution.create_policy(
            name="Wrong",
            effective_from=datetime.date(2030, 1, 1),
            administration_cap_bps=cap,
            foundation_bps=foundation,
            shares=[ShareSpec(sponsors[a], fixed_bps=b, weighted=w) for a, b, w in shares],
            actor=office,
        )


def test_a_weighted_sponsor_needs_a_constituency(sponsors, office) -> None:
    sponsors["NIGP"].represents = []
    sponsors["NIGP"].save()
    with pytest.raises(ValidationError, match="NIGP represents no agency type"):
        distribution.create_policy(
            name="Weighted",
            effective_from=datetime.date(2030, 1, 1),
            administration_cap_bps=3500,
            foundation_bps=500,
            shares=[ShareSpec(sponsors["NIGP"], weighted=True)],
            actor=office,
        )


def test_policies_may_not_overlap_and_one_used_cannot_be_cut_short(
    collected, policy, sponsors, office, second
) -> None:
    new = {
        "name": "Sponsor agreement 2026",
        "administration_cap_bps": 3000,
        "foundation_bps": 500,
        "shares": [ShareSpec(sponsors["NACo"], fixed_bps=10000)],
        "actor": office,
    }
    with pytest.raises(ValidationError, match="overlap “Sponsor agreement 2020"):
        distribution.create_policy(effective_from=datetime.date(2026, 10, 1), **new)
    distribution.approve(distribution.prepare("2026Q3", actor=office), actor=second)
    with pytest.raises(ValidationError, match="2026Q3 distribution was posted under this policy"):
        distribution.end_policy(policy, datetime.date(2026, 6, 30), actor=office)
    distribution.end_policy(policy, datetime.date(2026, 9, 30), actor=office)
    later = distribution.create_policy(effective_from=datetime.date(2026, 10, 1), **new)
    assert distribution.policy_in_effect(datetime.date(2026, 12, 31)) == later
    assert distribution.preview("2026Q4").policy == later
    assert [s.name for s in distribution.preview("2026Q4").shares][2:] == ["NACo"]


# --- the sponsors' split, for any pool and any sales --------------------------------------------

KINDS = ("county", "municipality", "township", "school_district")


@st.composite
def split_cases(draw):
    acronyms = ["A", "B", "C", "D"]
    represents = {
        a: draw(st.lists(st.sampled_from(KINDS), min_size=1, unique=True)) for a in acronyms
    }
    fixed = draw(st.lists(st.integers(0, 2500), min_size=4, max_size=4))  # at most 100%
    weighted = draw(st.lists(st.booleans(), min_size=4, max_size=4))
    if sum(fixed) < 10000 and not any(weighted):
        weighted[0] = True
    sales = draw(
        st.dictionaries(
            st.sampled_from(KINDS),
            st.fractions(min_value=Fraction(1, 3), max_value=10**9, max_denominator=1000),
        )
    )
    pool = draw(st.integers(0, 10**12))
    shares = [
        PolicyShare(
            sponsor=Sponsor(acronym=a, name=a, represents=represents[a]),
            fixed_bps=f,
            weighted=w,
        )
        for a, f, w in zip(acronyms, fixed, weighted, strict=True)
    ]
    return shares, pool, sales


@given(split_cases())
def test_the_sponsors_split_always_adds_up_and_is_deterministic(case) -> None:
    shares, pool, sales = case
    parts = distribution.sponsor_shares(shares, pool, sales)
    again = distribution.sponsor_shares(list(reversed(shares)), pool, dict(sales))
    assert [(p.name, p.amount_cents) for p in parts] == [(p.name, p.amount_cents) for p in again]
    assert all(p.amount_cents >= 0 for p in parts)
    weighted = [s for s in shares if s.weighted]
    reached = any(sales.get(k, 0) for s in weighted for k in s.sponsor.represents)
    fixed = sum(s.fixed_bps for s in shares)
    if reached or fixed == 10000:
        assert sum(p.amount_cents for p in parts) == pool
    else:  # the weighted part waits for a quarter whose collections reach a constituency
        assert sum(p.amount_cents for p in parts) <= pool
    for p, s in zip(parts, sorted(shares, key=lambda s: s.sponsor.acronym), strict=True):
        if not s.weighted:  # a fixed share is within a cent of its exact proportion
            assert abs(p.amount_cents * 10000 - pool * s.fixed_bps) < 10000


# --- the command line, and reconciliation after a run --------------------------------------------


def run_command(*args) -> dict:
    out = io.StringIO()
    call_command("distribute_fees", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_command_previews_prepares_and_approves_with_two_people(collected, office, second):
    preview = run_command("--period", "2026Q3", "--preview")
    assert preview["distributable_cents"] == "1980" and "nothing was written" in preview["note"]
    assert not DistributionRun.objects.exists()
    prepared = run_command("--period", "2026Q3", "--as", office.email)
    assert prepared["status"] == "prepared" and "--approve" in prepared["note"]
    with pytest.raises(CommandError, match="two-person rule"):
        run_command("--period", "2026Q3", "--approve", "--as", office.email)
    posted = run_command("--period", "2026Q3", "--approve", "--as", second.email)
    assert (posted["status"], posted["approved_by"]) == ("posted", second.email)
    assert {s["recipient"]: int(s["amount_cents"]) for s in posted["shares"]} == EXPECTED_Q3
    with pytest.raises(CommandError, match="say who acts"):
        run_command("--period", "2026Q4")
    # and the ledger proves it: collections = distributions + undistributed, all checks pass
    checks = reconcile("2026Q3")
    assert all(c.ok for c in checks), [c.as_dict() for c in checks if not c.ok]
    collections = checks[3]
    assert collections.expected == 1980 and "distributed $19.80, undistributed $0.00" in (
        collections.detail
    )
    text = io.StringIO()
    call_command("distribute_fees", "--period", "2026Q4", "--preview", stdout=text)
    assert "carried to the next quarter" in text.getvalue()


def test_reconcile_reports_a_run_whose_entry_differs_from_its_shares(collected, office, second):
    run = distribution.approve(distribution.prepare("2026Q3", actor=office), actor=second)
    share = run.shares.get(recipient="foundation")
    # given a share changed past the services and the database's guard
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER fees_distributionshare_no_update")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers
        cursor.execute(
            "UPDATE fees_distributionshare SET amount_cents = 98 WHERE id = %s", [share.pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
    check = reconcile("2026Q3")[3]
    assert not check.ok and f"run #{run.pk} (2026Q3): shares 1979, entry" in check.differences[0]
