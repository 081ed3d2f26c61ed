"""Whether an agency may buy under a master agreement: pure functions over facts and rules.

No database and no clock here (``facts.py`` gathers the facts from the models), so every
verdict can be reproduced from its inputs and tested without fixtures.

How a verdict is reached (``docs/eligibility.md`` explains it for purchasing staff):

* A rule *applies* when it is in force on the date, names the buyer's state (or is program-wide),
  covers the buyer's agency type and the purchase's category, and — if it has amount bounds — the
  amount is within them. The federal overlay applies only when federal award funds pay.
* Each condition of an applicable rule is ``met``, ``unmet``, or ``needs_evidence``: the data
  shows it holds, shows it does not, or cannot show it (the buyer's own approvals, facts outside
  the program's records).
* State rules are alternative authorities: the best-supported one is the basis of the verdict
  and the others are shown as alternatives. Overlay, program and local rules add their
  conditions to it.
* No applicable state rule: ``unknown`` — the program never presumes eligibility. Otherwise any
  ``unmet`` condition makes it ``not_eligible``; else any ``needs_evidence`` makes it
  ``eligible_with_conditions``; else ``eligible``.
"""

from collections.abc import Iterable, Sequence

from interlocal.core.money import format_usd, to_cents
from interlocal.eligibility import vocabulary as vocab
from interlocal.eligibility.conditions import CHECKS, agreement_in_force, attestation_text
from interlocal.eligibility.schema import Amount, Rule
from interlocal.eligibility.verdict import (
    ELIGIBLE,
    NEEDS_EVIDENCE,
    NOT_ELIGIBLE,
    UNKNOWN,
    UNMET,
    WITH_CONDITIONS,
    Citation,
    ConditionResult,
    Facts,
    NotApplied,
    RuleOutcome,
    Verdict,
    VersionedRule,
)
from interlocal.eligibility.wording import amount_range, day, kind, kinds

_RANK = {ELIGIBLE: 0, WITH_CONDITIONS: 1, NOT_ELIGIBLE: 2}


def evaluate(facts: Facts, rules: Sequence[VersionedRule]) -> Verdict:
    general = (agreement_in_force(facts),)
    alternatives: list[RuleOutcome] = []
    overlays: list[RuleOutcome] = []
    not_applied: list[NotApplied] = []
    for item in sorted(rules, key=lambda r: r.rule.rule_id):
        rule = item.rule
        reason = why_not_applicable(rule, facts)
        if reason is not None:
            if _concerns(rule, facts):
                not_applied.append(NotApplied(rule.rule_id, rule.title, reason))
            continue
        outcome = _evaluate_rule(item, facts)
        layer = rule.jurisdiction.layer
        (overlays if layer in vocab.CUMULATIVE_LAYERS else alternatives).append(outcome)
    alternatives.sort(key=lambda o: _RANK[o.status])  # stable: rule_id order breaks ties
    basis = alternatives.pop(0) if alternatives else None
    if basis is None:
        status = UNKNOWN
    else:
        everything = general + basis.conditions + tuple(c for o in overlays for c in o.conditions)
        status = _status_of(everything)
    return Verdict(
        status=status,
        headline=_headline(status, facts, basis, general, overlays, rules),
        facts=facts,
        general=general,
        basis=basis,
        alternatives=tuple(alternatives),
        overlays=tuple(overlays),
        not_applied=tuple(not_applied),
        notes=tuple(_notes(facts, rules)),
    )


def why_not_applicable(rule: Rule, facts: Facts) -> str | None:
    """None when the rule applies to this purchase, else the reason in plain English."""
    where, covers = rule.jurisdiction, rule.applies_to
    if where.layer == "federal_overlay" and not facts.federal_funds:
        return "applies only when federal award funds pay for the purchase"
    if where.state is not None and where.state != facts.buyer_state:
        return f"is a rule for {where.state}"
    if not rule.in_force(facts.on):
        return f"is not in force on {day(facts.on)} ({_period(rule)})"
    if facts.buyer_type not in covers.agency_types:
        return (
            f"does not cover a {kind(facts.buyer_type)} (it covers: {kinds(covers.agency_types)})"
        )
    if facts.scope not in covers.categories:
        covered = ", ".join(vocab.SCOPES[c].lower() for c in covers.categories)
        return f"does not cover {vocab.SCOPES[facts.scope].lower()} (it covers: {covered})"
    if covers.census_ids and facts.buyer_census_id not in covers.census_ids:
        return "binds only the agencies it names"
    if (
        covers.amount
        and facts.amount_cents is not None
        and not _inamount_range(facts, covers.amount)
    ):
        return (
            f"covers purchases {amount_range(covers.amount)}; this one is "
            f"{format_usd(facts.amount_cents)}"
        )
    return None


def _concerns(rule: Rule, facts: Facts) -> bool:
    """Worth telling the buyer why it did not apply: a rule of their state or program-wide."""
    state = rule.jurisdiction.state
    if rule.jurisdiction.layer == "federal_overlay":
        return facts.federal_funds
    return state is None or state == facts.buyer_state


def _evaluate_rule(item: VersionedRule, facts: Facts) -> RuleOutcome:
    rule = item.rule
    results = []
    if rule.applies_to.amount and facts.amount_cents is None:
        text = (
            f"This authority covers only purchases {amount_range(rule.applies_to.amount)}; "
            "enter the purchase amount to check."
        )
        results.append(_result(rule, "amount", NEEDS_EVIDENCE, text))
    for key, check in CHECKS:
        found = check(rule, facts)
        if found is not None:
            results.append(_result(rule, key, *found))
    for attestation in rule.conditions.attestations:
        wording = attestation_text(attestation, facts)
        if wording is not None:
            results.append(
                ConditionResult(
                    key=attestation.id,
                    label=attestation.label,
                    status=NEEDS_EVIDENCE,
                    explanation=wording,
                    citations=_cites(rule, attestation.id),
                    rule_id=rule.rule_id,
                )
            )
    conditions = tuple(results)
    return RuleOutcome(rule, item.version, _status_of(conditions), conditions)


def _result(rule: Rule, key: str, status: str, explanation: str) -> ConditionResult:
    return ConditionResult(
        key=key,
        label=vocab.CONDITIONS[key],
        status=status,
        explanation=explanation,
        citations=_cites(rule, key),
        rule_id=rule.rule_id,
    )


def _cites(rule: Rule, key: str) -> tuple[Citation, ...]:
    return tuple(Citation(a.cite, a.url) for a in rule.citations_for(key))


def _status_of(conditions: Iterable[ConditionResult]) -> str:
    statuses = {c.status for c in conditions}
    if UNMET in statuses:
        return NOT_ELIGIBLE
    return WITH_CONDITIONS if NEEDS_EVIDENCE in statuses else ELIGIBLE


def _headline(
    status: str,
    f: Facts,
    basis: RuleOutcome | None,
    general: tuple[ConditionResult, ...],
    overlays: Sequence[RuleOutcome],
    rules: Sequence[VersionedRule],
) -> str:
    if basis is None:
        if not any(r.rule.jurisdiction.state == f.buyer_state for r in rules):
            return (
                f"No eligibility rules are on file for {f.buyer_state} yet, so the program cannot "
                "say whether you may use this agreement. Ask the program office or your counsel "
                "before relying on it."
            )
        return (
            f"No eligibility rule on file covers a {kind(f.buyer_type)} in {f.buyer_state} "
            f"buying {vocab.SCOPES[f.scope].lower()}{_on_amount(f)}. The program does not "
            "presume eligibility: ask the program office or your counsel before relying on it."
        )
    under = f"under {basis.rule.title} ({basis.rule.authority[0].cite})"
    if status == ELIGIBLE:
        return f"{f.buyer_name} may use {f.agreement_number} {under}."
    conditions = general + basis.conditions + tuple(c for o in overlays for c in o.conditions)
    if status == WITH_CONDITIONS:
        count = sum(c.status == NEEDS_EVIDENCE for c in conditions)
        return (
            f"{f.buyer_name} may use {f.agreement_number} {under}, once the {count} "
            f"condition{'s' if count != 1 else ''} marked “needs evidence” "
            f"{'are' if count != 1 else 'is'} documented."
        )
    unmet = [c.label.lower() for c in conditions if c.status == UNMET]
    return (
        f"{f.buyer_name} may not rely on {f.agreement_number} as things stand: "
        f"{len(unmet)} condition{'s' if len(unmet) != 1 else ''} not met ({'; '.join(unmet)})."
    )


def _notes(f: Facts, rules: Sequence[VersionedRule]) -> list[str]:
    notes = []
    if not f.federal_funds and any(r.rule.jurisdiction.layer == "federal_overlay" for r in rules):
        notes.append(
            "This check assumes no federal award funds pay for the purchase. If they do, check "
            "again with federal funds: 2 CFR 200 adds conditions."
        )
    if f.solicitation_number is None:
        notes.append(
            "No solicitation is on record for this agreement (it was awarded before the program "
            "kept its records), so conditions about how it was awarded need the lead agency's "
            "documents."
        )
    return notes


def _inamount_range(f: Facts, amount: Amount) -> bool:
    cents = f.amount_cents or 0
    above = amount.over is None or cents > to_cents(amount.over)
    below = amount.at_most is None or cents <= to_cents(amount.at_most)
    return above and below


def _on_amount(f: Facts) -> str:
    return f" for {format_usd(f.amount_cents)}" if f.amount_cents is not None else ""


def _period(rule: Rule) -> str:
    start = day(rule.effective_from) if rule.effective_from else ""
    end = day(rule.sunset) if rule.sunset else ""
    if start and end:
        return f"in force from {start} to {end}"
    return f"in force from {start}" if start else f"in force until {end}"
