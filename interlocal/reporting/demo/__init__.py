"""The demo program's sales history: every agreement's quarterly reports since it took effect,
accepted, with their customers and invoice lines, and the last quarter's filings in every state a
program office meets (late, corrected, failed, waiting for review, missing).

``seed_sales`` is called by ``registry.demo.seed.seed_demo`` after the agreements exist, in the
same run or, for ``make demo``, in a second one beside the web server (``seed_demo --history
later``, then ``--history only``). The history (``plan`` → ``bulk``) is written directly, a
quarter per transaction, and recorded by one audit event when complete; the last quarter's
filings (``recent``) go through the real services, so they are processed, matched and audited
like real ones. Each history quarter's reports are invoiced and paid in the quarter's own
transaction (``fees.demo``), the last quarter's filings through the acceptance service.
"""

import datetime
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.agreements.demo.catalog import PROGRAMS
from interlocal.agreements.models import Agreement, PriceFile, PriceItem
from interlocal.analytics.services import rollups
from interlocal.core import audit
from interlocal.core.models import AuditEvent
from interlocal.core.periods import Quarter
from interlocal.fees import demo as fees_demo
from interlocal.registry.models import AdvisoryBoardMember, Agency, Supplier
from interlocal.reporting.demo import bulk
from interlocal.reporting.demo.plan import AgreementFacts, ReportPlan, plan_sales
from interlocal.reporting.demo.recent import RecentFilings, file_recent
from interlocal.reporting.ingest import FIELDS
from interlocal.reporting.models import (
    ReportCustomer,
    ReportKind,
    ReportObligation,
    ReportStatus,
    SalesReport,
)
from interlocal.reporting.services.obligations import (
    due_on,
    last_day_in_force,
    open_obligations,
    quarters_owed,
)
from interlocal.reporting.services.processing import quality_score

#: How the awards of one solicitation share its program's sales, by number of awards.
AWARD_SHARES = {1: (1.0,), 2: (0.6, 0.4), 3: (0.5, 0.3, 0.2)}
#: Agency types each program's buyers lean towards (weight multipliers); others weigh 1.
LEANINGS = {
    "school": {"school_district": 4.0},
    "av": {"school_district": 3.0, "public_college": 2.0},
    "athletic": {"school_district": 3.0, "public_college": 2.0},
    "playground": {"municipality": 2.0, "school_district": 2.0},
    "furniture": {"school_district": 1.5, "public_college": 1.5},
    "vehicles": {"county": 2.0, "municipality": 2.0},
    "fleet": {"county": 2.0, "municipality": 2.0},
    "safety": {"county": 2.0, "municipality": 2.0},
    "traffic": {"county": 2.0, "municipality": 2.0, "township": 2.0},
    "water": {"special_district": 4.0, "municipality": 2.0},
    "medical": {"county": 2.0, "special_district": 1.5},
}
#: A quarter an agreement was in force fewer days than this is a no-sales filing.
NO_SALES_BELOW_DAYS = 20
DEMO_NOTE = "Demo history, loaded in bulk: the original file is not kept."
SEED_VERB = "demo.seed"  # the audit event of a seeded demo program, with its scale and seed
HISTORY_VERB = "demo.seed_sales"  # the audit event that says the history is complete


def seed_sales(
    seed: int,
    scale: float,
    personas: dict[str, str],
    progress: Callable[[Quarter, int], None] | None = None,
) -> dict[str, Any]:
    """Write the sales history, one quarter per transaction, oldest first, then the last
    quarter's filings; returns counts for the seed summary.

    Quarters already written are skipped, so a run that was stopped picks up where it was (the
    plan is drawn again from the seed and comes out the same). On SQLite each quarter holds
    the database's write lock only for its own few seconds, so ``make demo`` serves pages
    while the history is written beside it. ``progress(quarter, lines)`` follows each quarter
    written."""
    today = timezone.localdate()
    started = time.perf_counter()
    if history_complete():
        return _counts(started)
    rng, facts, participants, plans = planned(seed, scale, today)
    recent = RecentFilings.choose(rng, plans, today, personas)
    buyers = _Buyers(participants, facts, rng)
    by_quarter: dict[Quarter, list[ReportPlan]] = {}
    for plan in plans:
        if not recent.handles(plan):
            by_quarter.setdefault(plan.quarter, []).append(plan)
    persona = Supplier.objects.filter(
        organization__memberships__user__email=personas.get("supplier_rep", "")
    ).first()
    payers = fees_demo.Payers.choose(
        seed,
        [p for quarter in by_quarter.values() for p in quarter],
        today,
        persona.pk if persona else None,
    )
    written = set(
        SalesReport.objects.filter(note=DEMO_NOTE).values_list("obligation__period", flat=True)
    )
    admin = User.objects.get(email=personas["program_admin"])
    treasurer = User.objects.get(email=personas["treasurer"])
    bulk.create_scratch(max((p.lines for p in plans), default=1), today)
    try:
        for quarter in sorted(by_quarter):
            if str(quarter) in written:
                continue
            with transaction.atomic():
                lines = _write_history(by_quarter[quarter], buyers, personas, payers)
                fees_demo.distribute_ended(quarter, today, admin, treasurer)
            if progress is not None:
                progress(quarter, lines)
    finally:
        bulk.drop_scratch()
    with transaction.atomic():
        open_obligations(today)
        recent_counts = file_recent(recent, buyers, personas)
        fees_demo.distribute_the_rest(max(by_quarter, default=None), today, admin, treasurer)
        counts = _counts(started) | {
            "recent": recent_counts,
            "fees": fees_demo.ledger_counts(today, payers),
        }
        audit.record(
            actor=None,
            actor_label="operator: manage.py seed_demo",
            verb=HISTORY_VERB,
            object_type="reporting.salesreport",
            object_repr="demo sales history",
            after=counts,
        )
    return counts


def planned(
    seed: int, scale: float, today: datetime.date
) -> tuple[random.Random, list[AgreementFacts], list[tuple], list[ReportPlan]]:
    """The history's plan for the program in the database, and the random stream it was drawn
    from (its own: the same history whether written in one run or resumed), to draw on."""
    rng = random.Random(f"demo-sales-{seed}")
    facts = _facts(today)
    participants = list(
        Agency.objects.participating()
        .filter(parent__isnull=True)
        .order_by("pk")
        .values_list("id", "participating_since", "agency_type", "population", "enrollment")
    )
    joined = sorted(day for _, day, *_ in participants if day is not None)
    return rng, facts, participants, plan_sales(rng, facts, joined, scale)


def history_complete() -> bool:
    """Whether the demo's sales history has been written to its end."""
    return AuditEvent.objects.filter(verb=HISTORY_VERB).exists()


def history_in_progress() -> dict[str, str] | None:
    """While a demo program's sales history is still being written (``seed_demo --history
    only`` beside the web server): ``{"through": the last quarter written, or ""}``; else None."""
    if history_complete() or not AuditEvent.objects.filter(verb=SEED_VERB).exists():
        return None
    last = (
        SalesReport.objects.filter(note=DEMO_NOTE)
        .order_by("-obligation__period")
        .values_list("obligation__period", flat=True)
        .first()
    )
    return {"through": last or ""}


def _counts(started: float) -> dict[str, Any]:
    reports = SalesReport.objects.filter(note=DEMO_NOTE)
    totals = reports.aggregate(lines=Sum("line_count"), cents=Sum("total_cents"))
    return {
        "reports": reports.count(),
        "no_sales_filings": reports.filter(kind=ReportKind.NO_SALES).count(),
        "filed_late": reports.filter(submitted_at__date__gt=F("obligation__due_on")).count(),
        "customers": ReportCustomer.objects.filter(report__note=DEMO_NOTE).count(),
        "lines": totals["lines"] or 0,
        "sales_cents": totals["cents"] or 0,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _facts(today: datetime.date) -> list[AgreementFacts]:
    programs = {p.title: p for p in PROGRAMS}
    agreements = list(Agreement.objects.order_by("effective_on", "number"))
    ranks = {
        pk: n for n, pk in enumerate(Supplier.objects.order_by("pk").values_list("pk", flat=True))
    }
    prices: dict[int, list[int]] = {}
    for agreement_id, cents in PriceItem.objects.values_list(
        "price_file__agreement_id", "contract_price_cents"
    ):
        prices.setdefault(agreement_id, []).append(cents)
    awards: dict[int | None, list[Agreement]] = {}
    for a in agreements:
        awards.setdefault(a.solicitation_id, []).append(a)
    facts = []
    for a in agreements:
        together = awards[a.solicitation_id]
        shares = AWARD_SHARES.get(len(together), tuple(1 / len(together) for _ in together))
        facts.append(
            AgreementFacts(
                id=a.pk,
                number=a.number,
                supplier_id=a.supplier_id,
                supplier_rank=ranks[a.supplier_id],
                program=programs[a.title],
                effective_on=a.effective_on,
                last_day=last_day_in_force(a),
                share=shares[together.index(a)],
                floor_dollars=_percentile(prices.get(a.pk, [0]), 0.10) / 100,
                quarters=tuple(quarters_owed(a, today)),
            )
        )
    return facts


def _percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


class _Buyers:
    """Which agencies buy on an agreement in a quarter: the first ``n`` participants of the day
    in the program's ranking: larger agencies of the types it leans towards ranked higher, the
    Advisory Board's above them and the lead agency first. Once a program has 50 buyers, one
    in ten sits a quarter out."""

    def __init__(self, participants: list[tuple], facts: list[AgreementFacts], rng: random.Random):
        self.ids = np.array([p[0] for p in participants], dtype=np.int64)
        self.joined = np.array([bulk.day_index(p[1]) for p in participants], dtype=np.int64)
        size = np.array([p[3] or p[4] or 100 for p in participants], dtype=np.float64)
        types = [p[2] for p in participants]
        leads = dict(Agreement.objects.values_list("id", "lead_agency_id"))
        founders = list(AdvisoryBoardMember.objects.values_list("agency_id", flat=True))
        self.rankings: dict[str, np.ndarray] = {}
        for program in sorted({f.program.key for f in facts}):
            leaning = LEANINGS.get(program, {})
            weight = np.log10(size + 10) * np.array([leaning.get(t, 1.0) for t in types])
            draw = np.random.default_rng(rng.getrandbits(32)).random(len(types))
            keys = draw ** (1.0 / weight)
            # the Advisory Board's agencies founded the program and use it first, the lead
            # agency on its own agreement before any
            keys[np.isin(self.ids, founders)] = 1.0 + keys[np.isin(self.ids, founders)]
            first = [leads[f.id] for f in facts if f.program.key == program]
            keys[np.isin(self.ids, first)] = 3.0
            self.rankings[program] = np.argsort(-keys, kind="stable")

    def pick(self, plan: ReportPlan) -> np.ndarray:
        order = self.rankings[plan.agreement.program.key]
        eligible = self.joined[order] <= bulk.day_index(plan.last_day)
        if plan.buyers >= 50:
            quarter = plan.quarter.year * 4 + plan.quarter.number
            # by position, not id: ids differ between databases, positions do not
            eligible &= (order * 2654435761 + quarter * 40503) % 1000 >= 100
        return self.ids[order[eligible][: plan.buyers]]


def segments(plan: ReportPlan, files: list[PriceFile]) -> tuple[bulk.Segment, ...]:
    """The report's days, cut where a new price-file version takes effect."""
    out = []
    for f in sorted(files, key=lambda f: f.effective_from):
        first = max(plan.first_day, f.effective_from)
        last = min(plan.last_day, f.effective_to or plan.last_day)
        if first <= last:
            out.append(bulk.Segment(f.pk, first, last))
    return tuple(out)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _write_history(
    plans: list[ReportPlan],
    buyers: _Buyers,
    personas: dict[str, str],
    payers: fees_demo.Payers,
) -> int:
    """One quarter's reports, accepted, with their obligations, customers and lines, their fee
    invoices and the payments made on them; returns the lines written. Runs inside the caller's
    transaction."""
    admin = User.objects.get(email=personas["program_admin"])
    agreements = {a.pk: a for a in Agreement.objects.filter(pk__in={p.agreement.id for p in plans})}
    periods = {p.period for p in plans}
    existing = {
        (o.agreement_id, o.period): o
        for o in ReportObligation.objects.filter(period__in=periods).select_related("agreement")
    }
    ReportObligation.objects.bulk_create(
        [
            ReportObligation(
                agreement=agreements[p.agreement.id],
                period=p.period,
                due_on=due_on(agreements[p.agreement.id], p.quarter),
            )
            for p in plans
            if (p.agreement.id, p.period) not in existing
        ],
        batch_size=2000,
    )
    obligations = {
        (o.agreement_id, o.period): o
        for o in ReportObligation.objects.filter(period__in=periods).select_related("agreement")
    }
    files: dict[int, list[PriceFile]] = {}
    for f in PriceFile.objects.filter(agreement_id__in=agreements):
        files.setdefault(f.agreement_id, []).append(f)
    cuts = [segments(plan, files.get(plan.agreement.id, [])) for plan in plans]
    reports = [
        _report(plan, obligations[(plan.agreement.id, plan.period)], bool(cut))
        for plan, cut in zip(plans, cuts, strict=True)
    ]
    SalesReport.objects.bulk_create(reports, batch_size=2000)
    if connection.vendor == "postgresql":
        # the customers' ids are chosen below, from the largest one: nobody may take one meanwhile
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE reporting_reportcustomer IN SHARE ROW EXCLUSIVE MODE")
    bulk.clear_buyers()
    customer_id = bulk.next_id("reporting_reportcustomer")
    buyer_rows: list[tuple[int, ...]] = []
    specs = []
    for report, plan, cut in zip(reports, plans, cuts, strict=True):
        if report.kind == ReportKind.NO_SALES:
            continue
        chosen = buyers.pick(plan)
        supplier = plan.agreement.supplier_rank
        upper, with_id = int(supplier % 3 == 0), int(supplier % 4 == 1)
        buyer_rows.extend(
            (report.pk, k, customer_id + k, int(agency), upper, with_id)
            for k, agency in enumerate(chosen)
        )
        customer_id += len(chosen)
        specs.append(
            bulk.LineSpec(
                report_id=report.pk,
                agreement_id=plan.agreement.id,
                invoice_prefix=f"{plan.agreement.number.split('-')[0]}{report.pk}-",
                buyers=len(chosen),
                lines=plan.lines,
                line_cents=max(1, round(plan.dollars * 100 / plan.lines)),
                markup_every=_markup_every(supplier, plan.quarter),
                seed=plan.seed % bulk.SEED_LIMIT,
                segments=cut,
            )
        )
    bulk.write_buyers(iter(buyer_rows))
    for spec in specs:
        bulk.write_lines(spec)
    written = [spec.report_id for spec in specs]
    bulk.totals_into_customers(written)
    _finish(reports, bulk.report_totals(written), bulk.match_counts(written), admin)
    fees_demo.invoice_and_pay(reports, payers)
    rollups.refresh(
        ReportObligation.objects.filter(pk__in=[r.obligation_id for r in reports]).select_related(
            "agreement", "accepted"
        )
    )
    return sum(r.line_count for r in reports)


def _markup_every(supplier_rank: int, quarter: Quarter) -> int:
    """One supplier in seven charges above contract now and then: one line in 400, in one
    quarter out of three."""
    if supplier_rank % 7 == 3 and (quarter.year + quarter.number) % 3 == 0:
        return 400
    return bulk.NEVER


def _report(plan: ReportPlan, obligation: ReportObligation, sold: bool) -> SalesReport:
    """An accepted version 1, filed before its due date (or as many days late as planned),
    processed minutes later and accepted automatically, or by the office when it had exceptions
    (``_finish`` sets who once the lines are counted)."""
    due = due_on(obligation.agreement, plan.quarter)
    filed = due + datetime.timedelta(days=plan.days_late or -(plan.seed % 25 + 1))
    submitted = _at(filed, 14 + plan.seed % 5)
    processed = submitted + datetime.timedelta(minutes=3 + plan.seed % 20)
    no_sales = not sold or (plan.last_day - plan.first_day).days + 1 < NO_SALES_BELOW_DAYS
    supplier = plan.agreement.supplier_rank
    source = SalesReport.Source.API if supplier % 5 == 0 else SalesReport.Source.CSV
    return SalesReport(
        obligation=obligation,
        version=1,
        kind=ReportKind.NO_SALES if no_sales else ReportKind.LINES,
        source=SalesReport.Source.FORM if no_sales else source,
        original_name="" if no_sales or source == "api" else f"{obligation}.csv".replace(" ", "-"),
        note=DEMO_NOTE,
        submitted_at=submitted,
        processed_at=processed,
        accepted_at=processed,
        status=ReportStatus.ACCEPTED,
    )


def _finish(
    reports: list[SalesReport],
    totals: dict[int, tuple[int, int, int, int]],
    matches: dict[int, dict[str, int]],
    admin: User,
) -> None:
    """Counts, totals, scores and summaries onto the reports; the obligations accepted."""
    columns = list(FIELDS)
    obligations = []
    for report in reports:
        obligation = report.obligation
        obligation.status = ReportStatus.ACCEPTED
        obligation.latest = obligation.accepted = report
        obligation.first_filed_at = report.submitted_at
        obligations.append(obligation)
        if report.kind == ReportKind.NO_SALES:
            report.summary = {"no_sales": True}
            continue
        lines, cents, flagged, customers = totals[report.pk]
        report.line_count, report.total_cents, report.warning_count = lines, cents, flagged
        report.quality_score = quality_score(lines, flagged)
        warnings = {"price_above_contract": flagged} if flagged else {}
        if flagged:  # exceptions: the office looked before accepting
            report.accepted_by = admin
            report.accepted_at = report.submitted_at + datetime.timedelta(days=2)
        report.summary = {
            "format": "json" if report.source == SalesReport.Source.API else "csv",
            "lines_read": lines,
            "lines": lines,
            "columns": columns,
            "errors": {},
            "warnings": warnings,
            "notes": [DEMO_NOTE],
            "customers": customers,
            "matches": matches.get(report.pk, {}),
            "review_items": 0,
            "total_cents": str(cents),
        }
    SalesReport.objects.bulk_update(
        reports,
        [
            "line_count",
            "total_cents",
            "warning_count",
            "quality_score",
            "summary",
            "accepted_at",
            "accepted_by",
        ],
        batch_size=1000,
    )
    ReportObligation.objects.bulk_update(
        obligations, ["status", "latest", "accepted", "first_filed_at"], batch_size=1000
    )
