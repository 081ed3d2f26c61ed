"""Calibration of the demo agency universe to the 2022 US Census of Governments.

Pure data and arithmetic (no Django): how many agencies of each type the demo universe holds in
each state, at full scale and scaled down.

Sources
- Local governments: U.S. Census Bureau, 2022 Census of Governments — Organization, table
  'Local Governments by Type and State: 2022'. National type totals and the five largest state
  totals are the published figures; the state-by-type cells are reconstructed (see
  ``LOCAL_GOVERNMENTS_BY_STATE_2022``).
- State populations: U.S. Census Bureau, 2020 Census, resident population, April 1, 2020
  (apportionment release, table 'Resident Population for the 50 States, the District of
  Columbia, and Puerto Rico: 2020 Census'); they sum to the published 331,449,281.
- FIPS codes: ANSI/FIPS state codes (U.S. Census Bureau, INCITS 38).
- Colleges: NCES Digest of Education Statistics, degree-granting institutions 2021-22 (about
  3,900 in all: ~1,625 public, ~1,690 private non-profit, the rest for-profit). For-profit
  colleges are left out: they are not eligible public or non-profit agencies.
- Tribal governments: the 574 federally recognised tribal entities (Bureau of Indian Affairs list,
  Federal Register, 2022); the split by headquarters state is approximate.
- Non-profits: a demo figure (56,000 at full scale), not a census of the ~1.5 million 501(c)(3)s:
  the hospitals, clinics, food banks, charter schools, fire companies and service agencies that
  buy as public agencies do. It brings the national universe past 150,000 entities.

All allocation is integer largest-remainder arithmetic, so every function here returns the same
numbers on every machine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

LOCAL_GOVERNMENT_TYPES: tuple[str, ...] = (
    "county",
    "municipality",
    "township",
    "school_district",
    "special_district",
)
OTHER_AGENCY_TYPES: tuple[str, ...] = (
    "state",
    "public_college",
    "private_college",
    "tribal_government",
    "nonprofit",
)
AGENCY_TYPES: tuple[str, ...] = ("state", *LOCAL_GOVERNMENT_TYPES, *OTHER_AGENCY_TYPES[1:])


@dataclass(frozen=True, slots=True)
class State:
    """A state (or DC): FIPS code, USPS code, name, 2020 census resident population."""

    fips: str
    postal: str
    name: str
    population_2020: int


# FIPS order. Source: FIPS/INCITS 38 codes; 2020 Census resident population.
STATES: tuple[State, ...] = (
    State("01", "AL", "Alabama", 5_024_279),
    State("02", "AK", "Alaska", 733_391),
    State("04", "AZ", "Arizona", 7_151_502),
    State("05", "AR", "Arkansas", 3_011_524),
    State("06", "CA", "California", 39_538_223),
    State("08", "CO", "Colorado", 5_773_714),
    State("09", "CT", "Connecticut", 3_605_944),
    State("10", "DE", "Delaware", 989_948),
    State("11", "DC", "District of Columbia", 689_545),
    State("12", "FL", "Florida", 21_538_187),
    State("13", "GA", "Georgia", 10_711_908),
    State("15", "HI", "Hawaii", 1_455_271),
    State("16", "ID", "Idaho", 1_839_106),
    State("17", "IL", "Illinois", 12_812_508),
    State("18", "IN", "Indiana", 6_785_528),
    State("19", "IA", "Iowa", 3_190_369),
    State("20", "KS", "Kansas", 2_937_880),
    State("21", "KY", "Kentucky", 4_505_836),
    State("22", "LA", "Louisiana", 4_657_757),
    State("23", "ME", "Maine", 1_362_359),
    State("24", "MD", "Maryland", 6_177_224),
    State("25", "MA", "Massachusetts", 7_029_917),
    State("26", "MI", "Michigan", 10_077_331),
    State("27", "MN", "Minnesota", 5_706_494),
    State("28", "MS", "Mississippi", 2_961_279),
    State("29", "MO", "Missouri", 6_154_913),
    State("30", "MT", "Montana", 1_084_225),
    State("31", "NE", "Nebraska", 1_961_504),
    State("32", "NV", "Nevada", 3_104_614),
    State("33", "NH", "New Hampshire", 1_377_529),
    State("34", "NJ", "New Jersey", 9_288_994),
    State("35", "NM", "New Mexico", 2_117_522),
    State("36", "NY", "New York", 20_201_249),
    State("37", "NC", "North Carolina", 10_439_388),
    State("38", "ND", "North Dakota", 779_094),
    State("39", "OH", "Ohio", 11_799_448),
    State("40", "OK", "Oklahoma", 3_959_353),
    State("41", "OR", "Oregon", 4_237_256),
    State("42", "PA", "Pennsylvania", 13_002_700),
    State("44", "RI", "Rhode Island", 1_097_379),
    State("45", "SC", "South Carolina", 5_118_425),
    State("46", "SD", "South Dakota", 886_667),
    State("47", "TN", "Tennessee", 6_910_840),
    State("48", "TX", "Texas", 29_145_505),
    State("49", "UT", "Utah", 3_271_616),
    State("50", "VT", "Vermont", 643_077),
    State("51", "VA", "Virginia", 8_631_393),
    State("53", "WA", "Washington", 7_705_281),
    State("54", "WV", "West Virginia", 1_793_716),
    State("55", "WI", "Wisconsin", 5_893_718),
    State("56", "WY", "Wyoming", 576_851),
)
STATE_BY_POSTAL: dict[str, State] = {s.postal: s for s in STATES}
US_POPULATION_2020 = 331_449_281

# Published national totals (exact).
NATIONAL_LOCAL_GOVERNMENTS_2022: dict[str, int] = {
    "county": 3_031,
    "municipality": 19_491,
    "township": 16_214,
    "school_district": 12_546,
    "special_district": 39_555,
}
TOTAL_LOCAL_GOVERNMENTS_2022 = 90_837

# Published state totals (exact): the five states with the most local governments in 2022.
ANCHOR_STATE_TOTALS_2022: dict[str, int] = {
    "IL": 6_930,
    "TX": 5_533,
    "PA": 4_851,
    "CA": 4_494,
    "OH": 3_939,
}

# Source: U.S. Census Bureau, 2022 Census of Governments — Organization, table
# 'Local Governments by Type and State: 2022'.
# (county, municipality, township, school_district, special_district) per state.
LOCAL_GOVERNMENTS_BY_STATE_2022: dict[str, tuple[int, int, int, int, int]] = {
    "AL": (67, 463, 0, 133, 540),
    "AK": (15, 149, 0, 0, 15),
    "AZ": (15, 91, 0, 220, 348),
    "AR": (75, 502, 0, 235, 735),
    "CA": (57, 482, 0, 1_019, 2_936),
    "CO": (62, 272, 0, 178, 2_720),
    "CT": (0, 30, 149, 17, 440),
    "DE": (3, 57, 0, 19, 262),
    "DC": (0, 1, 0, 0, 1),
    "FL": (66, 412, 0, 95, 1_212),
    "GA": (152, 537, 0, 180, 520),
    "HI": (3, 1, 0, 0, 17),
    "ID": (44, 200, 0, 115, 820),
    "IL": (102, 1_297, 1_428, 852, 3_251),
    "IN": (91, 566, 1_001, 289, 690),
    "IA": (99, 938, 0, 330, 570),
    "KS": (103, 623, 1_252, 310, 1_500),
    "KY": (118, 418, 0, 171, 620),
    "LA": (60, 304, 0, 69, 85),
    "ME": (16, 22, 466, 100, 235),
    "MD": (23, 157, 0, 0, 167),
    "MA": (5, 53, 298, 86, 420),
    "MI": (83, 533, 1_240, 568, 440),
    "MN": (87, 852, 1_778, 335, 600),
    "MS": (82, 298, 0, 164, 430),
    "MO": (114, 936, 284, 540, 1_900),
    "MT": (54, 129, 0, 320, 735),
    "NE": (93, 527, 360, 245, 1_310),
    "NV": (16, 19, 0, 17, 140),
    "NH": (10, 13, 221, 165, 135),
    "NJ": (21, 324, 241, 545, 235),
    "NM": (33, 106, 0, 96, 640),
    "NY": (57, 603, 929, 690, 1_150),
    "NC": (100, 552, 0, 0, 330),
    "ND": (53, 355, 1_300, 175, 810),
    "OH": (88, 931, 1_308, 665, 947),
    "OK": (77, 597, 0, 535, 660),
    "OR": (36, 241, 0, 235, 1_015),
    "PA": (66, 1_013, 1_546, 514, 1_712),
    "RI": (0, 8, 31, 4, 95),
    "SC": (46, 271, 0, 73, 290),
    "SD": (66, 311, 900, 150, 590),
    "TN": (92, 345, 0, 14, 475),
    "TX": (254, 1_218, 0, 1_019, 3_042),
    "UT": (29, 252, 0, 41, 410),
    "VT": (14, 39, 237, 180, 150),
    "VA": (95, 229, 0, 0, 200),
    "WA": (39, 281, 0, 295, 1_300),
    "WV": (55, 229, 0, 55, 330),
    "WI": (72, 605, 1_245, 440, 730),
    "WY": (23, 99, 0, 48, 650),
}
"""Local governments by type and state, 2022.

State-by-type cells are reconstructed; state totals anchored to the published ones listed
(ANCHOR_STATE_TOTALS_2022: IL, TX, PA, CA, OH); national type totals exact.

How the cells were made: county cells are the counties with a county government (county-type
areas minus consolidated city-counties, Connecticut and Rhode Island, which have none); township
cells are non-zero only in the 20 states the Census Bureau counts township governments in;
municipal and township cells follow the 2017 Census of Governments; school and special district
cells are estimates from 2017 counts and trends. The uncertain cells were then nudged so that
each type column sums to its national total, so the reconciliation in ``calibrated_counts``
currently changes nothing; it stays in place so an edited table still reproduces the totals.
"""

# County areas (5-digit FIPS of the 2020 county file) that have no county government of their
# own: consolidated city-counties and city-parishes, whose government the Census of Governments
# counts as a municipality (San Francisco, Denver, Broomfield, Jacksonville-Duval, Athens-Clarke,
# Augusta-Richmond, Columbus-Muscogee, Macon-Bibb, Cusseta-Chattahoochee, Georgetown-Quitman,
# Preston-Webster, Honolulu, Indianapolis-Marion, Kansas City-Wyandotte, Greeley, Louisville-
# Jefferson, Lexington-Fayette, New Orleans, Baton Rouge, Lafayette, Houma-Terrebonne,
# Anaconda-Deer Lodge, Butte-Silver Bow, Philadelphia, Nashville-Davidson, Lynchburg-Moore,
# Hartsville-Trousdale), New York City's five boroughs, Kalawao (HI, administered by the state)
# and the nine Massachusetts counties whose governments were abolished or merged.
# Source: U.S. Census Bureau, 2022 Census of Governments, Individual State Descriptions.
# Independent cities (VA, Baltimore, St. Louis), Carson City and Alaska's census areas are
# recognised by their names instead (see ``universe``). Connecticut, Rhode Island and DC have
# county areas but no county governments at all.
AREAS_WITHOUT_COUNTY_GOVERNMENT: frozenset[str] = frozenset((
    "06075", "08014", "08031", "12031", "13021", "13053", "13059", "13215", "13239", "13245",
    "13307", "15003", "15005", "18097", "20071", "20209", "21067", "21111", "22033", "22055",
    "22071", "22109", "25003", "25009", "25011", "25013", "25015", "25017", "25019", "25025",
    "25027", "30023", "30093", "36005", "36047", "36061", "36081", "36085", "42101", "47037",
    "47127", "47169",
))  # fmt: skip

STATE_GOVERNMENTS = 50
PUBLIC_COLLEGES = 1_625
PRIVATE_NONPROFIT_COLLEGES = 1_693
TRIBAL_GOVERNMENTS = 574
NONPROFITS = 56_000

# Approximate number of federally recognised tribes by headquarters state. The table sums to a
# little more than 574; ``calibrated_other_counts`` reconciles it by largest remainder.
TRIBAL_GOVERNMENTS_BY_STATE: dict[str, int] = {
    "AK": 229, "AL": 1, "AZ": 22, "CA": 109, "CO": 2, "CT": 2, "FL": 2, "ID": 4, "IA": 1,
    "KS": 4, "LA": 4, "ME": 5, "MA": 2, "MI": 12, "MN": 6, "MS": 1, "MT": 8, "NE": 4, "NV": 17,
    "NM": 21, "NY": 8, "NC": 1, "ND": 4, "OK": 38, "OR": 9, "RI": 1, "SC": 1, "SD": 9, "TX": 3,
    "UT": 5, "VA": 7, "WA": 29, "WI": 11, "WY": 2,
}  # fmt: skip

# Special district functions and rough national weights (shares of special districts by
# function in the Census of Governments, rounded; "community_development" stands for the many
# improvement/community development/services districts). Overrides tilt a few states toward
# the district kinds they are known for (Colorado metropolitan districts, Texas municipal
# utility and emergency services districts, Florida community development districts...).
SPECIAL_DISTRICT_FUNCTION_WEIGHTS: dict[str, int] = {
    "fire_protection": 150,
    "water": 110,
    "housing": 85,
    "drainage": 60,
    "soil_water_conservation": 62,
    "sewer": 55,
    "cemetery": 42,
    "library": 42,
    "parks_recreation": 40,
    "community_development": 40,
    "irrigation": 25,
    "flood_control": 20,
    "road": 18,
    "hospital": 16,
    "airport": 13,
    "utility": 13,
    "school_building": 12,
    "solid_waste": 10,
    "ambulance": 10,
    "mosquito_abatement": 8,
    "transit": 7,
    "port": 4,
}
SPECIAL_DISTRICT_FUNCTION_OVERRIDES: dict[str, dict[str, int]] = {
    "CA": {"community_development": 110, "cemetery": 55, "mosquito_abatement": 25,
           "hospital": 30, "irrigation": 45, "soil_water_conservation": 35},
    "CO": {"metropolitan": 700, "water": 160, "fire_protection": 120},
    "FL": {"community_development": 600, "mosquito_abatement": 20},
    "IL": {"fire_protection": 260, "parks_recreation": 120, "library": 100, "drainage": 230,
           "cemetery": 70, "road": 0},
    "KS": {"water": 180, "cemetery": 110, "drainage": 80},
    "MO": {"fire_protection": 180, "road": 90, "ambulance": 40},
    "NE": {"natural_resources": 6, "drainage": 40, "fire_protection": 200},
    "NY": {"fire_protection": 300, "library": 60},
    "PA": {"water": 220, "sewer": 220, "school_building": 40, "housing": 40},
    "TX": {"water": 450, "fire_protection": 190, "drainage": 80},
    "WA": {"port": 40, "utility": 40, "fire_protection": 260, "cemetery": 50},
}  # fmt: skip


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (Hamilton's method).

    Each part is the floor of its exact quota; the units left over go to the largest exact
    remainders, ties to the earlier position. Integer arithmetic only, so it is exact and the
    same everywhere. Zero weights always get zero.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    weight_sum = sum(weights)
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    if weight_sum == 0:
        if total:
            raise ValueError("cannot allocate a positive total over zero weights")
        return [0] * len(weights)
    parts = [total * w // weight_sum for w in weights]
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def scaled_total(total: int, scale: float) -> int:
    """``total * scale`` rounded half up, computed exactly (no float rounding surprises)."""
    exact = Fraction(total) * Fraction(scale)
    return int(exact + Fraction(1, 2))


def reconcile(
    table: Mapping[str, Sequence[int]],
    national: Mapping[str, int],
    anchors: Mapping[str, int],
) -> dict[tuple[str, str], int]:
    """Make ``table`` reproduce the national type totals without touching the anchor states.

    For each type, anchored states keep their cells (and must already sum to their published
    totals); the rest of the national total is spread over the other states in proportion to
    their table cells by largest remainder. A zero cell stays zero (no townships appear in a
    state without township governments).
    """
    for postal, total in anchors.items():
        if sum(table[postal]) != total:
            raise ValueError(f"{postal}: table row sums to {sum(table[postal])}, not {total}")
    states = [s.postal for s in STATES]
    result: dict[tuple[str, str], int] = {}
    for index, agency_type in enumerate(LOCAL_GOVERNMENT_TYPES):
        fixed = sum(table[p][index] for p in states if p in anchors)
        free = [p for p in states if p not in anchors]
        residual = national[agency_type] - fixed
        parts = largest_remainder(residual, [table[p][index] for p in free])
        for postal in states:
            if postal in anchors:
                result[(postal, agency_type)] = table[postal][index]
        for postal, count in zip(free, parts, strict=True):
            result[(postal, agency_type)] = count
    return {(p, t): result[(p, t)] for p in states for t in LOCAL_GOVERNMENT_TYPES}


_RECONCILED = reconcile(
    LOCAL_GOVERNMENTS_BY_STATE_2022, NATIONAL_LOCAL_GOVERNMENTS_2022, ANCHOR_STATE_TOTALS_2022
)


def _check_scale(scale: float) -> None:
    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], got {scale!r}")


def _allocate_keeping_one_each(total: int, weights: Sequence[int]) -> list[int]:
    """Largest remainder, but every positive weight gets at least one."""
    holders = sum(1 for w in weights if w > 0)
    if total <= holders:
        return [1 if w > 0 else 0 for w in weights]
    extra = largest_remainder(total - holders, [max(w - 1, 0) for w in weights])
    return [(1 if w > 0 else 0) + e for w, e in zip(weights, extra, strict=True)]


def calibrated_counts(scale: float = 1.0) -> dict[tuple[str, str], int]:
    """Local governments per ``(state_postal, type)`` for all 50 states + DC and the 5 types.

    At scale 1.0 the type totals are exactly the 2022 national totals and the anchor states
    exactly their published totals (see ``reconcile``). Below 1.0 each type total becomes
    ``round_half_up(national_total * scale)`` and is split over the states in proportion to the
    full-scale cells by largest remainder; counties are the exception: every state with county
    governments keeps at least one, so the county total is
    ``max(round_half_up(3031 * scale), 48)``.
    """
    _check_scale(scale)
    if scale == 1:
        return dict(_RECONCILED)
    postals = [s.postal for s in STATES]
    result: dict[tuple[str, str], int] = {}
    for agency_type in LOCAL_GOVERNMENT_TYPES:
        cells = [_RECONCILED[(p, agency_type)] for p in postals]
        target = scaled_total(NATIONAL_LOCAL_GOVERNMENTS_2022[agency_type], scale)
        if agency_type == "county":
            parts = _allocate_keeping_one_each(target, cells)
        else:
            parts = largest_remainder(target, cells)
        for postal, count in zip(postals, parts, strict=True):
            result[(postal, agency_type)] = count
    return {(p, t): result[(p, t)] for p in postals for t in LOCAL_GOVERNMENT_TYPES}


def _tribal_weights() -> list[int]:
    return [TRIBAL_GOVERNMENTS_BY_STATE.get(s.postal, 0) for s in STATES]


def calibrated_other_counts(scale: float = 1.0) -> dict[tuple[str, str], int]:
    """States, colleges, tribal governments and non-profits per ``(state_postal, type)``.

    The 50 state governments are kept at every scale (DC has none). The other totals are
    ``round_half_up(total * scale)`` split by largest remainder: colleges and non-profits by 2020
    state population, tribal governments by ``TRIBAL_GOVERNMENTS_BY_STATE``.
    """
    _check_scale(scale)
    postals = [s.postal for s in STATES]
    populations = [s.population_2020 for s in STATES]
    splits = {
        "public_college": largest_remainder(scaled_total(PUBLIC_COLLEGES, scale), populations),
        "private_college": largest_remainder(
            scaled_total(PRIVATE_NONPROFIT_COLLEGES, scale), populations
        ),
        "tribal_government": largest_remainder(
            scaled_total(TRIBAL_GOVERNMENTS, scale), _tribal_weights()
        ),
        "nonprofit": largest_remainder(scaled_total(NONPROFITS, scale), populations),
    }
    result: dict[tuple[str, str], int] = {}
    for i, postal in enumerate(postals):
        result[(postal, "state")] = 0 if postal == "DC" else 1
        for agency_type, parts in splits.items():
            result[(postal, agency_type)] = parts[i]
    return result


def calibrated_universe_counts(scale: float = 1.0) -> dict[tuple[str, str], int]:
    """Every agency type per state: ``calibrated_counts`` plus ``calibrated_other_counts``."""
    return {**calibrated_counts(scale), **calibrated_other_counts(scale)}


def special_district_function_weights(postal: str) -> dict[str, int]:
    """Function weights for special districts in one state (national mix plus overrides)."""
    weights = dict(SPECIAL_DISTRICT_FUNCTION_WEIGHTS)
    weights.update(SPECIAL_DISTRICT_FUNCTION_OVERRIDES.get(postal, {}))
    return {k: v for k, v in weights.items() if v > 0}
