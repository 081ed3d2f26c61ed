"""Keep the analytics rollups equal to the accepted sales facts.

``refresh(obligations)`` runs in the transaction that accepts a report (or supersedes one with
a correction) and touches only what those quarters change:

1. the quarter's ``AgencyQuarter`` rows are recomputed from its accepted lines (one grouped
   query over them, with their fee lines and the supplier's certifications);
2. ``FirstUse`` moves for the agencies that appeared or disappeared, and the agreement's
   ``SegmentQuarter`` rows are recomputed for the quarter (and their first-use counts for any
   quarter a first use moved to or from);
3. ``FirstPurchase`` likewise, then the ``StateQuarter`` rows of the quarters involved;
4. ``ActiveYear`` and ``RetentionCell`` by difference, for the agencies whose activity in the
   quarter's year or whose cohort changed.

``rebuild()`` clears everything and refreshes every accepted quarter in order, for a database
that predates the rollups or agencies that were reclassified.
"""

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Sum

from interlocal.analytics import certified
from interlocal.analytics.models import (
    MEASURES,
    ActiveYear,
    AgencyQuarter,
    FirstPurchase,
    FirstUse,
    RetentionCell,
    SegmentQuarter,
    StateQuarter,
)
from interlocal.core import audit
from interlocal.fees.models import FeeLine
from interlocal.registry.models import Agency
from interlocal.reporting.models import ReportObligation, ReportStatus, SalesLine

CHUNK = 500


@dataclasses.dataclass
class Refreshed:
    """What a refresh changed, for the audit event and the benchmark."""

    quarters: int = 0
    agency_rows: int = 0
    first_uses_moved: int = 0
    first_purchases_moved: int = 0
    activity_changed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class _Change:
    """One quarter of one agreement: the agencies that bought in it before and after."""

    agreement_id: int
    period: str
    before: set[int]
    after: set[int]


@transaction.atomic
def refresh(obligations: Iterable[ReportObligation]) -> Refreshed:
    """Bring the rollups in line with the accepted reports of ``obligations`` (any number,
    any quarters), inside the caller's transaction."""
    done = Refreshed()
    changes = [_rewrite_quarter(each, done) for each in obligations]
    if not changes:
        return done
    moved_periods = _move_first_uses(changes, done)
    for change in changes:
        _write_segments(change.agreement_id, change.period)
    for agreement_id, periods in moved_periods.items():
        _recount_first_uses(
            agreement_id, periods - {c.period for c in changes if c.agreement_id == agreement_id}
        )
    moved = _move_first_purchases(changes, done)
    recompute = {c.period for c in changes}
    recount = {p for m in moved.values() for p in (m.old_period, m.new_period)} - {""}
    _write_state_quarters(recompute, recount)
    _move_activity(changes, moved, done)
    return done


@transaction.atomic
def rebuild(progress: Callable[[str], None] | None = None) -> Refreshed:
    """Recompute every rollup from the accepted facts, a quarter at a time, oldest first, in
    one transaction; ``progress(period)`` follows each quarter. Audited."""
    for model in (RetentionCell, ActiveYear, FirstPurchase, FirstUse, StateQuarter):
        model.objects.all().delete()
    SegmentQuarter.objects.all().delete()
    AgencyQuarter.objects.all().delete()
    total = Refreshed()
    accepted = ReportObligation.objects.filter(accepted__isnull=False).select_related(
        "agreement", "accepted"
    )
    by_period: dict[str, list[ReportObligation]] = defaultdict(list)
    for obligation in accepted:
        by_period[obligation.period].append(obligation)
    for period in sorted(by_period):
        done = refresh(by_period[period])
        for field, value in done.as_dict().items():
            setattr(total, field, getattr(total, field) + value)
        if progress is not None:
            progress(period)
    audit.record(
        actor=None,
        actor_label="manage.py rebuild_analytics",
        verb="analytics.rebuild",
        object_type="analytics.rollups",
        after=total.as_dict(),
    )
    return total


# 1. One agreement's quarter, from its accepted lines.


def _rewrite_quarter(obligation: ReportObligation, done: Refreshed) -> _Change:
    agreement = obligation.agreement
    existing = AgencyQuarter.objects.filter(agreement=agreement, period=obligation.period)
    before = set(existing.values_list("agency_id", flat=True))
    existing.delete()
    report = obligation.accepted
    rows = []
    if report is not None and report.status == ReportStatus.ACCEPTED:
        rows = [
            AgencyQuarter(
                period=obligation.period,
                agreement_id=agreement.pk,
                supplier_id=agreement.supplier_id,
                **values,
            )
            for values in agency_sums(report.pk, agreement.supplier_id)
        ]
        AgencyQuarter.objects.bulk_create(rows, batch_size=2000)
    done.quarters += 1
    done.agency_rows += len(rows)
    return _Change(agreement.pk, obligation.period, before, {r.agency_id for r in rows})


def agency_sums(report_id: int, supplier_id: int) -> Iterator[dict[str, Any]]:
    """The measures of one report's fact lines by agency, in one pass over the lines."""
    spans = certified.windows([supplier_id]).get(supplier_id, {})
    classes = []
    params: list[Any] = []
    for name in ("diverse", "small", "local"):
        sql, args = certified.condition("l.invoice_date", spans.get(name, []))
        classes.append(f"SUM(CASE WHEN {sql} THEN l.extended_cents ELSE 0 END)")
        params += args
    priced = "l.list_price_e4 IS NOT NULL AND l.contract_price_e4 IS NOT NULL"
    sql = f"""
        SELECT l.agency_id, a.state_id, a.agency_type, COUNT(*), SUM(l.extended_cents),
               COALESCE(SUM(f.fee_cbp), 0),
               SUM(CASE WHEN {priced} THEN l.extended_cents ELSE 0 END),
               SUM(CASE WHEN {priced} THEN (l.list_price_e4 - l.contract_price_e4)
                        * CAST(ROUND(l.quantity * 10000) AS BIGINT) ELSE 0 END),
               {", ".join(classes)}
        FROM {SalesLine._meta.db_table} l
        JOIN {Agency._meta.db_table} a ON a.id = l.agency_id
        LEFT JOIN {FeeLine._meta.db_table} f ON f.line_id = l.id
        WHERE l.report_id = %s AND l.agency_id IS NOT NULL
        GROUP BY l.agency_id, a.state_id, a.agency_type
    """  # noqa: S608  (table names and conditions are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, report_id])
        for agency_id, state_id, agency_type, *sums in cursor.fetchall():
            yield {
                "agency_id": agency_id,
                "state_id": state_id,
                "agency_type": agency_type,
                **dict(zip(MEASURES, (int(s) for s in sums), strict=True)),
            }


# 2. First use of each agreement, and the agreement's segments.


def _move_first_uses(changes: Sequence[_Change], done: Refreshed) -> dict[int, set[str]]:
    """Move each changed agency's first use of the agreement; the quarters whose first-use
    counts changed, by agreement."""
    moved: dict[int, set[str]] = defaultdict(set)
    by_agreement: dict[int, list[_Change]] = defaultdict(list)
    for change in changes:
        by_agreement[change.agreement_id].append(change)
    for agreement_id, its in by_agreement.items():
        current = dict(
            FirstUse.objects.filter(agreement_id=agreement_id).values_list("agency_id", "period")
        )
        touched = _touched(its)
        firsts = _earliest(AgencyQuarter.objects.filter(agreement_id=agreement_id), touched)
        changed = {a for a in touched if current.get(a) != firsts.get(a)}
        if not changed:
            continue
        for chunk in _chunks(changed):
            FirstUse.objects.filter(agreement_id=agreement_id, agency_id__in=chunk).delete()
        places = _places({a for a in changed if a in firsts})
        FirstUse.objects.bulk_create(
            [
                FirstUse(agreement_id=agreement_id, agency_id=a, period=firsts[a], **places[a])
                for a in places
            ],
            batch_size=2000,
        )
        for a in changed:
            moved[agreement_id] |= {current.get(a, ""), firsts.get(a, "")} - {""}
        done.first_uses_moved += len(changed)
    return moved


def _write_segments(agreement_id: int, period: str) -> None:
    SegmentQuarter.objects.filter(agreement_id=agreement_id, period=period).delete()
    rows = (
        AgencyQuarter.objects.filter(agreement_id=agreement_id, period=period)
        .values("supplier_id", "state_id", "agency_type")
        .annotate(agencies=Count("agency_id"), **{m: Sum(m) for m in MEASURES})
        .order_by()
    )
    firsts = _counts(FirstUse.objects.filter(agreement_id=agreement_id, period=period))
    SegmentQuarter.objects.bulk_create(
        SegmentQuarter(
            agreement_id=agreement_id,
            period=period,
            first_uses=firsts.get((row["state_id"], row["agency_type"]), 0),
            **row,
        )
        for row in rows
    )


def _recount_first_uses(agreement_id: int, periods: set[str]) -> None:
    for period in periods:
        firsts = _counts(FirstUse.objects.filter(agreement_id=agreement_id, period=period))
        for segment in SegmentQuarter.objects.filter(agreement_id=agreement_id, period=period):
            n = firsts.get((segment.state_id, segment.agency_type), 0)
            if segment.first_uses != n:
                segment.first_uses = n
                segment.save(update_fields=["first_uses"])


# 3. First purchase in the program, and the program's quarters by state and type.


@dataclasses.dataclass(frozen=True)
class _Moved:
    """An agency whose first purchase moved: its cohort and type before and after ("" for
    none)."""

    old_period: str
    old_type: str
    new_period: str
    new_type: str


def _move_first_purchases(changes: Sequence[_Change], done: Refreshed) -> dict[int, _Moved]:
    touched = _touched(changes)
    current: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(touched):
        for agency_id, period, agency_type in FirstPurchase.objects.filter(
            agency_id__in=chunk
        ).values_list("agency_id", "period", "agency_type"):
            current[agency_id] = (period, agency_type)
    firsts = _earliest(AgencyQuarter.objects.all(), touched)
    changed = {a for a in touched if current.get(a, ("", ""))[0] != firsts.get(a, "")}
    for chunk in _chunks(changed):
        FirstPurchase.objects.filter(agency_id__in=chunk).delete()
    places = _places({a for a in changed if a in firsts})
    FirstPurchase.objects.bulk_create(
        [FirstPurchase(agency_id=a, period=firsts[a], **places[a]) for a in places],
        batch_size=2000,
    )
    done.first_purchases_moved += len(changed)
    return {
        a: _Moved(
            *current.get(a, ("", "")),
            firsts.get(a, ""),
            places[a]["agency_type"] if a in places else "",
        )
        for a in changed
    }


def _write_state_quarters(recompute: set[str], recount: set[str]) -> None:
    """Recompute the sums of the ``recompute`` quarters, and the first-buyer counts of the
    ``recount`` ones."""
    for period in sorted(recompute):
        StateQuarter.objects.filter(period=period).delete()
        rows = (
            AgencyQuarter.objects.filter(period=period)
            .values("state_id", "agency_type")
            .annotate(agencies=Count("agency_id", distinct=True), **{m: Sum(m) for m in MEASURES})
            .order_by()
        )
        firsts = _counts(FirstPurchase.objects.filter(period=period))
        StateQuarter.objects.bulk_create(
            StateQuarter(
                period=period,
                first_buyers=firsts.get((row["state_id"], row["agency_type"]), 0),
                **row,
            )
            for row in rows
        )
    for period in sorted(recount - recompute):
        firsts = _counts(FirstPurchase.objects.filter(period=period))
        for row in StateQuarter.objects.filter(period=period):
            n = firsts.get((row.state_id, row.agency_type), 0)
            if row.first_buyers != n:
                row.first_buyers = n
                row.save(update_fields=["first_buyers"])


# 4. Active years and the retention table, by difference.


def _move_activity(changes: Sequence[_Change], moved: dict[int, _Moved], done: Refreshed) -> None:
    """Mark the years agencies started or stopped buying in, and change the retention cells
    by as much: an agency whose cohort moved leaves all its old cells and joins new ones."""
    delta: Counter[tuple[int, int, str]] = Counter()
    old_years = _active_years(set(moved))
    by_year: dict[int, list[_Change]] = defaultdict(list)
    for change in changes:
        by_year[int(change.period[:4])].append(change)
    for year, its in by_year.items():
        touched = _touched(its)
        was = _in_chunks(ActiveYear.objects.filter(year=year), touched)
        quarters = AgencyQuarter.objects.filter(period__gte=f"{year}Q1", period__lte=f"{year}Q4")
        now = _in_chunks(quarters, touched)
        gained, lost = now - was, was - now
        ActiveYear.objects.bulk_create(
            [ActiveYear(agency_id=a, year=year) for a in gained], batch_size=2000
        )
        for chunk in _chunks(lost):
            ActiveYear.objects.filter(year=year, agency_id__in=chunk).delete()
        done.activity_changed += len(gained) + len(lost)
        steady = (gained | lost) - set(moved)
        for agency_id, period, agency_type in _cohorts(steady):
            delta[(int(period[:4]), year, agency_type)] += 1 if agency_id in gained else -1
    new_years = _active_years(set(moved))
    for agency_id, m in moved.items():
        for year in old_years.get(agency_id, ()):
            delta[(int(m.old_period[:4]), year, m.old_type)] -= 1
        for year in new_years.get(agency_id, ()):
            delta[(int(m.new_period[:4]), year, m.new_type)] += 1
    _apply(delta)


def _apply(delta: Counter[tuple[int, int, str]]) -> None:
    for (cohort, year, agency_type), change in sorted(delta.items()):
        if not change:
            continue
        cell, _ = RetentionCell.objects.get_or_create(
            cohort=cohort, year=year, agency_type=agency_type
        )
        cell.agencies += change
        if cell.agencies:
            cell.save(update_fields=["agencies"])
        else:
            cell.delete()


def _active_years(agencies: set[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(agencies):
        for agency_id, year in ActiveYear.objects.filter(agency_id__in=chunk).values_list(
            "agency_id", "year"
        ):
            out[agency_id].add(year)
    return out


def _cohorts(agencies: set[int]) -> Iterator[tuple[int, str, str]]:
    for chunk in _chunks(agencies):
        yield from FirstPurchase.objects.filter(agency_id__in=chunk).values_list(
            "agency_id", "period", "agency_type"
        )


# Helpers.


def _touched(changes: Iterable[_Change]) -> set[int]:
    return set().union(*(c.before | c.after for c in changes))


def _chunks(ids: set[int]) -> Iterator[list[int]]:
    """``ids`` in lists short enough for one ``IN (...)`` on any database."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _in_chunks(rows: Any, agencies: set[int]) -> set[int]:
    """Which of ``agencies`` have a row among ``rows``."""
    found: set[int] = set()
    for chunk in _chunks(agencies):
        found.update(rows.filter(agency_id__in=chunk).values_list("agency_id", flat=True))
    return found


def _earliest(rows: Any, agencies: set[int]) -> dict[int, str]:
    """Each agency's earliest period among ``rows``; agencies with none are left out."""
    out: dict[int, str] = {}
    for chunk in _chunks(agencies):
        out.update(
            rows.filter(agency_id__in=chunk)
            .values("agency_id")
            .annotate(first=Min("period"))
            .values_list("agency_id", "first")
            .order_by()
        )
    return out


def _places(agencies: set[int]) -> dict[int, dict[str, Any]]:
    """The agencies' state and type now."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(agencies):
        for pk, state_id, agency_type in Agency.objects.filter(pk__in=chunk).values_list(
            "pk", "state_id", "agency_type"
        ):
            out[pk] = {"state_id": state_id, "agency_type": agency_type}
    return out


def _counts(rows: Any) -> dict[tuple[int, str], int]:
    """How many ``rows`` by state and agency type."""
    return {
        (state_id, agency_type): n
        for state_id, agency_type, n in rows.values("state_id", "agency_type")
        .annotate(n=Count("agency_id"))
        .values_list("state_id", "agency_type", "n")
        .order_by()
    }
