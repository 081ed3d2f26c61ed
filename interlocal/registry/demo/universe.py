"""A deterministic demo "agency universe" calibrated to the 2022 Census of Governments.

``generate_universe(scale, seed)`` yields every agency that could join the program: the 50 state
governments, counties, municipalities, townships, school and special districts, public and
private colleges, tribal governments and non-profits, state by state in FIPS order. Counts come
from ``calibration``; names from ``names``. Everything is fictional except the states and their
county areas, which are the real ones of the 2020 Census county file (``county_areas``): every
agency lies in one of them, and a county government bears its area's real name. Populations
are made up, county areas' included.

Determinism: each state draws from its own ``random.Random`` seeded from ``sha256(seed, state)``;
nothing iterates over a set or uses ``hash()``; skewed values (populations, enrolments) come from
piecewise-linear quantile tables evaluated with + - * / only, so no platform maths library
(``exp``/``log`` in ``lognormvariate``) can change a digit. The same (scale, seed) therefore
gives the same agencies, in the same order, on every machine running the same Python.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from math import isqrt
from typing import Any

from interlocal.core.geography import county_rows
from interlocal.registry.demo.calibration import (
    AREAS_WITHOUT_COUNTY_GOVERNMENT,
    STATES,
    State,
    calibrated_universe_counts,
    largest_remainder,
    special_district_function_weights,
)
from interlocal.registry.demo.names import (
    COUNTYWIDE_SCHOOL_STATES,
    FUNCTION_DOMAIN_WORDS,
    TOWN_STATES,
    StateNamer,
    acronym,
    slug,
)
from interlocal.registry.ingest.census import FIPS_TO_CENSUS_STATE

# Census of Governments type digit (position 3 of the 14-digit government ID).
CENSUS_TYPE_DIGITS: dict[str, str] = {
    "state": "0",
    "county": "1",
    "municipality": "2",
    "township": "3",
    "special_district": "4",
    "school_district": "5",
}
KEY_CODES: dict[str, str] = {
    "state": "GOV",
    "county": "CNTY",
    "municipality": "MUNI",
    "township": "TWP",
    "school_district": "SCH",
    "special_district": "SPD",
    "public_college": "PUBC",
    "private_college": "PRVC",
    "tribal_government": "TRIBE",
    "nonprofit": "NPO",
}

# IRS campus prefixes that real EINs start with; the 7-digit serials here are made up.
_EIN_PREFIX_RANGES = ((1, 6), (10, 16), (20, 27), (30, 48), (50, 68), (71, 77), (80, 88), (90, 95),
                      (98, 99))  # fmt: skip
EIN_PREFIXES: tuple[str, ...] = tuple(
    f"{p:02d}" for lo, hi in _EIN_PREFIX_RANGES for p in range(lo, hi + 1)
)


class Quantiles:
    """A skewed distribution as (cumulative share, value) knots, interpolated linearly.

    Only + - * / are used, so the result is bit-identical on every IEEE-754 machine.
    """

    __slots__ = ("shares", "values")

    def __init__(self, *knots: tuple[float, int]) -> None:
        self.shares = [k for k, _ in knots]
        self.values = [v for _, v in knots]

    def __call__(self, u: float) -> int:
        """Value at cumulative share ``u`` (0 <= u < 1)."""
        i = bisect_right(self.shares, u)
        if i >= len(self.shares):
            return self.values[-1]
        u0, u1 = self.shares[i - 1], self.shares[i]
        v0, v1 = self.values[i - 1], self.values[i]
        return int(v0 + (v1 - v0) * ((u - u0) / (u1 - u0)))


COUNTY_WEIGHT = Quantiles((0.0, 300), (0.1, 5_000), (0.25, 11_000), (0.5, 25_000),
                            (0.75, 65_000), (0.9, 200_000), (0.97, 600_000),
                            (0.995, 2_000_000), (1.0, 6_000_000))  # fmt: skip
MUNICIPAL_POPULATION = Quantiles((0.0, 20), (0.1, 150), (0.25, 400), (0.5, 1_200),
                                   (0.75, 4_500), (0.9, 15_000), (0.97, 50_000),
                                   (0.995, 200_000), (0.9995, 900_000),
                                   (1.0, 2_500_000))  # fmt: skip
TOWNSHIP_POPULATION = Quantiles((0.0, 30), (0.25, 350), (0.5, 800), (0.75, 2_000),
                                  (0.9, 6_000), (0.98, 25_000), (1.0, 120_000))  # fmt: skip
TOWN_POPULATION = Quantiles((0.0, 50), (0.25, 700), (0.5, 2_000), (0.75, 6_000),
                              (0.9, 15_000), (0.98, 40_000), (1.0, 250_000))  # fmt: skip
SCHOOL_ENROLLMENT = Quantiles((0.0, 15), (0.1, 150), (0.25, 400), (0.5, 1_100),
                                (0.75, 3_200), (0.9, 9_000), (0.97, 25_000), (0.995, 90_000),
                                (1.0, 450_000))  # fmt: skip
PUBLIC_COLLEGE_ENROLLMENT = Quantiles((0.0, 300), (0.2, 1_500), (0.5, 5_000),
                                        (0.8, 14_000), (0.95, 30_000),
                                        (1.0, 70_000))  # fmt: skip
PRIVATE_COLLEGE_ENROLLMENT = Quantiles((0.0, 80), (0.25, 500), (0.5, 1_400), (0.75, 3_000),
                                         (0.93, 8_000), (0.99, 20_000),
                                         (1.0, 45_000))  # fmt: skip
TRIBAL_POPULATION = Quantiles((0.0, 20), (0.3, 150), (0.5, 400), (0.75, 1_500),
                                (0.9, 5_000), (0.98, 30_000), (1.0, 400_000))  # fmt: skip


# Kinds of county area in the Census county file, longest first ("Juneau City and Borough").
# Lower-case "city" marks the independent cities of VA, MD and MO ("Richmond city").
AREA_SUFFIXES = ("City and Borough", "Census Area", "Municipality", "Borough", "Parish",
                 "County", "city")  # fmt: skip
# Areas whose name can stand in a district's or non-profit's name ("Harris County Food Bank").
_NAMED_KINDS = ("County", "Parish", "Borough")
_DOMAIN_WORDS = {"County": "county", "Parish": "parish", "Borough": "borough",
                 "City and Borough": "borough"}  # fmt: skip
_STEM_OVERRIDES = {"11001": "Washington"}  # the District of Columbia


@dataclass(frozen=True, slots=True)
class CountyArea:
    """A real county or county-equivalent: "Harris County" is FIPS 48201, stem "Harris"."""

    fips: str
    name: str
    stem: str
    kind: str  # one of AREA_SUFFIXES, or '' ("Carson City", "District of Columbia")

    @property
    def government_preference(self) -> int:
        """0 for areas that usually have a county government, 2 for those that never do
        (consolidated city-counties, independent cities, Alaska's census areas), 1 for the
        rest (Alaska's city-boroughs, Carson City)."""
        if self.fips in AREAS_WITHOUT_COUNTY_GOVERNMENT or self.kind in ("Census Area", "city"):
            return 2
        return 0 if self.kind in _NAMED_KINDS else 1


def _county_area(fips: str, name: str) -> CountyArea:
    for kind in AREA_SUFFIXES:
        if name.endswith(f" {kind}"):
            return CountyArea(fips, name, name.removesuffix(f" {kind}"), kind)
    return CountyArea(fips, name, _STEM_OVERRIDES.get(fips, name), "")


@cache
def _areas_by_state() -> dict[str, tuple[CountyArea, ...]]:
    by_state: dict[str, list[CountyArea]] = {}
    for state_fips, fips, name in sorted(county_rows(), key=lambda row: row[1]):
        by_state.setdefault(state_fips, []).append(_county_area(fips, name))
    return {state_fips: tuple(areas) for state_fips, areas in by_state.items()}


def county_areas(state_fips: str) -> tuple[CountyArea, ...]:
    """The state's real county areas in FIPS order: what ``DemoAgency.county_index`` indexes.

    From ``interlocal.core.geography.county_rows`` (the installed addfips 2020 county file),
    the same list the database's County table is loaded from.
    """
    return _areas_by_state()[state_fips]


@dataclass(frozen=True, slots=True)
class DemoAgency:
    """One entity of the demo agency universe.

    ``county_index`` indexes the state's real county areas sorted by FIPS code
    (``county_areas(state.fips)``), for every agency but the state governments; a county
    government's is its own area and its name is the area's. ``census_id`` is set for
    governments only, ``ein`` for non-profits and private colleges only ('' otherwise).
    """

    key: str
    name: str
    agency_type: str
    special_district_function: str
    state_postal: str
    county_index: int | None
    population: int | None
    enrollment: int | None
    email_domain: str
    census_id: str
    ein: str


def _derive_seed(*parts: object) -> int:
    digest = hashlib.sha256(":".join(str(p) for p in ("interlocal-demo", *parts)).encode())
    return int.from_bytes(digest.digest()[:8], "big")


class _Domains:
    """Email domains, unique across the whole universe."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, candidates: list[str]) -> str:
        for candidate in candidates:
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate
        label, _, rest = candidates[0].partition(".")
        n = 2
        while f"{label}{n}.{rest}" in self._used:
            n += 1
        self._used.add(f"{label}{n}.{rest}")
        return f"{label}{n}.{rest}"


class _EinIssuer:
    """Well-formed fictional EINs: a real campus prefix plus a serial unique per prefix.

    The serial is ``(k * 1234567 + offset) mod 10**7`` for the k-th EIN of a prefix, a bijection
    on 7-digit serials, so EINs never repeat within a universe.
    """

    def __init__(self, seed: int) -> None:
        self._offset = _derive_seed(seed, "ein") % 10_000_000
        self._issued = dict.fromkeys(EIN_PREFIXES, 0)

    def issue(self, rng: random.Random) -> str:
        prefix = rng.choice(EIN_PREFIXES)
        k = self._issued[prefix]
        self._issued[prefix] = k + 1
        return f"{prefix}{(k * 1_234_567 + self._offset) % 10_000_000:07d}"


def _suffix_acronym(name: str, stem: str) -> str:
    """Acronym of the part of the name after the place ("... Unified School District" -> "usd")."""
    return acronym(name.replace(stem, "", 1)) if stem else ""


def _base(name: str, stem: str) -> str:
    return (slug(stem) or acronym(name))[:40]


def _capped(weights: list[int], share: float = 0.3) -> list[int]:
    """Keep any one county below ``share`` of its state (Los Angeles, the largest real case, holds
    a quarter of California), so a random draw cannot give one county most of a state."""
    if len(weights) < 4:
        return weights
    for _ in range(3):
        cap = int(share * sum(weights))
        weights = [min(w, cap) for w in weights]
    return weights


class _StateBuilder:
    """Builds one state's agencies, in a fixed order, from its own random stream."""

    def __init__(
        self,
        state: State,
        counts: dict[tuple[str, str], int],
        seed: int,
        domains: _Domains,
        eins: _EinIssuer,
    ) -> None:
        self.state = state
        self.postal = state.postal
        self.st = state.postal.lower()
        self.rng = random.Random(_derive_seed(seed, state.postal))
        self.namer = StateNamer(self.rng, state)
        self.count = {t: counts[(state.postal, t)] for t in KEY_CODES}
        self.domains = domains
        self.eins = eins
        self.units: dict[tuple[str, int], int] = {}
        # Census government IDs start with the Census alphabetical state code, not FIPS.
        self.census_state = FIPS_TO_CENSUS_STATE[state.fips]
        self.areas = county_areas(state.fips)
        self.n_areas = len(self.areas)
        weights = _capped([COUNTY_WEIGHT(self.rng.random()) for _ in self.areas])
        self.area_population = largest_remainder(state.population_2020, weights)
        self.governed_areas = self._county_government_areas()
        governed = set(self.governed_areas)
        self.area_label: list[str | None] = [
            a.name if i in governed or a.kind in _NAMED_KINDS else None
            for i, a in enumerate(self.areas)
        ]
        self.area_stem = [a.stem for a in self.areas]
        self.places: list[list[str]] = [[] for _ in range(self.n_areas)]
        self._gov_cum = list(accumulate(isqrt(p) + 1 for p in self.area_population))
        self._pop_cum = list(accumulate(p + 1 for p in self.area_population))

    # -- helpers ----------------------------------------------------------------------------
    def _county_government_areas(self) -> list[int]:
        """The areas (indexes, ascending) that get one of the state's county governments.

        All of them when the count allows; otherwise areas that usually have a county
        government first (see ``CountyArea.government_preference``), chosen among equals by
        the state's random stream. At full scale this leaves out exactly the consolidated
        city-counties, independent cities and census areas, except in Alaska.
        """
        count = self.count["county"]
        if count > self.n_areas:
            raise ValueError(f"{self.postal}: {count} county governments but {self.n_areas} areas")
        if count == self.n_areas:
            return list(range(count))
        draws = [self.rng.random() for _ in self.areas]
        ranked = sorted(
            range(self.n_areas), key=lambda i: (self.areas[i].government_preference, draws[i])
        )
        return sorted(ranked[:count])

    def _area(self, cum: list[int]) -> int:
        return bisect_right(cum, self.rng.random() * cum[-1])

    def _census_id(self, agency_type: str, area: int) -> str:
        digit = CENSUS_TYPE_DIGITS[agency_type]
        for step in range(self.n_areas):
            candidate = (area + step) % self.n_areas
            unit = self.units.get((digit, candidate), 0) + 1
            if unit <= 999:
                self.units[(digit, candidate)] = unit
                return f"{self.census_state}{digit}{candidate + 1:03d}{unit:03d}00000"
        raise ValueError(f"{self.postal}: more than 999 {agency_type} units per county area")

    def _draw_place(self, area: int) -> Callable[[], str]:
        rng, places, county_stem = self.rng, self.places[area], self.area_stem[area]

        def draw() -> str:
            roll = rng.random()
            if places and roll < 0.75:
                return rng.choice(places)
            if county_stem and roll < 0.85:
                return county_stem
            return self.namer.place_stem()

        return draw

    def _agency(
        self, agency_type: str, seq: int, name: str, domain: list[str], **kw: Any
    ) -> DemoAgency:
        fields = {
            "special_district_function": "",
            "county_index": None,
            "population": None,
            "enrollment": None,
            "census_id": "",
            "ein": "",
            **kw,
        }
        return DemoAgency(
            key=f"{self.postal}-{KEY_CODES[agency_type]}-{seq:05d}",
            name=name,
            agency_type=agency_type,
            state_postal=self.postal,
            email_domain=self.domains.claim(domain),
            **fields,
        )

    # -- agencies ---------------------------------------------------------------------------
    def agencies(self) -> Iterator[DemoAgency]:
        if self.count["state"]:
            name = self.namer.state_government()
            yield self._agency(
                "state", 1, name, [f"{slug(self.state.name)}.gov", f"state.{self.st}.us"],
                population=self.state.population_2020, census_id=f"{self.census_state}0" + "0" * 11,
            )  # fmt: skip
        yield from self._counties()
        yield from self._municipalities()
        yield from self._townships()
        yield from self._school_districts()
        yield from self._special_districts()
        yield from self._colleges()
        yield from self._tribes()
        yield from self._nonprofits()

    def _counties(self) -> Iterator[DemoAgency]:
        for i in self.governed_areas:
            area = self.areas[i]
            s, word = slug(area.stem), _DOMAIN_WORDS.get(area.kind, "")
            domains = [f"{s}{word}.gov", f"{s}{word}{self.st}.gov", f"co.{s}.{self.st}.us"]
            if self.rng.random() < 0.15:
                domains.insert(0, domains.pop(2))
            fips_unit = f"{i + 1:03d}"
            yield self._agency(
                "county", i + 1, area.name, domains, county_index=i,
                population=self.area_population[i],
                census_id=f"{self.census_state}1{fips_unit}{fips_unit}00000",
            )  # fmt: skip

    def _municipalities(self) -> Iterator[DemoAgency]:
        rng, st = self.rng, self.st
        for seq in range(1, self.count["municipality"] + 1):
            area = self._area(self._gov_cum)
            cap = max(self.area_population[area] * 9 // 10, 50)
            population = min(MUNICIPAL_POPULATION(rng.random()), cap)
            if self.postal == "DC":
                name, stem = "Government of the District of Columbia", "Washington"
                population = self.state.population_2020
                domains = ["dc.gov"]
            else:
                name, stem = self.namer.municipality(population)
                s, kind = slug(stem), slug(name.split(" of ")[0])
                domains = [f"{s}-{st}.gov", f"{kind}of{s}.gov", f"{s}{st}.gov", f"ci.{s}.{st}.us"]
                roll = rng.random()
                if roll < 0.4:
                    domains.insert(0, domains.pop(1))
                elif roll < 0.5:
                    domains.insert(0, domains.pop(3))
            self.places[area].append(stem)
            yield self._agency(
                "municipality", seq, name, domains, county_index=area, population=population,
                census_id=self._census_id("municipality", area),
            )  # fmt: skip

    def _townships(self) -> Iterator[DemoAgency]:
        rng, st = self.rng, self.st
        table = TOWN_POPULATION if self.postal in TOWN_STATES else TOWNSHIP_POPULATION
        for seq in range(1, self.count["township"] + 1):
            area = self._area(self._gov_cum)
            name, stem = self.namer.township(self.places[area])
            cap = max(self.area_population[area] * 9 // 10, 50)
            population = min(table(rng.random()), cap)
            s = slug(stem)
            if self.postal in TOWN_STATES:
                domains = [f"townof{s}{st}.gov", f"{s}-{st}.gov", f"townof{s}.org"]
            else:
                domains = [f"{s}twp-{st}.gov", f"{s}township.org", f"{s}twp.org"]
            if rng.random() < 0.3:
                domains.reverse()
            if stem not in self.places[area]:
                self.places[area].append(stem)
            yield self._agency(
                "township", seq, name, domains, county_index=area, population=population,
                census_id=self._census_id("township", area),
            )  # fmt: skip

    def _school_districts(self) -> Iterator[DemoAgency]:
        rng, st = self.rng, self.st
        countywide_state = self.postal in COUNTYWIDE_SCHOOL_STATES
        for seq in range(1, self.count["school_district"] + 1):
            countywide = countywide_state and seq <= self.count["county"]
            area = self.governed_areas[seq - 1] if countywide else self._area(self._gov_cum)
            name, stem = self.namer.school_district(
                self._draw_place(area), self.area_label[area], countywide
            )
            county_population = self.area_population[area]
            if countywide:
                enrollment = int(county_population * rng.uniform(0.11, 0.17))
            else:
                enrollment = SCHOOL_ENROLLMENT(rng.random())
                enrollment = min(enrollment, max(county_population // 5, 20))
            s, sacr = _base(name, stem), _suffix_acronym(name, stem)
            domains = [f"{acronym(name)}.k12.{st}.us", f"{s}{sacr}.org", f"{s}schools.org",
                       f"{s}{sacr}.net"]  # fmt: skip
            if rng.random() < 0.5:
                domains.insert(0, domains.pop(1))
            yield self._agency(
                "school_district", seq, name, domains, county_index=area, enrollment=enrollment,
                census_id=self._census_id("school_district", area),
            )  # fmt: skip

    def _special_districts(self) -> Iterator[DemoAgency]:
        rng, st = self.rng, self.st
        weights = special_district_function_weights(self.postal)
        functions, cum = list(weights), list(accumulate(weights.values()))
        for seq in range(1, self.count["special_district"] + 1):
            function = functions[bisect_right(cum, rng.random() * cum[-1])]
            area = self._area(self._gov_cum)
            name, stem = self.namer.special_district(
                function, self._draw_place(area), self.area_label[area]
            )
            s, word = _base(name, stem), FUNCTION_DOMAIN_WORDS[function]
            sacr = _suffix_acronym(name, stem)
            domains = [f"{s}{word}.org", f"{s}{sacr}.org", f"{s}{word}-{st}.org", f"{s}{sacr}.gov"]
            if rng.random() < 0.4:
                domains.insert(0, domains.pop(1))
            yield self._agency(
                "special_district", seq, name, domains, special_district_function=function,
                county_index=area, census_id=self._census_id("special_district", area),
            )  # fmt: skip

    def _colleges(self) -> Iterator[DemoAgency]:
        rng = self.rng
        for seq in range(1, self.count["public_college"] + 1):
            area = self._area(self._pop_cum)
            name, stem = self.namer.public_college(
                self._draw_place(area), self.area_label[area], seq - 1
            )
            if seq == 1:
                enrollment = 25_000 + rng.randrange(30_000)
            else:
                enrollment = PUBLIC_COLLEGE_ENROLLMENT(rng.random())
            s, sacr = _base(name, stem), _suffix_acronym(name, stem)
            domains = [f"{acronym(name)}{self.st}.edu", f"{s}{sacr}.edu", f"{slug(name)[:60]}.edu"]
            if seq == 1 or len(acronym(name)) < 3:
                domains.reverse()
            yield self._agency(
                "public_college", seq, name, domains, county_index=area, enrollment=enrollment
            )
        for seq in range(1, self.count["private_college"] + 1):
            area = self._area(self._pop_cum)
            name, stem = self.namer.private_college(self._draw_place(area))
            s = _base(name, stem)
            domains = [f"{s}.edu", f"{s}{_suffix_acronym(name, stem)}.edu", f"{acronym(name)}.edu"]
            yield self._agency(
                "private_college", seq, name, domains, county_index=area,
                enrollment=PRIVATE_COLLEGE_ENROLLMENT(rng.random()),
                ein=self.eins.issue(rng),
            )  # fmt: skip

    def _tribes(self) -> Iterator[DemoAgency]:
        rng = self.rng
        for seq in range(1, self.count["tribal_government"] + 1):
            area = self._area(self._gov_cum)
            name, stem = self.namer.tribal_government()
            s = slug(stem)
            domains = [f"{s}-nsn.gov", f"{s}tribe.org", f"{slug(name)[:60]}.org"]
            yield self._agency(
                "tribal_government", seq, name, domains, county_index=area,
                population=TRIBAL_POPULATION(rng.random()),
            )  # fmt: skip

    def _nonprofits(self) -> Iterator[DemoAgency]:
        rng = self.rng
        for seq in range(1, self.count["nonprofit"] + 1):
            area = self._area(self._pop_cum)
            name, stem = self.namer.nonprofit(self._draw_place(area), self.area_label[area])
            full = slug(name)
            s, sacr = _base(name, stem), _suffix_acronym(name, stem)
            domains = [f"{full}.org" if len(full) <= 40 else f"{s}{sacr}.org", f"{s}{sacr}.org",
                       f"{acronym(name)}{self.st}.org"]  # fmt: skip
            yield self._agency(
                "nonprofit", seq, name, domains, county_index=area, ein=self.eins.issue(rng)
            )


def generate_universe(scale: float, seed: int) -> Iterator[DemoAgency]:
    """Yield the demo agency universe for ``scale`` (0 < scale <= 1) and ``seed``.

    At scale 1.0 the local governments match the 2022 Census of Governments national totals by
    type exactly (about 151,000 agencies in all, with states, colleges, tribes, non-profits).
    """
    counts = calibrated_universe_counts(scale)
    domains, eins = _Domains(), _EinIssuer(seed)
    for state in STATES:
        yield from _StateBuilder(state, counts, seed, domains, eins).agencies()
