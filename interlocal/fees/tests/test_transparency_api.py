"""The public transparency API: a year's figures and a recipient's distribution statement,
with no key, money as decimal strings of dollars. The world is the pages' (see
``test_transparency_pages``): 2026Q3 distributed, 2026Q4's collections waiting; now is
5 January 2027."""

import pytest

from interlocal.fees.services import distribution
from interlocal.fees.tests.distributing import EXPECTED_Q3

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(collected, office, second):
    return distribution.approve(distribution.prepare("2026Q3", actor=office), actor=second)


def dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def test_a_year_has_its_totals_quarters_recipients_and_method(client, posted) -> None:
    response = client.get("/api/v1/transparency/2026")
    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["through"], body["url"]) == (2026, "2026Q4", "/transparency/2026/")
    totals = body["totals"]
    assert totals == {
        "period": "2026",
        "sales": "1440.00",
        "fees_on_sales": "28.80",
        "effective_rate_bps": 200,
        "billed": "28.80",
        "state_add_ons_billed": "0.00",
        "collected": "28.80",
        "state_add_ons_collected": "0.00",
        "program_costs": "5.00",
        "unfunded_costs": "0.00",
        "distributed": {who: dollars(cents) for who, cents in EXPECTED_Q3.items()},
        "distributed_total": "19.80",
        "receivables": "0.00",
        "undistributed": "9.00",
    }
    quarters = {q["period"]: q for q in body["quarters"]}
    assert list(quarters) == ["2026Q2", "2026Q3", "2026Q4"]
    assert (quarters["2026Q2"]["sales"], quarters["2026Q2"]["billed"]) == ("990.00", "0.00")
    assert quarters["2026Q3"]["distributed"]["NACo"] == "11.30"
    assert (quarters["2026Q4"]["collected"], quarters["2026Q4"]["undistributed"]) == (
        "9.00",
        "9.00",
    )
    slugs = [r["slug"] for r in body["recipients"]]
    assert slugs[:2] == ["administration", "foundation"] and "naco" in slugs
    naco = next(r for r in body["recipients"] if r["slug"] == "naco")
    assert naco == {
        "slug": "naco",
        "label": "NACo",
        "statement_url": "/api/v1/fees/statements/naco?period=2026Q4",
    }
    assert body["policy"] == "Sponsor agreement 2020"
    assert "The Foundation receives 5.00% of the fees collected." in body["method"]


def test_a_year_without_figures_is_a_404(client, posted) -> None:
    response = client.get("/api/v1/transparency/2019")
    assert response.status_code == 404
    assert "no fee figures for 2019" in response.json()["detail"]


def test_a_statement_has_the_share_its_basis_and_the_totals(client, posted) -> None:
    response = client.get("/api/v1/fees/statements/naco", {"period": "2026Q3"})
    assert response.status_code == 200
    body = response.json()
    line = {
        "period": "2026Q3",
        "run": posted.pk,
        "amount": "11.30",
        "basis": "90.91% of $12.43 by fees collected on sales to county",
        "approved_on": "2027-01-05",
    }
    assert body["distributed"] == line
    assert body["year_to_date"] == [line]
    assert (body["year_to_date_total"], body["since_start_total"]) == ("11.30", "11.30")
    assert (body["recipient"], body["slug"], body["period"]) == ("NACo", "naco", "2026Q3")
    assert body["policy"] == "Sponsor agreement 2020"
    assert any("NIGP 10.00%" in m for m in body["method"])
    assert body["pdf_url"] == "/transparency/statements/naco/2026Q3.pdf"
    assert client.get(body["csv_url"]).status_code == 200


def test_a_statement_defaults_to_the_last_quarter_ended(client, posted) -> None:
    body = client.get("/api/v1/fees/statements/Foundation").json()
    assert body["period"] == "2026Q4" and body["distributed"] is None
    assert body["since_start_total"] == "0.99"


@pytest.mark.parametrize(
    ("recipient", "period", "status", "detail"),
    [
        ("acme", "2026Q3", 404, "no recipient 'acme'; one of: administration, foundation"),
        ("naco", "Q3 2026", 422, "'Q3 2026' is not a quarter; write it like 2026Q3"),
        ("naco", "2027Q1", 422, "2027Q1 has not ended yet"),
    ],
)
def test_an_unknown_recipient_is_a_404_and_a_bad_quarter_a_422(
    client, posted, recipient, period, status, detail
) -> None:
    response = client.get(f"/api/v1/fees/statements/{recipient}", {"period": period})
    assert response.status_code == status
    assert detail in response.json()["detail"]


def test_the_endpoints_are_in_the_openapi_schema_without_a_key(client, db) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/transparency/{year}", "/api/v1/fees/statements/{recipient}"):
        operation = schema["paths"][path]["get"]
        assert "security" not in operation, path
        assert operation["tags"] == ["transparency"]
