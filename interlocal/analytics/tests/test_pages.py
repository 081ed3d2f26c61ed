"""The analytics pages and exports: the figures they show are the accepted lines' sums, each
person reads the slices that are theirs (decision 0019), and drill-down goes nation -> state
-> type -> agency and agreement -> agency."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from interlocal.analytics import views
from interlocal.analytics.scopes import scope_named
from interlocal.analytics.tests.worlds import accept_lines
from interlocal.reporting.models import SalesLine
from tests import factories

pytestmark = pytest.mark.django_db
SALES = reverse("analytics:report", args=["sales"])
CONTRACTS = reverse("analytics:report", args=["contracts"])
PARTICIPATION = reverse("analytics:report", args=["participation"])


def facts_cents(**filters) -> int:
    return sum(SalesLine.objects.facts().filter(**filters).values_list("extended_cents", flat=True))


def test_the_overview_totals_are_the_accepted_lines(served, client) -> None:
    page = client.get(reverse("analytics:index"), {"period": "2026Q2"})
    assert page.status_code == 200
    # 2026Q2: Austin $90, Tulsa Public Schools $450, Lake Ridge $450, Travis County $900
    total = facts_cents(report__obligation__period="2026Q2")
    assert total == 189_000
    figures = page.context["rows"]
    assert figures[0]["now"] == total
    assert figures[0]["previous"] == facts_cents(report__obligation__period="2026Q1")
    assert figures[2]["now"] == 4  # agencies buying
    assert figures[1]["now"] == 3780  # 2% of $1,890.00
    assert (
        b'data-chart="state-map"' in page.content and b"us-atlas/states-albers-10m" in page.content
    )


def test_a_range_counts_each_buying_agency_once(served, client) -> None:
    page = client.get(reverse("analytics:index"), {"from": "2026Q1", "to": "2026Q2"})
    figures = page.context["rows"]
    assert figures[0]["now"] == facts_cents()
    # Austin, Travis County, Tulsa Public Schools, Lake Ridge: Austin and Travis bought in both
    assert figures[2]["now"] == 4


def test_sales_drill_down_from_nation_to_agency(served, client_for, agencies) -> None:
    office = client_for("program_admin")
    nation = office.get(SALES, {"period": "2026Q2"}).context["tables"][0]
    assert nation.dimension == "state"
    by_state = {r["id"]: r["sales_cents"] for r in nation.rows}
    assert by_state == {
        "TX": facts_cents(report__obligation__period="2026Q2", agency__state__postal="TX"),
        "OK": 45_000,
    }
    state = office.get(SALES, {"period": "2026Q2", "state": "TX"}).context["tables"][0]
    assert state.dimension == "agency_type"
    assert {r["id"]: r["sales_cents"] for r in state.rows} == {
        "county": 90_000,
        "municipality": 54_000,
    }
    kind = office.get(SALES, {"period": "2026Q2", "state": "TX", "type": "municipality"})
    rows = kind.context["tables"][0].rows
    assert [(r["label"], r["sales_cents"]) for r in rows] == [
        ("City of Lake Ridge (TX)", 45_000),
        ("Austin (TX)", 9_000),
    ]
    austin = office.get(rows[1]["drill"].replace("?", SALES + "?", 1)).context["tables"][0]
    assert austin.dimension == "agreement"
    assert [r["sales_cents"] for r in austin.rows] == [9_000]


def test_comparisons_with_the_quarter_and_the_year_before(served, client_for) -> None:
    table = (
        client_for("program_admin")
        .get(SALES, {"period": "2026Q2", "state": "TX"})
        .context["tables"][0]
    )
    county = next(r for r in table.rows if r["id"] == "county")
    assert (county["sales_cents"], county["previous_cents"]) == (90_000, 90_000)
    assert county["vs_previous"] == "0.0%"
    municipal = next(r for r in table.rows if r["id"] == "municipality")
    assert municipal["previous_cents"] == 9_000 and municipal["vs_previous"] == "+500.0%"
    assert municipal["year_before_cents"] == 0 and municipal["vs_year_before"] == "new"


def test_contract_use_by_agreement_then_agency(served, client_for) -> None:
    office = client_for("program_admin")
    table = office.get(CONTRACTS, {"period": "2026Q2"}).context["tables"][0]
    assert table.dimension == "agreement"
    assert {r["label"].split()[0]: (r["sales_cents"], r["supplier"]) for r in table.rows} == {
        "MA-RIVAL": (135_000, "Rival Supply Co."),
        "MA-TEST-1": (54_000, table.rows[1]["supplier"]),
    }
    rival = served["rival_agreement"]
    agencies = office.get(CONTRACTS, {"period": "2026Q2", "agreement": rival.pk}).context["tables"][
        0
    ]
    assert [r["label"] for r in agencies.rows] == ["Travis County (TX)", "City of Lake Ridge (TX)"]


def test_exports_hold_the_page_figures(served, client_for) -> None:
    office = client_for("program_admin")
    csv = office.get(SALES, {"period": "2026Q2", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("State,Sales 2026Q2,Share,")
    assert lines[-1].startswith("Total,1890.00,100.0%,")
    sheet = office.get(SALES, {"period": "2026Q2", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(sheet.content))
    rows = list(book.active.values)
    assert rows[0][0] == "State" and rows[-1][:2] == ("Total", "1890.00")


def test_participation_against_the_universe(served, client_for, agencies) -> None:
    table = (
        client_for("program_admin").get(PARTICIPATION, {"period": "2026Q2"}).context["tables"][0]
    )
    texas = next(r for r in table.rows if r["id"] == "TX")
    assert texas["agencies"] == 3  # Austin, Travis County, Lake Ridge bought in 2026Q2
    assert texas["first_buyers"] == 1  # Lake Ridge
    assert texas["participating"] <= texas["universe"]


# Who sees what.


@pytest.mark.parametrize(
    "role, allowed",
    [
        (None, {"program"}),
        ("program_admin", {"program", "supplier", "rival", "sponsor", "agency", "other_agency"}),
        ("auditor", {"program", "supplier", "rival", "sponsor", "agency", "other_agency"}),
        ("supplier_rep", {"program", "supplier"}),
        ("sponsor_viewer", {"program", "sponsor"}),
        ("buyer", {"program", "agency"}),
        ("lead_agency_officer", {"program", "lead"}),
        ("advisory_member", {"program", "lead"}),
    ],
)
def test_each_person_reads_their_own_slices(served, personas, agencies, role, allowed) -> None:
    user = personas[role] if role else None
    supplier = personas["supplier_rep"].primary_organization.supplier_id
    keys = {
        "program": "program",
        "supplier": f"supplier:{supplier}",
        "rival": f"supplier:{served['rival'].primary_organization.supplier_id}",
        "sponsor": f"sponsor:{personas['sponsor_viewer'].primary_organization.sponsor_id}",
        "agency": f"agency:{personas['buyer'].primary_organization.agency_id}",
        "lead": f"agency:{personas['lead_agency_officer'].primary_organization.agency_id}",
        "other_agency": f"agency:{agencies['Austin'].pk}",
    }
    granted = set()
    for name, key in keys.items():
        try:
            scope_named(user, key)
            granted.add(name)
        except PermissionDenied:
            pass
    if role in ("program_admin", "auditor"):
        allowed = allowed | {"lead"}
    assert granted == allowed


def test_the_public_stops_at_the_agency_type(served, client) -> None:
    table = client.get(SALES, {"period": "2026Q2", "state": "TX"}).context["tables"][0]
    assert table.dimension == "agency_type"
    deeper = client.get(SALES, {"period": "2026Q2", "state": "TX", "type": "county"})
    assert (
        deeper.context["tables"][0].dimension == "period"
    )  # no agency level: the slice by quarter
    assert client.get(SALES, {"period": "2026Q2", "agency": "1"}).status_code == 403


def test_the_program_may_publish_agency_figures(served, client, settings) -> None:
    settings.ANALYTICS_PUBLISH_AGENCIES = True
    table = client.get(SALES, {"period": "2026Q2", "state": "TX", "type": "county"}).context[
        "table"
    ]
    assert [r["label"] for r in table.rows] == ["Travis County (TX)"]


def test_a_supplier_sees_its_agreements_down_to_the_agency(served, client_for, personas) -> None:
    rep = client_for("supplier_rep")
    page = rep.get(CONTRACTS, {"period": "2026Q2"})
    assert page.context["ask"].scope.kind == "supplier"  # its own slice first
    assert [r["label"].split()[0] for r in page.context["tables"][0].rows] == ["MA-TEST-1"]
    rival = page.context["tables"][0].rows[0]
    agencies = rep.get(CONTRACTS + rival["drill"]).context["tables"][0]
    assert {r["label"] for r in agencies.rows} == {"Austin (TX)", "Tulsa Public Schools (OK)"}
    other = f"supplier:{factories.SupplierFactory().pk}"
    assert rep.get(CONTRACTS, {"scope": other}).status_code == 403


def test_an_agency_sees_its_own_purchases(served, client_for, personas) -> None:
    buyer = client_for("buyer")
    page = buyer.get(SALES, {"period": "2026Q2"})
    assert page.context["ask"].scope.kind == "agency"
    table = page.context["tables"][0]
    assert table.dimension == "agreement"
    assert [(r["label"].split()[0], r["sales_cents"]) for r in table.rows] == [("MA-RIVAL", 45_000)]


def test_a_sponsor_sees_its_constituency(served, client_for) -> None:
    page = client_for("sponsor_viewer").get(SALES, {"period": "2026Q2"})
    assert page.context["ask"].scope.kind == "sponsor"
    # the persona's sponsor represents counties: Travis County's $900.00, nothing else
    assert page.context["tables"][0].total["sales_cents"] == 90_000


def test_a_query_string_that_cannot_be_read_says_how_to_write_it(served, client) -> None:
    page = client.get(SALES, {"period": "2026-3"})
    assert page.status_code == 400
    assert b"write it like 2026Q3" in page.content
    assert client.get(SALES, {"state": "XX"}).status_code == 400
    assert b"postal code" in client.get(SALES, {"state": "XX"}).content


def test_savings_with_coverage_and_solicitations_avoided(served, client_for, settings) -> None:
    settings.ANALYTICS_SOLICITATION_COST_CENTS = 250_000
    page = client_for("program_admin").get(
        reverse("analytics:report", args=["savings"]), {"period": "2026Q1"}
    )
    table = page.context["tables"][0]
    total = table.total
    # Austin: (54.99 - 45.00) x 2 = $19.98 on $90.00 of priced sales; Travis County: no list price
    assert (total["savings_cents"], total["priced_cents"], total["sales_cents"]) == (
        1998,
        9000,
        99000,
    )
    assert total["coverage"] == "9.1%"
    assert total["off_list"] == "18.2%"  # 19.98 / (90.00 + 19.98)
    # two first uses of MA-TEST-1 in 2026Q1 (Austin, Travis County), $2,500.00 each
    assert (total["first_uses"], total["avoided_cents"]) == (2, 500_000)
    mine = client_for("program_admin").get(
        reverse("analytics:report", args=["savings"]), {"period": "2026Q1", "cost": "1000"}
    )
    assert mine.context["tables"][0].total["avoided_cents"] == 200_000
    assert b"How savings are counted" in mine.content


def test_diversity_counts_certifications_in_force_on_the_invoice_date(served, client_for) -> None:
    page = client_for("program_admin").get(
        reverse("analytics:report", args=["diversity"]), {"period": "2026Q1"}
    )
    total = page.context["tables"][0].total
    # certified small from 1 January to 15 February: Austin's 10 February sale counts, Travis
    # County's of 2 March does not
    assert (total["small_cents"], total["diverse_cents"], total["local_cents"]) == (9000, 0, 0)
    assert total["small_share"] == "9.1%"
    assert page.context["tables"][1].dimension == "agreement"
    assert b'data-chart="trend-chart"' in page.content


def test_penetration_is_participants_over_the_universe(served, client) -> None:
    from interlocal.registry.models import Agency

    page = client.get(reverse("analytics:penetration"), {"period": "2026Q2"})
    assert page.status_code == 200
    assert page.context["universe"] == Agency.objects.count()
    assert (
        page.context["participating"]
        == Agency.objects.filter(participating_since__lte="2026-06-30").count()
    )
    assert (
        b'data-chart="state-map"' in page.content and b'data-chart="months-chart"' in page.content
    )


def test_growth_shows_adoption_and_cohorts(served, client) -> None:
    page = client.get(reverse("analytics:growth"))
    assert page.status_code == 200
    # the agreement with the most sales first: MA-TEST-1 ($1,530.00 against MA-RIVAL's $1,350.00)
    adoption = {r["period"]: (r["agencies"], r["ever"]) for r in page.context["adoption"]}
    assert adoption == {"2026Q1": (2, 2), "2026Q2": (2, 3)}
    rival = served["rival_agreement"].pk
    page = client.get(reverse("analytics:growth"), {"agreement": rival})
    adoption = {r["period"]: (r["agencies"], r["ever"]) for r in page.context["adoption"]}
    assert adoption == {"2026Q2": (2, 2)}
    (cohort,) = page.context["cohorts"]
    assert (cohort["cohort"], cohort["size"]) == (2026, 4)


def test_the_board_report_is_a_pdf_of_the_quarter(served, client, tmp_path) -> None:
    import subprocess

    answer = client.get(reverse("analytics:board"), {"period": "2026Q2"})
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    again = client.get(reverse("analytics:board"), {"period": "2026Q2"})
    assert again.content == answer.content  # deterministic: no creation date
    path = tmp_path / "board.pdf"
    path.write_bytes(answer.content)
    # pdftotext comes with poppler-utils, which `make test` installs beside chromium
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "report to the Board, 2026Q2" in " ".join(text.split())
    sales = next(line for line in text.splitlines() if line.strip().startswith("Sales "))
    assert "$1,890.00" in sales and "$990.00" in sales and "+90.9%" in sales
    assert "Sales by state, 2026Q2" in text and "Texas" in text and "MA-RIVAL" in text


def test_an_agency_sees_itself_beside_its_peers_only_in_aggregate(
    served, client_for, monkeypatch
) -> None:
    from interlocal.analytics import views

    page = client_for("buyer").get(reverse("analytics:index"), {"period": "2026Q2"})
    peers = page.context["peers"]
    # Lake Ridge and Austin: two Texas municipalities bought in 2026Q2, too few to average
    assert (peers["count"], peers["shown"], views.PEERS_AT_LEAST) == (2, False, 5)
    assert b"too-few-peers" in page.content
    monkeypatch.setattr(views, "PEERS_AT_LEAST", 2)
    page = client_for("buyer").get(reverse("analytics:index"), {"period": "2026Q2"})
    rows = {r["label"]: (r["mine"], r["average"]) for r in page.context["peers"]["rows"]}
    # Lake Ridge $450.00; the two together $540.00, $270.00 each on average
    assert rows["Sales"] == (45_000, 27_000)
    table = page.content.split(b'id="peers"')[1].split(b"</table>")[0]
    assert b"Austin" not in table


@pytest.mark.parametrize(
    "role", ["supplier_rep", "sponsor_viewer", "buyer", "lead_agency_officer", "auditor", None]
)
def test_every_page_shows_each_person_their_default_slice(served, client_for, role) -> None:
    client = client_for(role)
    for url in (
        reverse("analytics:index"),
        reverse("analytics:penetration"),
        reverse("analytics:growth"),
        reverse("analytics:board"),
        *(reverse("analytics:report", args=[slug]) for slug in views.REPORTS),
    ):
        assert client.get(url, {"period": "2026Q2"}).status_code == 200, url


def test_a_supplier_counts_each_buyer_once_a_quarter_across_its_agreements(
    served, personas, agencies
) -> None:
    from interlocal.analytics import queries
    from interlocal.analytics.scopes import scope_named

    rep = personas["supplier_rep"]
    second = factories.agreement(number="MA-TEST-2", supplier=rep.primary_organization.supplier)
    accept_lines(second, "2026Q2", [(0, 100, 1, False)], [agencies["Austin"]])
    scope = scope_named(rep, f"supplier:{rep.primary_organization.supplier_id}")
    span = queries.Span.ending(queries.Quarter.parse("2026Q2"), 2)
    by_quarter = {r["period"]: r["agencies"] for r in queries.figures(scope, span, ["period"])}
    # 2026Q2: Austin (under both agreements, once) and Tulsa Public Schools
    assert by_quarter == {"2026Q1": 2, "2026Q2": 2}
