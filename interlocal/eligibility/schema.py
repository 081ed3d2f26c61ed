"""The eligibility rule format, validated by pydantic: one class per part of a rule.

Every model refuses keys it does not know, so a misspelt condition is an error rather than a
condition silently ignored (which would make a verdict look better than the law allows). The
same schema checks the shipped YAML files, the program office's edits and the stored versions.
Field-by-field documentation: ``docs/eligibility.md``.
"""

import datetime
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from interlocal.core.money import CENT, MoneyError, parse_amount
from interlocal.eligibility import vocabulary as vocab

RULE_ID = re.compile(r"^[A-Z]{2}(-[A-Z0-9][A-Z0-9.:]*)+$")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
STATE = re.compile(r"^[A-Z]{2}$")


def _one_of(words: Mapping[str, str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in words:
            raise ValueError(f"'{value}' is not {what}; use one of: {', '.join(words)}")
        return value

    return check


def _money(value: Any) -> Decimal:
    # YAML reads 250000.00 as a float; floats cannot hold cents exactly, so they are refused.
    if isinstance(value, bool | float):
        raise ValueError(f"write amounts as quoted text, e.g. '250000.00' (got {value!r})")
    try:
        amount = parse_amount(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValueError(f"'{value}' must be a positive amount in whole cents")
    return amount


Money = Annotated[Decimal, BeforeValidator(_money), PlainSerializer(str, return_type=str)]
AgencyTypeName = Annotated[str, AfterValidator(_one_of(vocab.AGENCY_TYPES, "an agency type"))]
ScopeName = Annotated[str, AfterValidator(_one_of(vocab.SCOPES, "a category"))]
MethodName = Annotated[str, AfterValidator(_one_of(vocab.METHODS, "a competitive method"))]
DutyName = Annotated[str, AfterValidator(_one_of(vocab.DUTIES, "a buyer duty"))]
EvidenceName = Annotated[str, AfterValidator(_one_of(vocab.EVIDENCE, "an evidence item"))]
EffectName = Annotated[str, AfterValidator(_one_of(vocab.EFFECTS, "an effect"))]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Jurisdiction(Strict):
    """Where the rule comes from. ``state`` is the two-letter postal code; the federal overlay
    and program-wide rules have none."""

    country: Literal["US"] = "US"
    layer: Literal["federal_overlay", "state", "program", "local"]
    state: str | None = None
    locality: str = ""

    @model_validator(mode="after")
    def _state_fits_layer(self) -> "Jurisdiction":
        if self.state is not None and not STATE.match(self.state):
            raise ValueError(
                f"state must be a two-letter postal code such as TX, not '{self.state}'"
            )
        if self.layer in ("state", "local") and self.state is None:
            raise ValueError(f"a {self.layer} rule needs the state it belongs to")
        if self.layer == "federal_overlay" and self.state is not None:
            raise ValueError("the federal overlay applies in every state: leave state empty")
        return self


class Amount(Strict):
    """The purchase amounts a rule covers, in dollars: over ``over``, up to ``at_most``."""

    over: Money | None = None
    at_most: Money | None = None

    @model_validator(mode="after")
    def _in_order(self) -> "Amount":
        if self.over is None and self.at_most is None:
            raise ValueError("give over, at_most or both (or leave amount out)")
        if self.over is not None and self.at_most is not None and self.at_most <= self.over:
            raise ValueError("at_most must be more than over")
        return self


class AppliesTo(Strict):
    agency_types: list[AgencyTypeName] = Field(min_length=1)
    categories: list[ScopeName] = Field(min_length=1)
    amount: Amount | None = None
    # A local rule names the agencies it binds by Census government ID.
    census_ids: list[str] = []


class Authority(Strict):
    cite: Text
    url: str = ""
    effective_from: datetime.date | None = None
    sunset: datetime.date | None = None
    note: str = ""

    @model_validator(mode="after")
    def _url_is_a_link(self) -> "Authority":
        if self.url and not self.url.startswith(("https://", "http://")):
            raise ValueError("url must start with https:// (or leave it empty)")
        return self


class ExternalApproval(Strict):
    by: Text
    description: Text


class Attestation(Strict):
    """A condition the data cannot check, which the buyer documents (always "needs evidence").

    ``when_*`` narrow it: only for these categories, only for these methods of award, only for
    purchases over an amount (an unknown method or amount keeps it, worded as "if ...")."""

    id: Annotated[str, Field(pattern=SLUG.pattern)]
    label: Text
    text: Text
    evidence: EvidenceName | None = None
    when_categories: list[ScopeName] | None = None
    when_methods: list[MethodName] | None = None
    when_over: Money | None = None


class Conditions(Strict):
    lead_agency_public_body: bool = False
    lead_agency_types: Annotated[list[AgencyTypeName], Field(min_length=1)] | None = None
    lead_agency_location: (
        Annotated[list[Literal["in_state", "out_of_state"]], Field(min_length=1)] | None
    ) = None
    cooperative_clause_required: bool = False
    competitive_methods: Annotated[list[MethodName], Field(min_length=1)] | None = None
    advertisement_required: bool = False
    governing_body_approval: Literal["required", "not_required"] | None = None
    external_approval: ExternalApproval | None = None
    max_age_days: Annotated[int, Field(gt=0)] | None = None
    not_above_state_contract_price: bool = False
    attestations: list[Attestation] = []

    def present(self) -> set[str]:
        """The names of the conditions this rule sets (and the ids of its attestations)."""
        names = {
            name
            for name in vocab.CONDITIONS
            if name in type(self).model_fields and getattr(self, name) not in (None, False)
        }
        return names | {a.id for a in self.attestations}


class Verification(Strict):
    status: Literal["unverified", "reviewed"]
    note: Text
    reviewed_by: str = ""
    reviewed_on: datetime.date | None = None

    @model_validator(mode="after")
    def _reviewed_says_by_whom(self) -> "Verification":
        if self.status == "reviewed" and not (self.reviewed_by and self.reviewed_on):
            raise ValueError("a reviewed rule needs reviewed_by and reviewed_on")
        return self


class Rule(Strict):
    rule_id: Annotated[str, Field(pattern=RULE_ID.pattern, max_length=60)]
    title: Text
    summary: Text
    jurisdiction: Jurisdiction
    applies_to: AppliesTo
    authority: list[Authority] = Field(min_length=1)
    conditions: Conditions
    # Which authorities support which condition (by cite); conditions not named cite them all.
    condition_citations: dict[str, list[str]] = {}
    effect: EffectName
    buyer_duties: list[DutyName] = []
    evidence_required: list[EvidenceName] = []
    effective_from: datetime.date | None = None
    sunset: datetime.date | None = None
    verification: Verification
    notes: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "Rule":
        if self.effective_from and self.sunset and self.sunset < self.effective_from:
            raise ValueError("sunset (the last day the rule applies) is before effective_from")
        cites = {a.cite for a in self.authority}
        present = self.conditions.present()
        for name, named in self.condition_citations.items():
            if name not in present:
                raise ValueError(
                    f"condition_citations names '{name}', which is not a condition or "
                    f"attestation of this rule (it has: {', '.join(sorted(present))})"
                )
            for cite in named:
                if cite not in cites:
                    raise ValueError(
                        f"condition_citations.{name} cites '{cite}', which is not in authority"
                    )
        prefix = "US" if self.jurisdiction.layer == "federal_overlay" else self.jurisdiction.state
        if prefix and not self.rule_id.startswith(f"{prefix}-"):
            raise ValueError(f"rule_id must start with '{prefix}-' for this jurisdiction")
        ids = [a.id for a in self.conditions.attestations]
        if len(ids) != len(set(ids)):
            raise ValueError("two attestations share an id")
        return self

    def in_force(self, day: datetime.date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.sunset is None or day <= self.sunset
        )

    def citations_for(self, condition: str) -> list[Authority]:
        named = self.condition_citations.get(condition)
        if not named:
            return list(self.authority)
        return [a for a in self.authority if a.cite in named]


class RuleFile(Strict):
    """A shipped file: the rules of one jurisdiction."""

    rules: list[Rule] = Field(min_length=1)
