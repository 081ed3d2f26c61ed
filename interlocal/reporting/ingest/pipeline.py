"""Run a report through the stages: read, validate, match. Nothing here writes to the
database but the progress counters; :func:`interlocal.reporting.services.process_report`
writes the outcome in one transaction with :mod:`.load`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.db.models import F

from interlocal.agreements.models import PriceItem
from interlocal.core.models import State
from interlocal.reporting.ingest import load
from interlocal.reporting.ingest.matching import Customer, Match, Registry, match_customers
from interlocal.reporting.ingest.read import Staged, read_file, stage_rows
from interlocal.reporting.ingest.validate import Context, Findings, states_named, validate
from interlocal.reporting.models import ReportObligation

Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass
class Outcome:
    """What processing found. ``matches`` is empty when the report has errors (it is not
    matched: nothing of it is loaded)."""

    staged: Staged
    findings: Findings
    customers: list[tuple] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def methods(self) -> dict[str, int]:
        """Lines by how their customer was matched."""
        counts: dict[str, int] = {}
        for customer, match in zip(self.customers, self.matches, strict=True):
            counts[match.method] = counts.get(match.method, 0) + customer[7]
        return counts

    @property
    def review_count(self) -> int:
        return sum(1 for m in self.matches if m.agency_id is None)

    @property
    def total_cents(self) -> int:
        return sum(int(c[8] or 0) for c in self.customers)


def context_for(obligation: ReportObligation) -> Context:
    quarter = obligation.quarter
    items = PriceItem.objects.filter(price_file__agreement_id=obligation.agreement_id).values_list(
        "sku",
        F("contract_price_cents") * 100,
        "list_price_cents",
        "price_file__effective_from",
        "price_file__effective_to",
    )
    rows = list(items)
    prices = pa.table(
        {
            "sku_key": pa.array([r[0].upper() for r in rows], pa.string()),
            "contract_e4": pa.array([r[1] for r in rows], pa.int64()),
            "list_e4": pa.array([None if r[2] is None else r[2] * 100 for r in rows], pa.int64()),
            "effective_from": pa.array([r[3] for r in rows], pa.date32()),
            "effective_to": pa.array([r[4] for r in rows], pa.date32()),
        }
    )
    return Context(
        first_day=quarter.first_day,
        last_day=quarter.last_day,
        period=str(quarter),
        states=frozenset(State.objects.values_list("postal", flat=True)),
        prices=prices,
    )


def _timed(function: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    return function(*args), time.perf_counter() - began


def run(
    obligation: ReportObligation,
    *,
    path: Path | None = None,
    rows: Iterable[Mapping[str, Any]] | None = None,
    sheet: str | None = None,
    supplier_id: int | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Read (a file at ``path`` or JSON ``rows``), validate and match one report."""
    say = progress or (lambda stage, done, total: None)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = round(now - clock, 3)
        clock = now

    say("reading", 0, 0)
    staged = read_file(path, sheet=sheet) if path is not None else stage_rows(rows or [])
    lap("read")
    say("validating", 0, staged.rows)
    ctx = context_for(obligation)
    states = states_named(staged.con)
    # The registry of the report's states is loaded while DuckDB validates, in a thread: DuckDB
    # releases the GIL, and the thread touches nothing but the DuckDB connection (which this
    # one leaves alone meanwhile). A report with errors just does not use the registry.
    with ThreadPoolExecutor(1, thread_name_prefix="validate") as pool:
        checking = pool.submit(_timed, validate, staged.con, staged.columns, ctx)
        try:
            registry: Registry | Exception = Registry.load(states, supplier_id=supplier_id)
        except Exception as exc:  # raised below if the registry is needed after all
            registry = exc
        findings, validating = checking.result()
    # The wall time split so that the stages still add up: validation's own, then what loading
    # the registry took beyond it (and, below, listing the customers).
    seconds["validate"] = round(validating, 3)
    clock += validating
    outcome = Outcome(staged, findings, seconds=seconds)
    if findings.error_count:
        lap("registry")
        return outcome
    if isinstance(registry, Exception):
        raise registry
    say("matching customers", findings.lines // 2, findings.lines)
    outcome.customers = load.distinct_customers(staged.con)
    lap("registry")
    outcome.matches = match_customers(
        [
            Customer(name=c[1], state=c[4], zip5=c[5], city=c[3], identifier=c[6])
            for c in outcome.customers
        ],
        registry=registry,
    )
    lap("match")
    return outcome
