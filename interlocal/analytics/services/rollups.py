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
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, QuerySet, TextField, Value
from django.db.models.functions import Concat, StrIndex, Substr

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
    retention: Counter[tuple[int, int, str]] = Counter()
    recompute: set[str] = set()
    recount: set[str] = set()
    for obligation in obligations:
        change = _rewrite_quarter(obligation, done)
        moved = _move_agreement_buyers(change, done)
        _write_segments(change.agreement_id, change.period)
        _recount_first_uses(change.agreement_id, moved - {change.period})
        recount |= _move_buyers(change, retention, done) | moved
        recompute.add(change.period)
    _write_state_quarters(recompute, recount)
    _apply_retention(retention)
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
    """Replace the quarter's ``AgencyQuarter`` rows by the sums of its accepted lines."""
    agreement = obligation.agreement
    existing = AgencyQuarter.objects.filter(agreement=agreement, period=obligation.period)
    before = set(existing.values_list("agency_id", flat=True))
    existing.delete()
    report = obligation.accepted
    if report is not None and report.status == ReportStatus.ACCEPTED:
        insert_agency_sums(report.pk, agreement.pk, agreement.supplier_id, obligation.period)
    after = set(existing.values_list("agency_id", flat=True))
    done.quarters += 1
    done.agency_rows += len(after)
    return _Change(agreement.pk, agreement.supplier_id, obligation.period, before, after)


def insert_agency_sums(report_id: int, agreement_id: int, supplier_id: int, period: str) -> None:
    """Write one report's fact lines summed by agency, in one statement: one pass over the
    lines, then the agencies' state and type joined once per agency (joining them line by
    line doubles the time)."""
    spans = certified.windows([supplier_id]).get(supplier_id, {})
    classes = []
    params: list[Any] = []
    for name in ("diverse", "small", "local"):
        sql, args = certified.condition("l.invoice_date", spans.get(name, []))
        classes.append(f"SUM(CASE WHEN {sql} THEN l.extended_cents ELSE 0 END) AS {name}")
        params += args
    priced = "l.list_price_e4 IS NOT NULL AND l.contract_price_e4 IS NOT NULL"
    measures = ", ".join(MEASURES)
    sql = f"""
        INSERT INTO {AgencyQuarter._meta.db_table}
            (period, agreement_id, supplier_id, agency_id, state_id, agency_type, {measures})
        SELECT %s, %s, %s, s.agency_id, a.state_id, a.agency_type, s.lines, s.sales, s.fee,
               s.priced, s.savings, s.diverse, s.small, s.local
        FROM (
            SELECT l.agency_id, COUNT(*) AS lines, SUM(l.extended_cents) AS sales,
                   COALESCE(SUM(f.fee_cbp), 0) AS fee,
                   SUM(CASE WHEN {priced} THEN l.extended_cents ELSE 0 END) AS priced,
                   SUM(CASE WHEN {priced} THEN (l.list_price_e4 - l.contract_price_e4)
                            * CAST(ROUND(l.quantity * 10000) AS BIGINT) ELSE 0 END) AS savings,
                   {", ".join(classes)}
            FROM {SalesLine._meta.db_table} l
            LEFT JOIN {FeeLine._meta.db_table} f ON f.line_id = l.id
            WHERE l.report_id = %s AND l.agency_id IS NOT NULL
            GROUP BY l.agency_id
        ) s
        JOIN {Agency._meta.db_table} a ON a.id = s.agency_id
    """  # noqa: S608  (table names and conditions are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [period, agreement_id, supplier_id, *params, report_id])


# 2. The agreement's buyers, and its segments.


def _move_agreement_buyers(change: _Change, done: Refreshed) -> set[str]:
    """Add, move and drop the agreement's buyers for the change, and mark the quarter in
    their activity; the quarters whose first-use counts changed."""
    rows = AgreementBuyer.objects.filter(agreement_id=change.agreement_id)
    purchases = AgencyQuarter.objects.filter(agreement_id=change.agreement_id)
    fixed = {"agreement_id": change.agreement_id, "supplier_id": change.supplier_id}
    added, moved = _move_firsts(rows, purchases, change, fixed)
    done.first_uses_moved += added + len(moved)
    _mark(rows, change, purchases)
    return {p for pair in moved.values() for p in pair} - {""}


def _move_firsts(
    rows: QuerySet[Any],
    purchases: QuerySet[AgencyQuarter],
    change: _Change,
    extra: dict[str, Any],
) -> tuple[int, dict[int, tuple[str, str]]]:
    """Bring the first quarter of the change's agencies among ``rows`` (buyers) in line with
    ``purchases``, set-wise: buyers added for agencies new to them, moved earlier for those
    whose first quarter was later, and, for agencies the change dropped whose first quarter
    it was, moved to their next quarter or dropped. Returns how many were added and
    ``{agency: (old, new)}`` of those that moved ("" for none)."""
    period = change.period
    here = AgencyQuarter.objects.filter(agreement_id=change.agreement_id, period=period)
    ids = here.values("agency_id")
    later = rows.filter(agency_id__in=ids, first_period__gt=period)
    moved = {a: (old, period) for a, old in later.values_list("agency_id", "first_period")}
    later.update(first_period=period)
    known = rows.filter(agency_id__in=ids).values("agency_id")
    added = [
        rows.model(first_period=period, **fixed, **extra)
        for fixed in here.exclude(agency_id__in=known).values(
            "agency_id", "state_id", "agency_type"
        )
    ]
    rows.model.objects.bulk_create(added, batch_size=2000)
    dropped = change.before - change.after
    if dropped:
        firsts = _earliest(purchases, dropped)
        by_new: dict[str, set[int]] = defaultdict(set)
        for agency_id, old in _firsts_of(rows.filter(first_period=period), dropped):
            new = firsts.get(agency_id, "")
            moved[agency_id] = (old, new)
            by_new[new].add(agency_id)
        for new, agencies in by_new.items():  # one statement per quarter they move to
            for chunk in _chunks(agencies):
                chosen = rows.filter(agency_id__in=chunk)
                if new:
                    chosen.update(first_period=new)
                else:
                    chosen.delete()
    return len(added), moved


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


def _first_uses_of(row: str) -> str:
    """SQL: how many agencies first used ``row``'s agreement in its quarter, state and type
    (``row`` a segment's table or alias)."""
    return f"""(SELECT COUNT(*) FROM {AgreementBuyer._meta.db_table} b
        WHERE b.agreement_id = {row}.agreement_id AND b.first_period = {row}.period
          AND b.state_id = {row}.state_id AND b.agency_type = {row}.agency_type)"""  # noqa: S608


def _write_segments(agreement_id: int, period: str) -> None:
    """Replace the agreement's segments of the quarter by its agency rows summed by state and
    type, with the first uses of each (one statement: no row passes through Python)."""
    SegmentQuarter.objects.filter(agreement_id=agreement_id, period=period).delete()
    sums = ", ".join(f"SUM(a.{m})" for m in MEASURES)
    sql = f"""
        INSERT INTO {SegmentQuarter._meta.db_table}
            (period, agreement_id, supplier_id, state_id, agency_type, {", ".join(MEASURES)},
             agencies, first_uses)
        SELECT a.period, a.agreement_id, a.supplier_id, a.state_id, a.agency_type, {sums},
               COUNT(*), {_first_uses_of("a")}
        FROM {AgencyQuarter._meta.db_table} a
        WHERE a.agreement_id = %s AND a.period = %s
        GROUP BY a.period, a.agreement_id, a.supplier_id, a.state_id, a.agency_type
    """  # noqa: S608  (table and column names are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [agreement_id, period])


def _recount_first_uses(agreement_id: int, periods: set[str]) -> None:
    """Count again the first uses of the agreement's segments in ``periods``."""
    table = SegmentQuarter._meta.db_table
    sql = f"""UPDATE {table} SET first_uses = {_first_uses_of(table)}
        WHERE agreement_id = %s AND period = %s"""  # noqa: S608  (names are ours)
    with connection.cursor() as cursor:
        for period in sorted(periods):
            cursor.execute(sql, [agreement_id, period])


# 3. The program's buyers and the retention table, and the program's quarters.


def _move_buyers(
    change: _Change, retention: Counter[tuple[int, int, str]], done: Refreshed
) -> set[str]:
    """The same for the program's buyers, counting into ``retention`` what the change does
    to the cohort table; the quarters whose first-buyer counts changed.

    A buyer's cells are (cohort, year, type) for each year it bought in. A change can only
    make buyers start or stop buying in its year, or move their cohort: those that start
    (bought under the agreement now and nothing else that year before) gain one cell each,
    counted in one grouped query; new buyers gain their first; the few whose cohort may move
    and those the change dropped are recounted one by one."""
    year = int(change.period[:4])
    y0 = quarter_index(f"{year}Q1")
    buyers = Buyer.objects.all()
    here = AgencyQuarter.objects.filter(agreement_id=change.agreement_id, period=change.period)
    ids = here.values("agency_id")
    dropped = change.before - change.after
    movers = set(
        buyers.filter(agency_id__in=ids, first_period__gt=change.period).values_list(
            "agency_id", flat=True
        )
    )
    movers |= {a for a, _ in _firsts_of(buyers.filter(first_period=change.period), dropped)}
    recounted = movers | dropped
    old = _seen(recounted)
    starting = (
        buyers.filter(agency_id__in=ids, first_period__lte=change.period)
        .annotate(active=StrIndex(Substr("quarters", y0 + 1, 4), Value("1")))
        .filter(active=0)
        .annotate(cohort=Substr("first_period", 1, 4))
        .values("cohort", "agency_type")
        .annotate(n=Count("agency_id"))
        .values_list("cohort", "agency_type", "n")
        .order_by()
    )
    for cohort, agency_type, n in starting:
        retention[(int(cohort), year, agency_type)] += n
    everyone = AgencyQuarter.objects.all()
    added, moved = _move_firsts(buyers, everyone, change, {})
    if added:  # each new buyer starts its cohort, this year
        new = here.exclude(agency_id__in=old.keys()).filter(
            agency_id__in=buyers.filter(first_period=change.period, quarters="").values("agency_id")
        )
        for agency_type, n in Counter(new.values_list("agency_type", flat=True)).items():
            retention[(year, year, agency_type)] += n
    done.first_purchases_moved += added + len(moved)
    _mark(buyers, change, everyone)
    now = _seen(recounted)
    for agency_id in recounted:
        before, after = old.get(agency_id), now.get(agency_id)
        if before == after:
            continue
        done.cohort_changes += 1
        retention.subtract(before.cells() if before else ())
        retention.update(after.cells() if after else ())
    recount = {p for pair in moved.values() for p in pair} - {""}
    return recount | ({change.period} if added else set())


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


def _seen(agencies: set[int]) -> dict[int, _Seen]:
    out: dict[int, _Seen] = {}
    for chunk in _chunks(agencies):
        for agency_id, first, agency_type, quarters in Buyer.objects.filter(
            agency_id__in=chunk
        ).values_list("agency_id", "first_period", "agency_type", "quarters"):
            years = frozenset(EPOCH.year + i // 4 for i, c in enumerate(quarters) if c == "1")
            out[agency_id] = _Seen(first, agency_type, years)
    return out


def _apply_retention(delta: Counter[tuple[int, int, str]]) -> None:
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


def _state_firsts_of(row: str) -> tuple[str, str]:
    """SQL: how many agencies first bought in ``row``'s quarter, state and type, and how many
    first used an agreement there (``row`` a state quarter's table or alias)."""
    buyers = f"""(SELECT COUNT(*) FROM {Buyer._meta.db_table} b
        WHERE b.first_period = {row}.period AND b.state_id = {row}.state_id
          AND b.agency_type = {row}.agency_type)"""  # noqa: S608  (names are ours)
    uses = f"""(SELECT COALESCE(SUM(s.first_uses), 0) FROM {SegmentQuarter._meta.db_table} s
        WHERE s.period = {row}.period AND s.state_id = {row}.state_id
          AND s.agency_type = {row}.agency_type)"""  # noqa: S608  (names are ours)
    return buyers, uses


def _write_state_quarters(recompute: set[str], recount: set[str]) -> None:
    """Recompute the sums of the ``recompute`` quarters, and the first-buyer and first-use
    counts of the ``recount`` ones."""
    sums = ", ".join(f"SUM(a.{m})" for m in MEASURES)
    buyers, uses = _state_firsts_of("a")
    insert = f"""
        INSERT INTO {StateQuarter._meta.db_table}
            (period, state_id, agency_type, {", ".join(MEASURES)}, agencies, first_buyers,
             first_uses)
        SELECT a.period, a.state_id, a.agency_type, {sums}, COUNT(DISTINCT a.agency_id),
               {buyers}, {uses}
        FROM {AgencyQuarter._meta.db_table} a
        WHERE a.period = %s
        GROUP BY a.period, a.state_id, a.agency_type
    """  # noqa: S608  (table and column names are ours; values are parameters)
    table = StateQuarter._meta.db_table
    buyers, uses = _state_firsts_of(table)
    update = f"UPDATE {table} SET first_buyers = {buyers}, first_uses = {uses} WHERE period = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for period in sorted(recompute):
            StateQuarter.objects.filter(period=period).delete()
            cursor.execute(insert, [period])
        for period in sorted(recount - recompute):
            cursor.execute(update, [period])


def _firsts_of(rows: QuerySet[Any], agencies: set[int]) -> list[tuple[int, str]]:
    """(agency, first quarter) of the ``rows`` (buyers) of ``agencies``."""
    found: list[tuple[int, str]] = []
    for chunk in _chunks(agencies):
        found += rows.filter(agency_id__in=chunk).values_list("agency_id", "first_period")
    return found


# Helpers.


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
