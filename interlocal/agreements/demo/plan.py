"""The demo's past, planned: for each program, the generations of master agreements from the
first (office supplies, Los Angeles County, solicited in 1995) to those in force today, and the
solicitation that awarded each — dates, numbers, suppliers and price-file sizes.

Pure: everything comes from the random generator and ``today``, so a plan can be recomputed
and compared with what was written. ``demo.write_history`` stores it.

Dates hold together: created < published < due < opened < awarded < effective; renewal options
are exercised before the term they extend; a re-solicitation's agreement starts the day after
the one it replaces ends.
"""

import datetime
import random
import zoneinfo
from dataclasses import dataclass

from interlocal.agreements.demo.catalog import OFFICE, PROGRAMS, Program
from interlocal.agreements.services.terms import term_end
from interlocal.core.geography import STATE_TIME_ZONES
from interlocal.core.periods import add_months

ONE_DAY = datetime.timedelta(days=1)
# Each generation's renewal options (1 or 2), in months.
RENEWALS = ([12], [12, 12], [24], [24, 24], [12, 24])
# Solicitation numbers read like the lead agency's own: "LAC-RFP-1995-01".
AGENCY_PREFIX = {
    "Allegheny County": "ALC",
    "Cook County": "CKC",
    "Dallas County": "DAL",
    "Fairfax County": "FFX",
    "Hennepin County": "HEN",
    "Los Angeles County": "LAC",
    "Maricopa County": "MCO",
    "Miami-Dade County": "MDC",
    "San Diego County": "SDC",
    "City of Charlotte": "CLT",
    "City and County of Denver": "DEN",
    "City of Los Angeles": "LAX",
    "City of Seattle": "SEA",
    "Emory University": "EMU",
    "North Carolina State University": "NCSU",
    "Wichita Public Schools": "WPS",
}
# How far before the current term ends a renewal option is exercised (days). At least 190, so
# an agreement inside the 180-day expiry window has no option left that should have been used.
EXERCISE_LEAD = (190, 240)
# Expiry bands of the pipeline page (days left), and the middle of each, preferred so the demo
# keeps its shape for a few days after seeding.
BANDS = {30: (0, 30), 90: (31, 90), 180: (91, 180)}
INSIDE_BANDS = {30: (7, 30), 90: (40, 85), 180: (100, 175)}
# An agreement outside the bands ends at least this many days from today.
CLEAR_OF_PIPELINE = 200
# The program whose expiring agreement is being re-solicited (the live solicitation in
# evaluation); the supplier persona's company holds that agreement.
RESOLICITED = "mro"


def time_zone(lead: str) -> str:
    """The lead agency's time zone, from its state."""
    from interlocal.registry.demo.seed import ADVISORY_AGENCIES  # seed_demo imports this module

    postal = next(row[1] for row in ADVISORY_AGENCIES if row[0] == lead)
    return STATE_TIME_ZONES.get(postal, "America/Chicago")


@dataclass
class Generation:
    """One agreement term: an initial term, its renewal options (the first ``exercised`` of them
    used) and, sometimes, an extension by amendment while the successor was being awarded."""

    effective_on: datetime.date
    initial_months: int
    renewal_months: list[int]
    leads: list[int]  # days before each option starts that it is exercised
    exercised: int = 0
    extended_to: datetime.date | None = None

    @property
    def initial_end(self) -> datetime.date:
        return term_end(self.effective_on, self.initial_months)

    def options(self) -> list[tuple[datetime.date, datetime.date]]:
        spans, start = [], self.initial_end + ONE_DAY
        for months in self.renewal_months:
            end = term_end(start, months)
            spans.append((start, end))
            start = end + ONE_DAY
        return spans

    @property
    def renewed_end(self) -> datetime.date:
        return self.options()[self.exercised - 1][1] if self.exercised else self.initial_end

    @property
    def expires_on(self) -> datetime.date:
        return self.extended_to or self.renewed_end

    def exercise_on(self, index: int) -> datetime.date:
        return self.options()[index][0] - datetime.timedelta(days=self.leads[index])

    def exercise_passed(self, today: datetime.date) -> None:
        """Exercise, in order, every option whose exercise date is today or earlier."""
        self.exercised = 0
        while (
            self.exercised < len(self.renewal_months) and self.exercise_on(self.exercised) <= today
        ):
            self.exercised += 1


@dataclass
class AwardPlan:
    supplier: int  # index into the suppliers
    items: int  # items in the first price file
    revised: bool  # a second price-file version, effective later


@dataclass
class SolicitationPlan:
    program: Program
    generation: Generation
    created_at: datetime.datetime
    published_at: datetime.datetime
    due_at: datetime.datetime
    opened_at: datetime.datetime
    awarded_at: datetime.datetime
    proposers: list[int]  # supplier indices in order of submission, the winners among them
    awards: list[AwardPlan]
    current: bool
    previous: "SolicitationPlan | None" = None
    number: str = ""

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(time_zone(self.program.lead))

    def agreement_numbers(self, supplier_names: list[str]) -> dict[int, str]:
        """Supplier index -> agreement number, numbered in supplier-name order as the award
        service numbers them."""
        ordered = sorted((a.supplier for a in self.awards), key=lambda i: supplier_names[i])
        return {index: f"{self.number}-{n:02d}" for n, index in enumerate(ordered, start=1)}


def _terms(rng: random.Random, effective_on: datetime.date) -> Generation:
    renewals = list(rng.choice(RENEWALS))
    return Generation(
        effective_on=effective_on,
        initial_months=rng.choice((36, 48, 60)),
        renewal_months=renewals,
        leads=[rng.randint(*EXERCISE_LEAD) for _ in renewals],
    )


def _current(rng: random.Random, band: int | None, today: datetime.date) -> Generation:
    """The generation in force today: in its expiry band, or clear of the pipeline. It took
    effect on the 1st or the 16th of a month, up to nine years ago."""
    latest = add_months(today.replace(day=1), -3)  # awarded well before today
    for windows in (INSIDE_BANDS, BANDS):
        low, high = windows[band] if band else (CLEAR_OF_PIPELINE, 10**6)
        for _ in range(100):
            terms = _terms(rng, latest)
            fits = []
            for back in range(9 * 12):
                for day in (1, 16):
                    generation = Generation(
                        add_months(latest, -back).replace(day=day),
                        terms.initial_months,
                        list(terms.renewal_months),
                        list(terms.leads),
                    )
                    generation.exercise_passed(today)
                    if low <= (generation.expires_on - today).days <= high:
                        fits.append(generation)
            if fits:
                return rng.choice(fits)
    raise RuntimeError(f"no term fits the {band}-day band today ({today})")


def _first(floor: datetime.date, before: datetime.date, rng: random.Random) -> Generation | None:
    """The first generation, filling the months from ``floor`` to ``before``: an initial term,
    one or two renewals (both exercised), and under a year more by an extension amendment."""
    months = (before.year - floor.year) * 12 + before.month - floor.month
    if months < 48:
        return None
    initial = max(m for m in (36, 48, 60) if months - m >= 12)
    rest, renewals = months - initial, list[int]()
    while rest >= 12 and len(renewals) < 2:
        renewals.append(min(24, rest - rest % 12))
        rest -= renewals[-1]
    leads = [rng.randint(*EXERCISE_LEAD) for _ in renewals]
    generation = Generation(floor, initial, renewals, leads, exercised=len(renewals))
    if rest:
        generation.extended_to = before - ONE_DAY
    return generation


def _generations(rng: random.Random, program: Program, today: datetime.date) -> list[Generation]:
    if program.key == OFFICE:
        # The case study: solicited by Los Angeles County in 1995, re-solicited in 2005 and 2015,
        # each time extended a year by amendment while the next award was made.
        day, leads = datetime.date, [200, 200]
        history = [
            Generation(day(1996, 1, 1), 60, [24, 24], leads, 2, extended_to=day(2005, 12, 31)),
            Generation(day(2006, 1, 1), 60, [24, 24], leads, 2, extended_to=day(2015, 12, 31)),
            Generation(day(2016, 1, 1), 60, [24, 24], leads, 2),
        ]
        while history[-1].expires_on < today:
            generation = _terms(rng, history[-1].expires_on + ONE_DAY)
            generation.exercise_passed(today)
            history.append(generation)
        return history
    history = [_current(rng, program.band, today)]
    start = history[0].effective_on
    floor = datetime.date(program.since + 1, start.month, start.day)
    while len(history) < program.generations:
        generation = _terms(rng, history[0].effective_on)
        generation.exercised = len(generation.renewal_months)  # every option's date has passed
        months = generation.initial_months + sum(generation.renewal_months[: generation.exercised])
        generation.effective_on = add_months(history[0].effective_on, -months)
        if generation.effective_on < floor:
            # the last one fills the time back to the program's start, if there is enough
            if earliest := _first(floor, history[0].effective_on, rng):
                history.insert(0, earliest)
            break
        history.insert(0, generation)
    return history


def at(
    day: datetime.date, hour: int, zone: zoneinfo.ZoneInfo, minute: int = 0
) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def _item_count(rng: random.Random, scale: float, current: bool) -> int:
    base = rng.randint(400, 3000) if current else rng.randint(200, 1200)
    return max(100, round(base * min(1.0, max(scale, 0.1))))


def _winners(
    rng: random.Random, program: Program, names: list[str], incumbents: list[int], forced: list[int]
) -> list[int]:
    """Suppliers awarded: a supplier of the trade is likelier; an incumbent often wins again."""
    fit = [i for i, name in enumerate(names) if program.trade and program.trade in name]
    chosen = list(forced)
    for incumbent in incumbents:
        if len(chosen) < program.awards and incumbent not in chosen and rng.random() < 0.5:
            chosen.append(incumbent)
    while len(chosen) < program.awards:
        pick = rng.choice(fit) if fit and rng.random() < 0.7 else rng.randrange(len(names))
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _plan(
    rng: random.Random,
    program: Program,
    generation: Generation,
    winners: list[int],
    names: list[str],
    scale: float,
    today: datetime.date,
    current: bool,
) -> SolicitationPlan:
    zone = zoneinfo.ZoneInfo(time_zone(program.lead))
    awarded_day = generation.effective_on - datetime.timedelta(days=rng.randint(30, 110))
    opened_day = awarded_day - datetime.timedelta(days=rng.randint(45, 100))
    due_at = at(opened_day, 14, zone)  # proposals due at 2 p.m., the lead agency's time
    published_day = opened_day - datetime.timedelta(days=rng.randint(30, 49))
    published_at = at(published_day, rng.randint(8, 11), zone)
    created_day = published_day - datetime.timedelta(days=rng.randint(25, 70))
    others = [i for i in range(len(names)) if i not in winners]
    count = rng.randint(max(3, len(winners) + 1), min(8, len(names)))
    proposers = winners + rng.sample(others, count - len(winners))
    rng.shuffle(proposers)
    in_force_until = min(generation.expires_on, today)
    awards = [
        AwardPlan(
            supplier=index,
            items=_item_count(rng, scale, current),
            # a price adjustment a year or more after award, where the term ran that long
            revised=(in_force_until - generation.effective_on).days > 500 and rng.random() < 0.5,
        )
        for index in winners
    ]
    return SolicitationPlan(
        program=program,
        generation=generation,
        created_at=at(created_day, rng.randint(8, 16), zone, rng.randrange(60)),
        published_at=published_at,
        due_at=due_at,
        opened_at=due_at + datetime.timedelta(minutes=rng.randint(15, 75)),
        awarded_at=at(awarded_day, rng.randint(9, 16), zone, rng.randrange(60)),
        proposers=proposers,
        awards=awards,
        current=current,
    )


def favoured_program(programs: list[Program], supplier_name: str) -> str:
    """The program in which the supplier persona's company holds its own-trade agreement."""
    for program in programs:
        if program.trade and program.trade in supplier_name and program.band is None:
            return program.key
    return OFFICE


def plan_history(
    rng: random.Random, scale: float, today: datetime.date, supplier_names: list[str]
) -> list[SolicitationPlan]:
    """Every past solicitation, oldest first, numbered. ``supplier_names[0]`` (the supplier
    persona's company) wins the current agreement of two programs: its own trade's (or office
    supplies) and facilities MRO, whose re-solicitation is under evaluation."""
    programs = [p for p in PROGRAMS if p.small or scale >= 0.1]
    favoured = favoured_program(programs, supplier_names[0])
    plans: list[SolicitationPlan] = []
    for program in programs:
        generations = _generations(rng, program, today)
        previous: SolicitationPlan | None = None
        for i, generation in enumerate(generations):
            current = i == len(generations) - 1
            forced = [0] if current and program.key in (RESOLICITED, favoured) else []
            incumbents = [a.supplier for a in previous.awards] if previous else []
            winners = _winners(rng, program, supplier_names, incumbents, forced)
            plan = _plan(rng, program, generation, winners, supplier_names, scale, today, current)
            plan.previous = previous
            plans.append(plan)
            previous = plan
    plans.sort(key=lambda p: (p.created_at, p.program.key))
    sequence: dict[tuple[str, int], int] = {}
    for plan in plans:
        prefix, year = AGENCY_PREFIX[plan.program.lead], plan.created_at.year
        sequence[prefix, year] = sequence.get((prefix, year), 0) + 1
        method = "IFB" if plan.program.method == "sealed_bid" else "RFP"
        plan.number = f"{prefix}-{method}-{year}-{sequence[prefix, year]:02d}"
    return plans
