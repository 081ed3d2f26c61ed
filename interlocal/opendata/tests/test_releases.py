"""What the releases say about a full process: given the world of ``world.py``, when it is
published as of ``AS_OF``, then each stage is one release saying what that stage made public."""

import datetime
import json

import pytest

from interlocal.agreements.models import Agreement
from interlocal.opendata import feed
from interlocal.opendata.ocds import codes, packages
from interlocal.opendata.tests.helpers import by_key, compiled, party, releases_of
from interlocal.opendata.tests.world import AS_OF, at

pytestmark = pytest.mark.django_db
OFFICE = "RFP-2025-014"


def test_each_stage_is_one_release_in_date_order_with_stable_ids(world) -> None:
    found = [
        (r["id"].removeprefix(f"ocds-test01-{OFFICE}-"), r["tag"]) for r in releases_of(OFFICE)
    ]
    assert found == [
        ("tender", ["tender"]),
        *[(f"advertisement-{pk}", ["tenderUpdate"]) for pk in advertisements(world)],
        (f"document-{world.office.documents.get(kind='advertisement_proof').pk}", ["tenderUpdate"]),
        (f"enquiry-{world.office.questions.get(answered_at__isnull=False).pk}", ["tenderUpdate"]),
        ("addendum-1", ["tenderAmendment"]),
        ("addendum-2", ["tenderAmendment"]),
        ("opening", ["tenderUpdate"]),
        (f"document-{world.office.documents.get(kind='evaluation_report').pk}", ["tenderUpdate"]),
        # The agreements are written in the award's transaction: one release for both.
        ("award", ["award", "contract"]),
        (
            f"contract-RFP-2025-014-02-document-{world.expired.documents.get(kind='executed_agreement').pk}",
            ["contractUpdate"],
        ),
        ("contract-RFP-2025-014-01-effective", ["contractUpdate"]),
        ("contract-RFP-2025-014-02-effective", ["contractUpdate"]),
        ("contract-RFP-2025-014-01-amendment-1", ["contractAmendment"]),
        ("contract-RFP-2025-014-01-renewal-1", ["contractUpdate"]),
        ("contract-RFP-2025-014-02-expiry", ["contractTermination"]),
    ]
    dates = [r["date"] for r in releases_of(OFFICE)]
    assert dates == sorted(dates)
    assert all(r["ocid"] == "ocds-test01-RFP-2025-014" for r in releases_of(OFFICE))


def test_dates_come_from_the_records_not_the_clock(world) -> None:
    assert by_key(OFFICE, "tender")["date"] == "2025-02-03T15:00:00Z"
    assert by_key(OFFICE, "opening")["date"] == "2025-03-24T15:00:00Z"
    assert by_key(OFFICE, "award")["date"] == "2025-05-15T18:00:00Z"
    # Date-only facts happen at the start of the day in the lead agency's zone (Chicago).
    assert by_key(OFFICE, "contract-RFP-2025-014-01-effective")["date"] == "2025-07-01T05:00:00Z"
    assert by_key(OFFICE, "contract-RFP-2025-014-02-expiry")["date"] == "2026-07-01T05:00:00Z"


def test_the_notice_describes_the_tender_as_first_published(world) -> None:
    tender = by_key(OFFICE, "tender")["tender"]
    assert tender["status"] == "active"
    assert tender["procurementMethod"] == "open"
    assert tender["mainProcurementCategory"] == "goods"
    assert tender["techniques"]["hasFrameworkAgreement"] is True
    assert tender["value"] == {"amount": 25000000.5, "currency": "USD"}
    assert [i["classification"] for i in tender["items"]] == [
        {"scheme": "INTERLOCAL", "id": "1010", "description": "Office supplies"},
        {"scheme": "INTERLOCAL", "id": "1030", "description": "Paper and printing"},
    ]
    assert tender["awardCriteria"] == "ratedCriteria"
    assert (
        tender["awardCriteriaDetails"]
        == "Price: 40%; Product range: 30%; National distribution: 30%"
    )
    # The closing date it was published with, before addendum 1 moved it (from the audit trail).
    assert tender["tenderPeriod"] == {
        "startDate": "2025-02-03T15:00:00Z",
        "endDate": "2025-03-14T22:00:00Z",
    }
    assert [d["title"] for d in tender["documents"]] == [
        "Request for proposals",
        "Product specifications",
    ]
    # Direct links to the files, with their media type.
    first = world.office.documents.get(title="Request for proposals")
    assert tender["documents"][0]["url"] == (
        f"https://purchasing.example.org/solicitations/documents/{first.pk}/"
    )
    assert tender["documents"][0]["format"] == "application/pdf"


@pytest.mark.urls("interlocal.opendata.tests.urls_without_pages")
def test_without_the_document_views_documents_link_to_the_documented_pages(world) -> None:
    tender = by_key(OFFICE, "tender")["tender"]
    assert tender["documents"][0]["url"] == (
        f"https://purchasing.example.org/solicitations/{world.office.pk}/"
    )
    contract = by_key(OFFICE, "award")["contracts"][0]
    assert contract["documents"][0]["url"] == (
        f"https://purchasing.example.org/agreements/{world.renewed.pk}/"
    )


def test_the_lead_agency_is_procuring_entity_and_buyer_and_no_single_buyer_is_named(world) -> None:
    release = by_key(OFFICE, "tender")
    lead = party(release, "Harmon County")
    assert lead["roles"] == ["buyer", "procuringEntity"]
    assert lead["id"] == f"ocds-test01-agency-{world.lead.pk}"
    assert lead["identifier"] == {
        "scheme": "US-EIN",
        "id": "741234567",
        "legalName": "Harmon County",
    }
    assert lead["additionalIdentifiers"] == [{"id": "44201700100000", "legalName": "Harmon County"}]
    assert release["tender"]["procuringEntity"] == {"id": lead["id"], "name": "Harmon County"}
    # Every eligible agency may buy: OCDS guidance is to leave `buyer` unset.
    assert "buyer" not in compiled(OFFICE)


def test_an_addendum_is_a_tender_amendment_that_can_move_the_closing_date(world) -> None:
    first, second = by_key(OFFICE, "addendum-1"), by_key(OFFICE, "addendum-2")
    assert first["tender"]["tenderPeriod"] == {"endDate": "2025-03-21T22:00:00Z"}
    assert "tenderPeriod" not in second["tender"]
    amendment = second["tender"]["amendments"][0]
    assert amendment["id"] == "2"
    assert amendment["description"].startswith("Addendum 2: Pricing form clarified")
    assert amendment["amendsReleaseID"] == first["id"]
    assert amendment["releaseID"] == second["id"]
    assert compiled(OFFICE)["tender"]["tenderPeriod"]["endDate"] == "2025-03-21T22:00:00Z"


def test_only_answered_questions_are_published_and_never_who_asked(world) -> None:
    enquiries = compiled(OFFICE)["tender"]["enquiries"]
    assert [e["description"] for e in enquiries] == ["May we propose recycled paper?"]
    assert "author" not in enquiries[0]
    text = json.dumps(releases_of(OFFICE))
    assert "Is freight included" not in text


def advertisements(world) -> list[int]:
    # Ids carry primary keys (stable for a row; not 1, 2 on PostgreSQL, whose sequences run on
    # across tests).
    return list(world.office.advertisements.order_by("published_on").values_list("pk", flat=True))


def test_advertisements_are_tender_notices(world) -> None:
    first, second = advertisements(world)
    ledger = by_key(OFFICE, f"advertisement-{first}")["tender"]["documents"][0]
    assert ledger["documentType"] == "tenderNotice"
    assert ledger["description"] == "Legal notices, page 12"
    online = by_key(OFFICE, f"advertisement-{second}")["tender"]["documents"][0]
    assert online["url"] == "https://notices.example.org/rfp-2025-014"
    # Recorded with its proof: public when the proof was uploaded, not on the day it ran.
    assert online["datePublished"] == "2025-02-06T14:00:00Z"


def test_the_opening_names_every_current_proposer_once(world) -> None:
    release = by_key(OFFICE, "opening")
    assert release["tender"]["numberOfTenderers"] == 3  # Lakeside's superseded proposal is not one
    names = [t["name"] for t in release["tender"]["tenderers"]]
    assert names == ["Summit Office Supply, LLC", "Lakeside Paper", "Prairie Toner Inc."]
    assert all(p["roles"] == ["tenderer"] for p in release["parties"])


def test_one_award_per_awarded_supplier_and_one_contract_per_agreement(world) -> None:
    release = by_key(OFFICE, "award")
    assert release["tender"] == {"id": OFFICE, "status": "complete"}
    awards = release["awards"]
    assert [a["suppliers"][0]["name"] for a in awards] == [
        "Summit Office Supply, LLC",
        "Lakeside Paper",
    ]
    assert all(a["status"] == "active" and a["date"] == "2025-05-15T18:00:00Z" for a in awards)
    assert awards[0]["contractPeriod"] == {
        "startDate": "2025-07-01T05:00:00Z",
        "endDate": "2026-07-01T04:59:59Z",
        "maxExtentDate": "2027-07-01T04:59:59Z",
    }
    contracts = release["contracts"]
    assert [(c["id"], c["awardID"]) for c in contracts] == [
        ("RFP-2025-014-01", awards[0]["id"]),
        ("RFP-2025-014-02", awards[1]["id"]),
    ]
    # Not yet in force at the award; no value: a master agreement commits no spending.
    assert [c["status"] for c in contracts] == ["pending", "pending"]
    assert all("value" not in c for c in contracts)
    assert party(release, "Summit Office Supply, LLC")["roles"] == ["supplier", "tenderer"]
    assert party(release, "Summit Office Supply, LLC")["identifier"] == {
        "scheme": "US-SAM",
        "id": "SUMMITUEI001",
        "legalName": "Summit Office Supply, LLC",
    }
    # Prairie proposed and lost: a tenderer, never a supplier.
    assert party(compiled(OFFICE), "Prairie Toner Inc.")["roles"] == ["tenderer"]


def test_a_contract_release_shows_the_agreement_as_it_was_then(world) -> None:
    at_award = by_key(OFFICE, "award")["contracts"][0]
    # Before amendment 1 and the renewal: the original description and the initial term.
    assert (
        at_award["description"]
        == "Office supplies, paper and toner for every participating agency."
    )
    assert at_award["period"]["endDate"] == "2026-07-01T04:59:59Z"
    amendment = by_key(OFFICE, "contract-RFP-2025-014-01-amendment-1")["contracts"][0]
    assert amendment["description"].endswith("Includes recycled paper.")
    assert amendment["amendments"][0]["description"] == "Adds recycled paper products"
    assert amendment["amendments"][0]["rationale"].startswith("Requested by participating agencies")
    renewal = by_key(OFFICE, "contract-RFP-2025-014-01-renewal-1")["contracts"][0]
    assert renewal["period"] == {"endDate": "2027-07-01T04:59:59Z"}


def test_the_compiled_release_is_the_current_state(world) -> None:
    current = compiled(OFFICE)
    assert current["tag"] == ["compiled"]
    assert current["tender"]["status"] == codes.TENDER_STATUS[world.office.status] == "complete"
    today = AS_OF.date()
    for contract in current["contracts"]:
        agreement = Agreement.objects.get(number=contract["id"])
        assert contract["status"] == codes.CONTRACT_STATUS[agreement.status(today=today)]
        assert contract["period"]["endDate"].startswith(
            (agreement.expires_on + datetime.timedelta(days=1)).isoformat()
        )
        assert contract["description"] == agreement.description
    assert [c["status"] for c in current["contracts"]] == ["active", "terminated"]


def test_a_cancelled_solicitation_says_why(world) -> None:
    release = by_key("IFB-2025-020", "cancellation")
    assert release["tag"] == ["tenderCancellation"]
    assert release["tender"]["status"] == "cancelled"
    reason = release["tender"]["documents"][0]
    assert reason["documentType"] == "cancellationDetails"
    assert reason["description"].startswith("The member agencies' need was met")
    assert compiled("IFB-2025-020")["tender"]["status"] == "cancelled"
    assert compiled("IFB-2025-020")["tender"]["awardCriteria"] == "priceOnly"  # a sealed bid


def test_drafts_never_appear(world) -> None:
    assert feed.find_process("ocds-test01-RFP-2026-003", AS_OF) is None
    everything = packages.release_package(
        feed.everything(AS_OF), uri="https://x.example/", as_of=AS_OF
    )
    text = json.dumps(everything)
    assert "RFP-2026-003" not in text and "fleet telematics" not in text
    assert {r["ocid"] for r in everything["releases"]} == {
        "ocds-test01-RFP-2025-014",
        "ocds-test01-IFB-2025-020",
        "ocds-test01-RFP-2026-010",
    }


def test_nothing_is_published_before_it_happened(world) -> None:
    before_award = at("2025-04-30T00:00:00")
    tags = {tag for r in releases_of(OFFICE, before_award) for tag in r["tag"]}
    assert tags == {"tender", "tenderAmendment", "tenderUpdate"}
    # The cancelled IFB was not yet published then either.
    assert feed.find_process("ocds-test01-IFB-2025-020", before_award) is None


def test_the_same_data_gives_the_same_bytes(world) -> None:
    def export() -> str:
        processes = feed.everything(AS_OF)
        return json.dumps(
            [
                packages.release_package(processes, uri="https://x.example/", as_of=AS_OF),
                packages.record_package(processes, uri="https://x.example/", as_of=AS_OF),
            ]
        )

    assert export() == export()
