"""The public transparency pages: every year, a year's quarters, one quarter's distribution and
each recipient's statement (page, CSV, PDF), read without signing in.

The world is ``distributing.collected`` with 2026Q3 distributed: 2026Q2's report (sales
$990.00, fee $19.80) was paid in 2026Q3 and distributed for it; 2026Q3's (sales $450.00, fee
$9.00) was paid in 2026Q4 and waits for its run. $5.00 of costs were approved for 2026Q3. Now
is 5 January 2027, so the last quarter ended is 2026Q4."""

import csv
import html
import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from interlocal.fees.services import distribution
from interlocal.fees.tests.distributing import EXPECTED_Q3

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(collected, office, second):
    return distribution.approve(distribution.prepare("2026Q3", actor=office), actor=second)


class _Tables(HTMLParser):
    """The text of every cell of every table, by the table's id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(response) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def row(table: list[list[str]], first_cell: str) -> list[str]:
    """The row whose first cell is ``first_cell``, or begins with it and a space."""
    return next(r for r in table if r and (r[0] == first_cell or r[0].startswith(first_cell + " ")))


def text_of(response) -> str:
    """The page's text as read: entities decoded, white space collapsed."""
    return " ".join(html.unescape(response.content.decode()).split())


def chart_spec(response, script_id: str) -> dict:
    found = re.search(
        rf'<script id="{script_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, f"no chart specification {script_id}"
    return json.loads(found.group(1))


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


# Each column of the tables of figures, as the year 2026 reads in them.
YEAR_2026 = [
    "2026",
    "$1,440.00",  # sales: $990.00 in 2026Q2 and $450.00 in 2026Q3
    "$28.80",  # the fees on them
    "2.00%",
    "$28.80",  # billed: $19.80 in July, $9.00 in October
    "$28.80",  # collected: in August and November
    "$5.00",  # approved costs
    "$19.80",  # distributed: 2026Q3's run
    "$0.00",  # owed at the end
    "$9.00",  # collected in 2026Q4 and waiting for its run
]


# --------------------------------------------------------------------------- every year


def test_every_year_is_public_with_its_figures_chart_and_recipients(
    client, posted, django_assert_max_num_queries
) -> None:
    # when anyone, not signed in, opens the transparency page
    with django_assert_max_num_queries(13):  # grouped queries: the same for twenty years
        response = client.get(reverse("transparency:index"))

    # then each year's figures are in the table, and the total since the start
    assert response.status_code == 200
    found = tables(response)
    years = found["years-table"]
    assert row(years, "2026") == YEAR_2026
    assert row(years, "Since the start") == ["Since the start", *YEAR_2026[1:]]
    assert 'href="/transparency/2026/"' in response.content.decode()
    # and each recipient's distributions, in statement order
    recipients = found["recipients-table"]
    assert recipients[0] == [
        "Year",
        "Program administration",
        "Foundation",
        "NACo",
        "NIGP",
        "NLC",
        "USCM",
        "Total distributed",
    ]
    assert row(recipients, "2026") == [
        "2026",
        "$5.00",
        "$0.99",
        "$11.30",
        "$1.38",
        "$0.57",
        "$0.56",
        "$19.80",
    ]
    # and the chart has the same figures, in cents, with its scripts served locally
    spec = chart_spec(response, "years-chart")
    values = {(v["category"], v["series"]): v["cents"] for v in spec["data"]["values"]}
    assert values == {("2026", "Fees collected"): 2880, ("2026", "Fees distributed"): 1980}
    body = response.content.decode()
    assert 'src="/static/vega-embed/vega-embed.min.js"' in body
    assert 'data-chart="years-chart"' in body and "<script>" not in body
    # and the latest distributed quarter's statements are linked
    assert 'href="/transparency/statements/naco/2026Q3/"' in body
    assert "Figures through <strong>October\u2013December 2026</strong> (2026Q4)" in body


def test_the_years_table_downloads_as_csv_in_decimal_dollars(client, posted) -> None:
    rows = csv_rows(client.get(reverse("transparency:index_csv")))
    header = rows[0]
    assert header[:4] == ["period", "sales", "fees_on_sales", "effective_rate_percent"]
    assert header[13:] == [
        "distributed_to Program administration",
        "distributed_to Foundation",
        "distributed_to NACo",
        "distributed_to NIGP",
        "distributed_to NLC",
        "distributed_to USCM",
    ]
    line = dict(zip(header, rows[1], strict=True))
    assert line["period"] == "2026"
    assert (line["sales"], line["fees_on_sales"], line["effective_rate_percent"]) == (
        "1440.00",
        "28.80",
        "2.00",
    )
    assert (line["billed"], line["collected"], line["program_costs"]) == ("28.80", "28.80", "5.00")
    assert (line["distributed"], line["receivables_at_end"], line["undistributed_at_end"]) == (
        "19.80",
        "0.00",
        "9.00",
    )
    assert line["distributed_to NACo"] == "11.30"
    assert rows[-1][0] == "total" and len(rows) == 3


def test_before_any_fee_the_page_says_so(client, db) -> None:
    response = client.get(reverse("transparency:index"))
    assert response.status_code == 200
    assert "No fees have been reported yet." in response.content.decode()
    assert "vega" not in response.content.decode()


# --------------------------------------------------------------------------- a year


def test_a_year_shows_its_quarters_distributions_method_and_reconciliation(
    client, posted, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(20):
        response = client.get(reverse("transparency:year", args=[2026]))
    assert response.status_code == 200
    found = tables(response)
    quarters = found["quarters-table"]
    assert [r[0] for r in quarters[1:]] == [
        "2026Q2 April\u2013June",
        "2026Q3 July\u2013September",
        "2026Q4 October\u2013December",
        "2026",
    ]
    assert row(quarters, "2026Q2")[1:] == [
        "$990.00",
        "$19.80",
        "2.00%",
        "$0.00",  # billed in July, the next quarter
        "$0.00",
        "$0.00",
        "$0.00",
        "$0.00",
        "$0.00",
    ]
    assert row(quarters, "2026Q3")[1:] == [
        "$450.00",
        "$9.00",
        "2.00%",
        "$19.80",
        "$19.80",
        "$5.00",
        "$19.80",
        "$0.00",
        "$0.00",
    ]
    assert row(quarters, "2026Q4")[4:] == ["$9.00", "$9.00", "$0.00", "$0.00", "$0.00", "$9.00"]
    assert row(quarters, "2026")[1:] == YEAR_2026[1:]
    # the distributions by recipient, as a table and as the chart's stacked bars
    recipients = found["recipients-table"]
    shares = dict(zip(recipients[0][1:-1], row(recipients, "2026Q3")[1:-1], strict=True))
    assert shares == {
        who: f"${cents // 100}.{cents % 100:02d}" for who, cents in EXPECTED_Q3.items()
    }
    spec = chart_spec(response, "quarters-chart")
    stacked = {(v["category"], v["series"]): v["cents"] for v in spec["data"]["values"]}
    assert stacked == {("2026Q3", who): cents for who, cents in EXPECTED_Q3.items()}
    assert spec["encoding"]["x"]["scale"]["domain"] == ["2026Q2", "2026Q3", "2026Q4"]
    body = text_of(response)
    assert "<figcaption>Not distributed yet: 2026Q4.</figcaption>" in body
    # the method, in prose, of the policy in effect
    assert "Sponsor agreement 2020" in body
    assert "The Foundation receives 5.00% of the fees collected." in body
    assert "Fixed shares of the sponsors' balance: NIGP 10.00%." in body
    # collections = distributions + undistributed, with the numbers
    assert (
        "Not yet distributed on April 1, 2026: <strong>$0.00</strong>, plus fees collected in "
        "2026: <strong>$28.80</strong>, equals distributions for 2026's quarters: "
        "<strong>$19.80</strong>, plus not yet distributed on December 31, 2026: "
        "<strong>$9.00</strong>."
    ) in body
    assert (
        "fees collected <strong>$28.80</strong> = distributed <strong>$19.80</strong> + not yet "
        "distributed <strong>$9.00</strong>"
    ) in body
    assert 'data-testid="reconciliation-differs"' not in body
    # every approved cost was funded
    assert "Every approved program cost of 2026's distributed quarters ($5.00) was funded" in body


def test_costs_of_a_quarter_not_distributed_wait_and_are_not_unfunded(
    client, posted, office
) -> None:
    # given $3.00 of costs approved for 2026Q4, whose run is still to come
    distribution.record_cost(
        period="2026Q4",
        category="Staff",
        description="Reporting",
        amount_cents=300,
        approval="Board resolution 2026-12",
        actor=office,
    )
    response = client.get(reverse("transparency:year", args=[2026]))
    body = text_of(response)
    assert "funded when their run is approved: 2026Q4 $3.00." in body
    assert "unfunded-table" not in body
    rows = csv_rows(client.get(reverse("transparency:year_csv", args=[2026])))
    assert [r[9] for r in rows] == ["unfunded_costs", "0.00", "0.00", "0.00", "0.00"]
    assert [r[8] for r in rows][-1] == "8.00"  # the costs themselves count
    assert client.get("/api/v1/transparency/2026").json()["totals"]["unfunded_costs"] == "0.00"


def test_costs_above_the_cap_are_shown_unfunded(client, collected, office, second) -> None:
    # given $4.00 more of costs for 2026Q3: $9.00 in all, above the cap of 35% of $19.80
    distribution.record_cost(
        period="2026Q3",
        category="Staff",
        description="Audit",
        amount_cents=400,
        approval="Board resolution 2026-09",
        actor=office,
    )
    distribution.approve(distribution.prepare("2026Q3", actor=office), actor=second)
    response = client.get(reverse("transparency:year", args=[2026]))
    unfunded = tables(response)["unfunded-table"]
    assert unfunded[1] == ["2026Q3", "$9.00", "$6.93", "$2.07"]
    quarter = tables(client.get(reverse("transparency:quarter", args=["2026Q3"])))
    assert row(quarter["quarter-figures"], "Program costs left unfunded") == [
        "Program costs left unfunded by the administration cap",
        "$2.07",
    ]


def test_a_year_downloads_as_csv(client, posted) -> None:
    rows = csv_rows(client.get(reverse("transparency:year_csv", args=[2026])))
    assert [r[0] for r in rows[1:]] == ["2026Q2", "2026Q3", "2026Q4", "2026"]
    q3 = dict(zip(rows[0], rows[2], strict=True))
    assert (q3["sales"], q3["collected"], q3["distributed"]) == ("450.00", "19.80", "19.80")
    assert (q3["distributed_to NLC"], q3["distributed_to USCM"]) == ("0.57", "0.56")
    assert rows[-1][1] == "1440.00" and rows[-1][12] == "9.00"


def test_a_year_without_figures_is_not_found_and_says_which_years_are(client, posted) -> None:
    for url in (
        reverse("transparency:year", args=[2019]),
        reverse("transparency:year_csv", args=[2019]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "There are no fee figures for 2019." in body
        assert 'href="/transparency/2026/"' in body


# --------------------------------------------------------------------------- a quarter


def test_a_quarter_shows_each_share_with_its_basis_and_statement(client, posted) -> None:
    response = client.get(reverse("transparency:quarter", args=["2026Q3"]))
    assert response.status_code == 200
    found = tables(response)
    figures = {r[0]: r[1] for r in found["quarter-figures"][1:]}
    assert figures["Sales reported for the quarter"] == "$450.00"
    assert figures["Fees on those sales (fee rate 2.00%)"] == "$9.00"
    assert figures["Fees collected in the quarter"] == "$19.80"
    assert figures["Distributed for the quarter"] == "$19.80"
    assert figures["Collected and not yet distributed on September 30, 2026"] == "$0.00"
    shares = {r[0]: r[1:4] for r in found["shares-table"][1:-1]}
    assert shares["NACo"] == [
        "$11.30",
        "57.07%",
        "90.91% of $12.43 by fees collected on sales to county",
    ]
    assert shares["Program administration"][0] == "$5.00"
    assert shares["Program administration"][2].startswith("approved costs of $5.00, up to 35.00%")
    assert shares["NIGP"] == ["$1.38", "6.97%", "10.00% of the sponsors' $13.81"]
    body = response.content.decode()
    assert "Fees in the third quarter of 2026" in body
    assert "July 1 \u2013 September 30, 2026 (2026Q3)" in body
    assert "approved on January 5, 2027" in body
    for slug in ("administration", "foundation", "naco", "nigp", "nlc", "uscm"):
        assert f'href="/transparency/statements/{slug}/2026Q3/"' in body
    assert "Every cent that could be distributed." in body


def test_a_quarter_not_yet_distributed_says_what_waits(client, posted) -> None:
    response = client.get(reverse("transparency:quarter", args=["2026Q4"]))
    assert response.status_code == 200
    body = " ".join(response.content.decode().split())
    assert "The quarter has not been distributed yet. Its collections, $9.00 not yet" in body
    assert tables(response).get("shares-table") is None
    # and 2026Q2, whose fees were paid in 2026Q3, had nothing to distribute
    before = text_of(client.get(reverse("transparency:quarter", args=["2026Q2"])))
    assert "Nothing was waiting to be distributed at the end of the quarter" in before


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2027Q1", "2027Q1 has not ended yet"),
        ("2026Q9", "'2026Q9' is not a quarter; write it like 2026Q3"),
        ("2025Q4", "There are no fee figures for 2025Q4"),
    ],
)
def test_a_quarter_not_ended_malformed_or_before_the_start_is_not_found(
    client, posted, period, message
) -> None:
    response = client.get(reverse("transparency:quarter", args=[period]))
    assert response.status_code == 404
    assert message in text_of(response)


# --------------------------------------------------------------------------- statements


def test_a_recipients_statement_page_csv_and_pdf(client, posted) -> None:
    response = client.get(reverse("transparency:statement", args=["naco", "2026Q3"]))
    assert response.status_code == 200
    body = " ".join(response.content.decode().split())
    assert "Distribution statement: NACo" in body
    assert '<p class="stat" data-testid="statement-amount">$11.30</p>' in body
    assert "<strong>Basis:</strong> 90.91% of $12.43 by fees collected on sales to county." in body
    assert f"Distribution run #{posted.pk}, approved on January 5, 2027." in body
    statement = tables(response)["statement-table"]
    assert statement[1] == [
        "2026Q3 July\u2013September",
        f"#{posted.pk}",
        "$11.30",
        "90.91% of $12.43 by fees collected on sales to county",
        "Jan 5, 2027",
    ]
    assert row(statement, "2026 to date")[2] == "$11.30"
    assert row(statement, "Since the start")[2] == "$11.30"
    assert "The Foundation receives 5.00% of the fees collected." in body

    rows = csv_rows(client.get(reverse("transparency:statement_csv", args=["naco", "2026Q3"])))
    assert rows == [
        ["recipient", "period", "run", "amount", "basis", "approved on"],
        [
            "NACo",
            "2026Q3",
            str(posted.pk),
            "$11.30",
            "90.91% of $12.43 by fees collected on sales to county",
            "2027-01-05",
        ],
        ["NACo", "2026 to date", "", "$11.30", "", ""],
        ["NACo", "since the start", "", "$11.30", "", ""],
    ]

    pdf = client.get(reverse("transparency:statement_pdf", args=["naco", "2026Q3"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.4")
    assert b"(Distribution statement: NACo, 2026Q3)" in pdf.content
    assert b"Distributed for 2026Q3: $11.30" in pdf.content


def test_a_quarter_with_nothing_for_the_recipient_says_so(client, posted) -> None:
    response = client.get(reverse("transparency:statement", args=["foundation", "2026Q4"]))
    body = response.content.decode()
    assert "Nothing was distributed to Foundation for 2026Q4." in body
    assert row(tables(response)["statement-table"], "Since the start")[2] == "$0.99"
    assert 'href="/transparency/statements/foundation/2026Q3/"' in body  # the one before


@pytest.mark.parametrize(
    ("slug", "period", "message"),
    [
        ("acme", "2026Q3", "There is no recipient “acme”."),
        ("naco", "2026-3", "'2026-3' is not a quarter; write it like 2026Q3"),
        ("naco", "2027Q2", "2027Q2 has not ended yet"),
    ],
)
def test_an_unknown_recipient_or_a_bad_quarter_is_not_found_with_help(
    client, posted, slug, period, message
) -> None:
    for name in ("statement", "statement_csv", "statement_pdf"):
        response = client.get(reverse(f"transparency:{name}", args=[slug, period]))
        assert response.status_code == 404, name
        body = text_of(response)
        assert message in body
        assert 'href="/transparency/statements/naco/' in body  # where to go instead


def test_the_navigation_footer_and_home_page_link_to_the_transparency_pages(client, db) -> None:
    body = client.get(reverse("core:home")).content.decode()
    assert body.count('href="/transparency/"') >= 3  # navigation, footer, home page
