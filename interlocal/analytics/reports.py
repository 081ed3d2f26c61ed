"""The program's quarterly reports as tables: the columns, the rows with their comparisons and
drill-down links, ready for a page, a CSV, a spreadsheet or the API. Figures come from
``queries``; this module only arranges them.

- **Sales** by state, then agency type, then agency, then agreement (nation -> state -> type
  -> agency);
- **Contract use** by agreement (with its supplier), then agency: the supplier participating-
  agency sales report;
- **Participation**: participating agencies against the agency universe by state and type,
  those buying in the span, and those buying for the first time.
"""

import dataclasses
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q

from interlocal.analytics import queries
from interlocal.analytics.ask import SLICE, Ask
from interlocal.core.money import decimal_text, round_cbp
from interlocal.registry.models import Agency

#: Each report's drill-down: the next dimension is the first one the slice does not fix.
PLACES = ("state", "agency_type", "agency", "agreement")
AGREEMENTS = ("agreement", "agency")
PATHS = {
    "sales": PLACES,
    "contracts": AGREEMENTS,
    "participation": ("state", "agency_type", "agency"),
    "savings": PLACES,
    "savings-agreements": AGREEMENTS,
    "diversity": PLACES,
    "diversity-agreements": AGREEMENTS,
}
TITLES = {
    "state": "State",
    "agency_type": "Agency type",
    "agency": "Agency",
    "agreement": "Master agreement",
    "supplier": "Supplier",
    "period": "Quarter",
}
#: What the query string calls each dimension (``ask.SLICE`` the other way round).
QUERY_KEYS = {dimension: key for key, dimension in SLICE.items()}


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "count"  # text, usd, count, change, percent

    def cell(self, row: dict[str, Any]) -> Any:
        """The value as a CSV or spreadsheet holds it: decimal dollars, whole counts, text."""
        value = row.get(self.key)
        if self.kind == "usd":
            return decimal_text(value or 0)
        return "" if value is None else value


@dataclasses.dataclass
class Table:
    title: str
    dimension: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any]
    note: str = ""
    page: int = 1

    @property
    def count(self) -> int:
        """How many rows the whole table has (``rows`` may be one page of them)."""
        return int(self.total.get("count", len(self.rows)))

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // PAGE_ROWS))

    @property
    def first_row(self) -> int:
        return (self.page - 1) * PAGE_ROWS + 1 if self.page else 1

    def grid(self) -> list[list[Any]]:
        """Header and rows (then the total) for a CSV or a sheet."""
        out: list[list[Any]] = [[c.title for c in self.columns]]
        for row in [*self.rows, self.total]:
            out.append([c.cell(row) for c in self.columns])
        return out


def level(report: str, ask: Ask) -> str | None:
    """The dimension the report shows next for this slice (None: the slice is one cell)."""
    fixed = set(ask.where)
    if ask.scope.agency_id is not None:  # one agency: its state and type are fixed with it
        fixed |= {"state", "agency_type", "agency"}
    for dimension in PATHS[report]:
        if dimension not in fixed:
            if dimension == "agency" and not ask.scope.agency_level:
                return None
            return dimension
    return None


def _labelled(rows: list[dict[str, Any]], dimension: str, ask: Ask) -> None:
    column = queries.DIMENSIONS[dimension]
    names = queries.labels(dimension, (r[column] for r in rows))
    ids = codes(dimension, [r[column] for r in rows])
    for row in rows:
        ident = row[column]
        row["label"] = names.get(ident, str(ident))
        row["drill"] = ask.link(**{QUERY_KEYS[dimension]: ids.get(ident, ident)})
        row["id"] = ids.get(ident, ident)


def codes(dimension: str, ids: Sequence[Any]) -> dict[Any, Any]:
    """What the query string calls each id: a state by its postal code."""
    if dimension != "state":
        return {}
    from interlocal.core.models import State

    return dict(State.objects.filter(pk__in=list(ids)).values_list("pk", "postal"))


def grouped(ask: Ask, report: str) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """The report's next dimension for the slice, its rows (labelled, with drill-down links)
    and the slice's total."""
    dimension = level(report, ask) or "period"
    by = [dimension] + (["supplier"] if dimension == "agreement" else [])
    rows = queries.figures(ask.scope, ask.span, by, ask.where)
    count = len(rows)
    if dimension != "period":
        rows = paged(rows, ask.page)
        _labelled(rows, dimension, ask)
    else:
        for row in rows:
            row["label"], row["id"], row["drill"] = row["period"], row["period"], ""
        rows.sort(key=lambda r: r["period"])
    supplier_names = queries.labels("supplier", (r.get("supplier_id") for r in rows))
    for row in rows:
        row["supplier"] = supplier_names.get(row.get("supplier_id"), "")
    total = queries.totals(ask.scope, ask.span, ask.where)
    total["label"] = "Total"
    total["count"] = count
    return dimension, rows, total


#: Rows of a table shown on one page; the exports hold every row.
PAGE_ROWS = 100


def paged(rows: list[dict[str, Any]], page: int) -> list[dict[str, Any]]:
    """The ``page``-th hundred of ``rows`` (all of them for page 0)."""
    if page == 0:
        return rows
    return rows[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]


def _first_columns(dimension: str) -> list[Column]:
    columns = [Column("label", TITLES[dimension], "text")]
    if dimension == "agreement":
        columns.append(Column("supplier", "Supplier", "text"))
    return columns


def sales(ask: Ask, report: str = "sales") -> Table:
    """Sales in the span by the report's next dimension, with the same slice a quarter (or a
    span) before and a year before."""
    dimension, rows, total = grouped(ask, report)
    by = [dimension] + (["supplier"] if dimension == "agreement" else [])
    column = queries.DIMENSIONS[dimension]
    compared = dict(ask.where)
    if dimension == "agency" and total["count"] > len(rows):  # compare the page's agencies only
        compared["agency"] = [r["agency_id"] for r in rows]
    before = _by_key(queries.figures(ask.scope, ask.span.previous(), by, compared), column)
    year = _by_key(queries.figures(ask.scope, ask.span.year_before(), by, compared), column)
    for row in [*rows, total]:
        key = row.get(column)
        row["fee_cents"] = round_cbp(row["fee_cbp"])
        row["share"] = queries.share(row["sales_cents"], total["sales_cents"])
        row["previous_cents"] = (
            before.get(key, {}).get("sales_cents", 0) if row is not total else _sum(before)
        )
        row["year_before_cents"] = (
            year.get(key, {}).get("sales_cents", 0) if row is not total else _sum(year)
        )
        row["vs_previous"] = queries.change(row["sales_cents"], row["previous_cents"])
        row["vs_year_before"] = queries.change(row["sales_cents"], row["year_before_cents"])
    columns = [
        *_first_columns(dimension),
        Column("sales_cents", f"Sales {ask.span}", "usd"),
        Column("share", "Share", "percent"),
        Column("previous_cents", f"Sales {ask.span.previous()}", "usd"),
        Column("vs_previous", "Change", "change"),
        Column("year_before_cents", f"Sales {ask.span.year_before()}", "usd"),
        Column("vs_year_before", "Year over year", "change"),
        Column("agencies", "Agencies buying"),
        Column("lines", "Invoice lines"),
        Column("fee_cents", "Admin fees", "usd"),
    ]
    title = {"sales": "Sales", "contracts": "Contract use"}[report]
    name = f"{title} by {TITLES[dimension].lower()}"
    return Table(name, dimension, columns, rows, total, page=ask.page)


def savings(ask: Ask, report: str, cost_cents: int) -> Table:
    """Price savings ((list - contract) x quantity on lines where both are known, with the
    share of sales they cover) and solicitations avoided (first uses of an agreement, each
    worth ``cost_cents``)."""
    dimension, rows, total = grouped(ask, report)
    for row in [*rows, total]:
        row["coverage"] = queries.share(row["priced_cents"], row["sales_cents"])
        listed = row["priced_cents"] + row["savings_cents"]
        row["off_list"] = queries.share(row["savings_cents"], listed)
        row["avoided_cents"] = row["first_uses"] * cost_cents
    columns = [
        *_first_columns(dimension),
        Column("sales_cents", f"Sales {ask.span}", "usd"),
        Column("priced_cents", "Sales with list and contract price", "usd"),
        Column("coverage", "Coverage", "percent"),
        Column("savings_cents", "Price savings", "usd"),
        Column("off_list", "Off list price", "percent"),
        Column("first_uses", "First uses of an agreement"),
        Column("avoided_cents", "Solicitations avoided, at cost", "usd"),
    ]
    name = f"Savings by {TITLES[dimension].lower()}"
    return Table(name, dimension, columns, rows, total, page=ask.page)


def diversity(ask: Ask, report: str) -> Table:
    """Sales with suppliers certified diverse, small or local on the invoice date."""
    dimension, rows, total = grouped(ask, report)
    for row in [*rows, total]:
        for name in ("diverse", "small", "local"):
            row[f"{name}_share"] = queries.share(row[f"{name}_cents"], row["sales_cents"])
    columns = [*_first_columns(dimension), Column("sales_cents", f"Sales {ask.span}", "usd")]
    for name, title in (("diverse", "diverse"), ("small", "small business"), ("local", "local")):
        columns += [
            Column(f"{name}_cents", f"With certified {title} suppliers", "usd"),
            Column(f"{name}_share", "Share", "percent"),
        ]
    return Table(
        f"Supplier diversity by {TITLES[dimension].lower()}", dimension, columns, rows, total
    )


def _by_key(rows: list[dict[str, Any]], column: str) -> dict[Any, dict[str, Any]]:
    return {r.get(column): r for r in rows}


def _sum(rows: dict[Any, dict[str, Any]]) -> int:
    return sum(r["sales_cents"] for r in rows.values())


def participation(ask: Ask) -> Table:
    """Participating agencies (registered by the span's last day) against the universe, by the
    next dimension of state -> type -> agency, with those buying in the span and buying for
    the first time."""
    dimension = level("participation", ask) or "agency"
    if dimension == "agency":
        return _participants(ask)
    column = queries.DIMENSIONS[dimension]
    last_day = ask.span.last.last_day
    universe = Agency.objects.all()
    if ask.scope.agency_types is not None:
        universe = universe.filter(agency_type__in=sorted(ask.scope.agency_types))
    filters = {
        queries.DIMENSIONS[k]: v for k, v in ask.where.items() if k in ("state", "agency_type")
    }
    counts = {
        r[column]: r
        for r in universe.filter(**filters)
        .values(column)
        .annotate(
            universe=Count("pk"),
            participating=Count("pk", filter=Q(participating_since__lte=last_day)),
            joined=Count(
                "pk",
                filter=Q(
                    participating_since__gte=ask.span.first.first_day,
                    participating_since__lte=last_day,
                ),
            ),
        )
        .order_by()
    }
    buying = {r[column]: r for r in queries.figures(ask.scope, ask.span, [dimension], ask.where)}
    rows = []
    for key, r in counts.items():
        b = buying.get(key, {})
        rows.append(
            {
                column: key,
                "universe": r["universe"],
                "participating": r["participating"],
                "penetration": queries.share(r["participating"], r["universe"]),
                "joined": r["joined"],
                "agencies": b.get("agencies", 0),
                "first_buyers": b.get("first_buyers", 0),
                "sales_cents": b.get("sales_cents", 0),
            }
        )
    rows.sort(key=lambda r: (-r["participating"], str(r[column])))
    _labelled(rows, dimension, ask)
    total: dict[str, Any] = {"label": "Total"}
    for key in ("universe", "participating", "joined", "sales_cents", "first_buyers"):
        total[key] = sum(r[key] for r in rows)
    total["agencies"] = queries.totals(ask.scope, ask.span, ask.where)["agencies"]
    total["penetration"] = queries.share(total["participating"], total["universe"])
    columns = [
        Column("label", TITLES[dimension], "text"),
        Column("universe", "Agency universe"),
        Column("participating", f"Participating on {last_day:%b %-d, %Y}"),
        Column("penetration", "Penetration", "percent"),
        Column("joined", f"Joined in {ask.span}"),
        Column("agencies", f"Buying in {ask.span}"),
        Column("first_buyers", "Buying for the first time"),
        Column("sales_cents", "Sales", "usd"),
    ]
    return Table(
        f"Participating agencies by {TITLES[dimension].lower()}", dimension, columns, rows, total
    )


def _participants(ask: Ask) -> Table:
    """The agencies of one state and type: when each joined and what it bought in the span."""
    where = {k: v for k, v in ask.where.items() if k in ("state", "agency_type")}
    agencies = Agency.objects.filter(
        participating_since__isnull=False, **{queries.DIMENSIONS[k]: v for k, v in where.items()}
    )
    if ask.scope.agency_types is not None:
        agencies = agencies.filter(agency_type__in=sorted(ask.scope.agency_types))
    if ask.scope.agency_id is not None:
        agencies = agencies.filter(pk=ask.scope.agency_id)
    bought = {r["agency_id"]: r for r in queries.figures(ask.scope, ask.span, ["agency"], where)}
    ordered = agencies.order_by("name", "pk")
    if ask.page:
        ordered = ordered[(ask.page - 1) * PAGE_ROWS : ask.page * PAGE_ROWS]
    rows = []
    for agency in ordered:
        b = bought.get(agency.pk, {})
        rows.append(
            {
                "agency_id": agency.pk,
                "label": agency.name,
                "joined_on": str(agency.participating_since),
                "route": agency.get_participation_route_display(),
                "sales_cents": b.get("sales_cents", 0),
                "lines": b.get("lines", 0),
                "agencies": 1 if b else 0,
                "drill": "",
            }
        )
    total = {
        "label": "Total",
        "sales_cents": sum(r["sales_cents"] for r in bought.values()),
        "lines": sum(r["lines"] for r in bought.values()),
        "agencies": len(bought),
        "count": agencies.count(),
    }
    columns = [
        Column("label", "Agency", "text"),
        Column("joined_on", "Participating since", "text"),
        Column("route", "How it joined", "text"),
        Column("sales_cents", f"Sales {ask.span}", "usd"),
        Column("lines", "Invoice lines"),
    ]
    return Table("Participating agencies", "agency", columns, rows, total, page=ask.page)


def penetration(ask: Ask) -> dict[str, Any]:
    """Participating agencies / universe on the span's last day, by state x agency type (the
    scope's types only), and per state for the map."""
    last_day = ask.span.last.last_day
    universe = Agency.objects.all()
    if ask.scope.agency_types is not None:
        universe = universe.filter(agency_type__in=sorted(ask.scope.agency_types))
    cells = list(
        universe.values("state_id", "agency_type")
        .annotate(
            universe=Count("pk"),
            participating=Count("pk", filter=Q(participating_since__lte=last_day)),
        )
        .order_by()
    )
    return {"cells": cells, "last_day": last_day}


def registrations(ask: Ask, months: int = 60) -> list[dict[str, Any]]:
    """Agencies that became participants, by month and route, over the ``months`` up to the
    span's last day."""
    from django.db.models import CharField
    from django.db.models.functions import Cast, Substr

    from interlocal.core.periods import add_months

    last_day = ask.span.last.last_day
    first = add_months(last_day.replace(day=1), -(months - 1))
    joined = Agency.objects.filter(
        participating_since__gte=first, participating_since__lte=last_day
    )
    if ask.scope.agency_types is not None:
        joined = joined.filter(agency_type__in=sorted(ask.scope.agency_types))
    if "state" in ask.where:
        joined = joined.filter(state_id=ask.where["state"])
    # the month as text, YYYY-MM, from the ISO date: SQL on both databases (TruncMonth runs a
    # Python function per row on SQLite)
    month = Substr(Cast("participating_since", CharField()), 1, 7)
    by_month: Any = (
        joined.annotate(month=month)
        .values("month", "participation_route")
        .annotate(n=Count("pk"))
        .order_by("month", "participation_route")
    )
    return list(by_month)
