"""``/api/v1/`` endpoints of eligibility: public reads, like the rules pages."""

import datetime
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from interlocal.agreements.models import Agreement
from interlocal.core.api import ErrorOut, field_errors
from interlocal.core.money import MoneyError, parse_amount, to_cents
from interlocal.eligibility import queries
from interlocal.eligibility.schema import Rule
from interlocal.eligibility.schemas import RuleOut, VerdictOut
from interlocal.eligibility.verdict import ConditionResult, RuleOutcome, Verdict
from interlocal.eligibility.vocabulary import SCOPES
from interlocal.registry.models import Agency

router = Router(tags=["eligibility"])


class VerdictQuery(Schema):
    agency: int
    amount: str | None = None
    federal_funds: bool = False
    scope: str | None = None
    on: datetime.date | None = None


@router.get(
    "/agreements/{agreement_id}/eligibility",
    response={200: VerdictOut, 404: ErrorOut, 422: ErrorOut},
    summary="May this agency buy under this agreement?",
    description=(
        "The verdict (eligible, eligible_with_conditions, not_eligible or unknown) for the agency "
        "`agency`, with every condition (met, unmet or needs_evidence), its explanation and "
        "citations, the buyer's duties and the evidence checklist. `amount` is in dollars as a "
        "decimal string; `federal_funds=true` adds the 2 CFR 200 overlay; `on` defaults to today."
    ),
)
def agreement_eligibility(
    request: HttpRequest, agreement_id: int, query: Query[VerdictQuery]
) -> Any:
    agreement = get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("lead_agency__state"),
        pk=agreement_id,
    )
    agency = get_object_or_404(
        Agency.objects.visible_to(request.user).select_related("state"), pk=query.agency
    )
    try:
        amount_cents = _cents(query.amount)
        if query.scope is not None and query.scope not in SCOPES:
            raise ValidationError({"scope": [f"use one of: {', '.join(SCOPES)}"]})
    except ValidationError as exc:
        detail = "the purchase details are not valid"
        return Status(422, {"detail": detail, "errors": field_errors(exc)})
    verdict = queries.verdict_for(
        agency,
        agreement,
        on=query.on or timezone.localdate(),
        amount_cents=amount_cents,
        scope=query.scope,
        federal_funds=query.federal_funds,
    )
    return verdict_dict(verdict, agency, agreement)


@router.get("/eligibility/rules", response=list[RuleOut], summary="The eligibility rules in force")
def list_rules(request: HttpRequest, state: str = "") -> list[dict[str, Any]]:
    versions = queries.current_versions(request.user)
    if state:
        versions = versions.filter(state=state.upper())
    rows = []
    for version in versions:
        rule = Rule.model_validate(version.body)
        rows.append(
            {
                "rule_id": rule.rule_id,
                "version": version.version,
                "title": rule.title,
                "layer": rule.jurisdiction.layer,
                "state": rule.jurisdiction.state,
                "agency_types": rule.applies_to.agency_types,
                "categories": rule.applies_to.categories,
                "effect": rule.effect,
                "authority": [a.model_dump() for a in rule.authority],
                "verification": rule.verification.model_dump(),
                "effective_from": rule.effective_from,
                "sunset": rule.sunset,
                "updated_at": version.created_at,
                "url": reverse("eligibility:rule_detail", args=[rule.rule_id]),
                "rule": version.body,
            }
        )
    return rows


def _cents(amount: str | None) -> int | None:
    if amount is None or not amount.strip():
        return None
    try:
        value = parse_amount(amount)
        if value < 0:
            raise MoneyError("enter the amount as a positive number")
        return to_cents(value)
    except MoneyError as exc:
        raise ValidationError({"amount": [str(exc)]}) from None


def verdict_dict(verdict: Verdict, agency: Agency, agreement: Agreement) -> dict[str, Any]:
    f = verdict.facts
    return {
        "status": verdict.status,
        "label": verdict.label,
        "headline": verdict.headline,
        "purchase": {
            "agency_id": agency.pk,
            "agency_name": agency.name,
            "agency_type": agency.agency_type,
            "state": f.buyer_state,
            "agreement_id": agreement.pk,
            "agreement_number": agreement.number,
            "lead_agency": f.lead_name,
            "lead_state": f.lead_state,
            "on": f.on,
            "scope": f.scope,
            "amount": str(f.amount) if f.amount is not None else None,
            "federal_funds": f.federal_funds,
        },
        "basis": _outcome(verdict.basis) if verdict.basis else None,
        "alternatives": [_outcome(o) for o in verdict.alternatives],
        "overlays": [_outcome(o) for o in verdict.overlays],
        "conditions": [_condition(c) for c in verdict.conditions],
        "buyer_duties": [{"key": k, "label": label} for k, label in verdict.buyer_duties],
        "evidence": [asdict(e) for e in verdict.evidence],
        "citations": [asdict(c) for c in verdict.citations],
        "unverified_rules": list(verdict.unverified),
        "not_applied": [asdict(n) for n in verdict.not_applied],
        "notes": list(verdict.notes),
        "printable_url": reverse("eligibility:agreement_verdict", args=[agreement.pk])
        + f"?{verdict.query_string}",
    }


def _outcome(outcome: RuleOutcome) -> dict[str, Any]:
    return {
        "rule_id": outcome.rule_id,
        "version": outcome.version,
        "title": outcome.rule.title,
        "layer": outcome.rule.jurisdiction.layer,
        "effect": outcome.rule.effect,
        "status": outcome.status,
        "verification": outcome.rule.verification.status,
        "citations": [asdict(c) for c in outcome.citations],
    }


def _condition(condition: ConditionResult) -> dict[str, Any]:
    return {
        "rule_id": condition.rule_id,
        "key": condition.key,
        "label": condition.label,
        "status": condition.status,
        "explanation": condition.explanation,
        "citations": [asdict(c) for c in condition.citations],
    }
