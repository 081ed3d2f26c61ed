"""What a visitor reads on the analytics pages without signing in, in Chromium under the site's
Content-Security-Policy: the overview's key figures, the US map and the trend drawn by Vega from
npm with the Census geometry served locally, the drill-down from the nation to a state, the
penetration map, and the Board report's PDF.

The world is the analytics tests' ``served`` (``interlocal/analytics/tests/worlds.py``): the
supplier persona's MA-TEST-1 for 2026Q1 and 2026Q2, a rival supplier's MA-RIVAL for 2026Q2.
"""

import datetime

import pytest
from playwright.sync_api import expect

from interlocal.analytics.tests.worlds import filed, served  # noqa: F401  (fixtures)
from interlocal.reporting.tests.conftest import (  # noqa: F401  (fixtures)
    agencies,
    agreement,
    rep,
    supplier,
)
from tests.e2e.conftest import Ui

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def states_drawn(page) -> int:
    """Wait for Vega to draw the map's shapes, which follows the geometry file's loading: 50
    states and DC at least. (Polled from Python: the CSP forbids evaluated script.)"""
    shapes = page.get_by_test_id("map").locator("svg path")
    for _ in range(100):
        if shapes.count() >= 51:
            return shapes.count()
        page.wait_for_timeout(100)
    raise AssertionError(f"the map drew {shapes.count()} shapes")


@pytest.fixture
def reported(request, time_machine) -> None:
    request.getfixturevalue("served")
    time_machine.move_to(datetime.datetime(2026, 8, 3, 15, tzinfo=datetime.UTC), tick=True)


def test_a_visitor_reads_the_programs_quarter_down_to_a_state(ui: Ui, reported) -> None:
    page = ui.page

    # when a visitor follows the footer's link
    ui.goto("/")
    page.locator("footer").get_by_role("link", name="Program analytics").click()
    page.wait_for_url("**/analytics/")
    ui.check()

    # then the latest quarter's key figures are the accepted lines' sums
    expect(page.locator("h1")).to_have_text("Program analytics")
    expect(page.locator("#key-figures")).to_contain_text("$1,890.00")  # 2026Q2
    expect(page.locator("#key-figures")).to_contain_text("$990.00")  # 2026Q1

    # and the map is drawn, a shape for every state and DC, with the trend beside it
    expect(page.get_by_test_id("map")).to_have_attribute("data-chart-ready", "true")
    assert states_drawn(page) >= 51
    trend = page.locator('[data-chart="trend-chart"]')
    expect(trend).to_have_attribute("data-chart-ready", "true")
    expect(trend.locator("svg")).to_have_count(1)

    # when they open the sales report and Texas in it
    page.get_by_role("link", name="Sales", exact=True).click()
    page.wait_for_url("**/analytics/sales/**")
    ui.check()
    texas = page.locator("#report-table-0 tr", has_text="Texas")
    expect(texas).to_contain_text("$1,440.00")
    texas.get_by_role("link", name="Texas").click()
    page.wait_for_url("**state=TX**")
    ui.check()

    # then Texas's sales are by agency type, and no further for the public
    table = page.locator("#report-table-0")
    expect(table.locator("tr", has_text="County")).to_contain_text("$900.00")
    expect(table.locator("tr", has_text="Municipality")).to_contain_text("$540.00")
    expect(page.get_by_text("the public pages stop at the agency type")).to_be_visible()

    # and the penetration map is drawn too
    ui.goto("/analytics/penetration/")
    expect(page.get_by_test_id("map")).to_have_attribute("data-chart-ready", "true")
    assert states_drawn(page) >= 51

    # and the Board report is a PDF
    pdf = page.request.get(ui.url("/analytics/board.pdf?period=2026Q2"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
