"""The last quarter's filings in the states a program office deals with, through the real
services: files the suppliers e-mailed, loaded by the office at the command line (so no user is
the submitter), processed, matched and audited like any other.

- *in review*: three messy reports whose customers are spelled as billing systems spell them,
  with departments, typos and agencies the registry does not know — the review queue's work;
- *failed*: a report with arithmetic, date and state errors, waiting for the supplier's fix;
- *corrected*: a report accepted, then replaced by a correction that adds the month it left out;
- *filed late*: a report accepted weeks after its due date;
- *missing*: two reports never filed, one of them the supplier persona's, past due.
"""

import csv
import datetime
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from django.core.files.base import ContentFile
from django.utils import timezone

from interlocal.agreements.models import PriceFile, PriceItem
from interlocal.core.periods import Quarter
from interlocal.registry.models import Agency, Supplier
from interlocal.reporting.demo.bulk import MAX_QUANTITY
from interlocal.reporting.demo.plan import ReportPlan
from interlocal.reporting.models import ReportObligation, ReportStatus, SalesReport
from interlocal.reporting.services import accept_report, process_report, submit_report

#: Lines in each file filed this way: enough to look real, small enough to seed in seconds.
MAX_LINES = 1500
#: In the order they are given out, smallest agreement first (a small demo has few to give).
ROLES = ("in_review", "failed", "corrected", "missing", "late", "in_review", "in_review")
HEADER = (
    "Bill To Name",
    "Address",
    "City",
    "ST",
    "Zip",
    "PO #",
    "Invoice #",
    "Inv Date",
    "Type",
    "Item #",
    "Description",
    "Qty",
    "UOM",
    "Unit Price",
    "List Price",
    "Ext Price",
)
#: Customers suppliers send that the registry does not hold (the office creates or rejects).
STRANGERS = (
    "Riverbend Montessori Cooperative",
    "Tri-County Mosquito Abatement Dist",
    "St. Brigid Parish Food Pantry",
    "Northfield Area Transit Authority",
)
ABBREVIATIONS = (
    ("County", "Co"),
    ("School District", "Sch Dist"),
    ("Township", "Twp"),
    ("Department", "Dept"),
    ("University", "Univ"),
    ("Independent School District", "ISD"),
)


class BuyerPicker(Protocol):
    def pick(self, plan: ReportPlan) -> np.ndarray: ...


@dataclass
class RecentFilings:
    """The plans of the last ended quarter that are filed through the services, by role."""

    quarter: Quarter
    roles: dict[int, str] = field(default_factory=dict)  # agreement id -> role
    plans: dict[int, ReportPlan] = field(default_factory=dict)

    @classmethod
    def choose(
        cls,
        rng: random.Random,
        plans: list[ReportPlan],
        today: datetime.date,
        personas: dict[str, str],
    ) -> "RecentFilings":
        quarter = Quarter.containing(today).previous()
        persona = Supplier.objects.filter(
            organization__memberships__user__email=personas.get("supplier_rep", "")
        ).first()
        last = [p for p in plans if p.quarter == quarter]
        chosen = cls(quarter)
        # the persona's smallest agreement is one of the missing reports, for the persona to file
        own = [p for p in last if persona and p.agreement.supplier_id == persona.pk]
        others = sorted((p for p in last if p not in own), key=lambda p: (p.lines, p.agreement.id))
        if own:
            mine = min(own, key=lambda p: p.lines)
            chosen.roles[mine.agreement.id], chosen.plans[mine.agreement.id] = "missing", mine
        for role, plan in zip(ROLES, others, strict=False):
            chosen.roles[plan.agreement.id], chosen.plans[plan.agreement.id] = role, plan
        return chosen

    def handles(self, plan: ReportPlan) -> bool:
        return plan.quarter == self.quarter and plan.agreement.id in self.roles


def file_recent(
    recent: RecentFilings, buyers: BuyerPicker, personas: dict[str, str]
) -> dict[str, int]:
    """File and process the chosen reports; returns how many of each role."""
    from interlocal.accounts.models import User

    admin = User.objects.get(email=personas["program_admin"])
    counts: dict[str, int] = {}
    for agreement_id, role in sorted(recent.roles.items()):
        counts[role] = counts.get(role, 0) + 1
        if role == "missing":
            continue
        plan = recent.plans[agreement_id]
        obligation = ReportObligation.objects.get(agreement_id=agreement_id, period=plan.period)
        rng = random.Random(plan.seed)
        chosen = [int(a) for a in buyers.pick(plan)[:300]]
        found = Agency.objects.select_related("state").in_bulk(chosen)
        agencies = [found[pk] for pk in chosen]  # in the ranking's order, on every database
        items = _items(plan)
        if role == "corrected":
            short = _rows(rng, plan, agencies, items, months=2)
            first = _file(obligation, short, "Quarterly sales report", days_after_end=12)
            if first.status == ReportStatus.IN_REVIEW:
                accept_report(first, actor=admin)
            rows = _rows(random.Random(plan.seed), plan, agencies, items, months=3)
            _file(
                obligation, rows, "Correction: September invoices were missing", days_after_end=41
            )
        elif role == "late":
            _file(obligation, _rows(rng, plan, agencies, items, 3), "Sorry for the delay", 58)
        elif role == "failed":
            rows = _rows(rng, plan, agencies, items, 3)
            _break(rng, rows, plan.quarter)
            _file(obligation, rows, "", days_after_end=25)
        else:  # in review
            rows = _rows(rng, plan, agencies, items, 3, messy=True)
            _file(obligation, rows, "", days_after_end=20 + rng.randint(0, 9))
    return counts


def _items(plan: ReportPlan) -> list[PriceItem]:
    day = plan.last_day
    version = PriceFile.objects.filter(agreement_id=plan.agreement.id).in_effect_on(day).first()
    return list(
        PriceItem.objects.filter(price_file=version, contract_price_cents__gt=0).order_by(
            "contract_price_cents", "sku"
        )
    )


def _spelled(rng: random.Random, agency: Agency) -> str:
    """The agency as a billing system might have it: upper case, abbreviated, 'X, City of',
    or with a typo."""
    name = agency.name
    draw = rng.random()
    if draw < 0.25:
        return name.upper()
    if draw < 0.45:
        for long, short in ABBREVIATIONS:
            if long in name:
                return name.replace(long, short).upper()
        return name.upper()
    if draw < 0.55 and name.startswith("City of "):
        return f"{name.removeprefix('City of ')}, City of"
    letters = [i for i in range(2, len(name) - 2) if name[i : i + 2].isalpha()]
    if draw < 0.65 and letters:
        at = rng.choice(letters)
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]  # two letters swapped
    return name


def _rows(
    rng: random.Random,
    plan: ReportPlan,
    agencies: Sequence[Agency],
    items: Sequence[PriceItem],
    months: int,
    *,
    messy: bool = False,
) -> list[list[str]]:
    last = min(plan.last_day, _month_end(plan.quarter, months))
    span = (last - plan.first_day).days + 1
    names = {a.pk: _spelled(rng, a) if messy else a.name for a in agencies}
    rows = []
    count = min(MAX_LINES, plan.lines) * months // 3
    # as in the bulk history: a line buys items priced at most its target size, the cheapest
    # most often, in a quantity that makes the target on average
    target = plan.dollars * 100 / plan.lines
    items = [i for i in items if i.contract_price_cents <= target] or list(items[:1])
    for n in range(count):
        agency = agencies[min(int(len(agencies) * rng.random() ** 2), len(agencies) - 1)]
        name = names[agency.pk]
        state = agency.state.postal
        if messy and n % 97 == 5:
            name, state = rng.choice(STRANGERS), state
        item = items[min(int(len(items) * rng.random() ** 2), len(items) - 1)]
        price = item.contract_price_cents
        quantity = min(MAX_QUANTITY, max(1, round(2 * target * rng.random() / price)))
        day = plan.first_day + datetime.timedelta(days=rng.randrange(span))
        rows.append(
            [
                name,
                agency.street,
                agency.city,
                state,
                agency.zip_code,
                f"PO{rng.randint(100000, 999999)}",
                f"INV{plan.seed % 100000:05d}-{n + 1:05d}",
                day.strftime("%m/%d/%Y"),
                "Sale",
                item.sku,
                item.description[:80],
                str(quantity),
                item.unit,
                f"{price / 100:.2f}",
                f"{(item.list_price_cents or price) / 100:.2f}",
                f"${quantity * price / 100:,.2f}",
            ]
        )
    return rows


def _month_end(quarter: Quarter, months: int) -> datetime.date:
    first = quarter.first_day
    month = first.month + months
    year = first.year + (month > 12)
    return datetime.date(year, (month - 1) % 12 + 1, 1) - datetime.timedelta(days=1)


def _break(rng: random.Random, rows: list[list[str]], quarter: Quarter) -> None:
    """The mistakes a real failed report has: extended amounts that are not quantity times price,
    an invoice dated the quarter after, a state that is not one."""
    for row in rng.sample(rows, min(12, len(rows))):
        row[15] = f"{float(row[15].strip('$').replace(',', '')) * 10:.2f}"
    for row in rng.sample(rows, min(3, len(rows))):
        after = quarter.last_day + datetime.timedelta(days=rng.randint(1, 10))
        row[7] = after.strftime("%m/%d/%Y")
    rows[0][3] = "XX"


def _file(
    obligation: ReportObligation, rows: list[list[str]], note: str, days_after_end: int
) -> SalesReport:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    name = f"{obligation.agreement.number}-{obligation.period}.csv"
    report = submit_report(
        obligation, actor=None, file=ContentFile(out.getvalue().encode(), name=name), note=note
    )
    filed = datetime.datetime.combine(
        obligation.quarter.last_day + datetime.timedelta(days=days_after_end),
        datetime.time(15, 30),
        tzinfo=datetime.UTC,
    )
    filed = min(filed, timezone.now())
    SalesReport.objects.filter(pk=report.pk).update(submitted_at=filed)
    if obligation.first_filed_at is None or obligation.first_filed_at > filed:
        ReportObligation.objects.filter(pk=obligation.pk).update(first_filed_at=filed)
    return process_report(SalesReport.objects.get(pk=report.pk))
