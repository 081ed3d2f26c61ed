"""API shapes of a verdict and of a rule. Money is a decimal string in dollars."""

import datetime
from typing import Any

from ninja import Schema


class CitationOut(Schema):
    cite: str
    url: str


class ConditionOut(Schema):
    rule_id: str
    key: str
    label: str
    status: str
    explanation: str
    citations: list[CitationOut]


class RuleOutcomeOut(Schema):
    rule_id: str
    version: int
    title: str
    layer: str
    effect: str
    status: str
    verification: str
    citations: list[CitationOut]


class DutyOut(Schema):
    key: str
    label: str


class EvidenceOut(Schema):
    key: str
    label: str
    on_file: bool
    note: str


class NotAppliedOut(Schema):
    rule_id: str
    title: str
    reason: str


class PurchaseOut(Schema):
    agency_id: int
    agency_name: str
    agency_type: str
    state: str
    agreement_id: int
    agreement_number: str
    lead_agency: str
    lead_state: str
    on: datetime.date
    scope: str
    amount: str | None
    federal_funds: bool


class VerdictOut(Schema):
    status: str
    label: str
    headline: str
    purchase: PurchaseOut
    basis: RuleOutcomeOut | None
    alternatives: list[RuleOutcomeOut]
    overlays: list[RuleOutcomeOut]
    conditions: list[ConditionOut]
    buyer_duties: list[DutyOut]
    evidence: list[EvidenceOut]
    citations: list[CitationOut]
    unverified_rules: list[str]
    not_applied: list[NotAppliedOut]
    notes: list[str]
    printable_url: str


class AuthorityOut(Schema):
    cite: str
    url: str
    effective_from: datetime.date | None
    sunset: datetime.date | None
    note: str


class VerificationOut(Schema):
    status: str
    note: str
    reviewed_by: str
    reviewed_on: datetime.date | None


class RuleOut(Schema):
    rule_id: str
    version: int
    title: str
    layer: str
    state: str | None
    agency_types: list[str]
    categories: list[str]
    effect: str
    authority: list[AuthorityOut]
    verification: VerificationOut
    effective_from: datetime.date | None
    sunset: datetime.date | None
    updated_at: datetime.datetime
    url: str
    rule: dict[str, Any]
