"""How amounts, dates and agency types read in explanations (one place, so they read alike)."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from interlocal.core.money import format_usd, to_cents
from interlocal.eligibility import vocabulary as vocab
from interlocal.eligibility.schema import Amount, Rule


def amount_range(amount: Amount) -> str:
    parts = []
    if amount.over is not None:
        parts.append(f"over {usd(amount.over)}")
    if amount.at_most is not None:
        parts.append(
            f"up to {usd(amount.at_most)}" if parts else f"of {usd(amount.at_most)} or less"
        )
    return " and ".join(parts)


def usd(amount: Decimal) -> str:
    return format_usd(to_cents(amount))


def kind(agency_type: str) -> str:
    return vocab.AGENCY_TYPES.get(agency_type, agency_type).lower()


def kinds(agency_types: Iterable[str]) -> str:
    listed = list(agency_types)
    if set(listed) == set(vocab.AGENCY_TYPES):
        return "every agency type"
    return ", ".join(kind(t) for t in listed)


def day(date: datetime.date) -> str:
    return f"{date:%B} {date.day}, {date.year}"


def describe(rule: Rule) -> list[tuple[str, str]]:
    """A rule's conditions as (what, requirement) lines for the rules pages."""
    c, lines = rule.conditions, []
    if rule.applies_to.amount:
        lines.append(("Purchase amount", f"Only purchases {amount_range(rule.applies_to.amount)}"))
    if c.lead_agency_public_body:
        lines.append((vocab.CONDITIONS["lead_agency_public_body"], "Required"))
    if c.lead_agency_types:
        lines.append(
            (vocab.CONDITIONS["lead_agency_types"], kinds(c.lead_agency_types).capitalize())
        )
    if c.lead_agency_location:
        where = " or ".join(vocab.LOCATIONS[w] for w in c.lead_agency_location)
        lines.append((vocab.CONDITIONS["lead_agency_location"], where.capitalize()))
    if c.cooperative_clause_required:
        lines.append((vocab.CONDITIONS["cooperative_clause_required"], "Required"))
    if c.competitive_methods:
        methods = " or ".join(vocab.METHODS[m].lower() for m in c.competitive_methods)
        lines.append((vocab.CONDITIONS["competitive_methods"], methods.capitalize()))
    if c.advertisement_required:
        lines.append((vocab.CONDITIONS["advertisement_required"], "Required"))
    if c.max_age_days:
        lines.append((vocab.CONDITIONS["max_age_days"], f"No older than {c.max_age_days} days"))
    if c.governing_body_approval:
        needed = "Required" if c.governing_body_approval == "required" else "Not required by it"
        lines.append((vocab.CONDITIONS["governing_body_approval"], needed))
    if c.external_approval:
        approval = f"{c.external_approval.by}: {c.external_approval.description}"
        lines.append((vocab.CONDITIONS["external_approval"], approval[:1].upper() + approval[1:]))
    if c.not_above_state_contract_price:
        lines.append((vocab.CONDITIONS["not_above_state_contract_price"], "Required"))
    for a in c.attestations:
        when = []
        if a.when_categories:
            when.append(" or ".join(vocab.SCOPES[s].lower() for s in a.when_categories))
        if a.when_methods:
            when.append(
                "awards by " + " or ".join(vocab.METHODS[m].lower() for m in a.when_methods)
            )
        if a.when_over is not None:
            when.append(f"purchases over {usd(a.when_over)}")
        lines.append((a.label, (f"For {'; '.join(when)}: " if when else "") + a.text))
    return lines
