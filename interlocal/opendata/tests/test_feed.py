"""The change feed, the record pages and the API: paging by last change, the cursor in
``links.next``, errors that say what to send, and a fixed number of queries."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interlocal.opendata import feed, queries
from interlocal.opendata.ocds.timeline import last_change, releases
from interlocal.opendata.ocds.values import iso
from interlocal.opendata.tests.world import AS_OF, at
from interlocal.solicitations.models import Solicitation

pytestmark = pytest.mark.django_db

ORDER = ["ocds-test01-IFB-2025-020", "ocds-test01-RFP-2025-014", "ocds-test01-RFP-2026-010"]


def ocids(package) -> list[str]:
    return list(dict.fromkeys(r["ocid"] for r in package["releases"]))


def follow(next_url: str) -> feed.Cursor:
    query = parse_qs(urlsplit(next_url).query)
    return feed.Cursor.parse(query["since"][0], query["after"][0])


def test_the_feed_lists_processes_oldest_change_first_and_pages_with_a_cursor(world) -> None:
    seen, cursor = [], feed.Cursor()
    for _ in range(5):
        page = feed.feed_package(cursor, as_of=AS_OF, page_size=2)
        seen += ocids(page)
        if "links" not in page:
            break
        assert page["links"]["next"].startswith("https://purchasing.example.org/opendata/ocds/?")
        cursor = follow(page["links"]["next"])
    assert seen == ORDER


def test_since_returns_what_changed_at_or_after_it(world) -> None:
    # The office supplies process last changed when agreement -02 expired (2026-07-01 05:00Z).
    since = feed.Cursor.parse("2026-07-01T05:00:00Z", None)
    assert ocids(feed.feed_package(since, as_of=AS_OF)) == ORDER[1:]
    later = feed.Cursor.parse("2026-07-01T05:00:01+00:00", None)
    assert ocids(feed.feed_package(later, as_of=AS_OF)) == ORDER[2:]
    # A page carries every release of a changed process, not just the newest.
    page = feed.feed_package(since, as_of=AS_OF)
    assert sum(r["ocid"] == ORDER[1] for r in page["releases"]) == 16


def test_a_change_while_harvesting_moves_the_process_to_the_end_without_skipping_any(world) -> None:
    first = feed.feed_package(feed.Cursor(), as_of=AS_OF, page_size=1)
    assert ocids(first) == ORDER[:1]
    # The cancelled IFB is corrected after the harvester read it; the next page still starts
    # with the office supplies process, and the IFB comes round again at the end.
    world.cancelled.modified_at = AS_OF
    world.cancelled.save()
    rest, cursor = [], follow(first["links"]["next"])
    while True:
        page = feed.feed_package(cursor, as_of=AS_OF, page_size=1)
        rest += ocids(page)
        if "links" not in page:
            break
        cursor = follow(page["links"]["next"])
    assert rest == [ORDER[1], ORDER[2], ORDER[0]]


def test_processes_that_changed_at_the_same_moment_are_paged_by_ocid(world) -> None:
    same = at("2026-10-30T12:00:00")
    Solicitation.objects.filter(pk__in=[world.office.pk, world.cancelled.pk]).update(
        modified_at=same
    )
    first = feed.feed_package(feed.Cursor(), as_of=AS_OF, page_size=1)
    assert ocids(first) == [ORDER[2]]  # the furniture notice (2026-10-01) is now the oldest
    second = feed.feed_package(follow(first["links"]["next"]), as_of=AS_OF, page_size=1)
    third = feed.feed_package(follow(second["links"]["next"]), as_of=AS_OF, page_size=1)
    assert ocids(second) + ocids(third) == [ORDER[0], ORDER[1]]  # the tie, in ocid order
    assert "links" not in third


@pytest.mark.parametrize(
    "as_of",
    [AS_OF, at("2025-03-22T00:00:00"), at("2025-05-15T18:00:00"), at("2025-06-25T00:00:00")],
)
def test_the_feed_order_agrees_with_the_releases(world, as_of) -> None:
    # Two code paths say when a process last changed: the aggregate queries that order the
    # feed, and the releases themselves. A disagreement would hide changes from harvesters.
    keys = {key.number: key.modified for key in queries.feed_keys(as_of)}
    processes = feed.everything(as_of)
    assert processes
    for process in processes:
        assert keys[process.solicitation.number] == last_change(process), process.ocid
        assert max(r["date"] for r in releases(process)) <= iso(keys[process.solicitation.number])


def test_a_page_past_the_last_change_is_empty(world) -> None:
    page = feed.feed_package(feed.Cursor.parse("2030-01-01T00:00:00Z", None), as_of=AS_OF)
    assert page["releases"] == [] and "links" not in page


def test_the_feed_page_answers_json_for_everyone(world, client_for) -> None:
    for role in (None, "buyer", "supplier_rep"):
        response = client_for(role).get("/opendata/ocds/", {"since": "2025-01-01T00:00:00Z"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        package = response.json()
        assert package["version"] == "1.1"
        assert package["publisher"]["name"]
        assert package["publicationPolicy"] == "https://purchasing.example.org/opendata/"
        assert ocids(package) == ORDER


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "last tuesday"}, "'since' must be an ISO 8601 date-time"),
        ({"after": "ocds-test01-RFP-2025-014"}, "send both"),
        ({"page": "2"}, "follow links.next"),
    ],
)
def test_a_bad_cursor_is_refused_with_what_to_send(world, client, query, message) -> None:
    for url in ("/opendata/ocds/", "/api/v1/ocds/releases"):
        response = client.get(url, query)
        assert response.status_code == 400
        assert message in response.json()["detail"]


def test_a_record_page_and_its_api_twin_give_the_same_record(world, client) -> None:
    ocid = "ocds-test01-RFP-2025-014"
    page = client.get(f"/opendata/ocds/records/{ocid}/").json()
    api = client.get(f"/api/v1/ocds/records/{ocid}").json()
    assert page["records"] == api["records"]
    assert page["uri"] == f"https://purchasing.example.org/opendata/ocds/records/{ocid}/"
    assert api["uri"] == f"https://purchasing.example.org/api/v1/ocds/records/{ocid}"
    assert page["records"][0]["compiledRelease"]["tender"]["status"] == "complete"


def test_an_ocid_with_a_slash_in_its_number_is_served(world, client) -> None:
    world.sealed.number = "RFP/2026/010"
    world.sealed.save()
    assert client.get("/opendata/ocds/records/ocds-test01-RFP/2026/010/").status_code == 200
    assert client.get("/api/v1/ocds/records/ocds-test01-RFP/2026/010").status_code == 200


@pytest.mark.parametrize(
    "ocid", ["ocds-test01-RFP-2026-003", "ocds-test01-NOPE", "other-RFP-2025-014"]
)
def test_unknown_and_unpublished_ocids_are_not_found(world, client, ocid) -> None:
    for url in (f"/opendata/ocds/records/{ocid}/", f"/api/v1/ocds/records/{ocid}"):
        response = client.get(url)
        assert response.status_code == 404
        assert "no published contracting process" in response.json()["detail"]


def test_the_api_feed_links_to_the_api(world, client, monkeypatch) -> None:
    monkeypatch.setattr(feed, "PAGE_SIZE", 1)
    package = client.get("/api/v1/ocds/releases").json()
    assert package["links"]["next"].startswith(
        "https://purchasing.example.org/api/v1/ocds/releases?"
    )
    assert ocids(package) == ORDER[:1]


def test_the_open_data_page_explains_and_lists_processes(world, client) -> None:
    response = client.get("/opendata/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Publication policy" in html
    assert "ocds-test01-RFP-2025-014" in html and "Office supplies and related products" in html
    assert "RFP-2026-003" not in html  # the draft


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/opendata/ocds/", "/api/v1/ocds/releases", "/opendata/"])
def test_the_query_count_does_not_grow_with_processes(world, client, url) -> None:
    from interlocal.opendata.tests import world as world_module

    before = queries_for(client, url)
    world_module.build(prefix="B-")
    assert queries_for(client, url) == before
