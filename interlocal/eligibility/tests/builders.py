"""Facts, rules and agreements for the eligibility tests.

Agreements and solicitations are written straight to the database: their own services are
being built in parallel, and these tests need only the rows the evaluator reads.
"""

import datetime
from typing import Any

from interlocal.agreements.models import Agreement
from interlocal.eligibility.schema import Rule
from interlocal.eligibility.verdict import Advertisement, Facts
from interlocal.registry.models import Agency
from interlocal.solicitations.models import Advertisement as AdvertisementRow
from interlocal.solicitations.models import Solicitation, Status
from tests.factories import AgencyFactory, SupplierFactory, state

ON = datetime.date(2026, 3, 2)
CLAUSE = "Any public agency in the United States may buy under this agreement."


def facts(**overrides: Any) -> Facts:
    """A purchase where everything the data can show is in order: an active agreement awarded
    by RFP, advertised, with a cooperative clause, led by a Texas county for a Texas city."""
    values: dict[str, Any] = {
        "on": ON,
        "buyer_name": "City of Lake Ridge",
        "buyer_type": "municipality",
        "buyer_state": "TX",
        "lead_name": "Harmon County",
        "lead_type": "county",
        "lead_state": "TX",
        "agreement_number": "MA-2026-001",
        "agreement_status": "active",
        "agreement_effective_on": datetime.date(2026, 1, 1),
        "agreement_expires_on": datetime.date(2028, 12, 31),
        "scope": "goods",
        "cooperative_clause": CLAUSE,
        "solicitation_number": "RFP-2025-014",
        "method": "rfp",
        "advertisements": (Advertisement("Texas Register", datetime.date(2025, 9, 1)),),
    }
    values.update(overrides)
    return Facts(**values)


def rule(**overrides: Any) -> Rule:
    """A minimal Texas rule with no conditions; tests add the ones they exercise."""
    body: dict[str, Any] = {
        "rule_id": "TX-TEST-1",
        "title": "Test authority",
        "summary": "A rule for tests.",
        "jurisdiction": {"layer": "state", "state": "TX"},
        "applies_to": {
            "agency_types": ["county", "municipality", "school_district"],
            "categories": ["goods", "services"],
        },
        "authority": [{"cite": "Test Code §1"}, {"cite": "Test Code §2"}],
        "conditions": {},
        "effect": "satisfies_competitive_bidding",
        "verification": {"status": "unverified", "note": "confirm with counsel"},
    }
    body.update(overrides)
    return Rule.model_validate(body)


def agreement(
    *,
    lead: Agency | None = None,
    number: str = "MA-2026-001",
    scope: str = "goods",
    method: str | None = "rfp",
    advertised: bool = True,
    clause: str = CLAUSE,
    effective_on: datetime.date = datetime.date(2026, 1, 1),
    expires_on: datetime.date = datetime.date(2028, 12, 31),
) -> Agreement:
    """An awarded agreement; ``method=None`` makes a legacy one with no solicitation on record."""
    lead = lead or AgencyFactory(name="Harmon County", agency_type="county", state=state("TX"))
    solicitation = None
    if method is not None:
        awarded = datetime.datetime(2025, 11, 3, 15, tzinfo=datetime.UTC)
        solicitation = Solicitation.objects.create(
            number=f"RFP-{number}",
            title="Office supplies",
            lead_agency=lead,
            status=Status.AWARDED,
            scope=scope,
            method=method,
            description="Office supplies for participating agencies.",
            due_at=datetime.datetime(2025, 10, 1, 20, tzinfo=datetime.UTC),
            published_at=datetime.datetime(2025, 9, 1, 14, tzinfo=datetime.UTC),
            awarded_at=awarded,
        )
        if advertised:
            AdvertisementRow.objects.create(
                solicitation=solicitation,
                medium="Texas Register",
                published_on=datetime.date(2025, 9, 1),
            )
    return Agreement.objects.create(
        number=number,
        title="Office supplies",
        lead_agency=lead,
        supplier=SupplierFactory(),
        solicitation=solicitation,
        scope=scope,
        cooperative_clause=clause,
        effective_on=effective_on,
        initial_term_months=36,
        initial_term_ends_on=expires_on,
        expires_on=expires_on,
    )
