"""The demo's sales history: every agreement's reports since it took effect, shaped like the case
study, with lines that agree with their reports, customers and price files, and the last
quarter's filings in every state the office deals with."""

import datetime
import random

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q, Sum
from django.test import override_settings
from django.utils import timezone

from interlocal.agreements.demo.catalog import OFFICE, PROGRAMS
from interlocal.agreements.models import Agreement, PriceItem
from interlocal.core.periods import Quarter
from interlocal.registry.demo.seed import SCALES, seed_demo
from interlocal.reporting import demo
from interlocal.reporting.demo import DEMO_NOTE
from interlocal.reporting.demo import plan as sales_plan
from interlocal.reporting.models import (
    MatchMethod,
    ReportCustomer,
    ReportObligation,
    ReportStatus,
    SalesLine,
    SalesReport,
)
from interlocal.reporting.services.obligations import quarters_owed

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small demo, seeded once for the module inside a transaction rolled back after it
    (each test runs in a savepoint of its own inside that transaction)."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        yield seed_demo("small", 7)
        transaction.set_rollback(True)


def test_every_quarter_owed_has_its_report_and_the_history_is_accepted(seeded) -> None:
    today = timezone.localdate()
    last = Quarter.containing(today).previous()
    for agreement in Agreement.objects.all():
        owed = {str(q) for q in quarters_owed(agreement, today)}
        have = set(
            ReportObligation.objects.filter(agreement=agreement).values_list("period", flat=True)
        )
        assert have == owed, agreement.number
        older = ReportObligation.objects.filter(agreement=agreement).exclude(period=str(last))
        assert not older.exclude(status=ReportStatus.ACCEPTED).exists()
        # exactly one accepted version per quarter, and it is the one the obligation points at
        for obligation in older:
            accepted = obligation.reports.filter(status=ReportStatus.ACCEPTED)
            assert [r.pk for r in accepted] == [obligation.accepted_id]
    assert seeded.sales["lines"] == SalesLine.objects.filter(report__note=DEMO_NOTE).count()
    assert seeded.sales["reports"] == SalesReport.objects.filter(note=DEMO_NOTE).count()


def test_reports_and_customers_add_up_to_their_lines(seeded) -> None:
    by_report = {
        row["report"]: row
        for row in SalesLine.objects.values("report").annotate(
            n=Count("id"), cents=Sum("extended_cents"), customers=Count("customer", distinct=True)
        )
    }
    reports = SalesReport.objects.filter(kind="lines", status__in=["accepted", "superseded"])
    assert reports.count() > 100
    for report in reports:
        row = by_report[report.pk]
        assert (report.line_count, report.total_cents) == (row["n"], row["cents"])
        assert report.summary["customers"] == row["customers"]
        assert report.summary["total_cents"] == str(row["cents"])
        assert sum(report.summary["matches"].values()) == row["n"]  # lines by match method
    customers = ReportCustomer.objects.annotate(
        n=Count("lines"), cents=Sum("lines__extended_cents")
    )
    for customer in customers.filter(report__note=DEMO_NOTE)[:2000]:
        assert customer.line_count == customer.n >= 1
        assert customer.sales_cents == customer.cents
        assert customer.agency_id is not None
        assert customer.method in (MatchMethod.EXACT, MatchMethod.EXPLICIT_ID)


def test_lines_are_priced_from_the_price_file_in_effect_inside_the_quarter(seeded) -> None:
    lines = SalesLine.objects.select_related("report__obligation", "agreement").filter(
        report__note=DEMO_NOTE
    )
    sample = (
        list(lines.order_by("?")[:1500])
        if connection.vendor == "postgresql"
        else list(lines[::97][:1500])
    )
    assert len(sample) > 500
    for line in sample:
        quarter = Quarter.parse(line.report.obligation.period)
        assert quarter.first_day <= line.invoice_date <= quarter.last_day
        assert line.agreement.effective_on <= line.invoice_date <= line.agreement.expires_on
        item = (
            PriceItem.objects.filter(price_file__agreement=line.agreement, sku=line.sku)
            .filter(
                Q(price_file__effective_from__lte=line.invoice_date),
                Q(price_file__effective_to__isnull=True)
                | Q(price_file__effective_to__gte=line.invoice_date),
            )
            .get()
        )
        assert line.contract_price_e4 == item.contract_price_cents * 100
        if line.exception:
            assert line.exception == "price_above_contract"
            assert line.unit_price_e4 > line.contract_price_e4
        else:
            assert line.unit_price_e4 == line.contract_price_e4
        sign = -1 if line.order_type != "sale" else 1
        assert line.extended_cents == sign * ((abs(line.quantity) * line.unit_price_e4 + 50) // 100)
        assert (line.quantity < 0) == (line.order_type != "sale")


def test_the_best_year_sells_near_the_planned_peak(seeded) -> None:
    """Lines are drawn from items and quantities, so the sales only approximate the plan."""
    years = (
        SalesLine.objects.facts()
        .values("invoice_date__year")
        .annotate(cents=Sum("extended_cents"))
        .order_by("-cents")
    )
    best = years[0]["cents"] / 100
    assert 0.85 < best / (sales_plan.PEAK_YEAR_DOLLARS * SCALES["small"]) < 1.15


def test_every_agreement_sells_near_its_plan(seeded) -> None:
    """Each agreement's history sums to its planned sales within 15%: a line buys items priced
    at most its target amount, so an agreement of expensive items (a vehicle contract, whose
    lines are vehicles) does not sell many times its plan."""
    *_, plans = demo.planned(7, SCALES["small"], timezone.localdate())
    planned: dict[int, float] = {}
    for plan in plans:
        if plan.quarter < Quarter.containing(timezone.localdate()).previous():
            planned[plan.agreement.id] = planned.get(plan.agreement.id, 0.0) + plan.dollars
    sold = dict(
        SalesLine.objects.filter(report__note=DEMO_NOTE)
        .values_list("agreement")
        .annotate(cents=Sum("extended_cents"))
        .values_list("agreement", "cents")
    )
    ratios = {
        Agreement.objects.get(pk=pk).number: sold.get(pk, 0) / 100 / dollars
        for pk, dollars in planned.items()
        if dollars > 100_000
    }
    assert len(ratios) > 10
    assert {k: round(v, 2) for k, v in ratios.items() if not 0.85 < v < 1.15} == {}


def test_history_lines_are_immutable_facts(seeded) -> None:
    line = SalesLine.objects.filter(report__status="accepted").first()
    with pytest.raises(DatabaseError), transaction.atomic():  # SQLite and PostgreSQL alike
        SalesLine.objects.filter(pk=line.pk).update(extended_cents=1)


def test_the_office_agreement_grows_like_the_case_study(seeded) -> None:
    office = next(p for p in PROGRAMS if p.key == OFFICE)
    first = Agreement.objects.filter(title=office.title).order_by("effective_on").first()
    buyers = (
        SalesLine.objects.filter(agreement=first, invoice_date__year=1996)
        .values("agency")
        .distinct()
        .count()
    )
    assert buyers == 2
    yearly = [
        SalesLine.objects.filter(agreement__title=office.title, invoice_date__year=year)
        .values("agency")
        .distinct()
        .count()
        for year in range(1996, 2011)
    ]
    assert yearly == sorted(yearly) and yearly[-1] > 10 * yearly[0]


def test_the_national_plan_reaches_ten_thousand_office_buyers_and_two_billion() -> None:
    """The plan at national scale, on 55,000 participants joining as the demo's do."""
    rng = random.Random(3)
    start, span = (
        datetime.date(1996, 1, 1),
        (datetime.date(2026, 10, 31) - datetime.date(1996, 1, 1)).days,
    )
    # the 16 Advisory Board agencies from the first day, the rest joining as the seed has them
    joined = [start] * 16 + sorted(
        start + datetime.timedelta(days=int(span * rng.random() ** 0.5)) for _ in range(55_000)
    )
    today = datetime.date(2026, 12, 2)
    programs = {p.key: p for p in PROGRAMS}
    facts = []
    terms = [
        ("office", datetime.date(1996, 1, 1), datetime.date(2005, 12, 31)),
        ("office", datetime.date(2006, 1, 1), datetime.date(2015, 12, 31)),
        ("office", datetime.date(2016, 1, 1), datetime.date(2024, 12, 31)),
        ("office", datetime.date(2025, 1, 1), datetime.date(2029, 12, 31)),
    ] + [
        (key, datetime.date(2018, 4, 1), datetime.date(2030, 3, 31))
        for key in programs
        if key != "office"
    ]
    for n, (key, effective, ends) in enumerate(terms):
        agreement = Agreement(effective_on=effective, expires_on=ends, report_due_days=30)
        facts.append(
            sales_plan.AgreementFacts(
                id=n + 1,
                number=f"A-{n}",
                supplier_id=n + 1,
                supplier_rank=n,
                program=programs[key],
                effective_on=effective,
                last_day=ends,
                share=1.0,
                floor_dollars=30_000.0 if key == "vehicles" else 5.0,
                quarters=tuple(quarters_owed(agreement, today)),
            )
        )
    plans = sales_plan.plan_sales(rng, facts, joined, 1.0)
    office_2010 = [
        p.buyers for p in plans if p.agreement.program.key == OFFICE and p.quarter.year == 2010
    ]
    assert office_2010[-1] >= 10_000  # "more than 10,000 by 2010": the last quarter of 2010
    assert [
        p.buyers for p in plans if p.agreement.program.key == OFFICE and p.quarter.year == 1996
    ] == [2] * 4
    years: dict[int, float] = {}
    for p in plans:
        years[p.quarter.year] = years.get(p.quarter.year, 0.0) + p.dollars
    assert max(years.values()) == pytest.approx(sales_plan.PEAK_YEAR_DOLLARS, rel=1e-9)
    assert sum(p.lines for p in plans) == pytest.approx(sales_plan.NATIONAL_LINES, rel=0.001)
    assert all(p.lines >= p.buyers >= 1 for p in plans)
    # a line of the vehicle contract is at least a vehicle
    assert all(
        p.dollars / p.lines >= 30_000 for p in plans if p.agreement.program.key == "vehicles"
    )
    late = [p for p in plans if p.days_late]
    assert 0.02 < len(late) / len(plans) < 0.12


def test_the_last_quarter_has_work_for_the_office_and_the_supplier_persona(seeded) -> None:
    last = str(Quarter.containing(timezone.localdate()).previous())
    obligations = ReportObligation.objects.filter(period=last)
    statuses = set(obligations.values_list("status", flat=True))
    assert {"accepted", "in_review", "validation_failed", "open"} <= statuses
    review = ReportCustomer.objects.filter(
        method=MatchMethod.UNMATCHED, report__obligation__period=last
    )
    assert review.count() >= 3
    assert any(c.candidates for c in review)  # suggestions for the office to pick from
    corrected = obligations.annotate(versions=Count("reports")).filter(versions=2).get()
    assert corrected.reports.get(version=1).status == ReportStatus.SUPERSEDED
    assert corrected.accepted.version == 2
    late = [o for o in obligations if o.first_filed_at and o.first_filed_at.date() > o.due_on]
    assert late
    persona = obligations.filter(
        status="open",
        agreement__supplier__organization__memberships__user__email=seeded.personas["supplier_rep"],
    )
    assert persona.exists()
    missing = obligations.filter(status="open")
    assert missing.count() >= 2
    assert all(o.due_on < timezone.localdate() for o in missing)
    failed = obligations.get(status="validation_failed").latest
    assert failed.error_count > 0 and failed.problems.exists()
