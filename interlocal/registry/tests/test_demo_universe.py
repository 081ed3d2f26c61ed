"""The demo agency universe: calibration, names, determinism, uniqueness.

Pure Python (no Django, no database): run with ``-p no:django``.
"""

from __future__ import annotations

import collections
import hashlib
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from interlocal.core.geography import county_rows
from interlocal.registry.demo import calibration as cal
from interlocal.registry.demo.names import (
    COUNTYWIDE_SCHOOL_STATES,
    StateNamer,
    acronym,
    company_name,
    repeats_municipal_word,
    slug,
    unique_company_names,
)
from interlocal.registry.demo.universe import (
    CENSUS_TYPE_DIGITS,
    EIN_PREFIXES,
    DemoAgency,
    Quantiles,
    county_areas,
    generate_universe,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
SEED = 20220


@pytest.fixture(scope="module")
def universe() -> list[DemoAgency]:
    return list(generate_universe(1.0, SEED))


@pytest.fixture(scope="module")
def small_universe() -> list[DemoAgency]:
    return list(generate_universe(0.01, SEED))


@pytest.fixture(scope="module")
def by_type(universe: list[DemoAgency]) -> dict[str, list[DemoAgency]]:
    groups: dict[str, list[DemoAgency]] = collections.defaultdict(list)
    for agency in universe:
        groups[agency.agency_type].append(agency)
    return groups


def _area_of(agency: DemoAgency):
    assert agency.county_index is not None
    return county_areas(cal.STATE_BY_POSTAL[agency.state_postal].fips)[agency.county_index]


def _digest(agencies: list[DemoAgency]) -> str:
    return hashlib.sha256(repr(agencies).encode()).hexdigest()


# -- calibration -----------------------------------------------------------------------------


def test_given_full_scale_when_counting_by_type_then_national_totals_are_exact(by_type):
    for agency_type, total in cal.NATIONAL_LOCAL_GOVERNMENTS_2022.items():
        assert len(by_type[agency_type]) == total, agency_type
    assert sum(cal.NATIONAL_LOCAL_GOVERNMENTS_2022.values()) == cal.TOTAL_LOCAL_GOVERNMENTS_2022


def test_given_full_scale_then_anchor_state_totals_match_published(universe):
    local = collections.Counter(
        a.state_postal for a in universe if a.agency_type in cal.LOCAL_GOVERNMENT_TYPES
    )
    assert {p: local[p] for p in cal.ANCHOR_STATE_TOTALS_2022} == {
        "IL": 6_930,
        "TX": 5_533,
        "PA": 4_851,
        "CA": 4_494,
        "OH": 3_939,
    }


def test_given_full_scale_then_other_agency_totals(by_type, universe):
    assert len(by_type["state"]) == 50
    assert "DC" not in {a.state_postal for a in by_type["state"]}
    assert len(by_type["public_college"]) == cal.PUBLIC_COLLEGES
    assert len(by_type["private_college"]) == cal.PRIVATE_NONPROFIT_COLLEGES
    assert len(by_type["tribal_government"]) == 574
    assert len(by_type["nonprofit"]) == cal.NONPROFITS == 56_000
    assert 150_000 <= len(universe) <= 155_000


def test_calibrated_counts_structure():
    counts = cal.calibrated_counts()
    assert len(counts) == 51 * 5
    for postal in ("CT", "RI", "DC"):
        assert counts[(postal, "county")] == 0
    assert counts[("DC", "municipality")] == 1
    township_states = {p for (p, t), n in counts.items() if t == "township" and n}
    assert township_states == set(
        [
            "CT",
            "IL",
            "IN",
            "KS",
            "ME",
            "MA",
            "MI",
            "MN",
            "MO",
            "NE",
            "NH",
            "NJ",
            "NY",
            "ND",
            "OH",
            "PA",
            "RI",
            "SD",
            "VT",
            "WI",
        ]
    )
    for state in cal.STATES:
        if state.postal not in ("CT", "RI", "DC"):
            assert counts[(state.postal, "county")] >= 1


def test_reference_facts():
    assert len(cal.STATES) == 51
    assert sum(s.population_2020 for s in cal.STATES) == cal.US_POPULATION_2020
    assert [s.fips for s in cal.STATES] == sorted(s.fips for s in cal.STATES)
    assert cal.STATE_BY_POSTAL["TX"].fips == "48"
    assert sum(cal.LOCAL_GOVERNMENTS_BY_STATE_2022["IL"]) == 6_930


def test_reconcile_restores_totals_from_a_perturbed_table():
    table = {p: list(row) for p, row in cal.LOCAL_GOVERNMENTS_BY_STATE_2022.items()}
    table["CO"][4] += 400  # special districts over
    table["NY"][3] -= 90  # school districts under
    table["MN"][2] += 7  # townships over
    result = cal.reconcile(table, cal.NATIONAL_LOCAL_GOVERNMENTS_2022, cal.ANCHOR_STATE_TOTALS_2022)
    for agency_type, total in cal.NATIONAL_LOCAL_GOVERNMENTS_2022.items():
        assert sum(n for (p, t), n in result.items() if t == agency_type) == total
    for postal, total in cal.ANCHOR_STATE_TOTALS_2022.items():
        assert sum(n for (p, t), n in result.items() if p == postal) == total
    assert result[("AL", "township")] == 0
    assert result[("CO", "special_district")] != cal.LOCAL_GOVERNMENTS_BY_STATE_2022["CO"][4]


def test_reconcile_rejects_an_anchor_row_that_does_not_add_up():
    table = {p: list(row) for p, row in cal.LOCAL_GOVERNMENTS_BY_STATE_2022.items()}
    table["TX"][1] += 1
    with pytest.raises(ValueError, match="TX"):
        cal.reconcile(table, cal.NATIONAL_LOCAL_GOVERNMENTS_2022, cal.ANCHOR_STATE_TOTALS_2022)


def test_largest_remainder():
    assert cal.largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert cal.largest_remainder(7, [0, 5, 5]) == [0, 4, 3]
    assert cal.largest_remainder(0, [3, 4]) == [0, 0]
    parts = cal.largest_remainder(1_000, [s.population_2020 for s in cal.STATES])
    assert sum(parts) == 1_000
    with pytest.raises(ValueError):
        cal.largest_remainder(3, [0, 0])


@pytest.mark.parametrize("scale", [0.5, 0.25, 0.1, 0.01, 0.001])
def test_scaled_counts_sum_as_documented(scale):
    counts = cal.calibrated_counts(scale)
    full = cal.calibrated_counts(1.0)
    county_states = sum(1 for (p, t), n in full.items() if t == "county" and n)
    assert county_states == 48
    for agency_type, total in cal.NATIONAL_LOCAL_GOVERNMENTS_2022.items():
        expected = cal.scaled_total(total, scale)
        if agency_type == "county":
            expected = max(expected, county_states)
        assert sum(n for (p, t), n in counts.items() if t == agency_type) == expected
    for key, n in counts.items():
        assert 0 <= n <= full[key]
        if key[1] == "county" and full[key]:
            assert n >= 1
    others = cal.calibrated_other_counts(scale)
    assert sum(n for (p, t), n in others.items() if t == "state") == 50
    assert sum(n for (p, t), n in others.items() if t == "nonprofit") == cal.scaled_total(
        cal.NONPROFITS, scale
    )


def test_scaled_total_rounds_half_up_exactly():
    assert cal.scaled_total(3_031, 0.1) == 303
    assert cal.scaled_total(19_491, 0.1) == 1_949
    assert cal.scaled_total(5, 0.5) == 3
    with pytest.raises(ValueError):
        cal.calibrated_counts(1.5)
    with pytest.raises(ValueError):
        cal.calibrated_counts(0)


def test_generated_counts_follow_calibration_at_small_scale():
    agencies = list(generate_universe(0.1, SEED))
    got = collections.Counter((a.state_postal, a.agency_type) for a in agencies)
    expected = {k: v for k, v in cal.calibrated_universe_counts(0.1).items() if v}
    assert dict(got) == expected


# -- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_identical_output_and_other_seed_differs():
    first = list(generate_universe(0.05, 7))
    second = list(generate_universe(0.05, 7))
    other = list(generate_universe(0.05, 8))
    assert first == second
    assert len(other) == len(first)
    assert [a.name for a in other] != [a.name for a in first]


def test_output_does_not_depend_on_hash_randomisation():
    code = (
        "import hashlib;from interlocal.registry.demo.universe import generate_universe;"
        "print(hashlib.sha256(repr(list(generate_universe(0.02, 3))).encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO_ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    assert digests == {_digest(list(generate_universe(0.02, 3)))}


# -- uniqueness and well-formed identifiers --------------------------------------------------


def test_names_unique_within_state_and_type(universe):
    seen = collections.Counter((a.state_postal, a.agency_type, a.name) for a in universe)
    assert [k for k, n in seen.items() if n > 1] == []


def test_keys_census_ids_domains_and_eins_unique(universe):
    for field in ("key", "email_domain"):
        values = [getattr(a, field) for a in universe]
        assert len(values) == len(set(values)), field
    census_ids = [a.census_id for a in universe if a.census_id]
    assert len(census_ids) == len(set(census_ids))
    eins = [a.ein for a in universe if a.ein]
    assert len(eins) == len(set(eins)) == cal.NONPROFITS + cal.PRIVATE_NONPROFIT_COLLEGES


def test_census_ids_are_well_formed(universe):
    from interlocal.registry.ingest.census import CENSUS_STATE_TO_FIPS

    fips = {s.postal: s.fips for s in cal.STATES}
    for a in universe:
        digit = CENSUS_TYPE_DIGITS.get(a.agency_type)
        if digit is None:
            assert a.census_id == ""
            continue
        assert re.fullmatch(r"\d{14}", a.census_id), a
        # the Census alphabetical state code, as the real files carry (Texas 44, FIPS 48)
        assert CENSUS_STATE_TO_FIPS[a.census_id[:2]] == fips[a.state_postal]
        assert a.census_id[2] == digit
        assert a.census_id[9:] == "00000"
        if a.agency_type == "state":
            assert a.census_id[3:9] == "000000"
        else:
            assert int(a.census_id[3:6]) == a.county_index + 1
            assert 1 <= int(a.census_id[6:9]) <= 999


def test_eins_and_domains_are_well_formed(universe):
    domain = re.compile(r"[a-z0-9]+([.-][a-z0-9]+)*\.(gov|org|edu|net|us)")
    for a in universe:
        assert domain.fullmatch(a.email_domain), a.email_domain
        assert all(len(label) <= 63 for label in a.email_domain.split("."))
        if a.agency_type in ("nonprofit", "private_college"):
            assert re.fullmatch(r"\d{9}", a.ein) and a.ein[:2] in EIN_PREFIXES, a
        else:
            assert a.ein == ""


def test_keys_are_stable_ids(universe):
    assert universe[0].key == "AL-GOV-00001"
    for a in universe:
        assert re.fullmatch(r"[A-Z]{2}-[A-Z]+-\d{5}", a.key)
        assert a.key.startswith(a.state_postal)


def test_county_areas_are_the_real_county_file_in_fips_order():
    for state in cal.STATES:
        areas = county_areas(state.fips)
        expected = sorted((fips, name) for st, fips, name in county_rows() if st == state.fips)
        assert [(a.fips, a.name) for a in areas] == expected
    assert {p: len(county_areas(cal.STATE_BY_POSTAL[p].fips)) for p in ("CT", "RI", "DC")} == {
        "CT": 8,
        "RI": 5,
        "DC": 1,
    }
    assert len(county_areas("48")) == 254
    stems = {a.name: a.stem for st in ("02", "22", "29", "32", "51") for a in county_areas(st)}
    assert stems["Orleans Parish"] == "Orleans"
    assert stems["St. Louis city"] == "St. Louis"
    assert stems["Juneau City and Borough"] == "Juneau"
    assert stems["Bethel Census Area"] == "Bethel"
    assert stems["Carson City"] == "Carson City"
    assert stems["James City County"] == "James City"
    assert county_areas("11")[0].stem == "Washington"


def test_county_index_points_at_a_county_area(universe, by_type):
    for a in by_type["county"]:
        assert a.key.endswith(f"{a.county_index + 1:05d}")
    for a in universe:
        if a.agency_type == "state":
            assert a.county_index is None
        else:
            fips = cal.STATE_BY_POSTAL[a.state_postal].fips
            assert 0 <= a.county_index < len(county_areas(fips)), a


def test_a_county_government_is_its_real_county(by_type):
    seen = collections.Counter()
    for a in by_type["county"]:
        assert a.name == _area_of(a).name, a
        seen[(a.state_postal, a.county_index)] += 1
    assert max(seen.values()) == 1
    names = {(a.state_postal, a.name) for a in by_type["county"]}
    assert {("TX", "Harris County"), ("CA", "Los Angeles County"), ("LA", "Caddo Parish"),
            ("VA", "Fairfax County"), ("AK", "North Slope Borough")} <= names  # fmt: skip
    # consolidated city-counties and independent cities have no county government of their own
    governed = {_area_of(a).fips for a in by_type["county"]}
    assert not governed & cal.AREAS_WITHOUT_COUNTY_GOVERNMENT
    assert not any(n.endswith(" city") for _, n in names)
    assert ("NV", "Carson City") not in names and ("MD", "Baltimore County") in names


def test_agencies_spread_over_the_real_county_areas(small_universe, universe):
    areas = collections.defaultdict(set)
    for a in small_universe:
        if a.county_index is not None:
            areas[a.state_postal].add(a.county_index)
    assert len(areas["TX"]) > 30
    assert len(areas["CA"]) > 15
    assert len(areas["GA"]) > 10
    everywhere = {(a.state_postal, a.county_index) for a in universe if a.county_index is not None}
    # at full scale hardly an area is left empty (a few small independent cities may be)
    assert len(everywhere) >= 0.99 * sum(len(county_areas(s.fips)) for s in cal.STATES)


def test_county_populations_are_shares_of_their_state(small_universe, universe):
    for agencies in (small_universe, universe):
        for a in agencies:
            if a.agency_type != "county":
                continue
            state = cal.STATE_BY_POSTAL[a.state_postal]
            assert 0 < a.population < state.population_2020, a
    totals = collections.Counter()
    for a in universe:
        if a.agency_type == "county":
            totals[a.state_postal] += a.population
    # every Texas area has a county government, and the areas share the state's population
    assert totals["TX"] == cal.STATE_BY_POSTAL["TX"].population_2020


def test_names_that_mention_a_county_mention_their_own(universe):
    for a in universe:
        if a.agency_type in ("state", "county", "municipality", "township"):
            continue
        if re.search(r" (County|Parish)\b", a.name):
            assert _area_of(a).name in a.name, a


def test_no_name_repeats_a_municipal_word(small_universe, universe):
    for a in small_universe + universe:
        assert not repeats_municipal_word(a.name), a.name
        if a.agency_type in ("municipality", "township") and a.state_postal not in ("DC", "HI"):
            place = re.sub(r"^.* of | Township$", "", a.name)
            assert not re.search(r"\b(City|Town|Village|Borough|Township)\b", place), a.name


def test_fields_by_type(by_type):
    functions = set(cal.SPECIAL_DISTRICT_FUNCTION_WEIGHTS) | {"metropolitan", "natural_resources"}
    for agency_type, agencies in by_type.items():
        for a in agencies:
            if agency_type == "special_district":
                assert a.special_district_function in functions
            else:
                assert a.special_district_function == ""
            if agency_type in ("school_district", "public_college", "private_college"):
                assert a.enrollment is not None and a.enrollment > 0 and a.population is None
            else:
                assert a.enrollment is None
            if agency_type in ("state", "county", "municipality", "township", "tribal_government"):
                assert a.population is not None and a.population > 0
    functions_seen = collections.Counter(
        a.special_district_function for a in by_type["special_district"]
    )
    assert functions_seen.most_common(1)[0][0] in ("fire_protection", "water")
    assert functions_seen["metropolitan"] > 0 and functions_seen["housing"] > 0


def test_populations_are_skewed(by_type):
    populations = sorted(a.population for a in by_type["municipality"])
    median = populations[len(populations) // 2]
    mean = sum(populations) / len(populations)
    assert 500 <= median <= 3_000
    assert mean > 3 * median
    assert populations[-1] > 500_000
    counties = [a for a in by_type["county"] if a.state_postal == "TX"]
    assert sum(a.population for a in counties) <= cal.STATE_BY_POSTAL["TX"].population_2020


# -- name shapes -----------------------------------------------------------------------------


def _names(by_type, agency_type, postal=None):
    return [a.name for a in by_type[agency_type] if postal in (None, a.state_postal)]


def test_county_names(by_type):
    assert all(n.endswith(" Parish") for n in _names(by_type, "county", "LA"))
    assert all(re.search(r" (Borough|Municipality)$", n) for n in _names(by_type, "county", "AK"))
    assert all(n.endswith(" County") for n in _names(by_type, "county", "TX"))
    assert len(_names(by_type, "county", "TX")) == 254


def test_municipality_names(by_type):
    shape = re.compile(r"(City|Town|Village|Borough) of [A-Z][A-Za-z .'-]+")
    for a in by_type["municipality"]:
        if a.state_postal not in ("DC", "HI"):
            assert shape.fullmatch(a.name), a.name
    pa = collections.Counter(n.split(" of ")[0] for n in _names(by_type, "municipality", "PA"))
    assert pa["Borough"] > pa["City"] > 0
    assert any(n.startswith("Village of ") for n in _names(by_type, "municipality", "OH"))
    assert _names(by_type, "municipality", "DC") == ["Government of the District of Columbia"]


def test_township_names(by_type):
    assert all(n.startswith("Town of ") for n in _names(by_type, "township", "NY"))
    assert all(n.endswith(" Township") for n in _names(by_type, "township", "OH"))
    assert all(n.startswith("Township of ") for n in _names(by_type, "township", "NJ"))


def test_school_district_names(by_type):
    tx = _names(by_type, "school_district", "TX")
    assert all(n.endswith("Independent School District") for n in tx)
    assert all(re.search(r"School District$", n) for n in _names(by_type, "school_district", "CA"))
    assert any(
        n.endswith("Unified School District") for n in _names(by_type, "school_district", "CA")
    )
    assert all(
        n.endswith("Community School District") for n in _names(by_type, "school_district", "IA")
    )
    ga = _names(by_type, "school_district", "GA")
    assert sum(bool(re.search(r" County (Schools|School District)$", n)) for n in ga) == len(
        _names(by_type, "county", "GA")
    )
    assert "GA" in COUNTYWIDE_SCHOOL_STATES


def test_special_district_names_carry_their_function(by_type):
    keywords = {
        "water": r"Water|Utility", "sewer": r"Sanit|Sewer", "library": r"Library",
        "fire_protection": r"Fire|Emergency Services", "housing": r"Housing Authority",
        "soil_water_conservation": r"Conservation", "cemetery": r"Cemetery",
        "mosquito_abatement": r"Mosquito", "drainage": r"Drainage", "transit": r"Transit",
        "parks_recreation": r"Park", "hospital": r"Hospital|Health",
    }  # fmt: skip
    for a in by_type["special_district"]:
        pattern = keywords.get(a.special_district_function)
        if pattern:
            assert re.search(pattern, a.name), a
    tx_water = [a.name for a in by_type["special_district"] if a.state_postal == "TX"]
    assert any(re.search(r"Municipal Utility District No\. \d+$", n) for n in tx_water)


def test_college_tribe_nonprofit_and_state_names(by_type):
    public = _names(by_type, "public_college", "TX")
    assert "University of Texas" in public and "Texas State University" in public
    assert any(n.endswith("Community College") for n in public)
    private = _names(by_type, "private_college")
    assert any(re.fullmatch(r"[A-Z][a-z]+ College", n) for n in private)
    assert all(
        re.match(r"Native Village of |.+ (Village|Tribal|Traditional) Council$", n)
        for n in _names(by_type, "tribal_government", "AK")
    )
    nonprofits = _names(by_type, "nonprofit")
    assert any(n.startswith("Boys & Girls Club of ") for n in nonprofits)
    assert any(n.endswith(" Habitat for Humanity") for n in nonprofits)
    assert any(re.fullmatch(r".+ County Food Bank", n) for n in nonprofits)
    states = _names(by_type, "state")
    assert "Commonwealth of Pennsylvania" in states and "State of Ohio" in states


def test_email_domain_examples(by_type):
    counties = {a.email_domain for a in by_type["county"]}
    assert any(re.fullmatch(r"[a-z]+county\.gov", d) for d in counties)
    schools = {a.email_domain for a in by_type["school_district"] if a.state_postal == "CA"}
    assert any(d.endswith(".k12.ca.us") for d in schools)


def test_name_fallbacks_are_rare():
    namer = StateNamer(random.Random(1), cal.STATE_BY_POSTAL["VT"])
    places = [namer.place_stem() for _ in range(500)]
    assert len(set(places)) > 400
    assert namer.fallbacks == 0


def test_helpers_and_company_names():
    assert slug("Boys & Girls Club of Lake Ridge") == "boysandgirlscluboflakeridge"
    assert slug("Doña Ana") == "donaana"
    assert repeats_municipal_word("City of Lake City")
    assert repeats_municipal_word("Housing Authority of the City of Lake City")
    assert not repeats_municipal_word("Village of Georgetown")
    assert not repeats_municipal_word("James City County")
    assert acronym("Pine Valley Unified School District") == "pvusd"
    assert acronym("Regional School District 13") == "rsd13"
    rng = random.Random(3)
    shape = re.compile(r"[A-Z][A-Za-z&' -]+ (Co\.|Corporation|Group|Company)|.+, (Inc\.|LLC)")
    for _ in range(200):
        assert shape.fullmatch(company_name(rng))
    names = unique_company_names(random.Random(4), 500)
    assert len(names) == len(set(names)) == 500
    assert unique_company_names(random.Random(4), 50) == names[:50]


def test_quantiles_interpolate():
    table = Quantiles((0.0, 0), (0.5, 100), (1.0, 1_000))
    assert table(0.0) == 0
    assert table(0.25) == 50
    assert table(0.75) == 550
    assert table(0.999999) <= 1_000
