"""Reads of sales reporting: scopes, the dashboards' lists, the review queue, the price
dispersion report and the data-quality trend."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Round, Upper
from django.utils import timezone

from interlocal.core.periods import Quarter
from interlocal.registry.models import Supplier
from interlocal.reporting.ingest import PRICE_EXCEPTIONS
from interlocal.reporting.models import (
    MatchMethod,
    OrderType,
    ReportCustomer,
    ReportKind,
    ReportObligation,
    ReportObligationQuerySet,
    ReportStatus,
    SalesLine,
    SalesReport,
    supplier_ids,
)
from interlocal.reporting.models.lines import SalesLineQuerySet


def derived_status(obligation: ReportObligation) -> str:
    """An obligation's status: its latest filing's, except that a correction that failed does
    not undo an accepted report (the accepted one still counts)."""
    latest = obligation.latest
    if latest is None:
        return ReportStatus.OPEN
    if obligation.accepted_id and latest.status in (
        ReportStatus.VALIDATION_FAILED,
        ReportStatus.SUPERSEDED,
    ):
        return ReportStatus.ACCEPTED
    return latest.status


def obligations(user: Any) -> ReportObligationQuerySet:
    return ReportObligation.objects.visible_to(user).select_related(
        "agreement__supplier", "latest", "accepted"
    )


def past_due(user: Any, today: datetime.date | None = None) -> QuerySet[ReportObligation]:
    """Late and missing reports: past their due date with nothing accepted or waiting, the
    most recently due first."""
    return obligations(user).past_due(today).order_by("-due_on", "agreement__number")


def waiting_for_office(user: Any) -> QuerySet[SalesReport]:
    """Reports the program office must act on: in review (customers to match, or acceptance
    by hand)."""
    return (
        SalesReport.objects.visible_to(user)
        .filter(status=ReportStatus.IN_REVIEW)
        .select_related("obligation__agreement__supplier")
        .order_by("submitted_at")
    )


def review_queue(user: Any) -> QuerySet[ReportCustomer]:
    """Customers no rule could match, largest sales first, in reports still in review."""
    return (
        ReportCustomer.objects.filter(
            method=MatchMethod.UNMATCHED,
            report__status=ReportStatus.IN_REVIEW,
            report__in=SalesReport.objects.visible_to(user),
        )
        .select_related("report__obligation__agreement__supplier")
        .order_by("-sales_cents", "pk")
    )


def is_due_soon(obligation: ReportObligation, days: int = 14) -> bool:
    today = timezone.localdate()
    return obligation.status == ReportStatus.OPEN and 0 <= (obligation.due_on - today).days <= days


def problems_csv_of(report: SalesReport) -> str:
    """The report's error file: every problem kept, in line order, with its severity."""
    from interlocal.core.tabular import problems_csv

    return problems_csv(report.problems.order_by("line", "pk").iterator(), extra=("severity",))


# --------------------------------------------------------------------------- price dispersion
#
# The same item sold to different agencies at different net prices under one agreement and
# quarter. Everything is counted by the database in one GROUP BY over the quarter's accepted
# lines (sales only: credits and returns are not prices an agency paid); Python only shapes the
# few rows that come back, one per item.


def usd_e4(e4: int | None) -> str:
    """A price in ten-thousandths of a dollar as people write it: '$45.00', or '$0.0450' below
    the cent (as the validation messages write it). Empty for None."""
    if e4 is None:
        return ""
    sign = "-" if e4 < 0 else ""
    dollars, rest = divmod(abs(e4), 10_000)
    cents, below = divmod(rest, 100)
    return f"{sign}${dollars:,}.{cents:02d}" + (f"{below:02d}" if below else "")


def _sold(obligation: ReportObligation) -> SalesLineQuerySet:
    """The quarter's accepted sale lines. Items are grouped by their SKU as the price check
    reads it (upper case, :data:`_SKU`): "paper-1" and "PAPER-1" are one item of the price
    file."""
    return SalesLine.objects.facts().filter(
        report__obligation=obligation, order_type=OrderType.SALE
    )


_SKU = Upper("sku")
_ABOVE_CONTRACT = Q(contract_price_e4__isnull=False, unit_price_e4__gt=F("contract_price_e4"))

#: Sort orders of the dispersion report: widest spread first, or most money first.
DISPERSION_ORDERS: dict[str, tuple[str, ...]] = {
    "spread": ("spread_bp", "sales_cents"),
    "sales": ("sales_cents", "spread_bp"),
    "above_contract": ("above_contract_cents", "spread_bp"),
}


@dataclass(frozen=True)
class SkuDispersion:
    """One item sold to at least two agencies at more than one net unit price. Prices are in
    ten-thousandths of a dollar, amounts in cents; ``spread_bp`` is the spread in basis points
    of the lowest price (rounded down; None when the lowest price is zero)."""

    sku: str
    description: str
    contract_min_e4: int | None
    contract_max_e4: int | None
    agencies: int
    min_e4: int
    mean_e4: int
    max_e4: int
    spread_e4: int
    spread_bp: int | None
    lines: int
    sales_cents: int
    above_contract_agencies: int
    above_contract_cents: int

    @property
    def contract(self) -> str:
        """The contract price, or its range when a new price file took effect in the quarter."""
        if self.contract_min_e4 is None:
            return ""
        if self.contract_min_e4 == self.contract_max_e4:
            return usd_e4(self.contract_min_e4)
        return f"{usd_e4(self.contract_min_e4)} to {usd_e4(self.contract_max_e4)}"

    @property
    def min_usd(self) -> str:
        return usd_e4(self.min_e4)

    @property
    def mean_usd(self) -> str:
        """The mean to the cent (half up), as the prices are written; to the ten-thousandth
        when the item's prices go below the cent."""
        if self.min_e4 % 100 or self.max_e4 % 100:
            return usd_e4(self.mean_e4)
        return usd_e4((self.mean_e4 + 50) // 100 * 100)

    @property
    def max_usd(self) -> str:
        return usd_e4(self.max_e4)

    @property
    def spread_usd(self) -> str:
        return usd_e4(self.spread_e4)


def dispersion(
    obligation: ReportObligation, order: str = "spread", sku: str = ""
) -> list[SkuDispersion]:
    """The quarter's items (or the one ``sku``) sold to different agencies at different net
    unit prices, in one query. The mean is over lines (each line's unit price counts once),
    rounded half up to the ten-thousandth. A true median would need a window function per item
    and a second pass over the lines (SQLite has no median aggregate); beside the lowest and
    highest price the mean tells the same story."""
    sold = _sold(obligation).annotate(sku_key=_SKU)
    if sku:
        sold = sold.filter(sku_key=sku.strip().upper())
    rows = (
        sold.values("sku_key")
        .annotate(
            description=Max("description"),
            contract_min_e4=Min("contract_price_e4"),
            contract_max_e4=Max("contract_price_e4"),
            agencies=Count("agency", distinct=True),
            min_e4=Min("unit_price_e4"),
            max_e4=Max("unit_price_e4"),
            price_sum_e4=Sum("unit_price_e4"),
            lines=Count("pk"),
            sales_cents=Sum("extended_cents"),
            above_contract_agencies=Count("agency", distinct=True, filter=_ABOVE_CONTRACT),
            above_contract_cents=Coalesce(Sum("extended_cents", filter=_ABOVE_CONTRACT), 0),
        )
        .filter(agencies__gte=2, max_e4__gt=F("min_e4"))
        .annotate(
            spread_e4=F("max_e4") - F("min_e4"),
            # integer division on both databases; NULLIF spares a division by a zero price
            spread_bp=ExpressionWrapper(
                (F("max_e4") - F("min_e4")) * 10_000 / NullIf(F("min_e4"), 0),
                output_field=BigIntegerField(),
            ),
        )
    )
    keys = DISPERSION_ORDERS.get(order, DISPERSION_ORDERS["spread"])
    rows = rows.order_by(*(F(key).desc(nulls_last=True) for key in keys), "sku_key")
    return [
        SkuDispersion(
            sku=row["sku_key"],
            description=row["description"],
            contract_min_e4=row["contract_min_e4"],
            contract_max_e4=row["contract_max_e4"],
            agencies=row["agencies"],
            min_e4=row["min_e4"],
            mean_e4=(2 * row["price_sum_e4"] + row["lines"]) // (2 * row["lines"]),
            max_e4=row["max_e4"],
            spread_e4=row["spread_e4"],
            spread_bp=row["spread_bp"],
            lines=row["lines"],
            sales_cents=row["sales_cents"],
            above_contract_agencies=row["above_contract_agencies"],
            above_contract_cents=row["above_contract_cents"],
        )
        for row in rows
    ]


def dispersion_of_sku(obligation: ReportObligation, sku: str) -> QuerySet[Any, Any]:
    """One item's drill-down: each agency at each net unit price it paid, with the quantity
    (in ten-thousandths, summed exactly), the lines and the sales; highest price first."""
    # Quantities are decimals: each is summed as an integer of ten-thousandths, never as a
    # float (SQLite's SUM of decimals).
    quantity_e4 = Cast(Round(F("quantity") * 10_000), BigIntegerField())
    return (
        _sold(obligation)
        .annotate(sku_key=_SKU)
        .filter(sku_key=sku.strip().upper())
        .values("agency_id", "agency__name", "agency__state__postal", "unit_price_e4")
        .annotate(
            contract_e4=Max("contract_price_e4"),
            quantity_e4=Sum(quantity_e4),
            lines=Count("pk"),
            sales_cents=Sum("extended_cents"),
        )
        .order_by("-unit_price_e4", "agency__name", "agency_id")
    )


def quantity_text(quantity_e4: int) -> str:
    """'12' or '2.5' from ten-thousandths."""
    return f"{Decimal(quantity_e4).scaleb(-4).normalize():,f}"


def accepted_quarters(user: Any) -> QuerySet[ReportObligation]:
    """Quarters with accepted lines, most recent first: what a dispersion report can be
    about."""
    return (
        obligations(user)
        .filter(accepted__kind=ReportKind.LINES)
        .order_by("-period", "agreement__number")
    )


def dispersion_obligation(user: Any, agreement: str, period: str) -> ReportObligation | None:
    """The obligation of ``agreement`` (its number) for ``period``, if ``user`` may see it."""
    return obligations(user).filter(agreement__number=agreement.strip(), period=period).first()


# --------------------------------------------------------------------------- data quality
#
# Each quarter's latest filing of every obligation, and the trend of the quality score. The
# score of several reports together is weighted by their lines: it stays "the share of lines
# with no problem, matched automatically", now over all of them.

#: How many quarters the trend shows at most, ending with the latest that has an obligation.
TREND_QUARTERS = 12


def quality_suppliers(user: Any) -> QuerySet[Supplier]:
    """The suppliers whose data quality ``user`` may read: every one for the program office
    and auditors, a representative's own."""
    from interlocal.core.permissions import is_overseer

    if user is None or not user.is_authenticated:
        return Supplier.objects.none()
    if is_overseer(user):
        return Supplier.objects.all()
    return Supplier.objects.filter(pk__in=supplier_ids(user))


def filings(user: Any, supplier: Supplier | None = None) -> QuerySet[ReportObligation]:
    """Obligations ``user`` may see (of one supplier, or all), each with its latest filing;
    latest quarter first."""
    scope = obligations(user)
    if supplier is not None:
        scope = scope.filter(agreement__supplier=supplier)
    return scope.order_by("-period", "agreement__number")


@dataclass(frozen=True)
class Filing:
    """An obligation's latest filing as the quality page shows it."""

    obligation: ReportObligation
    today: datetime.date

    @property
    def report(self) -> SalesReport | None:
        return self.obligation.latest

    @property
    def status(self) -> str:
        return derived_status(self.obligation)

    @property
    def price_exceptions(self) -> int | None:
        """Lines with a price-integrity exception (each line has one at most)."""
        if self.report is None:
            return None
        warnings = (self.report.summary or {}).get("warnings", {})
        return sum(int(warnings.get(code, 0)) for code in PRICE_EXCEPTIONS)

    @property
    def days_late(self) -> int | None:
        """Days between the due date and the first filing (0 or less: on time), in the
        program's time zone; for nothing filed, the days past due so far (None before the
        due date)."""
        ob = self.obligation
        if ob.first_filed_at is not None:
            return (timezone.localdate(ob.first_filed_at) - ob.due_on).days
        if ob.due_on < self.today:
            return (self.today - ob.due_on).days
        return None


@dataclass(frozen=True)
class QuarterQuality:
    """One quarter of the trend: obligations, what was filed, the line-weighted score."""

    period: str
    obligations: int = 0
    filed: int = 0
    lines: int = 0
    score: int | None = None
    filed_late: int = 0
    missing: int = 0
    errors: int = 0
    warnings: int = 0


def _quality_aggregates(today: datetime.date) -> dict[str, Any]:
    scored = Q(latest__quality_score__isnull=False)
    return {
        "n_obligations": Count("pk"),
        "n_filed": Count("latest"),
        "scored_lines": Coalesce(Sum("latest__line_count", filter=scored), 0),
        "weighted": Coalesce(
            Sum(F("latest__quality_score") * F("latest__line_count"), filter=scored), 0
        ),
        "n_late": Count("pk", filter=Q(first_filed_at__date__gt=F("due_on"))),
        "n_missing": Count("pk", filter=Q(latest__isnull=True, due_on__lt=today)),
        "n_errors": Coalesce(Sum("latest__error_count"), 0),
        "n_warnings": Coalesce(Sum("latest__warning_count"), 0),
    }


def _quarter_quality(period: str, row: Any) -> QuarterQuality:
    lines = row["scored_lines"]
    return QuarterQuality(
        period=period,
        obligations=row["n_obligations"],
        filed=row["n_filed"],
        lines=lines,
        score=row["weighted"] // lines if lines else None,  # rounded down, as each report's
        filed_late=row["n_late"],
        missing=row["n_missing"],
        errors=row["n_errors"],
        warnings=row["n_warnings"],
    )


def trend_periods(user: Any, supplier: Supplier | None = None) -> list[str]:
    """The trend's quarters, oldest first: at most :data:`TREND_QUARTERS`, ending with the
    latest quarter that has an obligation and starting no earlier than the first."""
    span = filings(user, supplier).aggregate(first=Min("period"), last=Max("period"))
    if span["last"] is None:
        return []
    quarters = [Quarter.parse(span["last"])]
    first = Quarter.parse(span["first"])
    while len(quarters) < TREND_QUARTERS and quarters[-1] > first:
        quarters.append(quarters[-1].previous())
    return [str(q) for q in reversed(quarters)]


def quality_trend(
    user: Any, supplier: Supplier | None = None, today: datetime.date | None = None
) -> list[QuarterQuality]:
    """The score quarter by quarter (a quarter with no obligation has no score), in one
    GROUP BY over the obligations and their latest filings."""
    today = today or timezone.localdate()
    periods = trend_periods(user, supplier)
    rows = {
        row["period"]: row
        for row in filings(user, supplier)
        .filter(period__in=periods)
        .values("period")
        .annotate(**_quality_aggregates(today))
        .order_by("period")
    }
    return [
        _quarter_quality(p, rows[p]) if p in rows else QuarterQuality(period=p) for p in periods
    ]


def quality_by_supplier(
    user: Any, periods: list[str], today: datetime.date | None = None
) -> QuerySet[Any, Any]:
    """The program office's overview: each supplier over ``periods``, lowest score first."""
    today = today or timezone.localdate()
    return (
        filings(user)
        .filter(period__in=periods)
        .values("agreement__supplier_id")
        .annotate(
            legal_name=Max("agreement__supplier__legal_name"),
            dba=Max("agreement__supplier__dba"),
            n_agreements=Count("agreement", distinct=True),
            last_period=Max("period"),
            **_quality_aggregates(today),
        )
        .annotate(
            score=ExpressionWrapper(
                F("weighted") / NullIf(F("scored_lines"), 0), output_field=BigIntegerField()
            )
        )
        .order_by(F("score").asc(nulls_last=True), "legal_name", "agreement__supplier_id")
    )
