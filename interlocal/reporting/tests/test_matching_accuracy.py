"""How often the matcher is right on real government names (issue: "done when").

The labelled set is built by :mod:`.matching_set`; docs/matching.md records the numbers.
Run it with ``.venv/bin/python -m pytest -p no:cacheprovider -s
interlocal/reporting/tests/test_matching_accuracy.py`` to see the table it prints.
"""

import time
from collections import defaultdict

import pytest

from interlocal.registry.ingest.census import parse_census_file
from interlocal.registry.models import Agency
from interlocal.registry.services import import_governments
from interlocal.reporting.ingest.matching import Registry, match_customers
from interlocal.reporting.tests import matching_set
from interlocal.reporting.tests.matching_set import Tally

pytestmark = [pytest.mark.external_data, pytest.mark.django_db]


@pytest.fixture
def labelled_set(shared_data):
    rows = parse_census_file(shared_data / "census_aspep_2016_units" / "16empid.txt")
    import_governments(actor=None, rows=rows, source="16empid.txt")
    agency_ids = dict(Agency.objects.values_list("census_id", "id"))
    places = matching_set.read_places(
        shared_data / "us_places_gnis_usaspending" / "ref_city_county_code.csv"
    )
    counties = matching_set.read_counties(
        shared_data / "us_counties_fips_addfips" / "counties_2010.csv"
    )
    return matching_set.build(rows, places, counties, agency_ids), agency_ids


def test_matching_accuracy_on_real_government_names(labelled_set):
    labelled, agency_ids = labelled_set
    # given the registry of 10,574 Census governments and ~6,000 labelled customers
    started = time.perf_counter()
    registry = Registry.load()
    loaded = time.perf_counter()
    # when every customer is matched
    matches = match_customers([item.customer for item in labelled], registry=registry)
    matched = time.perf_counter()
    # then
    overall = Tally()
    by_recipe: dict[str, Tally] = defaultdict(Tally)
    by_method: dict[str, Tally] = defaultdict(Tally)
    for item, match in zip(labelled, matches, strict=True):
        truth_id = agency_ids[item.truth] if item.truth else None
        overall.add(item, match, truth_id)
        by_recipe[item.recipe].add(item, match, truth_id)
        by_method[str(match.method)].add(item, match, truth_id)
    print(f"\n{len(labelled)} customers; Registry.load {loaded - started:.2f} s, "
          f"match_customers {matched - loaded:.2f} s")  # fmt: skip
    for title, tallies in (("name variant", by_recipe), ("method", by_method)):
        print(f"by {title}:")
        for label, tally in sorted(tallies.items()):
            print(tally.row(label))
    print(overall.row("all"))
    assert overall.precision >= 0.995, "automatic matches must be right for 99.5% of lines"
    assert overall.automatic >= 0.90, "90% of lines must match automatically"
    assert overall.first_suggestion >= 0.90, "the first suggestion must be right for 90%"
    # the customers that are not in the registry are never matched automatically, or nearly
    assert by_recipe["not in registry"].automatic <= 0.05
