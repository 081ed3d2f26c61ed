"""Every shipped rule, alone: each verdict it can produce, and the citation behind it.

``EXPECTED`` is the written reading of each rule: the verdict when everything the records can
show is in order, and which conditions the records can break. A rule file that changes either
fails here until this table is changed with it, deliberately.
"""

import datetime
from typing import Any

import pytest

from interlocal.eligibility.evaluator import evaluate
from interlocal.eligibility.files import read_rule_directory
from interlocal.eligibility.schema import Rule
from interlocal.eligibility.verdict import (
    ELIGIBLE,
    NEEDS_EVIDENCE,
    NOT_ELIGIBLE,
    UNKNOWN,
    UNMET,
    WITH_CONDITIONS,
    Facts,
    RuleOutcome,
    Verdict,
    VersionedRule,
)
from interlocal.eligibility.vocabulary import AGENCY_TYPES

from .builders import facts, rule

RULES = {item.rule.rule_id: item.rule for item in read_rule_directory()}

# rule_id: (verdict when all recorded facts are in order, conditions the records can break)
EXPECTED: dict[str, tuple[str, set[str]]] = {
    "AL-41-16-51.A16": (
        WITH_CONDITIONS,
        {"lead_agency_public_body", "cooperative_clause_required"},
    ),
    "AZ-ARS-41-2632": (ELIGIBLE, {"lead_agency_public_body", "cooperative_clause_required"}),
    "AZ-R2-7-1001": (WITH_CONDITIONS, {"lead_agency_public_body", "cooperative_clause_required"}),
    "AZ-R7-2-1191": (WITH_CONDITIONS, {"cooperative_clause_required"}),
    "CA-GOV-6502": (WITH_CONDITIONS, {"lead_agency_public_body", "cooperative_clause_required"}),
    "CA-PCC-20118": (WITH_CONDITIONS, {"lead_agency_public_body", "cooperative_clause_required"}),
    "FL-189.4221": (WITH_CONDITIONS, {"lead_agency_types", "lead_agency_location"}),
    "FL-287.042.16": (WITH_CONDITIONS, {"lead_agency_types", "cooperative_clause_required"}),
    "LA-RS-33-1324": (
        ELIGIBLE,
        {"lead_agency_types", "lead_agency_location", "cooperative_clause_required"},
    ),
    "LA-RS-39-1702": (WITH_CONDITIONS, {"lead_agency_public_body", "cooperative_clause_required"}),
    "NJ-NJAC-5:34-7": (
        WITH_CONDITIONS,
        {"lead_agency_public_body", "lead_agency_location", "cooperative_clause_required"},
    ),
    "NJ-NJSA-52:34-6.2": (
        WITH_CONDITIONS,
        {"lead_agency_public_body", "cooperative_clause_required", "advertisement_required"},
    ),
    # with a sealed-bid award of goods; a best-value (RFP) award or services add attestations
    "NY-GML-103.16": (
        ELIGIBLE,
        {"lead_agency_public_body", "cooperative_clause_required", "advertisement_required"},
    ),
    "OR-OAR-137-046-0400": (
        WITH_CONDITIONS,
        {"lead_agency_public_body", "cooperative_clause_required"},
    ),
    "TX-GOV-791": (WITH_CONDITIONS, {"lead_agency_public_body", "cooperative_clause_required"}),
    "TX-LGC-271.102": (ELIGIBLE, {"lead_agency_types", "cooperative_clause_required"}),
    "WA-RCW-39.34.030": (
        WITH_CONDITIONS,
        {"lead_agency_public_body", "cooperative_clause_required", "advertisement_required"},
    ),
    "US-2CFR200-PROCUREMENT": (WITH_CONDITIONS, {"advertisement_required"}),
    "US-2CFR200.324-OVER-SAT-2020": (WITH_CONDITIONS, set()),
    "US-2CFR200.324-OVER-SAT-2025": (WITH_CONDITIONS, set()),
}
NOT_PUBLIC = ["nonprofit", "private_college"]


def test_every_shipped_rule_has_an_expectation() -> None:
    assert set(EXPECTED) == set(RULES)


def is_overlay(r: Rule) -> bool:
    return r.jurisdiction.layer == "federal_overlay"


def best_case(r: Rule) -> dict[str, Any]:
    """Facts meeting everything the records can show, for the rule's first type and category."""
    c = r.conditions
    state = r.jurisdiction.state or "TX"
    in_state = c.lead_agency_location is None or "in_state" in c.lead_agency_location
    # a day the rule is in force: before its sunset if it has one
    on = datetime.date(2025, 6, 2) if r.sunset else datetime.date(2026, 3, 2)
    assert r.in_force(on)
    values: dict[str, Any] = {
        "on": on,
        "buyer_state": state,
        "buyer_type": r.applies_to.agency_types[0],
        "lead_state": state if in_state else "OK",
        "lead_type": (c.lead_agency_types or ["county"])[0],
        "scope": r.applies_to.categories[0],
        "method": "sealed_bid"
        if "sealed_bid" in (c.competitive_methods or ["sealed_bid"])
        else "rfp",
        "federal_funds": is_overlay(r),
        "agreement_effective_on": datetime.date(2025, 1, 1),
    }
    if r.applies_to.amount and r.applies_to.amount.over is not None:
        values["amount_cents"] = int(r.applies_to.amount.over * 100) + 1
    return values


def breaking(r: Rule, condition: str, base: dict[str, Any]) -> dict[str, Any] | None:
    """Facts that make one condition unmet, or None where the records cannot break it."""
    c = r.conditions
    if condition == "lead_agency_public_body" and c.lead_agency_public_body:
        return {"lead_type": "nonprofit"}
    if condition == "lead_agency_types" and c.lead_agency_types:
        outside = [t for t in AGENCY_TYPES if t not in c.lead_agency_types]
        return {"lead_type": outside[0]} if outside else None
    if condition == "lead_agency_location" and c.lead_agency_location:
        if len(c.lead_agency_location) == 2:
            return None
        here = c.lead_agency_location == ["in_state"]
        return {"lead_state": "OK" if here else base["buyer_state"]}
    if condition == "cooperative_clause_required" and c.cooperative_clause_required:
        return {"cooperative_clause": ""}
    if condition == "competitive_methods" and c.competitive_methods:
        other = [m for m in ("rfp", "sealed_bid") if m not in c.competitive_methods]
        return {"method": other[0]} if other else None
    if condition == "advertisement_required" and c.advertisement_required:
        return {"advertisements": ()}
    return None


def check(r: Rule, **overrides: Any) -> Verdict:
    """The rule alone; an overlay rides on a plain test authority of the same state."""
    f: Facts = facts(**overrides)
    rules = [VersionedRule(r)]
    if is_overlay(r):
        rules.append(
            VersionedRule(
                rule(
                    rule_id=f"{f.buyer_state}-TEST-BASIS",
                    jurisdiction={"layer": "state", "state": f.buyer_state},
                    applies_to={
                        "agency_types": list(AGENCY_TYPES),
                        "categories": ["goods", "services", "public_works"],
                    },
                )
            )
        )
    return evaluate(f, rules)


def outcome_of(verdict: Verdict, rule_id: str) -> RuleOutcome:
    return next(o for o in verdict.used if o.rule_id == rule_id)


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_best_case_verdict_and_its_citation(rule_id: str) -> None:
    # given the rule and a purchase where everything the records can show is in order
    r = RULES[rule_id]
    best, _ = EXPECTED[rule_id]
    # when it is checked
    verdict = check(r, **best_case(r))
    # then the verdict is the written one, resting on this rule and citing its authority
    assert verdict.status == best, [(c.key, c.status) for c in verdict.conditions]
    assert outcome_of(verdict, rule_id).rule.rule_id == rule_id
    assert r.authority[0].cite in [c.cite for c in verdict.citations]
    if best == WITH_CONDITIONS:
        pending = [c for c in verdict.conditions if c.status == NEEDS_EVIDENCE]
        assert pending and all(c.citations for c in pending)
        assert any(c.rule_id == rule_id for c in pending)


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_the_records_can_break_exactly_the_expected_conditions(rule_id: str) -> None:
    r = RULES[rule_id]
    base = best_case(r)
    breakable = {key for key in _CONDITION_KEYS if breaking(r, key, base) is not None}
    assert breakable == EXPECTED[rule_id][1]


_CONDITION_KEYS = [
    "lead_agency_public_body",
    "lead_agency_types",
    "lead_agency_location",
    "cooperative_clause_required",
    "competitive_methods",
    "advertisement_required",
]


@pytest.mark.parametrize(
    ("rule_id", "condition"),
    sorted((rule_id, key) for rule_id, (_, keys) in EXPECTED.items() for key in keys),
)
def test_each_breakable_condition_makes_it_not_eligible_citing_its_authority(
    rule_id: str, condition: str
) -> None:
    # given a purchase that fails one condition of the rule
    r = RULES[rule_id]
    base = best_case(r)
    broken = breaking(r, condition, base)
    assert broken is not None
    verdict = check(r, **{**base, **broken})
    # then it is not eligible, that condition is unmet, and it cites the rule's authority for it
    assert verdict.status == NOT_ELIGIBLE
    failed = next(c for c in verdict.conditions if c.key == condition and c.rule_id == rule_id)
    assert failed.status == UNMET
    assert [c.cite for c in failed.citations] == [a.cite for a in r.citations_for(condition)]


@pytest.mark.parametrize("rule_id", sorted(k for k in EXPECTED if not k.startswith("US-")))
def test_an_agency_type_outside_the_rule_is_unknown(rule_id: str) -> None:
    # given a non-profit buyer (no shipped state rule covers one)
    r = RULES[rule_id]
    verdict = check(r, **{**best_case(r), "buyer_type": "nonprofit"})
    # then the rule does not apply, and the verdict says unknown rather than guessing
    assert verdict.status == UNKNOWN
    assert [n.rule_id for n in verdict.not_applied] == [rule_id]


@pytest.mark.parametrize("rule_id", sorted(k for k in EXPECTED if not k.startswith("US-")))
def test_an_expired_agreement_is_not_eligible_under_every_rule(rule_id: str) -> None:
    r = RULES[rule_id]
    verdict = check(r, **{**best_case(r), "agreement_status": "expired"})
    assert verdict.status == NOT_ELIGIBLE


def test_new_york_best_value_awards_need_local_authorization() -> None:
    r = RULES["NY-GML-103.16"]
    verdict = check(r, **{**best_case(r), "method": "rfp"})
    assert verdict.status == WITH_CONDITIONS
    [pending] = verdict.to_document
    assert pending.key == "best_value_authorized"
    assert "N.Y. Gen. Mun. Law §103(1)" in [c.cite for c in pending.citations]


def test_new_york_services_must_relate_to_the_goods() -> None:
    r = RULES["NY-GML-103.16"]
    verdict = check(r, **{**best_case(r), "scope": "services"})
    assert [c.key for c in verdict.to_document] == ["services_related_to_goods"]
    assert check(r, **{**best_case(r), "scope": "public_works"}).status == UNKNOWN


def test_california_school_districts_may_buy_goods_only_under_20118() -> None:
    r = RULES["CA-PCC-20118"]
    assert check(r, **{**best_case(r), "scope": "services"}).status == UNKNOWN


def test_alabama_needs_the_examiners_approval_and_the_state_price_comparison() -> None:
    r = RULES["AL-41-16-51.A16"]
    keys = {c.key for c in check(r, **best_case(r)).to_document}
    assert {
        "external_approval",
        "not_above_state_contract_price",
        "naco_sponsored_cooperative",
        "alabama_vendor",
        "no_service_contract_needed",
    } == keys


def test_the_federal_threshold_moved_on_october_1_2025() -> None:
    # given a $300,000 purchase paid with federal funds
    amount = {"amount_cents": 30_000_000, "federal_funds": True}
    before = check(RULES["US-2CFR200.324-OVER-SAT-2020"], on=datetime.date(2025, 9, 30), **amount)
    after = check(RULES["US-2CFR200.324-OVER-SAT-2025"], on=datetime.date(2025, 10, 1), **amount)
    # then it was over the $250,000 threshold before, and is under the $350,000 one after
    assert "cost_price_analysis" in {c.key for c in before.to_document}
    assert after.status == ELIGIBLE
    assert "covers purchases over $350,000.00" in after.not_applied[0].reason


def test_a_federal_threshold_rule_asks_for_the_amount_when_none_is_given() -> None:
    r = RULES["US-2CFR200.324-OVER-SAT-2025"]
    verdict = check(r, federal_funds=True)
    assert "amount" in {c.key for c in verdict.to_document}


def test_construction_over_the_threshold_adds_bonding() -> None:
    r = RULES["US-2CFR200.324-OVER-SAT-2025"]
    verdict = check(r, **{**best_case(r), "scope": "public_works"})
    assert "construction_bonding" in {c.key for c in verdict.to_document}
