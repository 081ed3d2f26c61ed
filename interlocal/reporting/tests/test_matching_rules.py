"""The matching rules one by one, on small registries built in memory (docs/matching.md).

The accuracy test measures the rules on real names; these pin the cases it cannot hold: the
Census writes a municipality "Austin", but a registry may write it "City of Austin", and the
two forms meet other agencies of the same name in different ways.
"""

from collections.abc import Sequence

import pytest

from interlocal.reporting.ingest.matching import Customer, Match, Registry, match_customers
from interlocal.reporting.models import MatchMethod

POSTAL = {1: "TX", 2: "NE", 3: "SD", 4: "PA", 5: "MT", 6: "CA", 7: "NY", 8: "IA", 9: "AK"}
STATE_ID = {code: pk for pk, code in POSTAL.items()}


def registry(*agencies: tuple[str, str, str], aliases: Sequence[tuple] = ()) -> Registry:
    """A registry of (name, state, agency type), with ids 1, 2, 3... in that order."""
    from interlocal.registry.normalise import normalise_name

    rows = [
        (pk, normalise_name(name), kind, STATE_ID[state], None, "", "", None, None, None, None)
        for pk, (name, state, kind) in enumerate(agencies, start=1)
    ]
    return Registry.from_rows(rows, aliases, postal=POSTAL)


def match(reg: Registry, name: str, state: str, **fields: str) -> Match:
    return match_customers([Customer(name, state, **fields)], registry=reg)[0]


@pytest.mark.parametrize(
    "written", ["City of Edvale", "CITY OF EDVALE", "Edvale City", "Edvale, City of", "Edvale"]
)
def test_a_municipality_registered_as_city_of_x_matches_as_suppliers_write_it(written):
    # given a registry that writes its municipalities "City of X"
    reg = registry(("City of Edvale", "NE", "municipality"), ("Edvale County", "NE", "county"))
    # when a supplier writes it any usual way
    found = match(reg, written, "NE")
    # then it is the city, exactly
    assert (found.agency_id, found.method) == (1, MatchMethod.EXACT)


def test_a_slip_in_a_municipality_registered_as_city_of_x_is_a_fuzzy_match():
    reg = registry(("City of Edvale", "NE", "municipality"), ("City of Oakdale", "NE", "county"))
    found = match(reg, "City of Edvlae", "NE")
    assert (found.agency_id, found.method) == (1, MatchMethod.FUZZY)


def test_census_names_keep_their_designation_word_apart():
    # given the Census form: "Webster City" is a city of its own, "Webster" another
    reg = registry(("Webster City", "IA", "municipality"), ("Webster", "IA", "municipality"))
    # then "City of Webster" is Webster, and "Webster City" is Webster City
    assert match(reg, "City of Webster", "IA").agency_id == 2
    assert match(reg, "Webster City", "IA").agency_id == 1
    assert match(reg, "City of Webster City", "IA").agency_id == 1


def test_the_designation_word_decides_between_a_town_and_a_township_of_one_name():
    # given a town (a municipality) and a township with the same name in one state
    reg = registry(
        ("Town of Austin Center", "SD", "municipality"),
        ("Austin Center Township", "SD", "township"),
    )
    # then each is found by the word the customer writes, also through a slip
    assert match(reg, "Town of Austin Center", "SD").agency_id == 1
    assert match(reg, "TOWN OF AUSTIN CENTER - PUBLIC WORKS", "SD").agency_id == 1
    assert match(reg, "Austin Center Township", "SD").agency_id == 2
    assert match(reg, "Austin Center Twp", "SD").agency_id == 2
    slip = match(reg, "Town of Austn Center", "SD")
    assert (slip.agency_id, slip.method) == (1, MatchMethod.FUZZY)


def test_a_borough_is_the_borough_not_the_county_of_its_name():
    reg = registry(("Borough of Greene", "PA", "municipality"), ("Greene County", "PA", "county"))
    assert match(reg, "Borough of Greene", "PA").agency_id == 1
    assert match(reg, "Greene County", "PA").agency_id == 2


def test_a_borough_is_a_county_only_in_alaska():
    reg = registry(("Luzerne County", "PA", "county"), ("Kenai Peninsula Borough", "AK", "county"))
    # a Pennsylvania borough the registry lacks is not the county of its name
    assert match(reg, "Broough of Luzerne", "PA").agency_id is None
    assert match(reg, "Borough of Kenai Peninsula", "AK").agency_id == 2


def test_agencies_with_the_same_name_wait_for_review_with_both_suggested():
    # given a town and a township both registered "Town of Cloverport"
    reg = registry(
        ("Town of Cloverport", "NY", "municipality"), ("Town of Cloverport", "NY", "township")
    )
    # when a customer writes that name
    found = match(reg, "Town of Cloverport", "NY")
    # then no name can tell them apart
    assert found.agency_id is None
    assert sorted(pk for pk, _score in found.candidates) == [1, 2]


def test_of_two_names_with_one_key_the_one_written_word_for_word_wins():
    # given two districts whose names mean the same to the key ("schools" = "school district")
    reg = registry(
        ("Marfield Public Schools", "MT", "school_district"),
        ("Marfield School District", "MT", "school_district"),
    )
    # then the name written as registered is that district
    assert match(reg, "MARFIELD PUBLIC SCHOOLS", "MT").agency_id == 1
    assert match(reg, "Marfield School District", "MT").agency_id == 2
    # and a third way of writing it is either: review, both suggested
    either = match(reg, "Marfield Schools", "MT")
    assert either.agency_id is None
    assert sorted(pk for pk, _score in either.candidates) == [1, 2]


@pytest.mark.parametrize(
    "written",
    [
        "Plano ISD Transportation",
        "Plano Independent School District - Maintenance Department",
        "PLANO ISD FOOD SERVICES",
    ],
)
def test_a_school_districts_departments_roll_up_to_the_district(written):
    reg = registry(("Plano Independent School District", "TX", "school_district"))
    found = match(reg, written, "TX")
    assert (found.agency_id, found.method) == (1, MatchMethod.EXACT)
    assert found.department


def test_transportation_is_no_department_of_a_county():
    # "Harris County Transportation" may be a body of its own: it is not settled as the county
    reg = registry(("Harris County", "TX", "county"))
    assert match(reg, "Harris County Transportation", "TX").agency_id is None


@pytest.mark.parametrize(
    "written",
    ["Laneville School Disrict", "Laneville Schoool District", "Laneville Pubilc Schools"],
)
def test_a_slip_in_an_agency_type_word_is_read_through(written):
    reg = registry(
        ("Laneville School District", "MT", "school_district"),
        ("Lakeville School District", "MT", "school_district"),
    )
    found = match(reg, written, "MT")
    assert (found.agency_id, found.method) == (1, MatchMethod.EXACT)


@pytest.mark.parametrize("written", ["Fersno County", "Fresmo County", "Fesno County"])
def test_one_slip_of_the_keyboard_is_matched_automatically(written):
    # two letters swapped, the key beside the right one, a letter dropped
    reg = registry(("Fresno County", "CA", "county"), ("Madera County", "CA", "county"))
    found = match(reg, written, "CA")
    assert (found.agency_id, found.method) == (1, MatchMethod.FUZZY)


def test_a_wrong_letter_far_on_the_keyboard_waits_for_review():
    # another real name differs so as often (Milton, Wilton): the first suggestion only
    reg = registry(("Fresno County", "CA", "county"), ("Madera County", "CA", "county"))
    found = match(reg, "Fresna County", "CA")
    assert found.agency_id is None
    assert found.candidates[0][0] == 1


def test_a_slip_in_a_long_name_wins_over_a_rival_three_edits_away():
    # given two associations whose names differ in one short word
    reg = registry(
        ("Harper County Mental Health Association", "TX", "nonprofit"),
        ("Carter County Mental Health Association", "TX", "nonprofit"),
    )
    # when a customer misspells the first: 99 points against 94, but one edit against three
    found = match(reg, "Harper County Mental Health Associaation", "TX")
    # then it is the first
    assert (found.agency_id, found.method) == (1, MatchMethod.FUZZY)
    # and a name one edit from each stays for review
    assert match(reg, "Barter County Mental Health Association", "TX").agency_id is None


def test_a_department_name_with_a_body_of_its_own_waits_for_review():
    # given the city and a library district named like the city's library
    reg = registry(
        ("Niles", "TX", "municipality"), ("Niles Public Library District", "TX", "special_district")
    )
    found = match(reg, "Niles Public Library", "TX")
    # then the district is the first suggestion, the city the second
    assert found.agency_id is None
    assert [pk for pk, _score in found.candidates] == [2, 1]


def test_an_alias_of_the_supplier_wins_over_the_name():
    reg = registry(
        ("City of Edvale", "NE", "municipality"),
        ("Edvale Rural Fire District", "NE", "special_district"),
        aliases=[(2, "edvale fire", 7)],
    )
    found = match(reg, "Edvale Fire", "NE")
    assert (found.agency_id, found.method) == (2, MatchMethod.ALIAS)


@pytest.mark.django_db
def test_load_reads_the_states_asked_for_with_departments_and_aliases():
    from interlocal.registry.models import AgencyAlias
    from tests import factories

    # given a county with a department of its own, a city in another state, and an alias
    county = factories.AgencyFactory(name="Travis County", agency_type="county")
    sheriff = factories.AgencyFactory(
        name="Travis County Sheriff's Office", agency_type="county", parent=county
    )
    factories.AgencyFactory(name="City of Tulsa", state=factories.state("OK"))
    AgencyAlias.objects.create(agency=county, name="TRAV CO", source="program_office")
    # when the registry of Texas is loaded
    reg = Registry.load(["TX"])
    # then it holds Texas only, the department resolves to its county, and the alias matches
    assert set(reg.state_of.values()) == {"TX"}
    assert reg.government(sheriff.pk) == county.pk
    assert reg.name_of[sheriff.pk] == "Travis County Sheriff's Office"
    found = match_customers(
        [Customer("Travis County Sheriffs Office", "TX"), Customer("Trav Co", "TX")], registry=reg
    )
    assert [m.agency_id for m in found] == [county.pk, county.pk]
    assert found[0].department == "Travis County Sheriff's Office"
    assert found[1].method == MatchMethod.ALIAS
