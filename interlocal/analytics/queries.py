"""Reads of the analytics rollups: every page, export and API answer is built from these.

``figures(scope, span, by, where)`` sums the rollups over a span of quarters, grouped by any of
state, agency type, agency, agreement, supplier and period, inside a scope (``scopes``), and
picks the smallest rollup that answers: ``StateQuarter`` for the program by state and type,
``SegmentQuarter`` once agreements or suppliers are involved, ``AgencyQuarter`` for agencies.
An agency buying in two quarters or under two agreements is one buying agency: where a sum of
rollup counts would count it twice, the count is taken distinct from ``AgencyQuarter``.
"""

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, QuerySet, Sum, Value
from django.db.models.functions import StrIndex, Substr

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
from interlocal.analytics.scopes import Scope
from interlocal.core.money import round_e8
from interlocal.core.periods import Quarter

DASH = "\u2013"  # an en dash: 2025Q4-2026Q3, and "nothing to compare"

DIMENSIONS = {
    "period": "period",
    "state": "state_id",
    "agency_type": "agency_type",
    "agency": "agency_id",
    "agreement": "agreement_id",
    "supplier": "supplier_id",
}


@dataclasses.dataclass(frozen=True)
class Span:
    """A run of quarters, first to last inclusive."""

    first: Quarter
    last: Quarter

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"{self.first} is after {self.last}: give the earlier quarter first")

    @classmethod
    def of(cls, quarter: Quarter) -> "Span":
        return cls(quarter, quarter)

    @classmethod
    def ending(cls, last: Quarter, quarters: int) -> "Span":
        """The ``quarters`` quarters ending with ``last``."""
        return cls(_shift(last, 1 - quarters), last)

    @property
    def quarters(self) -> list[Quarter]:
        out, q = [], self.first
        while q <= self.last:
            out.append(q)
            q = q.next()
        return out

    @property
    def periods(self) -> list[str]:
        return [str(q) for q in self.quarters]

    def __len__(self) -> int:
        return len(self.quarters)

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}{DASH}{self.last}"

    @property
    def key(self) -> str:
        """As the query string writes it: 2026Q3, or 2025Q4-2026Q3."""
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    def shifted(self, quarters: int) -> "Span":
        return Span(_shift(self.first, quarters), _shift(self.last, quarters))

    def previous(self) -> "Span":
        """The span of the same length just before: quarter over quarter."""
        return self.shifted(-len(self))

    def year_before(self) -> "Span":
        return self.shifted(-4)

    def trailing_year(self) -> "Span":
        """The four quarters ending with this span's last."""
        return Span.ending(self.last, 4)


def _shift(quarter: Quarter, by: int) -> Quarter:
    index = quarter.year * 4 + quarter.number - 1 + by
    return Quarter(index // 4, index % 4 + 1)


def reported_span() -> Span | None:
    """The quarters the rollups hold, first to last; None before any report is accepted."""
    bounds = StateQuarter.objects.aggregate(first=Min("period"), last=Max("period"))
    if bounds["first"] is None:
        return None
    return Span(Quarter.parse(bounds["first"]), Quarter.parse(bounds["last"]))


Rollup = type[AgencyQuarter] | type[SegmentQuarter] | type[StateQuarter]


def _source(scope: Scope, by: Sequence[str], where: dict[str, Any]) -> Rollup:
    asked = set(by) | set(where)
    if scope.agency_id is not None or "agency" in asked:
        return AgencyQuarter
    if scope.agreement_ids is not None or asked & {"agreement", "supplier"}:
        return SegmentQuarter
    return StateQuarter


def _scoped(rows: QuerySet[Any], scope: Scope, where: dict[str, Any]) -> QuerySet[Any]:
    if scope.agency_id is not None:
        rows = rows.filter(agency_id=scope.agency_id)
    if scope.agreement_ids is not None:
        rows = rows.filter(agreement_id__in=sorted(scope.agreement_ids))
    if scope.agency_types is not None:
        rows = rows.filter(agency_type__in=sorted(scope.agency_types))
    # a dimension's value may be a list: any of them (the agencies of one page of a table)
    return rows.filter(
        **{
            DIMENSIONS[k] + ("__in" if isinstance(v, list | tuple | set) else ""): v
            for k, v in where.items()
        }
    )


def figures(
    scope: Scope,
    span: Span,
    by: Sequence[str] = (),
    where: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The measures over ``span`` grouped ``by`` (names of ``DIMENSIONS``), filtered by
    ``where`` ({dimension: id}), largest sales first. Each row has the group's ids, every
    measure, ``savings_cents``, ``agencies`` (distinct buying agencies), ``first_uses``
    (agencies' first uses of an agreement) and, for the program by state and type,
    ``first_buyers`` (agencies buying for the first time)."""
    where = dict(where or {})
    unknown = [d for d in [*by, *where] if d not in DIMENSIONS]
    if unknown:
        raise ValueError(
            f"cannot group or filter by {', '.join(unknown)}: use {', '.join(DIMENSIONS)}"
        )
    if ("agency" in by or "agency" in where) and not scope.agency_level:
        raise PermissionDenied(
            "the program publishes figures by agency only to the program office, and to each "
            "supplier, sponsor and agency for its own slice"
        )
    model = _source(scope, by, where)
    columns = [DIMENSIONS[d] for d in by]
    counts: dict[str, Any] = {  # type: ignore[assignment]
        StateQuarter: {
            "first_buyers": Sum("first_buyers"),
            "first_uses": Sum("first_uses"),
            "agencies": Sum("agencies"),
        },
        SegmentQuarter: {"first_uses": Sum("first_uses"), "agencies": Sum("agencies")},
        AgencyQuarter: {"agencies": Count("agency_id", distinct=True)},
    }[model]
    periods = model.objects.filter(period__gte=str(span.first), period__lte=str(span.last))
    sums = {**{m: Sum(m) for m in MEASURES}, **counts}
    scoped = _scoped(periods, scope, where)
    if columns:
        rows = list(scoped.values(*columns).annotate(**sums).order_by("-sales_cents", *columns))
    else:  # the whole slice in one row (``values()`` of nothing would group by every field)
        total = scoped.aggregate(**sums)
        rows = [total] if total["lines"] is not None else []
    # a sum of per-quarter (or per-agreement) counts counts an agency once per quarter (or
    # agreement) it bought in: count each buyer once from its activity instead
    once_a_quarter = len(span) == 1 or "period" in by
    once_an_agreement = model is StateQuarter or "agreement" in by or "agreement" in where
    if model is not AgencyQuarter and not (once_a_quarter and once_an_agreement):
        if "period" in by:  # a quarter at a time, across agreements: distinct in the quarter
            quarters = AgencyQuarter.objects.filter(
                period__gte=str(span.first), period__lte=str(span.last)
            )
            rows_of = _scoped(quarters, scope, where)
            buyers = _counted(rows_of, columns, Count("agency_id", distinct=True))
        else:
            buyers = active_buyers(scope, span, by, where)
        for row in rows:
            row["agencies"] = buyers.get(tuple(row[c] for c in columns), 0)
    if model is AgencyQuarter:
        uses = _first_uses(scope, span, by, where)
        for row in rows:
            row["first_uses"] = uses.get(tuple(row[c] for c in columns), 0)
    for row in rows:
        for key in (*MEASURES, *counts, "first_uses"):
            row[key] = int(row.get(key) or 0)
        row["savings_cents"] = round_e8(row["savings_e8"])
    return rows


def _activity_rows(scope: Scope, by: Sequence[str], where: dict[str, Any]) -> QuerySet[Any]:
    """The buyers' rows that answer a slice: the program's, or the agreements' once an
    agreement or a supplier is involved."""
    if scope.agreement_ids is not None or {"agreement", "supplier"} & (set(by) | set(where)):
        return _scoped(AgreementBuyer.objects.all(), scope, where)
    return _scoped(Buyer.objects.all(), scope, where)


def active_buyers(
    scope: Scope, span: Span, by: Sequence[str], where: dict[str, Any]
) -> dict[tuple[Any, ...], int]:
    """Distinct agencies that bought at least once in ``span``, grouped ``by`` (not by
    period): a test of each buyer's activity string, one row per buyer."""
    columns = [DIMENSIONS[d] for d in by]
    start = quarter_index(str(span.first)) + 1
    active = StrIndex(Substr("quarters", start, len(span)), Value("1"))
    rows = _activity_rows(scope, by, where).annotate(active=active).filter(active__gt=0)
    return _counted(rows, columns, Count("agency_id", distinct=True))


def _first_uses(
    scope: Scope, span: Span, by: Sequence[str], where: dict[str, Any]
) -> dict[tuple[Any, ...], int]:
    """Agencies' first uses of agreements in ``span``, grouped ``by``."""
    columns = ["first_period" if d == "period" else DIMENSIONS[d] for d in by]
    uses = _scoped(AgreementBuyer.objects.all(), scope, where).filter(
        first_period__gte=str(span.first), first_period__lte=str(span.last)
    )
    return _counted(uses, columns, Count("agency_id"))


def _counted(rows: QuerySet[Any], columns: list[str], count: Count) -> dict[tuple[Any, ...], int]:
    """``count`` over ``rows`` by ``columns``, keyed by the columns' values (() for all)."""
    if not columns:
        return {(): rows.aggregate(n=count)["n"] or 0}
    grouped = rows.values(*columns).annotate(n=count).order_by()
    return {tuple(r[c] for c in columns): r["n"] for r in grouped}


def totals(scope: Scope, span: Span, where: dict[str, Any] | None = None) -> dict[str, Any]:
    """The span's figures in one row (zeros when nothing was sold)."""
    rows = figures(scope, span, (), where)
    if rows:
        return rows[0]
    empty: dict[str, Any] = dict.fromkeys(MEASURES, 0)
    return {**empty, "agencies": 0, "savings_cents": 0, "first_uses": 0, "first_buyers": 0}


def labels(dimension: str, ids: Iterable[Any]) -> dict[Any, str]:
    """What to call each id of a dimension on a page."""
    from interlocal.agreements.models import Agreement
    from interlocal.core.models import State
    from interlocal.registry.models import Agency, AgencyType, Supplier

    wanted = sorted({i for i in ids if i is not None}, key=str)
    if dimension == "state":
        return dict(State.objects.filter(pk__in=wanted).values_list("pk", "name"))
    if dimension == "agency_type":
        return {t: AgencyType(t).label for t in wanted}
    if dimension == "agency":
        return {a.pk: str(a) for a in Agency.objects.filter(pk__in=wanted).select_related("state")}
    if dimension == "agreement":
        return {
            pk: f"{number} {title}"
            for pk, number, title in Agreement.objects.filter(pk__in=wanted).values_list(
                "pk", "number", "title"
            )
        }
    if dimension == "supplier":
        return {s.pk: str(s) for s in Supplier.objects.filter(pk__in=wanted)}
    return {p: p for p in wanted}


def change(now: int, before: int) -> str:
    """Percentage change as a page prints it: +12.3%, -4.0%, or "new" from nothing."""
    if before == 0:
        return "new" if now else DASH
    percent = (now - before) * 100 / abs(before)
    return f"{percent:+.1f}%" if round(percent, 1) else "0.0%"


def share(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else DASH


def retention(scope: Scope) -> list[dict[str, Any]]:
    """Each cohort of buyers (the year of their first purchase): its size and the share that
    bought again each later year. By the scope's agency types; the program's buyers, whatever
    the agreement (a supplier's or an agency's slice has no cohorts of its own)."""
    cells = RetentionCell.objects.all()
    if scope.agency_types is not None:
        cells = cells.filter(agency_type__in=sorted(scope.agency_types))
    counts: dict[int, dict[int, int]] = {}
    for cohort, year, n in (
        cells.values("cohort", "year")
        .annotate(n=Sum("agencies"))
        .values_list("cohort", "year", "n")
    ):
        counts.setdefault(cohort, {})[year] = n
    out = []
    for cohort in sorted(counts):
        size = counts[cohort].get(cohort, 0)
        later = [counts[cohort].get(cohort + k, 0) for k in range(1, 11)]
        last = max(counts[cohort])
        out.append(
            {
                "cohort": cohort,
                "size": size,
                "later": [
                    share(n, size) if cohort + k <= last else ""
                    for k, n in enumerate(later, start=1)
                ],
            }
        )
    return out


def agreements_by_sales(scope: Scope) -> list[tuple[int, int]]:
    """(agreement, sales in cents) of every agreement with sales in the scope, largest first,
    over all reported quarters."""
    model: Rollup = AgencyQuarter if scope.agency_id is not None else SegmentQuarter
    rows = _scoped(model.objects.all(), scope, {})
    return list(
        rows.values("agreement_id")
        .annotate(sales=Sum("sales_cents"))
        .order_by("-sales", "agreement_id")
        .values_list("agreement_id", "sales")
    )
