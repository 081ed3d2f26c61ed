"""``/api/v1/`` eligibility: the verdict as JSON (money as decimal strings) and the rules."""

import pytest

from interlocal.eligibility.models import RuleVersion
from tests.factories import AgencyFactory, state

from .builders import agreement

pytestmark = pytest.mark.django_db


def url(agreement_id: int) -> str:
    return f"/api/v1/agreements/{agreement_id}/eligibility"


def test_the_verdict_with_conditions_citations_duties_and_evidence(client) -> None:
    # given a Texas school district buying $400,000 with federal funds under a Texas agreement
    a = agreement()
    district = AgencyFactory(name="Pine Valley ISD", agency_type="school_district")
    # when a machine client asks, without any key (it is a public read)
    response = client.get(
        url(a.pk),
        {"agency": district.pk, "amount": "400000.00", "federal_funds": "true", "on": "2026-03-02"},
    )
    # then the verdict comes with every condition, its status and citations
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "eligible_with_conditions"
    assert body["purchase"] == {
        "agency_id": district.pk,
        "agency_name": "Pine Valley ISD",
        "agency_type": "school_district",
        "state": "TX",
        "agreement_id": a.pk,
        "agreement_number": "MA-2026-001",
        "lead_agency": "Harmon County",
        "lead_state": "TX",
        "on": "2026-03-02",
        "scope": "goods",
        "amount": "400000.00",
        "federal_funds": True,
    }
    assert body["basis"]["rule_id"] == "TX-LGC-271.102"
    assert body["basis"]["verification"] == "unverified"
    assert {o["rule_id"] for o in body["overlays"]} == {
        "US-2CFR200-PROCUREMENT",
        "US-2CFR200.324-OVER-SAT-2025",
    }
    assert {c["status"] for c in body["conditions"]} == {"met", "needs_evidence"}
    analysis = next(c for c in body["conditions"] if c["key"] == "cost_price_analysis")
    assert analysis["rule_id"] == "US-2CFR200.324-OVER-SAT-2025"
    assert analysis["citations"][0] == {
        "cite": "2 CFR 200.324",
        "url": "https://www.ecfr.gov/current/title-2/section-200.324",
    }
    assert "check_exclusions" in [d["key"] for d in body["buyer_duties"]]
    assert {e["key"] for e in body["evidence"]} >= {"cost_price_analysis", "price_file"}
    assert "TX-LGC-271.102" in body["unverified_rules"]
    assert body["printable_url"].startswith(f"/eligibility/agreements/{a.pk}/verdict/?agency=")
    assert "amount=400000.00" in body["printable_url"]


def test_an_agency_in_a_state_without_rules_is_unknown(client) -> None:
    ohio = AgencyFactory(name="City of Dayton", state=state("OH"))
    body = client.get(url(agreement().pk), {"agency": ohio.pk}).json()
    assert (body["status"], body["basis"]) == ("unknown", None)
    assert "No eligibility rules are on file for OH" in body["headline"]


def test_an_amount_that_is_not_money_is_a_422_naming_the_field(client) -> None:
    a = agreement()
    response = client.get(url(a.pk), {"agency": a.lead_agency_id, "amount": "12.345"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"
    bad_scope = client.get(url(a.pk), {"agency": a.lead_agency_id, "scope": "food"})
    assert bad_scope.json()["errors"] == [
        {"field": "scope", "message": "use one of: goods, services, public_works"}
    ]


def test_unknown_agreement_or_agency_is_404(client) -> None:
    a = agreement()
    assert client.get(url(999999), {"agency": a.lead_agency_id}).status_code == 404
    assert client.get(url(a.pk), {"agency": 999999999}).status_code == 404


def test_the_rules_in_force_with_their_citations(client) -> None:
    response = client.get("/api/v1/eligibility/rules")
    rules = response.json()
    assert response.status_code == 200
    assert len(rules) == RuleVersion.objects.current().count()
    tx = next(r for r in rules if r["rule_id"] == "TX-GOV-791")
    assert tx["state"] == "TX" and tx["version"] == 1 and tx["layer"] == "state"
    assert tx["authority"][0]["cite"] == "Tex. Gov't Code §791.025"
    assert tx["verification"]["status"] == "unverified"
    assert tx["rule"]["conditions"]["governing_body_approval"] == "required"
    assert tx["url"] == "/eligibility/rules/TX-GOV-791/"
    only_ny = client.get("/api/v1/eligibility/rules", {"state": "ny"}).json()
    assert [r["rule_id"] for r in only_ny] == ["NY-GML-103.16"]
