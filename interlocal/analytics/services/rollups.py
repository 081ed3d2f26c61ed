"""Keep the analytics rollups equal to the accepted sales facts.

``refresh(obligations)`` runs in the transaction that accepts a report (or supersedes one with
a correction) and touches only what those quarters change:

1. the quarter's ``AgencyQuarter`` rows are recomputed from its accepted lines (one grouped
   query over them, with their fee lines and the supplier's certifications);
2. the agreement's ``AgreementBuyer`` rows of the agencies that appeared or disappeared are
   added, moved (their first quarter) or dropped, and the quarter marked in their activity;
   the agreement's ``SegmentQuarter`` rows are recomputed for the quarter (and their first-use
   counts for any quarter a first use moved to or from);
3. ``Buyer`` likewise for the whole program, then the ``StateQuarter`` rows of the quarter
   (and the first-buyer counts of the quarters a first purchase moved to or from);
4. ``RetentionCell`` by difference: each buyer whose cohort, type or years of activity
   changed leaves its old cells and joins its new ones.

``rebuild()`` clears everything and refreshes every accepted quarter in order, for a database
that predates the rollups or agencies that were reclassified.
"""

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, QuerySet, Sum, TextField, Value
from django.db.models.functions import Concat, Substr

from interlocal.analytics import certified
from interlocal.analytics.models import (
    EPOCH,
    MEASURES,
    AgencyQuarter,
    AgreementBuyer,
    Buyer,
    RetentionCell,
    SegmentQuarter,
    StateQuarter,
    quarter_index,
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
    cohort_changes: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class _Change:
    """One quarter of one agreement: the agencies that bought in it before and after."""

    agreement_id: int
    supplier_id: int
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
    moved_periods = _move_agreement_buyers(changes, done)
    for change in changes:
        _write_segments(change.agreement_id, change.period)
    for agreement_id, periods in moved_periods.items():
        rewritten = {c.period for c in changes if c.agreement_id == agreement_id}
        _recount_first_uses(agreement_id, periods - rewritten)
    touched = _touched(changes)
    before = _activity(touched)
    _move_buyers(changes, done)
    after = _activity(touched)
    recount = {a.first_period for a in (*before.values(), *after.values())}
    _write_state_quarters({c.period for c in changes}, recount)
    _move_retention(before, after, done)
    return done


@transaction.atomic
def rebuild(progress: Callable[[str], None] | None = None) -> Refreshed:
    """Recompute every rollup from the accepted facts, a quarter at a time, oldest first, in
    one transaction; ``progress(period)`` follows each quarter. Audited."""
    for model in (RetentionCell, Buyer, AgreementBuyer, StateQuarter):
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
    return _Change(
        agreement.pk, agreement.supplier_id, obligation.period, before, {r.agency_id for r in rows}
    )


def agency_sums(report_id: int, supplier_id: int) -> Iterator[dict[str, Any]]:
    """The measures of one report's fact lines by agency, in one pass over the lines (the
    agencies' state and type are looked up afterwards, once each: joining them line by line
    doubles the time)."""
    spans = certified.windows([supplier_id]).get(supplier_id, {})
    classes = []
    params: list[Any] = []
    for name in ("diverse", "small", "local"):
        sql, args = certified.condition("l.invoice_date", spans.get(name, []))
        classes.append(f"SUM(CASE WHEN {sql} THEN l.extended_cents ELSE 0 END)")
        params += args
    priced = "l.list_price_e4 IS NOT NULL AND l.contract_price_e4 IS NOT NULL"
    sql = f"""
        SELECT l.agency_id, COUNT(*), SUM(l.extended_cents), COALESCE(SUM(f.fee_cbp), 0),
               SUM(CASE WHEN {priced} THEN l.extended_cents ELSE 0 END),
               SUM(CASE WHEN {priced} THEN (l.list_price_e4 - l.contract_price_e4)
                        * CAST(ROUND(l.quantity * 10000) AS BIGINT) ELSE 0 END),
               {", ".join(classes)}
        FROM {SalesLine._meta.db_table} l
        LEFT JOIN {FeeLine._meta.db_table} f ON f.line_id = l.id
        WHERE l.report_id = %s AND l.agency_id IS NOT NULL
        GROUP BY l.agency_id
    """  # noqa: S608  (table names and conditions are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, report_id])
        sums = {agency_id: rest for agency_id, *rest in cursor.fetchall()}
    places = _places(set(sums))
    for agency_id, values in sums.items():
        yield {
            "agency_id": agency_id,
            **places[agency_id],
            **dict(zip(MEASURES, (int(v) for v in values), strict=True)),
        }


# 2. Each agreement's buyers, and the agreement's segments.


def _move_agreement_buyers(changes: Sequence[_Change], done: Refreshed) -> dict[int, set[str]]:
    """Add, move or drop each changed agency's first use of the agreement and mark the
    quarter in its activity; the quarters whose first-use counts changed, by agreement."""
    moved: dict[int, set[str]] = defaultdict(set)
    by_agreement: dict[int, list[_Change]] = defaultdict(list)
    for change in changes:
        by_agreement[change.agreement_id].append(change)
    for agreement_id, its in by_agreement.items():
        purchases = AgencyQuarter.objects.filter(agreement_id=agreement_id)
        firsts = _move_firsts(
            AgreementBuyer,
            {"agreement_id": agreement_id},
            {"supplier_id": its[0].supplier_id},
            purchases,
            _touched(its),
        )
        for old, new in firsts.values():
            moved[agreement_id] |= {old, new} - {""}
        done.first_uses_moved += len(firsts)
        rows = AgreementBuyer.objects.filter(agreement_id=agreement_id)
        for change in its:
            _mark(rows, change, purchases)
    return moved


def _move_firsts(
    model: type[AgreementBuyer] | type[Buyer],
    fixed: dict[str, Any],
    extra: dict[str, Any],
    purchases: QuerySet[AgencyQuarter],
    touched: set[int],
) -> dict[int, tuple[str, str]]:
    """Bring each touched agency's first quarter (among the ``model`` rows of ``fixed``) in
    line with its earliest among ``purchases``: rows added, moved and dropped. Returns
    ``{agency: (old, new)}`` for the changed ones, "" for none."""
    rows = model.objects.filter(**fixed)
    current: dict[int, str] = {}
    for chunk in _chunks(touched):
        current.update(rows.filter(agency_id__in=chunk).values_list("agency_id", "first_period"))
    firsts = _earliest(purchases, touched)
    changed = {a: (current.get(a, ""), firsts.get(a, "")) for a in touched}
    changed = {a: pair for a, pair in changed.items() if pair[0] != pair[1]}
    for chunk in _chunks({a for a, (_, new) in changed.items() if not new}):
        rows.filter(agency_id__in=chunk).delete()
    for agency_id, (old, new) in changed.items():
        if old and new:
            rows.filter(agency_id=agency_id).update(first_period=new)
    places = _places({a for a, (old, new) in changed.items() if new and not old})
    model.objects.bulk_create(
        [
            model(agency_id=a, first_period=firsts[a], **places[a], **fixed, **extra)  # type: ignore[misc]
            for a in places
        ],
        batch_size=2000,
    )
    return changed


def _mark(rows: QuerySet[Any], change: _Change, purchases: QuerySet[AgencyQuarter]) -> None:
    """Set the quarter's character of the change's agencies among ``rows``: "1" for those
    that bought under the agreement in the quarter, "0" for those that no longer did and have
    nothing else among ``purchases`` in the quarter."""
    i = quarter_index(change.period)
    here = AgencyQuarter.objects.filter(agreement_id=change.agreement_id, period=change.period)
    _set_char(rows.filter(agency_id__in=here.values("agency_id")), i, "1")
    still = purchases.filter(period=change.period).values("agency_id")
    for chunk in _chunks(change.before - change.after):
        _set_char(rows.filter(agency_id__in=chunk).exclude(agency_id__in=still), i, "0")


def _set_char(rows: QuerySet[Any], i: int, char: str) -> None:
    """``quarters[i] = char`` on every row, padding a shorter string with "0"."""
    rows.update(
        quarters=Concat(
            Substr(Concat("quarters", Value("0" * i)), 1, i),
            Value(char),
            Substr("quarters", i + 2),
            output_field=TextField(),
        )
    )


def _write_segments(agreement_id: int, period: str) -> None:
    SegmentQuarter.objects.filter(agreement_id=agreement_id, period=period).delete()
    rows = (
        AgencyQuarter.objects.filter(agreement_id=agreement_id, period=period)
        .values("supplier_id", "state_id", "agency_type")
        .annotate(agencies=Count("agency_id"), **{m: Sum(m) for m in MEASURES})
        .order_by()
    )
    firsts = _first_counts(AgreementBuyer.objects.filter(agreement_id=agreement_id), period)
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
    buyers = AgreementBuyer.objects.filter(agreement_id=agreement_id)
    for period in periods:
        firsts = _first_counts(buyers, period)
        for segment in SegmentQuarter.objects.filter(agreement_id=agreement_id, period=period):
            n = firsts.get((segment.state_id, segment.agency_type), 0)
            if segment.first_uses != n:
                segment.first_uses = n
                segment.save(update_fields=["first_uses"])


# 3. The program's buyers, and its quarters by state and type.


def _move_buyers(changes: Sequence[_Change], done: Refreshed) -> None:
    purchases = AgencyQuarter.objects.all()
    moved = _move_firsts(Buyer, {}, {}, purchases, _touched(changes))
    done.first_purchases_moved += len(moved)
    for change in changes:
        _mark(Buyer.objects.all(), change, purchases)


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
        firsts = _first_counts(Buyer.objects.all(), period)
        StateQuarter.objects.bulk_create(
            StateQuarter(
                period=period,
                first_buyers=firsts.get((row["state_id"], row["agency_type"]), 0),
                **row,
            )
            for row in rows
        )
    for period in sorted(recount - recompute):
        firsts = _first_counts(Buyer.objects.all(), period)
        for row in StateQuarter.objects.filter(period=period):
            n = firsts.get((row.state_id, row.agency_type), 0)
            if row.first_buyers != n:
                row.first_buyers = n
                row.save(update_fields=["first_buyers"])


# 4. The retention table, by difference.


@dataclasses.dataclass(frozen=True)
class _Seen:
    """A buyer as the retention table counts it: cohort, type and the years it bought in."""

    first_period: str
    agency_type: str
    years: frozenset[int]

    def cells(self) -> Iterator[tuple[int, int, str]]:
        cohort = int(self.first_period[:4])
        for year in self.years:
            yield cohort, year, self.agency_type


def _activity(agencies: set[int]) -> dict[int, _Seen]:
    out: dict[int, _Seen] = {}
    for chunk in _chunks(agencies):
        for agency_id, first, agency_type, quarters in Buyer.objects.filter(
            agency_id__in=chunk
        ).values_list("agency_id", "first_period", "agency_type", "quarters"):
            years = frozenset(EPOCH.year + i // 4 for i, c in enumerate(quarters) if c == "1")
            out[agency_id] = _Seen(first, agency_type, years)
    return out


def _move_retention(before: dict[int, _Seen], after: dict[int, _Seen], done: Refreshed) -> None:
    """Take each changed buyer out of its old cells and into its new ones."""
    delta: Counter[tuple[int, int, str]] = Counter()
    for agency_id in before.keys() | after.keys():
        old, new = before.get(agency_id), after.get(agency_id)
        if old == new:
            continue
        done.cohort_changes += 1
        delta.subtract(old.cells() if old else ())
        delta.update(new.cells() if new else ())
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


# Helpers.


def _touched(changes: Iterable[_Change]) -> set[int]:
    return set().union(*(c.before | c.after for c in changes))


def _chunks(ids: set[int]) -> Iterator[list[int]]:
    """``ids`` in lists short enough for one ``IN (...)`` on any database."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _earliest(rows: QuerySet[AgencyQuarter], agencies: set[int]) -> dict[int, str]:
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


def _first_counts(buyers: QuerySet[Any], period: str) -> dict[tuple[int, str], int]:
    """How many of ``buyers`` first bought in ``period``, by state and agency type."""
    return {
        (state_id, agency_type): n
        for state_id, agency_type, n in buyers.filter(first_period=period)
        .values("state_id", "agency_type")
        .annotate(n=Count("agency_id"))
        .values_list("state_id", "agency_type", "n")
        .order_by()
    }
