"""The labelled customer set the matcher's accuracy is measured on (test_matching_accuracy).

The registry is the Census ASPEP 2016 unit file (10,574 real governments, as
``import_governments`` loads it). Customers are written the way suppliers' billing systems
write them, from the real names:

* governments of the registry, each under one recipe (:data:`RECIPES`): as registered, reworded
  (designations, abbreviations, punctuation, case), a department of it, a typo, a trailing state,
  a dropped type word, or with an identifier (right, in the wrong state, Interlocal's own);
* real governments that are not in the registry: GNIS places (cities, towns, villages, boroughs,
  townships; CDPs are not governments) and counties the Census sample does not hold. They must
  not be matched automatically.

Municipal designations come from the place's GNIS type ("Town of Andover", "Ansonia City"); the
customer's city, when given, is a real GNIS place of the government's county. The Census file
has no addresses, so no customer carries a ZIP (ZIP narrowing is unit-tested instead).

Lines per customer follow Zipf's law (s = 0.8) over the customers ranked by their government's
population or enrolment times log-normal noise: big governments buy more, and every line counts.
Everything is drawn from one seeded ``random.Random``: the set is the same on every run.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from interlocal.core.geography import STATES
from interlocal.registry.ingest.census import GovernmentRow
from interlocal.registry.normalise import normalise_name
from interlocal.reporting.ingest.matching import KEYBOARD_NEIGHBOURS, Customer, Match

SEED = 2026
IN_REGISTRY = 5_700
NOT_IN_REGISTRY = 300
TOP_LINES = 2_000
ZIPF_S = 0.8
CITY_GIVEN = 0.6

POSTAL = {fips: postal for fips, postal, _name, _kind in STATES}
STATE_NAME = {postal: name for _fips, postal, name, _kind in STATES}
MUNICIPAL_KINDS = {"city", "town", "village", "borough"}
PLACE_KINDS = MUNICIPAL_KINDS | {"township"}
COMMONWEALTHS = {"KY", "MA", "PA", "VA"}

# Recipe -> share of the in-registry customers.
RECIPES = {
    "as registered": 0.20,
    "reworded": 0.28,
    "department": 0.14,
    "typo": 0.14,
    "state suffix": 0.04,
    "dropped word": 0.05,
    "census id": 0.05,
    "interlocal id": 0.03,
    "wrong-state id": 0.03,
    "department + typo": 0.04,
}


@dataclass(frozen=True)
class Labelled:
    customer: Customer
    truth: str | None  # Census ID of the government meant; None: not in the registry
    recipe: str
    lines: int


@dataclass(frozen=True)
class Place:
    state: str
    county: str  # 5-digit FIPS
    name: str
    kind: str  # GNIS type of area


def read_places(path: Path) -> list[Place]:
    with path.open(encoding="cp1252", newline="") as handle:
        return [
            Place(row["state_code"], "", row["city_name"], row["type_of_area"])
            if not row["county_code"].isdigit()
            else Place(
                row["state_code"],
                _state_fips(row["state_code"]) + row["county_code"].zfill(3),
                row["city_name"],
                row["type_of_area"],
            )
            for row in csv.DictReader(handle)
            if row["type_of_area"] in PLACE_KINDS and row["state_code"] in STATE_NAME
        ]


def read_counties(path: Path) -> list[tuple[str, str, str]]:
    """(state postal, 5-digit FIPS, name) of every county of the 2010 list."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (POSTAL[row["statefp"]], row["statefp"] + row["countyfp"], row["name"])
            for row in csv.DictReader(handle)
            if row["statefp"] in POSTAL
        ]


def _state_fips(postal: str) -> str:
    return next(fips for fips, p in POSTAL.items() if p == postal)


# ---------------------------------------------------------------------- writing a name


def styled(rng: random.Random, name: str) -> str:
    """Billing systems upper-case, title-case or leave names alone."""
    roll = rng.random()
    if roll < 0.4:
        return name.upper()
    if roll < 0.5:
        return name.lower()
    return name


_KEYBOARD = KEYBOARD_NEIGHBOURS  # the same keyboard the matcher forgives slips on


def typo(rng: random.Random, name: str) -> str:
    """One slip of the keyboard in one word of four letters or more."""
    words = name.split(" ")
    choices = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not choices:
        return name
    index = rng.choice(choices)
    word = words[index]
    at = rng.randrange(1, len(word))
    operation = rng.choice(("delete", "swap", "near", "double"))
    if operation == "delete":
        word = word[:at] + word[at + 1 :]
    elif operation == "swap" and at < len(word) - 1:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    elif operation == "near":
        near = _KEYBOARD.get(word[at].lower(), "e")
        char = rng.choice(near)
        word = word[:at] + (char.upper() if word[at].isupper() else char) + word[at + 1 :]
    else:
        word = word[:at] + word[at] + word[at:]
    words[index] = word
    return " ".join(words)


def _swap_words(rng: random.Random, name: str, table: Mapping[str, Sequence[str]]) -> str:
    for long, shorts in table.items():
        if re.search(rf"\b{long}\b", name) and rng.random() < 0.7:
            name = re.sub(rf"\b{long}\b", rng.choice(shorts), name)
    return name


_SPECIAL_SHORT = {
    "District": ("Dist", "Dist.", "DIST"),
    "Authority": ("Auth", "Auth."),
    " and ": (" & ",),
    "St": ("St.", "Saint"),
    "Mount": ("Mt", "Mt."),
    "Fort": ("Ft", "Ft."),
    "Municipal Utility District": ("MUD", "M.U.D."),
    "Fire Protection District": ("FPD", "Fire Prot Dist"),
    "Department": ("Dept", "Dept."),
    "Hospital": ("Hosp",),
    "Metropolitan": ("Metro",),
}
_SCHOOL_SHORT = {
    "ISD": ("I.S.D.", "Independent School District", "Ind School Dist"),
    "Independent School District": ("ISD", "I.S.D."),
    "USD": ("U.S.D.", "Unified School District"),
    "Unified School District": ("USD", "Unified Sch Dist"),
    "School District": ("Sch Dist", "School Dist", "SD", "Sch. Dist.", "Schools"),
    "County": ("Co", "Co."),
    " and ": (" & ",),
    "St": ("St.", "Saint"),
}


@dataclass
class Government:
    """A government of the registry with what the recipes need to know about it."""

    row: GovernmentRow
    state: str
    kind: str  # the GNIS type for municipalities and townships ("town"), else ""


def reworded(rng: random.Random, gov: Government) -> str:
    name, state, type_code = gov.row.display_name, gov.state, gov.row.type_code
    if type_code == 1:
        core, _, designation = name.rpartition(" ")
        form = rng.choice(
            (
                f"{core} {designation}",
                f"{designation} of {core}",
                f"{core} Co",
                f"{core} Co.",
                f"{core} Cnty",
                f"{core}, {designation} of",
            )
            if designation == "County"
            else (f"{core} {designation}", f"{designation} of {core}")
        )
        return _swap_words(rng, form, {"St": ("St.", "Saint")})
    if type_code in (2, 3):
        kind = (gov.kind or ("city" if type_code == 2 else "township")).title()
        forms = [
            f"{kind} of {name}",
            f"{name} {kind}",
            f"{name}, {kind} of",
            f"The {kind} of {name}",
        ]
        if kind == "Township":
            forms += [f"{name} Twp", f"{name} Twp.", f"Twp of {name}"]
            if state == "MI":
                forms.append(f"Charter Township of {name}")
        return _swap_words(rng, rng.choice(forms), {"St": ("St.", "Saint")})
    if type_code == 0:
        if state in COMMONWEALTHS and rng.random() < 0.5:
            return f"Commonwealth of {name}"
        return rng.choice((f"State of {name}", f"{name}, State of", name))
    table = _SCHOOL_SHORT if type_code == 5 else _SPECIAL_SHORT
    return _swap_words(rng, name.replace(" No ", " No. ").replace("#", "No. "), table)


_DEPARTMENTS = {
    1: (
        "Sheriff's Office", "Sheriffs Dept", "Sheriff Department", "Public Works",
        "Dept of Public Works", "Parks and Recreation", "Parks & Rec", "Board of Commissioners",
        "Health Department", "Road Department", "Clerk of Courts", "Detention Center",
        "Emergency Management", "Purchasing Dept", "Jail",
    ),
    2: (
        "Police Department", "Police Dept", "PD", "Fire Department", "Fire Dept", "Fire Rescue",
        "Public Works", "Public Works Department", "Parks and Recreation Department",
        "Public Library", "Water Department", "Utilities", "Purchasing Department",
    ),
    3: ("Police Department", "Road Department", "Fire Department", "Board of Trustees",
        "Board of Supervisors", "Public Works"),
    5: ("Transportation Department", "Maintenance Department", "Technology Department",
        "Purchasing Office", "Board of Trustees"),
    0: ("Department of Transportation", "Department of Corrections", "Department of Health",
        "Department of Public Safety"),
}  # fmt: skip
_LEADING = {1: ("Sheriff's Office, ", "Office of the Sheriff - "), 2: ("Police Department - ",)}


def department(rng: random.Random, gov: Government) -> str:
    type_code = gov.row.type_code
    if type_code == 4:  # special districts have no departments suppliers bill
        return reworded(rng, gov)
    base = rng.choice((gov.row.display_name, reworded(rng, gov)))
    if type_code in _LEADING and rng.random() < 0.2:
        if type_code == 2:
            base = f"City of {gov.row.display_name}"
        return rng.choice(_LEADING[type_code]) + base
    if type_code == 0 and rng.random() < 0.5:
        base = f"State of {gov.row.display_name}"
    return f"{base} {rng.choice(_DEPARTMENTS[type_code])}"


_COUNTY_WORD = re.compile(r" (County|Parish|Borough)$")
# GNIS writes "Sea Isle City" where the Census writes "SEA ISLE": compare without it.
_LOCAL_WORD = re.compile(r" (City|Town|Village|Borough|Township)$", re.IGNORECASE)


def dropped(gov: Government) -> str | None:
    """The name without its type words ("Baldwin" for Baldwin County), if that leaves one."""
    name, type_code = gov.row.display_name, gov.row.type_code
    patterns = {
        1: _COUNTY_WORD.pattern,
        5: r" (ISD|CISD|USD|School District( \d+)?|Independent School District)$",
        4: r" (District|Authority|Board|Commission)$",
    }
    if type_code not in patterns:
        return None
    shorter = re.sub(patterns[type_code], "", name)
    return shorter if shorter != name and shorter else None


# ---------------------------------------------------------------------- the set


def build(
    governments: Sequence[GovernmentRow],
    places: Sequence[Place],
    counties: Sequence[tuple[str, str, str]],
    agency_ids: Mapping[str, int],
    *,
    seed: int = SEED,
) -> list[Labelled]:
    rng = random.Random(seed)
    in_state: dict[str, list[Government]] = defaultdict(list)
    names: dict[str, set[str]] = defaultdict(set)  # state -> normalised registry names
    local_names: dict[str, set[str]] = defaultdict(set)  # municipalities and townships
    county_names: dict[str, set[str]] = defaultdict(set)
    places_of: dict[str, list[Place]] = defaultdict(list)
    kind_of: dict[tuple[str, str, str, bool], str] = {}
    for place in places:
        places_of[place.county].append(place)
        municipal = place.kind in MUNICIPAL_KINDS
        key = (place.state, place.county, normalise_name(place.name), municipal)
        kind_of.setdefault(key, place.kind)
    pool: list[Government] = []
    for row in governments:
        state = POSTAL[row.fips_state]
        fips5 = row.fips_state + row.fips_county
        # a Census township is a GNIS "town" (New England, New York, Wisconsin) or "township"
        key = (state, fips5, normalise_name(row.name), row.type_code == 2)
        gov = Government(row, state, kind_of.get(key, "") if row.type_code in (2, 3) else "")
        pool.append(gov)
        in_state[state].append(gov)
        names[state].add(normalise_name(row.display_name))
        if row.type_code in (2, 3):
            local_names[state].add(_squeezed(_LOCAL_WORD.sub("", row.display_name)))
        elif row.type_code == 1:
            county_names[state].add(_squeezed(row.display_name))

    def city_for(gov: Government) -> str | None:
        if rng.random() >= CITY_GIVEN:
            return None
        if gov.row.type_code == 2:
            return gov.row.display_name
        nearby = places_of.get(gov.row.fips_state + gov.row.fips_county, [])
        municipal = [p.name for p in nearby if p.kind in MUNICIPAL_KINDS]
        return rng.choice(municipal) if municipal else None

    labelled: list[tuple[Customer, str | None, str, float]] = []
    recipes, weights = list(RECIPES), list(RECIPES.values())
    while len(labelled) < IN_REGISTRY:
        gov = rng.choice(pool)
        recipe = rng.choices(recipes, weights)[0]
        made = _make(rng, recipe, gov, in_state, names, agency_ids)
        if made is None:
            continue
        name, identifier = made
        customer = Customer(styled(rng, name), gov.state, None, city_for(gov), identifier)
        labelled.append((customer, gov.row.census_id, recipe, _size(rng, gov.row)))
    labelled += _not_in_registry(rng, places, counties, local_names, county_names)
    return _with_lines(rng, labelled)


def _make(
    rng: random.Random,
    recipe: str,
    gov: Government,
    in_state: Mapping[str, list[Government]],
    names: Mapping[str, set[str]],
    agency_ids: Mapping[str, int],
) -> tuple[str, str | None] | None:
    recipes: dict[str, Callable[[], tuple[str, str | None] | None]] = {
        "as registered": lambda: (gov.row.display_name, None),
        "reworded": lambda: (reworded(rng, gov), None),
        "department": lambda: (department(rng, gov), None),
        "typo": lambda: (typo(rng, reworded(rng, gov)), None),
        "department + typo": lambda: (typo(rng, department(rng, gov)), None),
        "state suffix": lambda: (
            f"{reworded(rng, gov)}{rng.choice((', ', ' ', ' - '))}"
            f"{rng.choice((gov.state, STATE_NAME[gov.state]))}",
            None,
        ),
        "census id": lambda: (
            reworded(rng, gov),
            gov.row.census_id.lstrip("0") if rng.random() < 0.25 else gov.row.census_id,
        ),
        "interlocal id": lambda: (reworded(rng, gov), str(agency_ids[gov.row.census_id])),
        "wrong-state id": lambda: (reworded(rng, gov), _elsewhere(rng, gov, in_state)),
    }
    if recipe == "dropped word":
        shorter = dropped(gov)
        # a shorter name that is another registry name in the state would mean that one
        if shorter is None or normalise_name(shorter) in names[gov.state]:
            return None
        return shorter, None
    return recipes[recipe]()


def _squeezed(name: str) -> str:
    """A name compared without spaces: the county list's "DeKalb" is the Census "De Kalb"."""
    return normalise_name(name).replace(" ", "")


def _elsewhere(
    rng: random.Random, gov: Government, in_state: Mapping[str, list[Government]]
) -> str:
    other = rng.choice([s for s in in_state if s != gov.state])
    return rng.choice(in_state[other]).row.census_id


def _size(rng: random.Random, row: GovernmentRow) -> float:
    # A special district's "population" field holds its Census function code, not people.
    known = row.population if row.type_code != 4 else None
    base = known if known else rng.lognormvariate(7.5, 1.5)
    return base * rng.lognormvariate(0, 1)


def _not_in_registry(
    rng: random.Random,
    places: Sequence[Place],
    counties: Sequence[tuple[str, str, str]],
    local_names: Mapping[str, set[str]],
    county_names: Mapping[str, set[str]],
) -> list[tuple[Customer, str | None, str, float]]:
    """Real governments the Census sample lacks. A place named exactly like a registry
    municipality or township of its state is left out (and a county likewise): in the full
    universe both would be registered, and no name tells them apart."""
    absent_places = [
        p for p in places if _squeezed(_LOCAL_WORD.sub("", p.name)) not in local_names[p.state]
    ]
    absent_counties = [
        (state, name)
        for state, _fips, name in counties
        if _COUNTY_WORD.search(name) and _squeezed(name) not in county_names[state]
    ]
    out: list[tuple[Customer, str | None, str, float]] = []
    while len(out) < NOT_IN_REGISTRY:
        if rng.random() < 0.7:
            place = rng.choice(absent_places)
            kind = place.kind.title()
            name = rng.choice(
                (f"{kind} of {place.name}", f"{place.name} {kind}", place.name,
                 f"{place.name} Police Department", f"{kind} of {place.name} Public Works")
            )  # fmt: skip
            state, city = place.state, place.name
        else:
            state, county = rng.choice(absent_counties)
            core, _, designation = county.rpartition(" ")
            name = rng.choice(
                (county, f"{county} Sheriff's Office", f"{designation} of {core}", f"{core} Co")
            )
            city = None
        if rng.random() < 0.15:
            name = typo(rng, name)
        customer = Customer(styled(rng, name), state, None, city, None)
        out.append((customer, None, "not in registry", rng.lognormvariate(7.0, 1.5)))
    return out


def _with_lines(
    rng: random.Random, labelled: list[tuple[Customer, str | None, str, float]]
) -> list[Labelled]:
    distinct: dict[Customer, tuple[Customer, str | None, str, float]] = {}
    for item in labelled:
        distinct.setdefault(item[0], item)
    ranked = sorted(distinct.values(), key=lambda item: -item[3])
    return [
        Labelled(customer, truth, recipe, max(1, round(TOP_LINES / rank**ZIPF_S)))
        for rank, (customer, truth, recipe, _size) in enumerate(ranked, start=1)
    ]


# ---------------------------------------------------------------------- scoring


@dataclass
class Tally:
    lines: int = 0
    auto: int = 0
    auto_right: int = 0
    review: int = 0  # review lines of customers that are in the registry
    first_right: int = 0

    def add(self, item: Labelled, match: Match, truth_id: int | None) -> None:
        self.lines += item.lines
        if match.agency_id is not None:
            self.auto += item.lines
            self.auto_right += item.lines if match.agency_id == truth_id else 0
        elif truth_id is not None:
            self.review += item.lines
            first = match.candidates[0][0] if match.candidates else None
            self.first_right += item.lines if first == truth_id else 0

    @property
    def precision(self) -> float:
        return self.auto_right / self.auto if self.auto else 1.0

    @property
    def automatic(self) -> float:
        return self.auto / self.lines if self.lines else 0.0

    @property
    def first_suggestion(self) -> float:
        return self.first_right / self.review if self.review else 1.0

    def row(self, label: str) -> str:
        return (
            f"{label:<20} {self.lines:>7} lines  auto {self.automatic:7.2%}  right "
            f"{self.precision:7.2%}  review {self.review:>6}  first right "
            f"{self.first_suggestion:7.2%}"
        )
