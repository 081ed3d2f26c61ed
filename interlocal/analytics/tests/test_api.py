"""``/api/v1/analytics/...``: the pages' figures for machines, public for the program's
aggregates, a key with ``analytics:read`` for one's own slice."""

import pytest

from interlocal.accounts.services import issue_api_key
from interlocal.reporting.models import SalesLine

pytestmark = pytest.mark.django_db
API = "/api/v1/analytics"


def key_of(user) -> str:
    return issue_api_key(
        actor=user, organization=user.primary_organization, name="bi", scopes=["analytics:read"]
    ).token


def test_sales_by_state_is_public_and_adds_up(served, client) -> None:
    answer = client.get(f"{API}/sales", {"period": "2026Q2", "group_by": "state"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["scope"] == "program" and body["span"] == "2026Q2"
    assert {r["state"]: r["sales"] for r in body["rows"]} == {"TX": "1440.00", "OK": "450.00"}
    assert body["rows"][0]["state_name"] == "Texas"
    assert body["total"]["sales"] == "1890.00" and body["total"]["admin_fees"] == "37.80"
    assert body["total"]["agencies"] == 4
    assert body["total"]["previous"] == {
        "sales": "990.00",
        "admin_fees": "19.80",
        "lines": 2,
        "agencies": 2,
        "first_uses": 2,
        "span": "2026Q1",
    }
    lines = SalesLine.objects.facts().filter(report__obligation__period="2026Q2")
    assert sum(r["lines"] for r in body["rows"]) == lines.count()


def test_grouping_by_several_dimensions_and_a_range(served, client) -> None:
    body = client.get(
        f"{API}/sales", {"from": "2026Q1", "to": "2026Q2", "group_by": "agreement,period"}
    ).json()
    got = {(r["agreement_name"].split()[0], r["period"]): r["sales"] for r in body["rows"]}
    assert got == {
        ("MA-TEST-1", "2026Q1"): "990.00",
        ("MA-TEST-1", "2026Q2"): "540.00",
        ("MA-RIVAL", "2026Q2"): "1350.00",
    }
    assert body["total"]["agencies"] == 4  # Austin and Travis County bought in both quarters


def test_agency_figures_and_slices_need_a_key(served, client, personas) -> None:
    assert client.get(f"{API}/sales", {"group_by": "agency"}).status_code == 403
    supplier = personas["supplier_rep"].primary_organization.supplier_id
    mine = {"scope": f"supplier:{supplier}", "period": "2026Q2", "group_by": "agency"}
    assert client.get(f"{API}/sales", mine).status_code == 401
    key = key_of(personas["supplier_rep"])
    answer = client.get(f"{API}/sales", mine, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    assert {r["agency_name"]: r["sales"] for r in answer.json()["rows"]} == {
        "Austin (TX)": "90.00",
        "Tulsa Public Schools (OK)": "450.00",
    }
    theirs = {**mine, "scope": f"supplier:{served['rival'].primary_organization.supplier_id}"}
    refused = client.get(f"{API}/sales", theirs, headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 403
    bad = client.get(f"{API}/sales", mine, headers={"Authorization": "Bearer il_nope_nope"})
    assert bad.status_code == 401


def test_the_program_office_key_reads_any_agency(served, client, personas) -> None:
    key = key_of(personas["program_admin"])
    body = client.get(
        f"{API}/sales",
        {"period": "2026Q2", "group_by": "agency", "state": "TX"},
        headers={"Authorization": f"Bearer {key}"},
    ).json()
    assert len(body["rows"]) == 3


def test_participation_savings_and_diversity(served, client, settings) -> None:
    body = client.get(f"{API}/participation", {"period": "2026Q2"}).json()
    texas = next(r for r in body["rows"] if r["id"] == "TX")
    assert texas["agencies"] == 3 and texas["first_buyers"] == 1
    settings.ANALYTICS_SOLICITATION_COST_CENTS = 250_000
    savings = client.get(f"{API}/savings", {"period": "2026Q1"}).json()["total"]
    assert savings == {
        "sales": "990.00",
        "priced_sales": "90.00",
        "savings": "19.98",
        "first_uses": 2,
        "solicitations_avoided": "5000.00",
    }
    mine = client.get(f"{API}/savings", {"period": "2026Q1", "cost": 1000}).json()
    assert mine["total"]["solicitations_avoided"] == "2000.00"
    diversity = client.get(f"{API}/diversity", {"period": "2026Q1"}).json()["total"]
    assert diversity == {"sales": "990.00", "diverse": "0.00", "small": "90.00", "local": "0.00"}


def test_what_cannot_be_read_is_refused_with_how_to_write_it(served, client) -> None:
    answer = client.get(f"{API}/sales", {"group_by": "colour"})
    assert answer.status_code == 400
    assert "cannot group by colour" in answer.json()["detail"]
    assert client.get(f"{API}/sales", {"period": "Q3"}).status_code == 400
