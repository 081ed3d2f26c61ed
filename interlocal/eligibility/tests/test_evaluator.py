"""How a verdict is reached, on hand-made rules: no database, no clock."""

import datetime

from interlocal.eligibility.evaluator import evaluate
from interlocal.eligibility.verdict import (
    ELIGIBLE,
    MET,
    NEEDS_EVIDENCE,
    NOT_ELIGIBLE,
    UNKNOWN,
    UNMET,
    WITH_CONDITIONS,
    VersionedRule,
)

from .builders import facts, rule


def verdict_of(*rules, **fact_overrides):
    return evaluate(facts(**fact_overrides), [VersionedRule(r) for r in rules])


def pending(verdict):
    return {c.key for c in verdict.to_document}


def status_of(verdict, key):
    return next(c.status for c in verdict.conditions if c.key == key)


def test_no_rules_at_all_is_unknown_never_eligible() -> None:
    # given no rules / when a purchase is checked / then the program does not guess
    verdict = verdict_of()
    assert verdict.status == UNKNOWN
    assert "No eligibility rules are on file for TX" in verdict.headline


def test_a_state_without_rules_is_unknown_even_when_other_states_have_some() -> None:
    verdict = verdict_of(rule(), buyer_state="OH", lead_state="OH")
    assert verdict.status == UNKNOWN and verdict.basis is None


def test_an_agency_type_the_rule_does_not_cover_is_unknown_with_the_reason() -> None:
    verdict = verdict_of(rule(), buyer_type="nonprofit")
    assert verdict.status == UNKNOWN
    assert "No eligibility rule on file covers a 501(c)(3) non-profit in TX" in verdict.headline
    [skipped] = verdict.not_applied
    assert (
        skipped.rule_id == "TX-TEST-1" and "does not cover a 501(c)(3) non-profit" in skipped.reason
    )


def test_a_rule_whose_conditions_all_hold_makes_it_eligible_with_its_citation() -> None:
    verdict = verdict_of(rule(conditions={"lead_agency_public_body": True}))
    assert verdict.status == ELIGIBLE
    assert [c.cite for c in verdict.citations] == ["Test Code §1", "Test Code §2"]
    assert "under Test authority (Test Code §1)" in verdict.headline


def test_the_buyers_own_approvals_need_evidence_so_it_is_eligible_with_conditions() -> None:
    # given a rule needing the buyer's governing body and a state office to approve
    r = rule(
        conditions={
            "governing_body_approval": "required",
            "external_approval": {"by": "the State Office", "description": "it approves it"},
        }
    )
    # when checked / then neither can be shown by the data: they need evidence
    verdict = verdict_of(r)
    assert verdict.status == WITH_CONDITIONS
    assert status_of(verdict, "governing_body_approval") == NEEDS_EVIDENCE
    assert status_of(verdict, "external_approval") == NEEDS_EVIDENCE
    assert "once the 2 conditions marked “needs evidence” are documented" in verdict.headline
    assert {e.key for e in verdict.evidence} >= {"governing_body_approval", "external_approval"}


def test_anything_unmet_makes_it_not_eligible_and_says_which() -> None:
    r = rule(
        conditions={"lead_agency_location": ["in_state"], "governing_body_approval": "required"}
    )
    verdict = verdict_of(r, lead_state="OK")
    assert verdict.status == NOT_ELIGIBLE
    assert status_of(verdict, "lead_agency_location") == UNMET
    assert "1 condition not met (where the lead agency is)" in verdict.headline


def test_a_lead_agency_that_is_not_a_public_body_fails_that_condition() -> None:
    r = rule(conditions={"lead_agency_public_body": True})
    assert verdict_of(r, lead_type="nonprofit").status == NOT_ELIGIBLE
    assert verdict_of(r, lead_type="private_college").status == NOT_ELIGIBLE
    assert verdict_of(r, lead_type="tribal_government").status == ELIGIBLE


def test_a_missing_cooperative_clause_or_advertisement_is_unmet() -> None:
    r = rule(conditions={"cooperative_clause_required": True, "advertisement_required": True})
    verdict = verdict_of(r, cooperative_clause="  ", advertisements=())
    assert status_of(verdict, "cooperative_clause_required") == UNMET
    assert status_of(verdict, "advertisement_required") == UNMET


def test_a_method_the_rule_does_not_accept_is_unmet() -> None:
    r = rule(conditions={"competitive_methods": ["sealed_bid"]})
    verdict = verdict_of(r, method="rfp")
    assert status_of(verdict, "competitive_methods") == UNMET


def test_a_legacy_agreement_without_a_solicitation_needs_the_lead_agencys_documents() -> None:
    # given an agreement awarded before the program kept solicitations
    r = rule(conditions={"competitive_methods": ["rfp"], "advertisement_required": True})
    verdict = verdict_of(r, solicitation_number=None, method=None, advertisements=())
    # then how it was awarded cannot be shown, not assumed: evidence is needed
    assert status_of(verdict, "competitive_methods") == NEEDS_EVIDENCE
    assert status_of(verdict, "advertisement_required") == NEEDS_EVIDENCE
    assert verdict.status == WITH_CONDITIONS
    assert any("No solicitation is on record" in note for note in verdict.notes)


def test_an_expired_or_not_yet_effective_agreement_is_not_eligible() -> None:
    expired = verdict_of(rule(), agreement_status="expired")
    assert expired.status == NOT_ELIGIBLE
    assert status_of(expired, "agreement_in_force") == UNMET
    assert verdict_of(rule(), agreement_status="pending").status == NOT_ELIGIBLE


def test_a_rule_outside_its_effective_dates_does_not_apply() -> None:
    # given a rule in force only during 2025
    r = rule(effective_from="2025-01-01", sunset="2025-12-31")
    # then it decides a 2025 purchase and not a 2026 one
    assert verdict_of(r, on=datetime.date(2025, 12, 31)).status == ELIGIBLE
    later = verdict_of(r, on=datetime.date(2026, 1, 1))
    assert later.status == UNKNOWN
    assert "is not in force on January 1, 2026" in later.not_applied[0].reason
    assert verdict_of(r, on=datetime.date(2024, 12, 31)).status == UNKNOWN


def test_the_agreement_age_limit() -> None:
    r = rule(conditions={"max_age_days": 365})
    assert verdict_of(r, agreement_effective_on=datetime.date(2025, 3, 2)).status == ELIGIBLE
    old = verdict_of(r, agreement_effective_on=datetime.date(2025, 3, 1))
    assert status_of(old, "max_age_days") == UNMET


def test_amount_bounds_decide_whether_a_rule_applies() -> None:
    # given a rule for purchases over $50,000 up to $1,000,000
    r = rule(
        applies_to={
            "agency_types": ["municipality"],
            "categories": ["goods"],
            "amount": {"over": "50000", "at_most": "1000000.00"},
        }
    )
    # then it applies inside the range, not outside, and asks for the amount when not given
    assert verdict_of(r, amount_cents=5_000_001).status == ELIGIBLE
    assert verdict_of(r, amount_cents=5_000_000).status == UNKNOWN
    assert verdict_of(r, amount_cents=100_000_001).status == UNKNOWN
    unknown_amount = verdict_of(r)
    assert status_of(unknown_amount, "amount") == NEEDS_EVIDENCE
    assert "over $50,000.00 and up to $1,000,000.00" in unknown_amount.conditions[1].explanation


def test_attestations_apply_only_to_their_categories_methods_and_amounts() -> None:
    r = rule(
        conditions={
            "attestations": [
                {
                    "id": "svc",
                    "label": "Services",
                    "text": "Services only.",
                    "when_categories": ["services"],
                },
                {"id": "bv", "label": "Best value", "text": "Authorized.", "when_methods": ["rfp"]},
                {"id": "big", "label": "Big", "text": "Analyse the price.", "when_over": "100000"},
            ]
        }
    )
    assert (
        pending(verdict_of(r, scope="goods", method="sealed_bid", amount_cents=10_000_000)) == set()
    )
    assert pending(verdict_of(r, scope="services", method="rfp", amount_cents=10_000_001)) == {
        "svc",
        "bv",
        "big",
    }
    # an unknown method or amount keeps the attestation, worded as a condition
    unsure = verdict_of(r, method=None, solicitation_number=None)
    texts = {c.key: c.explanation for c in unsure.conditions}
    assert texts["bv"].startswith("If the contract was awarded by request for proposals")
    assert texts["big"] == "If the purchase is over $100,000.00: Analyse the price."


def test_state_rules_are_alternatives_and_the_best_supported_one_is_the_basis() -> None:
    # given two authorities, one needing the governing body's approval
    strict = rule(rule_id="TX-TEST-A", conditions={"governing_body_approval": "required"})
    plain = rule(rule_id="TX-TEST-B", title="Plain authority")
    # when both apply / then the one the record fully supports is the basis
    verdict = verdict_of(strict, plain)
    assert verdict.status == ELIGIBLE
    assert verdict.basis.rule_id == "TX-TEST-B"
    assert [o.rule_id for o in verdict.alternatives] == ["TX-TEST-A"]


def test_the_federal_overlay_adds_its_conditions_only_when_federal_funds_pay() -> None:
    overlay = rule(
        rule_id="US-TEST-1",
        jurisdiction={"layer": "federal_overlay"},
        effect="adds_requirements",
        conditions={"competitive_methods": ["sealed_bid"]},
    )
    without = verdict_of(rule(), overlay)
    assert without.status == ELIGIBLE and without.overlays == ()
    assert any("federal award funds" in note for note in without.notes)
    funded = verdict_of(rule(), overlay, federal_funds=True)
    assert funded.status == NOT_ELIGIBLE
    assert [o.rule_id for o in funded.overlays] == ["US-TEST-1"]


def test_an_overlay_alone_is_not_a_basis_the_verdict_stays_unknown() -> None:
    overlay = rule(rule_id="US-TEST-1", jurisdiction={"layer": "federal_overlay"})
    assert verdict_of(overlay, federal_funds=True).status == UNKNOWN


def test_program_and_local_rules_add_conditions_like_the_overlay() -> None:
    program = rule(
        rule_id="ZZ-PROGRAM-1",
        jurisdiction={"layer": "program"},
        conditions={"cooperative_clause_required": True},
    )
    local = rule(
        rule_id="TX-LOCAL-1",
        jurisdiction={"layer": "local", "state": "TX"},
        applies_to={
            "agency_types": ["municipality"],
            "categories": ["goods"],
            "census_ids": ["44201000000001"],
        },
        conditions={"governing_body_approval": "required"},
    )
    assert verdict_of(rule(), program, cooperative_clause="").status == NOT_ELIGIBLE
    assert verdict_of(rule(), local, buyer_census_id="44201000000001").status == WITH_CONDITIONS
    assert verdict_of(rule(), local, buyer_census_id="44201000000002").status == ELIGIBLE


def test_conditions_cite_only_the_authorities_named_for_them() -> None:
    r = rule(
        conditions={"lead_agency_public_body": True},
        condition_citations={"lead_agency_public_body": ["Test Code §2"]},
    )
    condition = next(c for c in verdict_of(r).conditions if c.key == "lead_agency_public_body")
    assert [c.cite for c in condition.citations] == ["Test Code §2"]
    assert condition.status == MET


def test_evidence_the_program_holds_is_marked_on_file() -> None:
    r = rule(evidence_required=["solicitation", "price_comparison"])
    verdict = verdict_of(r, evidence_on_file={"solicitation": "Solicitation RFP-1, on file"})
    on_file = {e.key: (e.on_file, e.note) for e in verdict.evidence}
    assert on_file["solicitation"] == (True, "Solicitation RFP-1, on file")
    assert on_file["price_comparison"] == (False, "Your agency prepares or obtains this.")
