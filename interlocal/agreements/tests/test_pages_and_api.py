"""Agreement pages, the due-diligence packet (page and ZIP) and the agreements API."""

import csv
import datetime
import hashlib
import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile

from interlocal.agreements import services
from interlocal.agreements.models import Agreement, PriceFile, PriceItem
from interlocal.core.search import search_text
from interlocal.solicitations import services as solicitation_services
from interlocal.solicitations.tests import builders
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(personas, settings, tmp_path):
    """Two agreements awarded from one solicitation, through the real services."""
    settings.MEDIA_ROOT = tmp_path
    settings.ADVISORY_QUORUM = 3
    board = builders.board(3)
    reps = [factories.supplier_rep("Acme Office"), factories.supplier_rep("Zenith Paper")]
    officer = personas["lead_agency_officer"]
    s = builders.draft(personas)
    solicitation_services.add_document(
        s,
        actor=officer,
        kind="solicitation",
        title="RFP document",
        file=ContentFile(b"%PDF-1.4 rfp", name="rfp.pdf"),
    )
    solicitation_services.transition(s, "submit_for_review", actor=officer)
    builders.approve_review(s, board)
    solicitation_services.transition(s, "publish", actor=officer)
    solicitation_services.record_advertisement(
        s,
        actor=officer,
        medium="Harmon Gazette",
        published_on=s.local_today(),
        reference="p. 4",
    )
    addendum = solicitation_services.issue_addendum(
        s, actor=officer, title="Toner", body="Toner added."
    )
    for i, rep in enumerate(reps):
        solicitation_services.acknowledge_addendum(addendum, actor=rep)
        builders.propose(s, rep, str(i))
    builders.pass_due_time(s)
    solicitation_services.transition(s, "close", actor=officer)
    solicitation_services.appoint_member(s, board[0], actor=officer)
    solicitation_services.transition(s, "begin_evaluation", actor=officer)
    solicitation_services.declare(
        s, actor=board[0], has_conflict=False, statement="", signed_name="A"
    )
    builders.score_all(
        s,
        board[0],
        {reps[0].primary_organization.supplier_id: 9, reps[1].primary_organization.supplier_id: 6},
    )
    ids = list(s.proposals.values_list("pk", flat=True))
    solicitation_services.transition(
        s, "recommend_award", actor=officer, proposal_ids=ids, memo="Both offer best value"
    )
    builders.approve_review(s, board)
    solicitation_services.transition(
        s,
        "award",
        actor=officer,
        terms=solicitation_services.AwardTerms(effective_on=datetime.date(2026, 1, 1)),
    )
    agreements = list(Agreement.objects.order_by("number"))
    services.add_document(
        agreements[0],
        actor=officer,
        kind="executed_agreement",
        title="Signed agreement",
        file=ContentFile(b"%PDF signed", name="signed.pdf"),
    )
    price_file = PriceFile.objects.create(
        agreement=agreements[0],
        version=1,
        effective_from=datetime.date(2026, 1, 1),
        source_name="p.csv",
        sha256="0" * 64,
        item_count=1,
    )
    PriceItem.objects.create(
        price_file=price_file,
        sku="PAP-1",
        description="Copy paper, ream",
        unit="ream",
        list_price_cents=899,
        contract_price_cents=412,
        search_text=search_text("PAP-1 Copy paper ream"),
    )
    return agreements


def test_the_packet_zip_holds_every_record_with_a_manifest(client, awarded):
    response = client.get(f"/agreements/{awarded[0].pk}/packet.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {
        "00-summary.html",
        "01-cooperative-clause.txt",
        "02-solicitation/rfp.pdf",
        "03-addenda.txt",
        "04-advertisement.csv",
        "05-proposals-received.csv",
        "06-evaluation-summary.csv",
        "07-award-recommendation.txt",
        "08-agreement/signed.pdf",
        "09-amendments.csv",
        "10-price-file.csv",
        "manifest.csv",
    } <= names
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    for row in manifest:
        assert hashlib.sha256(archive.read(row["file"])).hexdigest() == row["sha256"]
    evaluation = list(
        csv.reader(io.StringIO(archive.read("06-evaluation-summary.csv").decode("utf-8-sig")))
    )
    assert [r[1] for r in evaluation[1:]] == ["Acme Office", "Zenith Paper"]
    assert evaluation[1][2] == "90.00"
    assert "Addendum 1" in archive.read("03-addenda.txt").decode()
    prices = archive.read("10-price-file.csv").decode("utf-8-sig")
    assert 'PAP-1,"Copy paper, ream",ream,8.99,4.12' in prices
    assert (
        len(
            list(
                csv.reader(
                    io.StringIO(archive.read("05-proposals-received.csv").decode("utf-8-sig"))
                )
            )
        )
        == 3
    )


def test_the_printable_packet_shows_the_competition(client, awarded):
    page = client.get(f"/agreements/{awarded[0].pk}/packet/").content.decode()
    assert "Cooperative purchasing clause" in page
    assert "Harmon Gazette" in page
    assert "<strong>2</strong> proposals received" in page
    assert "90.00" in page and "60.00" in page


def test_the_agreement_page_and_price_search(client, awarded):
    page = client.get(f"/agreements/{awarded[0].pk}/?q=copy").content.decode()
    assert "Copy paper, ream" in page
    assert "$4.12" in page and "$8.99" in page
    assert "Renewal options" in page
    csv_response = client.get(f"/agreements/{awarded[0].pk}/price-file.csv")
    assert b"PAP-1" in b"".join(csv_response.streaming_content)


def test_the_search_page_lists_with_few_queries(client, awarded, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/agreements/?status=&q=paper")
    assert response.status_code == 200
    assert awarded[0].number in response.content.decode()


def test_the_office_renews_through_the_page(client_for, personas, awarded):
    client = client_for("lead_agency_officer")
    response = client.post(
        f"/agreements/{awarded[0].pk}/renew/", {"note": "Board item 4"}, follow=True
    )
    assert "Renewal option 1 exercised" in response.content.decode()
    assert (
        client_for("buyer").post(f"/agreements/{awarded[0].pk}/renew/", {"note": "x"}).status_code
        == 403
    )


def test_an_amendment_form_refusal_keeps_the_form(client_for, awarded):
    client = client_for("lead_agency_officer")
    response = client.post(
        f"/agreements/{awarded[0].pk}/amend/",
        {
            "summary": "Nothing",
            "reason": "No change",
            "effective_on": "2026-06-01",
            "title": awarded[0].title,
            "description": awarded[0].description,
        },
    )
    assert response.status_code == 200
    assert "changes nothing" in response.content.decode()


def test_the_api_lists_filters_and_shows_agreements(client, awarded):
    listing = client.get("/api/v1/agreements", {"q": "paper", "status": "active"}).json()
    assert [a["number"] for a in listing["items"]] == [awarded[0].number, awarded[1].number]
    detail = client.get(f"/api/v1/agreements/{awarded[0].pk}").json()
    assert detail["renewal_options"][0]["months"] == 12
    assert detail["fee_schedules"][0]["rate_bps"] == 200
    assert detail["price_file_version"] == 1
    items = client.get(f"/api/v1/agreements/{awarded[0].pk}/price-file").json()["items"]
    assert items == [
        {
            "sku": "PAP-1",
            "description": "Copy paper, ream",
            "unit": "ream",
            "list_price": "8.99",
            "contract_price": "4.12",
            "discount_bps": None,
            "category_code": "",
        }
    ]
    assert client.get("/api/v1/agreements/999999").status_code == 404


def test_a_price_file_uploads_through_the_page(client_for, personas):
    lead = personas["lead_agency_officer"].active_memberships[0].organization.agency
    a = factories.agreement(lead_agency=lead)
    client = client_for("lead_agency_officer")
    csv_file = ContentFile(
        "\ufeffItem Number,Description,UOM,MSRP,Discount\r\nA-1,Stapler,EA,20.00,25%\r\n".encode(),
        name="prices.csv",
    )
    response = client.post(
        f"/agreements/{a.pk}/price-file/upload/",
        {"file": csv_file, "effective_from": "2026-03-01", "note": "Spring"},
        follow=True,
    )
    assert "Price file version 1 imported: 1 items" in response.content.decode()
    item = PriceItem.objects.get(price_file__agreement=a)
    assert (item.list_price_cents, item.contract_price_cents, item.discount_bps) == (
        2000,
        1500,
        2500,
    )


def test_a_refused_price_file_lists_its_errors_and_offers_them_as_csv(client_for, personas):
    lead = personas["lead_agency_officer"].active_memberships[0].organization.agency
    a = factories.agreement(lead_agency=lead)
    client = client_for("lead_agency_officer")
    bad = ContentFile(
        b"sku,description,unit,contract_price\nA,Pen,EA,abc\nA,Pen,EA,-1\n", name="bad.csv"
    )
    response = client.post(
        f"/agreements/{a.pk}/price-file/upload/", {"file": bad, "effective_from": "2026-03-01"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The price file was refused; nothing was saved" in page
    assert not PriceFile.objects.filter(agreement=a).exists()
    errors_url = re.search(r'href="(/agreements/\d+/price-file/errors/[^"]+\.csv)"', page).group(1)
    download = client.get(errors_url)
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][0] == "line" and {r[0] for r in rows[1:]} >= {"2", "3"}
    assert client_for("buyer").get(errors_url).status_code == 403


def test_the_price_file_template_downloads(client):
    response = client.get("/agreements/price-file-template.csv")
    header = response.content.decode().splitlines()[0].lower()
    assert "sku" in header and "contract" in header


def test_the_office_sets_a_tiered_fee_schedule_through_the_page(client_for):
    a = factories.agreement()
    client = client_for("program_admin")
    response = client.post(
        f"/agreements/{a.pk}/fees/",
        {
            "effective_from": "2027-01-01",
            "rate_bps": "200",
            "fee_base": "net_invoiced",
            "tiers": "0 200\n10000000 150",
            "state_add_ons": "tx 25",
        },
        follow=True,
    )
    assert "Fee schedule set." in response.content.decode()
    schedule = a.fee_schedules.get(effective_from=datetime.date(2027, 1, 1))
    assert [(t.from_cents, t.rate_bps) for t in schedule.tiers.all()] == [
        (0, 200),
        (1_000_000_000, 150),
    ]
    assert schedule.state_add_ons.get().state.postal == "TX"
    bad = client.post(
        f"/agreements/{a.pk}/fees/",
        {
            "effective_from": "2027-06-01",
            "rate_bps": "200",
            "fee_base": "net_invoiced",
            "tiers": "lots 200",
        },
    )
    assert "tier amounts are whole dollars" in bad.content.decode()
    assert a.fee_schedules.count() == 2
