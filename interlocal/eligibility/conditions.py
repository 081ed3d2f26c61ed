"""Each condition a rule can set, checked against the facts: met, unmet or needs evidence,
with the explanation a purchasing officer reads. One function per condition, in the order a
reviewer reads them; ``CHECKS`` lists them for the evaluator.
"""

from collections.abc import Callable

from interlocal.core.money import to_cents
from interlocal.eligibility import vocabulary as vocab
from interlocal.eligibility.schema import Attestation, Rule
from interlocal.eligibility.verdict import (
    MET,
    NEEDS_EVIDENCE,
    UNMET,
    Citation,
    ConditionResult,
    Facts,
)
from interlocal.eligibility.wording import day, kind, kinds, usd

Found = tuple[str, str] | None


def _public_body(rule: Rule, f: Facts) -> Found:
    if not rule.conditions.lead_agency_public_body:
        return None
    label = kind(f.lead_type)
    if f.lead_type in vocab.NOT_PUBLIC_BODIES:
        return UNMET, (
            f"The lead agency, {f.lead_name}, is a {label}, not a public body; this authority "
            "covers contracts awarded by public agencies."
        )
    return MET, f"The lead agency, {f.lead_name}, is a public body (a {label})."


def _lead_types(rule: Rule, f: Facts) -> Found:
    allowed = rule.conditions.lead_agency_types
    if allowed is None:
        return None
    if f.lead_type in allowed:
        return MET, f"The lead agency is a {kind(f.lead_type)}, a kind this authority accepts."
    return UNMET, (
        f"The lead agency is a {kind(f.lead_type)}; this authority covers only contracts "
        f"awarded by: {kinds(allowed)}."
    )


def _location(rule: Rule, f: Facts) -> Found:
    allowed = rule.conditions.lead_agency_location
    if allowed is None:
        return None
    here = f.lead_state == f.buyer_state
    if here and "in_state" in allowed:
        return MET, f"The lead agency is in {f.lead_state}, your state; this authority allows it."
    if not here and "out_of_state" in allowed:
        return MET, (
            f"The lead agency is in {f.lead_state}, another state; this authority allows lead "
            f"agencies outside {f.buyer_state}."
        )
    if here:
        return UNMET, (
            f"The lead agency is in {f.buyer_state}; this authority covers only lead agencies in "
            "other states."
        )
    return UNMET, (
        f"The lead agency is in {f.lead_state}; this authority covers only lead agencies in "
        f"{f.buyer_state}."
    )


def _clause(rule: Rule, f: Facts) -> Found:
    if not rule.conditions.cooperative_clause_required:
        return None
    if f.cooperative_clause.strip():
        return MET, (
            "The master agreement carries a cooperative purchasing clause that lets other public "
            "agencies buy under it."
        )
    return UNMET, (
        "No cooperative purchasing clause is on record for the master agreement, so it is not "
        "shown to be open to other agencies; the program office should record the clause."
    )


def _methods(rule: Rule, f: Facts) -> Found:
    allowed = rule.conditions.competitive_methods
    if allowed is None:
        return None
    accepted = " or ".join(vocab.METHODS[m].lower() for m in allowed)
    if f.method is None:
        return NEEDS_EVIDENCE, (
            "No solicitation is on record for this agreement; obtain the lead agency's "
            f"solicitation and award and confirm it was awarded by {accepted}."
        )
    used = vocab.METHODS[f.method].lower()
    if f.method in allowed:
        return MET, (
            f"Awarded by {used} (solicitation {f.solicitation_number}), a method this authority "
            "accepts."
        )
    return UNMET, f"Awarded by {used}; this authority requires {accepted}."


def _advertised(rule: Rule, f: Facts) -> Found:
    if not rule.conditions.advertisement_required:
        return None
    if f.solicitation_number is None:
        return NEEDS_EVIDENCE, (
            "No solicitation is on record; obtain proof that the lead agency advertised or "
            "publicly posted it."
        )
    if f.advertisements:
        where = "; ".join(f"{a.medium} on {day(a.published_on)}" for a in f.advertisements)
        return MET, f"Solicitation {f.solicitation_number} was advertised: {where}."
    return UNMET, (
        f"No advertisement or public posting is recorded for solicitation "
        f"{f.solicitation_number}, and this authority requires one. The program office should "
        "record where and when it was advertised, with the proof."
    )


def _governing_body(rule: Rule, f: Facts) -> Found:
    approval = rule.conditions.governing_body_approval
    if approval is None:
        return None
    if approval == "not_required":
        return MET, (
            "This authority does not itself require approval by your governing body; your own "
            "rules may still ask for it."
        )
    return NEEDS_EVIDENCE, (
        f"The governing body of {f.buyer_name} must approve using this contract (or the "
        "agreement that allows it); keep the minutes or resolution."
    )


def _external(rule: Rule, f: Facts) -> Found:
    approval = rule.conditions.external_approval
    if approval is None:
        return None
    what = approval.description.rstrip(".")
    return NEEDS_EVIDENCE, (
        f"Needs the approval of {approval.by}: {what}. Keep the written approval."
    )


def _age(rule: Rule, f: Facts) -> Found:
    limit = rule.conditions.max_age_days
    if limit is None:
        return None
    age = (f.on - f.agreement_effective_on).days
    if age <= limit:
        return MET, (
            f"The master agreement took effect {age} days before the purchase date; this "
            f"authority allows up to {limit}."
        )
    return UNMET, (
        f"The master agreement took effect {age} days before the purchase date; this authority "
        f"covers agreements no older than {limit} days."
    )


def _state_price(rule: Rule, f: Facts) -> Found:
    if not rule.conditions.not_above_state_contract_price:
        return None
    return NEEDS_EVIDENCE, (
        f"If the goods are on a {f.buyer_state} state contract, the price must not be higher "
        "than the state contract price; compare and keep the comparison."
    )


CHECKS: tuple[tuple[str, Callable[[Rule, Facts], Found]], ...] = (
    ("lead_agency_public_body", _public_body),
    ("lead_agency_types", _lead_types),
    ("lead_agency_location", _location),
    ("cooperative_clause_required", _clause),
    ("competitive_methods", _methods),
    ("advertisement_required", _advertised),
    ("max_age_days", _age),
    ("governing_body_approval", _governing_body),
    ("external_approval", _external),
    ("not_above_state_contract_price", _state_price),
)


def attestation_text(attestation: Attestation, f: Facts) -> str | None:
    """The attestation as it reads for this purchase, or None where it does not concern it."""
    if attestation.when_categories and f.scope not in attestation.when_categories:
        return None
    methods = attestation.when_methods
    if methods and f.method is not None and f.method not in methods:
        return None
    over = attestation.when_over
    if over is not None and f.amount_cents is not None and f.amount_cents <= to_cents(over):
        return None
    conditions = []
    if methods and f.method is None:
        conditions.append(
            "the contract was awarded by " + " or ".join(vocab.METHODS[m].lower() for m in methods)
        )
    if over is not None and f.amount_cents is None:
        conditions.append(f"the purchase is over {usd(over)}")
    prefix = f"If {' and '.join(conditions)}: " if conditions else ""
    return prefix + attestation.text


def agreement_in_force(f: Facts) -> ConditionResult:
    term = f"term {day(f.agreement_effective_on)} to {day(f.agreement_expires_on)}"
    messages = {
        "active": (
            MET,
            f"Master agreement {f.agreement_number} is in force on {day(f.on)} ({term}).",
        ),
        "pending": (
            UNMET,
            f"Master agreement {f.agreement_number} takes effect on "
            f"{day(f.agreement_effective_on)}; it cannot be used before then.",
        ),
        "expired": (
            UNMET,
            f"Master agreement {f.agreement_number} expired on "
            f"{day(f.agreement_expires_on)}; it cannot be used for new purchases.",
        ),
        "terminated": (
            UNMET,
            f"Master agreement {f.agreement_number} was terminated; it cannot "
            "be used for new purchases.",
        ),
    }
    status, text = messages[f.agreement_status]
    return ConditionResult(
        key="agreement_in_force",
        label=vocab.CONDITIONS["agreement_in_force"],
        status=status,
        explanation=text,
        citations=(Citation(f"Master agreement {f.agreement_number} ({term})"),),
    )
