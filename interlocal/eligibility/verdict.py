"""What a verdict is made of: the facts it was reached on, each condition with its status and
citations, the rules it rests on, the buyer's duties and the evidence checklist.

Frozen dataclasses, so a verdict can be rendered, serialised and compared but never altered after
``evaluator.evaluate`` builds it.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from interlocal.core.money import from_cents
from interlocal.eligibility import vocabulary as vocab
from interlocal.eligibility.schema import Rule

MET, UNMET, NEEDS_EVIDENCE = "met", "unmet", "needs_evidence"
ELIGIBLE, WITH_CONDITIONS, NOT_ELIGIBLE, UNKNOWN = (
    "eligible",
    "eligible_with_conditions",
    "not_eligible",
    "unknown",
)
CONDITION_LABELS = {MET: "Met", UNMET: "Not met", NEEDS_EVIDENCE: "Needs evidence"}
VERDICT_LABELS = {
    ELIGIBLE: "Eligible",
    WITH_CONDITIONS: "Eligible with conditions",
    NOT_ELIGIBLE: "Not eligible",
    UNKNOWN: "Unknown — no rule on file",
}


@dataclass(frozen=True)
class Advertisement:
    medium: str
    published_on: datetime.date


@dataclass(frozen=True)
class Facts:
    """What the evaluator knows about one purchase. ``method`` and ``solicitation_number`` are
    None for a legacy agreement whose solicitation the program never recorded."""

    on: datetime.date
    buyer_name: str
    buyer_type: str
    buyer_state: str
    lead_name: str
    lead_type: str
    lead_state: str
    agreement_number: str
    agreement_status: str
    agreement_effective_on: datetime.date
    agreement_expires_on: datetime.date
    scope: str
    cooperative_clause: str
    solicitation_number: str | None = None
    method: str | None = None
    advertisements: tuple[Advertisement, ...] = ()
    amount_cents: int | None = None
    federal_funds: bool = False
    buyer_census_id: str = ""
    # Identities, for links from a rendered verdict; the evaluator never reads them.
    agency_id: int | None = None
    agreement_id: int | None = None

    @property
    def amount(self) -> Decimal | None:
        return from_cents(self.amount_cents) if self.amount_cents is not None else None

    # evidence key -> where the program holds it, for evidence the program has on file
    evidence_on_file: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Citation:
    cite: str
    url: str = ""


@dataclass(frozen=True)
class ConditionResult:
    key: str
    label: str
    status: str
    explanation: str
    citations: tuple[Citation, ...] = ()
    rule_id: str = ""

    @property
    def status_label(self) -> str:
        return CONDITION_LABELS[self.status]


@dataclass(frozen=True)
class VersionedRule:
    rule: Rule
    version: int = 1


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    version: int
    status: str
    conditions: tuple[ConditionResult, ...]

    @property
    def rule_id(self) -> str:
        return self.rule.rule_id

    @property
    def effect_label(self) -> str:
        return vocab.EFFECTS[self.rule.effect]

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(Citation(a.cite, a.url) for a in self.rule.authority)

    @property
    def status_label(self) -> str:
        return VERDICT_LABELS[self.status]


@dataclass(frozen=True)
class NotApplied:
    rule_id: str
    title: str
    reason: str


@dataclass(frozen=True)
class EvidenceItem:
    key: str
    label: str
    on_file: bool
    note: str


@dataclass(frozen=True)
class Verdict:
    status: str
    headline: str
    facts: Facts
    general: tuple[ConditionResult, ...]
    basis: RuleOutcome | None
    alternatives: tuple[RuleOutcome, ...] = ()
    overlays: tuple[RuleOutcome, ...] = ()
    not_applied: tuple[NotApplied, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.status]

    @property
    def used(self) -> tuple[RuleOutcome, ...]:
        """The rules the verdict rests on: its basis and every overlay."""
        return ((self.basis,) if self.basis else ()) + self.overlays

    @property
    def conditions(self) -> tuple[ConditionResult, ...]:
        return self.general + tuple(c for outcome in self.used for c in outcome.conditions)

    @property
    def query_string(self) -> str:
        """The purchase as URL parameters, to link to the same verdict (e.g. printable)."""
        f = self.facts
        params = {"agency": f.agency_id, "on": f.on.isoformat(), "scope": f.scope}
        if f.amount is not None:
            params["amount"] = str(f.amount)
        if f.federal_funds:
            params["federal_funds"] = "on"
        return urlencode(params)

    @property
    def to_document(self) -> tuple[ConditionResult, ...]:
        """The conditions the buyer must document before relying on the verdict."""
        return tuple(c for c in self.conditions if c.status == NEEDS_EVIDENCE)

    @property
    def citations(self) -> tuple[Citation, ...]:
        return tuple(dict.fromkeys(c for outcome in self.used for c in outcome.citations))

    @property
    def buyer_duties(self) -> tuple[tuple[str, str], ...]:
        keys = dict.fromkeys(d for outcome in self.used for d in outcome.rule.buyer_duties)
        return tuple((key, vocab.DUTIES[key]) for key in keys)

    @property
    def evidence(self) -> tuple[EvidenceItem, ...]:
        keys = dict.fromkeys(k for outcome in self.used for k in _evidence_keys(outcome))
        return tuple(_evidence_item(key, self.facts) for key in keys)

    @property
    def unverified(self) -> tuple[str, ...]:
        return tuple(o.rule_id for o in self.used if o.rule.verification.status != "reviewed")


def _evidence_keys(outcome: RuleOutcome) -> list[str]:
    rule, present = outcome.rule, {c.key for c in outcome.conditions}
    implied = {
        "advertisement_required": "advertisement_proof",
        "governing_body_approval": "governing_body_approval",
        "external_approval": "external_approval",
        "not_above_state_contract_price": "price_comparison",
    }
    keys = list(rule.evidence_required)
    if rule.conditions.governing_body_approval != "required":
        implied.pop("governing_body_approval")
    keys += [evidence for key, evidence in implied.items() if key in present]
    keys += [a.evidence for a in rule.conditions.attestations if a.evidence and a.id in present]
    return keys


def _evidence_item(key: str, f: Facts) -> EvidenceItem:
    if key in f.evidence_on_file:
        return EvidenceItem(key, vocab.EVIDENCE[key], True, f.evidence_on_file[key])
    if key in vocab.PROGRAM_EVIDENCE:
        note = "Not on file with the program: ask the lead agency or the program office for it."
    else:
        note = "Your agency prepares or obtains this."
    return EvidenceItem(key, vocab.EVIDENCE[key], False, note)
