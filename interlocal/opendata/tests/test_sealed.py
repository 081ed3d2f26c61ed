"""Sealed means sealed: until proposals are opened, nothing published says who proposed — not in
a release, a record, the feed, the API or the export."""

import json

import pytest

from interlocal.opendata import feed
from interlocal.opendata.ocds import packages
from interlocal.opendata.tests.helpers import releases_of
from interlocal.opendata.tests.world import AS_OF, at

pytestmark = pytest.mark.django_db

PROPOSER_MARKS = ("tenderer", "numberOfTenderers", "Summit", "Prairie", "Lakeside", "supplier-")


def assert_sealed(data: object) -> None:
    text = json.dumps(data)
    leaked = [mark for mark in PROPOSER_MARKS if mark in text]
    assert leaked == [], leaked


def test_an_unopened_solicitation_publishes_nothing_about_its_proposals(world) -> None:
    assert world.sealed.proposals.count() == 2  # there is something to leak
    process = feed.find_process("ocds-test01-RFP-2026-010", AS_OF)
    assert_sealed(feed.record_package(process, as_of=AS_OF))


def test_before_the_opening_an_awarded_process_did_not_say_either(world) -> None:
    # After the due time, before the opening (2025-03-24 15:00): still sealed.
    assert_sealed(releases_of("RFP-2025-014", at("2025-03-24T14:59:59")))
    opened = releases_of("RFP-2025-014", at("2025-03-24T15:00:00"))
    assert opened[-1]["tender"]["numberOfTenderers"] == 3


def test_the_sealed_process_stays_sealed_in_the_feed_and_the_api(world, client) -> None:
    page = feed.feed_package(feed.Cursor.parse("2026-09-01T00:00:00Z", None), as_of=AS_OF)
    assert [r["ocid"] for r in page["releases"]] == ["ocds-test01-RFP-2026-010"]
    assert_sealed(page)
    response = client.get("/api/v1/ocds/records/ocds-test01-RFP-2026-010")
    assert response.status_code == 200
    assert_sealed(response.json())


def test_a_recommendation_is_not_an_award(world) -> None:
    from interlocal.solicitations.models import Proposal, Status

    # Evaluation over, award recommended but not approved: the proposals are opened (names
    # public) but nobody is a supplier yet.
    world.sealed.opened_at = at("2026-10-25T15:00:00")
    world.sealed.status = Status.AWARD_RECOMMENDED
    world.sealed.save()
    world.sealed.proposals.update(award=Proposal.Award.RECOMMENDED)
    process = feed.find_process("ocds-test01-RFP-2026-010", AS_OF)
    assert process is not None
    package = packages.record_package([process], uri="https://x.example/", as_of=AS_OF)
    compiled = package["records"][0]["compiledRelease"]
    assert "awards" not in compiled
    assert compiled["tender"]["status"] == "active"
    assert {role for p in compiled["parties"] for role in p["roles"]} == {
        "buyer",
        "procuringEntity",
        "tenderer",
    }
