"""Reads: the rules in force, their history, and verdicts for an agency and an agreement."""

import datetime
from typing import Any

from django.utils import timezone

from interlocal.accounts.roles import OrgKind
from interlocal.agreements.models import Agreement
from interlocal.eligibility.evaluator import evaluate
from interlocal.eligibility.facts import facts_for
from interlocal.eligibility.models import RuleVersion, RuleVersionQuerySet
from interlocal.eligibility.schema import Rule
from interlocal.eligibility.verdict import Verdict, VersionedRule
from interlocal.registry.models import Agency


def current_versions(viewer: Any = None) -> RuleVersionQuerySet:
    return RuleVersion.objects.visible_to(viewer).current().order_by("state", "rule_id")


def current_rules() -> list[VersionedRule]:
    """The latest version of every rule, parsed: what verdicts are computed from."""
    return [
        VersionedRule(Rule.model_validate(v.body), v.version)
        for v in RuleVersion.objects.current().only("body", "version")
    ]


def rule_history(rule_id: str, viewer: Any = None) -> RuleVersionQuerySet:
    return (
        RuleVersion.objects.visible_to(viewer)
        .filter(rule_id=rule_id)
        .select_related("edited_by")
        .order_by("-version")
    )


def verdict_for(
    agency: Agency,
    agreement: Agreement,
    *,
    on: datetime.date | None = None,
    amount_cents: int | None = None,
    scope: str | None = None,
    federal_funds: bool = False,
) -> Verdict:
    facts = facts_for(
        agency,
        agreement,
        on=on or timezone.localdate(),
        amount_cents=amount_cents,
        scope=scope,
        federal_funds=federal_funds,
    )
    return evaluate(facts, current_rules())


def buyer_agency(user: Any) -> Agency | None:
    """The agency a signed-in person buys for: the first agency organization they belong to,
    whatever their role there."""
    if user is None or not user.is_authenticated:
        return None
    for membership in user.active_memberships:
        organization = membership.organization
        if organization.kind == OrgKind.AGENCY and organization.agency_id:
            return Agency.objects.select_related("state").get(pk=organization.agency_id)
    return None


def verdict_for_user(user: Any, agreement: Agreement) -> Verdict | None:
    """The verdict for the signed-in buyer's own agency (today, no amount, no federal funds),
    or None for someone who does not act for an agency."""
    agency = buyer_agency(user)
    return verdict_for(agency, agreement) if agency is not None else None
