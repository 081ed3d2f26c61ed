"""The expiry pipeline and its notices, and agreement search."""

import datetime

import pytest
from django.core.management import call_command

from interlocal.agreements.models import ExpiryNotice, PriceFile, PriceItem
from interlocal.agreements.queries import expiry_pipeline, search_agreements
from interlocal.agreements.services.expiry import send_expiry_notices
from interlocal.core.models import AuditEvent, CategoryCode
from interlocal.core.search import search_text
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2028, 11, 1)  # agreements from factories end 2028-12-31


def test_the_pipeline_bands_agreements_by_days_left():
    soon = factories.agreement()  # ends 2028-12-31: 60 days after TODAY
    later = factories.agreement(effective_on=datetime.date(2026, 4, 1))  # ends 2029-03-31: 150 days
    factories.agreement(effective_on=datetime.date(2027, 1, 1))  # ends 2029-12-31: not yet
    rows = expiry_pipeline(TODAY)
    assert [(r.agreement, r.days_left, r.threshold) for r in rows] == [
        (soon, 60, 90),
        (later, 150, 180),
    ]
    assert rows[0].resolicitation_status == "2 renewal option(s) left"


def test_notices_go_once_per_band_to_the_lead_agency_and_the_office(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    lead = personas["lead_agency_officer"].active_memberships[0].organization.agency
    a = factories.agreement(lead_agency=lead)
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_expiry_notices(TODAY)
        again = send_expiry_notices(TODAY)
    assert [n.threshold_days for n in sent] == [90]
    assert again == []
    assert set(mailoutbox[0].to) == {"lead_agency_officer@example.gov", "program_admin@example.gov"}
    assert "ends in 60 days" in mailoutbox[0].subject
    assert (
        AuditEvent.objects.filter(verb="agreement.expiry_notice", object_id=str(a.pk)).count() == 1
    )
    # a month later the 30-day band sends its own notice
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_expiry_notices", "--today", "2028-12-05")
    assert list(
        ExpiryNotice.objects.order_by("threshold_days").values_list("threshold_days", flat=True)
    ) == [30, 90]


def test_search_finds_agreements_by_their_words_and_their_price_items():
    paper = factories.agreement(title="Office supplies and paper")
    chairs = factories.agreement(title="Classroom furniture", description="Desks")
    price_file = PriceFile.objects.create(
        agreement=chairs,
        version=1,
        effective_from=datetime.date(2026, 1, 1),
        source_name="p.csv",
        sha256="0" * 64,
    )
    PriceItem.objects.create(
        price_file=price_file,
        sku="ERG-1",
        description="Ergonomic task chair",
        unit="each",
        contract_price_cents=18900,
        search_text=search_text("ERG-1 Ergonomic task chair"),
    )
    day = datetime.date(2027, 1, 1)
    assert list(search_agreements(viewer=None, q="paper", today=day)) == [paper]
    assert list(search_agreements(viewer=None, q="ergonomic chair", today=day)) == [chairs]
    assert list(search_agreements(viewer=None, q="chair", status="expired", today=day)) == []
    assert set(search_agreements(viewer=None, today=day)) == {paper, chairs}


def test_search_filters_by_category_supplier_and_certification():
    office = CategoryCode.objects.get(code="1010")
    a = factories.agreement()
    a.categories.set([office])
    b = factories.agreement()
    factories.CertificationFactory(
        supplier=b.supplier,
        kind="WBE",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2030, 1, 1),
    )
    day = datetime.date(2027, 1, 1)
    assert list(search_agreements(viewer=None, category="10", today=day)) == [
        a
    ]  # the parent family
    assert list(search_agreements(viewer=None, supplier=b.supplier_id, today=day)) == [b]
    assert list(search_agreements(viewer=None, certification="WBE", today=day)) == [b]
    assert list(search_agreements(viewer=None, lead_agency=a.lead_agency_id, today=day)) == [a]
