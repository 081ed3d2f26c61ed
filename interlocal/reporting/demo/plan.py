"""The demo's sales history, planned: for every agreement and every quarter it owes a report,
how many agencies bought, how much they bought and in how many invoice lines.

Shaped like the case study: the office-supplies agreement starts with 2 agencies in 1996 and
passes 10,000 a quarter by 2010; every other program ramps up over its first years; the whole
program nears $2 billion a year at its peak. Pure: everything comes from the agreements, the
dates agencies joined and the random generator, so a plan can be recomputed and compared with
what was written.
"""

import bisect
import datetime
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from interlocal.agreements.demo.catalog import OFFICE, Program
from interlocal.core.periods import Quarter

#: The program's best year, in dollars (the case study: "nearly $2 billion" at its peak).
PEAK_YEAR_DOLLARS = 1_950_000_000
#: Invoice lines in the whole history at national scale (issue #4: at least 20 million).
NATIONAL_LINES = 21_000_000
#: The office-supplies agreement: 2 agencies a quarter in 1996, 10,500 by 2010, then slower.
OFFICE_FIRST_YEAR, OFFICE_FIRST_BUYERS = 1996, 2
OFFICE_2010_BUYERS, OFFICE_GROWTH_AFTER_2010 = 10_500, 1.04
#: Office-supplies sales: $6 million in 1996, $350 million in 2010, then declining slowly (the
#: paperless office) — a shape, not a claim about any real contract.
OFFICE_FIRST_DOLLARS, OFFICE_2010_DOLLARS, OFFICE_DECLINE_AFTER_2010 = 6e6, 350e6, 0.985
#: Never more than this share of the participants of the day buys on one agreement in a quarter.
MAX_REACH = 0.85
#: Typical invoice line, in dollars, by scope of work (before the common line factor).
LINE_DOLLARS = {"office": 110, "goods": 420, "public_works": 5_200, "services": 2_400}
#: Share of reports filed after their due date, and how late (days).
LATE_SHARE, LATE_DAYS = 0.06, (1, 45)


@dataclass(frozen=True)
class AgreementFacts:
    """What the plan needs to know of an agreement."""

    id: int
    number: str
    supplier_id: int
    supplier_rank: int  # its place among the demo's suppliers: the same on every database
    program: Program
    effective_on: datetime.date
    last_day: datetime.date  # the last day in force
    share: float  # of its program's sales, among the agreements awarded together
    floor_dollars: float  # the smallest typical line: its price files' 10th-percentile price
    quarters: tuple[Quarter, ...]  # the quarters it owes reports for


@dataclass
class ReportPlan:
    agreement: AgreementFacts
    quarter: Quarter
    buyers: int  # distinct agencies buying
    dollars: float  # target sales
    lines: int
    days_late: int  # 0 when filed on time
    seed: int

    @property
    def period(self) -> str:
        return str(self.quarter)

    @property
    def first_day(self) -> datetime.date:
        return max(self.quarter.first_day, self.agreement.effective_on)

    @property
    def last_day(self) -> datetime.date:
        return min(self.quarter.last_day, self.agreement.last_day)


def _years(start: datetime.date, day: datetime.date) -> float:
    return (day - start).days / 365.25


def ramp(age_years: float) -> float:
    """Maturity of a program: about 8% in its first months, half after 18 months, 90% after
    three years."""
    return 1 / (1 + math.exp(-(age_years - 1.5) / 0.7))


def office_buyers(year: int) -> float:
    if year <= 2010:
        growth = (OFFICE_2010_BUYERS / OFFICE_FIRST_BUYERS) ** (1 / (2010 - OFFICE_FIRST_YEAR))
        return OFFICE_FIRST_BUYERS * growth ** (year - OFFICE_FIRST_YEAR)
    return OFFICE_2010_BUYERS * OFFICE_GROWTH_AFTER_2010 ** (year - 2010)


def office_dollars(year: int) -> float:
    if year <= 2010:
        growth = (OFFICE_2010_DOLLARS / OFFICE_FIRST_DOLLARS) ** (1 / (2010 - OFFICE_FIRST_YEAR))
        return OFFICE_FIRST_DOLLARS * growth ** (year - OFFICE_FIRST_YEAR)
    return OFFICE_2010_DOLLARS * OFFICE_DECLINE_AFTER_2010 ** (year - 2010)


def _middle(quarter: Quarter) -> datetime.date:
    return quarter.first_day + (quarter.last_day - quarter.first_day) / 2


def plan_sales(
    rng: random.Random,
    agreements: list[AgreementFacts],
    joined: list[datetime.date],
    scale: float,
) -> list[ReportPlan]:
    """One plan per agreement and quarter owed. ``joined`` are the days the participants
    joined, sorted; at ``scale`` 1 the history has ``NATIONAL_LINES`` lines and its best year
    ``PEAK_YEAR_DOLLARS``, and both shrink in proportion."""
    starts: dict[str, datetime.date] = {}
    for a in agreements:
        starts[a.program.key] = min(starts.get(a.program.key, a.effective_on), a.effective_on)
    office_mid = sum(next(a.program for a in agreements if a.program.key == OFFICE).volume) / 2

    def pool(day: datetime.date) -> int:
        return bisect.bisect_right(joined, day)

    raw: list[tuple[AgreementFacts, Quarter, float, float, float]] = []
    for a in agreements:
        program = a.program
        for quarter in a.quarters:
            middle = _middle(quarter)
            # the share of the quarter the agreement was in force
            days_in = (
                min(quarter.last_day, a.last_day) - max(quarter.first_day, a.effective_on)
            ).days + 1
            part = days_in / ((quarter.last_day - quarter.first_day).days + 1)
            if program.key == OFFICE:
                buyers = office_buyers(quarter.year)
                dollars = office_dollars(quarter.year) / 4
            else:
                mid = sum(program.volume) / 2
                maturity = ramp(_years(starts[program.key], middle))
                buyers = pool(quarter.last_day) * 0.35 * math.sqrt(mid / office_mid) * maturity
                dollars = mid * 1e6 * maturity / 4
            buyers = min(buyers * a.share, pool(quarter.last_day) * MAX_REACH) * part
            raw.append((a, quarter, buyers, dollars * a.share * part, LINE_DOLLARS[_kind(program)]))
    factor = _others_factor(raw)
    scaled = [
        (a, q, buyers, dollars * scale * (1.0 if a.program.key == OFFICE else factor), line)
        for a, q, buyers, dollars, line in raw
    ]
    size = _line_size(scaled, NATIONAL_LINES * scale)
    plans = []
    for a, quarter, buyers, dollars, line in scaled:
        lines = max(1, int(dollars / size(a, line)))  # whole lines of at least the size
        count = max(1, min(round(buyers), lines))
        late = rng.randint(*LATE_DAYS) if rng.random() < LATE_SHARE else 0
        plans.append(ReportPlan(a, quarter, count, dollars, lines, late, rng.getrandbits(30)))
    return plans


def _line_size(
    scaled: list[tuple[AgreementFacts, Quarter, float, float, float]], total: float
) -> Callable[[AgreementFacts, float], float]:
    """The dollars of a typical line of each agreement: its scope's ``LINE_DOLLARS`` divided by
    one common factor, but never below the agreement's ``floor_dollars`` (a line of a vehicle
    contract is a vehicle); the factor is found, by bisection, that makes the lines ``total``."""

    def size(a: AgreementFacts, line: float, factor: float) -> float:
        return max(line / factor, a.floor_dollars, 0.01)

    def lines(factor: float) -> float:
        return sum(d / size(a, line, factor) for a, _, _, d, line in scaled)

    low, high = 1e-6, 1e6  # lines(factor) grows with factor
    for _ in range(200):
        middle = math.sqrt(low * high)
        low, high = (middle, high) if lines(middle) < total else (low, middle)
    factor = math.sqrt(low * high)
    return lambda a, line: size(a, line, factor)


def _kind(program: Program) -> str:
    return "office" if program.key == OFFICE else program.scope


def _others_factor(raw: list[tuple[AgreementFacts, Quarter, float, float, float]]) -> float:
    """The factor on every program but office supplies (which keeps its case-study curve) that
    makes the best year's total ``PEAK_YEAR_DOLLARS`` and no year more."""
    office: dict[int, float] = {}
    rest: dict[int, float] = {}
    for a, quarter, _, dollars, _ in raw:
        into = office if a.program.key == OFFICE else rest
        into[quarter.year] = into.get(quarter.year, 0.0) + dollars
    return min((PEAK_YEAR_DOLLARS - office.get(y, 0.0)) / rest[y] for y in rest)
