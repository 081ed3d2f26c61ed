"""Everything we publish validates against the official OCDS 1.1.5 schemas, and the validator
used here does catch a broken package (so these tests can fail)."""

import copy
import json
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from interlocal.opendata import feed
from interlocal.opendata.ocds import merge, packages
from interlocal.opendata.tests.schema import errors, load
from interlocal.opendata.tests.world import AS_OF

pytestmark = [pytest.mark.external_data, pytest.mark.django_db]


def all_processes():
    return feed.everything(AS_OF)


def test_the_validator_accepts_the_official_fictional_example(shared_data) -> None:
    example = shared_data / "ocds_fictional_example" / "fictional-example" / "1.1"
    package = json.loads((example / "ocds-213czf-000-00001.json").read_text())
    record = json.loads((example / "record" / "ocds-213czf-000-00001.json").read_text())
    assert errors(shared_data, "release-package", package) == []
    assert errors(shared_data, "record-package", record) == []


def test_the_release_package_of_everything_is_valid(world, shared_data) -> None:
    package = packages.release_package(all_processes(), uri="https://x.example/ocds/", as_of=AS_OF)
    assert len(package["releases"]) == 19  # the whole world, not an empty shell
    assert errors(shared_data, "release-package", package) == []


def test_every_record_package_is_valid(world, shared_data) -> None:
    processes = all_processes()
    assert len(processes) == 3  # the draft is not one of them
    for process in processes:
        package = feed.record_package(process, as_of=AS_OF)
        assert errors(shared_data, "record-package", package) == [], process.ocid


def test_every_feed_page_is_valid(world, shared_data) -> None:
    cursor = feed.Cursor()
    pages = 0
    while True:
        page = feed.feed_package(cursor, as_of=AS_OF, page_size=1)
        assert errors(shared_data, "release-package", page) == []
        pages += 1
        if "links" not in page:
            break
        query = parse_qs(urlsplit(page["links"]["next"]).query)
        cursor = feed.Cursor.parse(query["since"][0], query["after"][0])
    assert pages == 3


def test_the_exported_files_are_valid(world, shared_data, tmp_path) -> None:
    for flag, kind in (([], "release-package"), (["--records"], "record-package")):
        out = tmp_path / f"{kind}.json"
        call_command(
            "export_ocds", str(out), *flag, "--as-of", "2026-11-01T12:00:00Z", stdout=StringIO()
        )
        assert errors(shared_data, kind, json.loads(out.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda r: r.pop("ocid"), "'ocid' is a required property"),
        (lambda r: r["tender"].update(status="open"), "'open' is not one of"),
        (lambda r: r["tender"]["value"].update(amount="25000000.50"), "is not of type"),
        (lambda r: r.update(date="2025-02-03"), "is not a 'date-time'"),
        (lambda r: r["tender"]["documents"][0].update(url="/solicitations/1/"), "is not a 'uri'"),
    ],
)
def test_the_validator_reports_a_broken_package(world, shared_data, breakage, expected) -> None:
    package = packages.release_package(all_processes(), uri="https://x.example/", as_of=AS_OF)
    broken = copy.deepcopy(package)
    tender_release = next(
        r for r in broken["releases"] if r["tag"] == ["tender"] and "value" in r["tender"]
    )
    breakage(tender_release)
    found = errors(shared_data, "release-package", broken)
    assert any(expected in message for message in found), found


def test_our_whole_list_merge_fields_are_the_schemas(shared_data) -> None:
    schema = load(shared_data, "release-schema.json")
    found = set()

    def walk(node, name=""):
        if isinstance(node, dict):
            if node.get("wholeListMerge"):
                found.add(name)
            for key, value in node.items():
                walk(value, key)
        elif isinstance(node, list):
            for value in node:
                walk(value, name)

    walk(schema)
    assert found == merge.WHOLE_LIST_MERGE


def test_our_merge_compiles_the_official_example_exactly(shared_data) -> None:
    example = shared_data / "ocds_fictional_example" / "fictional-example" / "1.1"
    record = json.loads((example / "record" / "ocds-213czf-000-00001.json").read_text())
    releases = []
    for stage in sorted(example.glob("ocds-213czf-000-00001-0*.json")):
        releases += json.loads(stage.read_text())["releases"]
    assert len(releases) == 6
    assert merge.compile_releases(releases) == record["records"][0]["compiledRelease"]
