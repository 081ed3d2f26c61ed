"""The rollups computed the slow way, in Python, from the accepted sales lines, their fee lines
and the suppliers' certifications: what ``services.rollups`` must equal, row for row."""

import datetime
from collections import Counter, defaultdict
from typing import Any

from interlocal.analytics import certified
from interlocal.analytics.models import (
    MEASURES,
    AgencyQuarter,
    AgreementBuyer,
    Buyer,
    RetentionCell,
    SegmentQuarter,
    StateQuarter,
    quarter_index,
)
from interlocal.reporting.models import SalesLine

Tables = dict[str, dict[tuple, tuple]]


def expected() -> Tables:
    spans = certified.windows(
        SalesLine.objects.facts().values_list("agreement__supplier_id", flat=True).distinct()
    )
    agency: dict[tuple, Counter[str]] = defaultdict(Counter)
    place: dict[int, tuple[int, str]] = {}
    supplier_of: dict[int, int] = {}
    for row in SalesLine.objects.facts().values(
        "agreement_id",
        "agreement__supplier_id",
        "report__obligation__period",
        "agency_id",
        "agency__state_id",
        "agency__agency_type",
        "extended_cents",
        "fee__fee_cbp",
        "list_price_e4",
        "contract_price_e4",
        "quantity",
        "invoice_date",
    ):
        key = (row["agreement_id"], row["report__obligation__period"], row["agency_id"])
        place[row["agency_id"]] = (row["agency__state_id"], row["agency__agency_type"])
        supplier_of[row["agreement_id"]] = row["agreement__supplier_id"]
        sums = agency[key]
        sums["lines"] += 1
        sums["sales_cents"] += row["extended_cents"]
        sums["fee_cbp"] += row["fee__fee_cbp"] or 0
        if row["list_price_e4"] is not None and row["contract_price_e4"] is not None:
            sums["priced_cents"] += row["extended_cents"]
            quantity_e4 = int(row["quantity"] * 10000)
            sums["savings_e8"] += (row["list_price_e4"] - row["contract_price_e4"]) * quantity_e4
        held = spans.get(row["agreement__supplier_id"], {})
        for name in certified.CLASSES:
            if _in_force(row["invoice_date"], held.get(name, [])):
                sums[f"{name}_cents"] += row["extended_cents"]

    def measures(sums: Counter[str]) -> tuple:
        return tuple(sums[m] for m in MEASURES)

    first_use: dict[tuple[int, int], str] = {}
    first_buy: dict[int, str] = {}
    used: dict[tuple[int, int], set[int]] = defaultdict(set)
    bought: dict[int, set[int]] = defaultdict(set)
    active: set[tuple[int, int]] = set()
    for agreement_id, period, agency_id in agency:
        first_use[(agreement_id, agency_id)] = min(
            period, first_use.get((agreement_id, agency_id), period)
        )
        first_buy[agency_id] = min(period, first_buy.get(agency_id, period))
        used[(agreement_id, agency_id)].add(quarter_index(period))
        bought[agency_id].add(quarter_index(period))
        active.add((agency_id, int(period[:4])))

    segment: dict[tuple, Counter[str]] = defaultdict(Counter)
    state: dict[tuple, Counter[str]] = defaultdict(Counter)
    for (agreement_id, period, agency_id), sums in agency.items():
        state_id, agency_type = place[agency_id]
        for bucket in (
            segment[(agreement_id, period, state_id, agency_type)],
            state[(period, state_id, agency_type)],
        ):
            bucket.update(sums)
            bucket["agencies"] += 1
        if first_use[(agreement_id, agency_id)] == period:
            segment[(agreement_id, period, state_id, agency_type)]["first_uses"] += 1
            state[(period, state_id, agency_type)]["first_uses"] += 1
    # an agency buying under two agreements in a quarter is one buyer of the program
    for key in state.values():
        key["agencies"] = 0
    for period, agency_id in {(p, a) for _, p, a in agency}:
        state[(period, *place[agency_id])]["agencies"] += 1
    for agency_id, period in first_buy.items():
        state[(period, *place[agency_id])]["first_buyers"] += 1
    retention: Counter[tuple] = Counter(
        (int(first_buy[a][:4]), year, place[a][1]) for a, year in active
    )
    return {
        "agency": {
            (ag, p, a, supplier_of[ag], *place[a]): measures(s) for (ag, p, a), s in agency.items()
        },
        "segment": {
            (ag, p, s_id, t, supplier_of[ag]): (*measures(s), s["agencies"], s["first_uses"])
            for (ag, p, s_id, t), s in segment.items()
        },
        "state": {
            k: (*measures(s), s["agencies"], s["first_buyers"], s["first_uses"])
            for k, s in state.items()
        },
        "agreement_buyer": {
            (ag, a): (p, *place[a], supplier_of[ag], frozenset(used[(ag, a)]))
            for (ag, a), p in first_use.items()
        },
        "buyer": {(a,): (p, *place[a], frozenset(bought[a])) for a, p in first_buy.items()},
        "retention": {key: (n,) for key, n in retention.items()},
    }


def actual() -> Tables:
    def table(model: Any, key: list[str], values: list[str]) -> dict[tuple, tuple]:
        rows = model.objects.values_list(*key, *values)
        return {
            tuple(r[: len(key)]): tuple(
                _marked(v) if name == "quarters" else v
                for name, v in zip(values, r[len(key) :], strict=True)
            )
            for r in rows
        }

    return {
        "agency": table(
            AgencyQuarter,
            ["agreement_id", "period", "agency_id", "supplier_id", "state_id", "agency_type"],
            MEASURES,
        ),
        "segment": table(
            SegmentQuarter,
            ["agreement_id", "period", "state_id", "agency_type", "supplier_id"],
            [*MEASURES, "agencies", "first_uses"],
        ),
        "state": table(
            StateQuarter,
            ["period", "state_id", "agency_type"],
            [*MEASURES, "agencies", "first_buyers", "first_uses"],
        ),
        "agreement_buyer": table(
            AgreementBuyer,
            ["agreement_id", "agency_id"],
            ["first_period", "state_id", "agency_type", "supplier_id", "quarters"],
        ),
        "buyer": table(
            Buyer, ["agency_id"], ["first_period", "state_id", "agency_type", "quarters"]
        ),
        "retention": table(RetentionCell, ["cohort", "year", "agency_type"], ["agencies"]),
    }


def _marked(quarters: str) -> frozenset[int]:
    """The quarters an activity string marks bought (its zeros and length do not matter)."""
    return frozenset(i for i, c in enumerate(quarters) if c == "1")


def _in_force(day: datetime.date, spans: list[tuple[datetime.date, datetime.date]]) -> bool:
    return any(start <= day <= end for start, end in spans)


def assert_reconciled() -> None:
    want, got = expected(), actual()
    for name in want:
        assert got[name] == want[name], name
