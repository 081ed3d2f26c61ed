"""What an auditor, a journalist or a sponsor reads without signing in: the fee transparency
pages, from every year to one quarter and a recipient's statement, with the charts drawn by
Vega in the browser under the site's Content-Security-Policy (no inline script, no eval).

The world is the distribution tests' (``interlocal/fees/tests/distributing.py``: 2026Q2 and
2026Q3's reports paid and 2026Q3 distributed), lived on for two more years: a report every
quarter, paid in the next, with approved costs (one quarter's above the administration cap)
and each quarter distributed after it ends, by one program administrator and approved by
another. Now is 5 January 2029; 2028Q4's collections wait for their run, and the last report is
only partly paid.

With INTERLOCAL_SCREENSHOTS=1 the pages shown in docs/fees.md are written to
docs/screenshots/transparency-*.png.
"""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from interlocal.core.money import format_usd
from interlocal.core.periods import Quarter
from interlocal.fees import transparency
from interlocal.fees.services import distribution, payments
from interlocal.fees.tests.distributing import (  # noqa: F401  (fixtures)
    EXPECTED_Q3,
    collected,
    file_quarter,
    policy,
    second,
    sponsors,
)
from interlocal.reporting.tests.conftest import (  # noqa: F401  (fixtures)
    agencies,
    agreement,
    line,
    office,
    rep,
    supplier,
)
from tests.e2e.conftest import Ui

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NOW = datetime.datetime(2029, 1, 5, 15, tzinfo=datetime.UTC)
# Reams of paper ($45.00 each) bought by each customer in a quarter, growing with the years.
CUSTOMERS = (
    ("City of Austin", "TX", "78701"),
    ("Travis County", "TX", "78701"),
    ("Bexar County", "TX", "78205"),
    ("Tulsa", "OK", "74103"),
    ("Tulsa Public Schools", "OK", "74103"),
)


def shot(ui: Ui, name: str) -> None:
    ui.check()
    if os.environ.get("INTERLOCAL_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        ui.page.screenshot(path=SCREENSHOTS / f"transparency-{name}.png", full_page=True)


def _report_rows(q: Quarter, step: int) -> list[dict[str, str]]:
    day = q.first_day + datetime.timedelta(days=40)
    rows = []
    for i, (customer, state, zip_code) in enumerate(CUSTOMERS):
        reams = 4 + (step * (i + 3)) % 11 + step * (1 + i % 3)
        rows.append(
            line(
                customer=customer,
                state=state,
                zip=zip_code,
                invoice=f"{q}-{i}",
                date=day.isoformat(),
                qty=str(reams),
                amount=f"{reams * 45}.00",
            )
        )
    return rows


def live_two_more_years(time_machine, filer, payer, preparer, approver) -> None:
    """From 2026Q4 to 2028Q3, each quarter's report filed (by ``filer``, for ``payer``) on the
    10th day of the next and paid on the 25th; each ended quarter prepared by ``preparer`` and
    approved by ``approver``; costs approved for every quarter."""
    distribution.approve(distribution.prepare("2026Q3", actor=preparer), actor=approver)
    q = Quarter(2026, 4)
    step = 1
    while q <= Quarter(2028, 3):
        following = q.next()
        time_machine.move_to(
            datetime.datetime.combine(
                following.first_day + datetime.timedelta(days=9),
                datetime.time(9),
                tzinfo=datetime.UTC,
            ),
            tick=False,
        )
        invoice = file_quarter(str(q), _report_rows(q, step), filer)
        # the last report is paid in part: something is owed at the end
        paid = invoice.fee_cents if q < Quarter(2028, 3) else invoice.fee_cents // 2
        payments.record_payment(
            payer,
            actor=preparer,
            amount_cents=paid,
            received_on=following.first_day + datetime.timedelta(days=24),
            reference=f"ACH-{q}",
        )
        # costs of the coming quarter; 2027Q4's run over the cap of 35% of its collections
        costs = 2_000 + 150 * step if following != Quarter(2027, 4) else 9_000
        distribution.record_cost(
            period=str(following),
            category="Staff",
            description="Contract administration",
            amount_cents=costs,
            approval=f"Board resolution {following}",
            actor=preparer,
        )
        distribution.approve(distribution.prepare(str(q), actor=preparer), actor=approver)
        q, step = following, step + 1
    time_machine.move_to(NOW, tick=True)


@pytest.fixture
def three_years(request, time_machine) -> None:
    """The distribution tests' world (its fixtures, imported above), lived on to 2029."""
    request.getfixturevalue("collected")
    people = [request.getfixturevalue(n) for n in ("rep", "supplier", "office", "second")]
    live_two_more_years(time_machine, *people)


@pytest.mark.e2e
def test_a_visitor_reads_the_fees_from_every_year_to_a_recipients_statement(
    ui, three_years
) -> None:
    # given three years of fees reported, collected and distributed
    years = {f.label: f for f in transparency.years()}
    assert list(years) == ["2026", "2027", "2028"]
    page = ui.page

    # when a visitor follows the footer's link from the home page
    ui.goto("/")
    page.locator("footer").get_by_role("link", name="Fee transparency").click()
    page.wait_for_url("**/transparency/")

    # then the chart is drawn (an SVG in its container) and the table has each year's figures
    chart = page.get_by_test_id("chart")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart.locator("svg")).to_have_count(1)
    assert chart.locator("svg .mark-rect path").count() == 6  # two bars a year
    for label, f in years.items():
        cells = page.locator(f'#years-table tr[data-period="{label}"]')
        expect(cells.locator('[data-figure="collected"]')).to_have_text(format_usd(f.collected))
        expect(cells.locator('[data-figure="distributed"]')).to_have_text(
            format_usd(f.distributed_total)
        )
        expect(cells.locator('[data-figure="undistributed"]')).to_have_text(
            format_usd(f.undistributed)
        )
    expect(page.get_by_test_id("stat-collected")).to_have_text(
        format_usd(sum(f.collected for f in years.values()))
    )
    shot(ui, "years")

    # when they open a year
    page.locator("#years-table").get_by_role("link", name="2027", exact=True).click()
    page.wait_for_url("**/transparency/2027/")
    ui.check()

    # then its quarters, the stacked distributions and the reconciliation are there
    chart = page.get_by_test_id("chart")
    expect(chart).to_have_attribute("data-chart-ready", "true")
    expect(chart.locator("svg")).to_have_count(1)
    assert chart.locator("svg .mark-rect path").count() >= 4 * 4  # four quarters, 4+ recipients
    totals, quarters = transparency.year(2027)
    assert totals is not None
    for f in quarters:
        row = page.locator(f'#quarters-table tr[data-period="{f.label}"]')
        expect(row.locator('[data-figure="collected"]')).to_have_text(format_usd(f.collected))
    expect(page.locator("#unfunded-table")).to_contain_text("2027Q4")
    expect(page.get_by_test_id("reconciliation-year")).to_contain_text(
        f"fees collected in 2027: {format_usd(totals.collected)}"
    )
    expect(page.get_by_text("The Foundation receives 5.00% of the fees collected.")).to_be_visible()
    shot(ui, "year")

    # when they open 2026Q3 from the year 2026
    ui.goto("/transparency/2026/")
    page.locator("#quarters-table").get_by_role("link", name="2026Q3").click()
    page.wait_for_url("**/transparency/2026Q3/")
    ui.check()

    # then each share is there with its basis, and NACo's statement is a click away
    naco = page.locator("#shares-table tr", has_text="NACo")
    expect(naco).to_contain_text(format_usd(EXPECTED_Q3["NACo"]))  # $11.30
    expect(naco).to_contain_text("90.91% of $12.43 by fees collected on sales to county")
    shot(ui, "quarter")
    naco.get_by_role("link", name="Statement").click()
    page.wait_for_url("**/transparency/statements/naco/2026Q3/")
    expect(page.get_by_test_id("statement-amount")).to_have_text("$11.30")
    shot(ui, "statement")

    # and the PDF is a PDF
    pdf = page.request.get(ui.url("/transparency/statements/naco/2026Q3.pdf"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
