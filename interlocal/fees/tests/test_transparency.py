"""The public figures: every quarter's sales, fees billed and collected, costs, distributions
and balances, from the ledger's rows; and each recipient's statement."""

import pytest

from interlocal.core.periods import Quarter
from interlocal.fees import transparency
from interlocal.fees.services import distribution
from interlocal.fees.tests.distributing import EXPECTED_Q3

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(collected, office, second):
    return distribution.approve(distribution.prepare("2026Q3", actor=office), actor=second)


def test_every_quarter_from_the_first_sale_to_the_last_ended_one(posted) -> None:
    rows = {r.label: r for r in transparency.quarters()}
    assert list(rows) == ["2026Q2", "2026Q3", "2026Q4"]  # 2027Q1 has not ended
    q2, q3, q4 = rows.values()
    # 2026Q2's sales were billed in July (2026Q3) and paid in August
    assert (q2.sales, q2.billed, q2.collected) == (99_000, 0, 0)
    assert (q3.sales, q3.billed, q3.collected, q3.costs) == (45_000, 1980, 1980, 500)
    assert q3.distributed == EXPECTED_Q3 and q3.distributed_total == 1980
    assert (q3.receivables, q3.undistributed, q3.unfunded_costs) == (0, 0, 0)
    # 2026Q3's $9.00 was billed in October and paid in November, and waits for distribution
    assert (q4.billed, q4.collected, q4.distributed_total) == (900, 900, 0)
    assert (q4.receivables, q4.undistributed) == (0, 900)
    # the fees on each quarter's own sales: 2% whenever they were billed
    assert (q2.fees_on_sales, q2.effective_rate_bps) == (1980, 200)
    assert (q3.fees_on_sales, q3.effective_rate_bps) == (900, 200)


def test_a_year_sums_its_quarters_and_ends_with_their_balances(posted) -> None:
    totals, quarters = transparency.year(2026)
    assert [q.label for q in quarters] == ["2026Q2", "2026Q3", "2026Q4"]
    assert (totals.sales, totals.billed, totals.collected) == (144_000, 2880, 2880)
    assert (totals.distributed_total, totals.undistributed) == (1980, 900)
    assert totals.distributed["NACo"] == 1130
    assert transparency.year(2019) == (None, [])


def test_the_figures_stop_at_the_quarter_asked_for(collected) -> None:
    rows = {r.label: r for r in transparency.quarters(through=Quarter.parse("2026Q3"))}
    assert rows["2026Q3"].receivables == 0
    assert rows["2026Q3"].undistributed == 1980  # nothing distributed yet


def test_a_statement_names_the_share_its_basis_and_the_totals(posted) -> None:
    naco = transparency.statement("naco", "2026Q3")
    assert (naco.recipient, naco.line.amount_cents) == ("NACo", 1130)
    assert "by fees collected on sales to county" in naco.line.basis
    assert (naco.year_to_date_cents, naco.since_start_cents) == (1130, 1130)
    assert any("Foundation receives 5.00%" in m for m in naco.method)
    nothing = transparency.statement("foundation", "2026Q4")
    assert nothing.line is None and nothing.since_start_cents == 99
    rows = list(transparency.statement_csv_rows(naco))
    assert rows[1][:4] == ["NACo", "2026Q3", str(posted.pk), "$11.30"]
    with pytest.raises(transparency.UnknownRecipient, match="no recipient 'acme'"):
        transparency.statement("acme", "2026Q3")
