"""The public directory, agency pages and supplier pages, in HTML and through the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interlocal.registry.models import AgencyAlias, AgencyDomain
from tests.factories import AgencyFactory, CertificationFactory, SupplierFactory, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns():
    AgencyFactory(name="Harmon County", agency_type="county")
    AgencyFactory(
        name="City of Lake Ridge",
        participating_since=datetime.date(2019, 5, 1),
        participation_route="self_registered",
        population=48_000,
    )
    AgencyFactory(name="Lake Ridge Independent School District", agency_type="school_district")
    AgencyFactory(name="City of Lake Ridge", state=state("OH"), census_id="36201000100000")
    for n in range(60):
        AgencyFactory(
            name=f"Pine Valley Water District {n}",
            agency_type="special_district",
            state=state("CA"),
        )


def test_search_matches_words_in_any_order_and_abbreviations(client, towns) -> None:
    response = client.get("/agencies/", {"q": "lake ridge isd"})
    names = [a.name for a in response.context["page"]]
    assert names == ["Lake Ridge Independent School District"]
    response = client.get("/agencies/", {"q": "ridge lake", "state": "TX"})
    assert {a.name for a in response.context["page"]} == {
        "City of Lake Ridge",
        "Lake Ridge Independent School District",
    }


def test_filters_and_pagination(client, towns) -> None:
    response = client.get("/agencies/", {"state": "CA", "agency_type": "special_district"})
    page = response.context["page"]
    assert page.paginator.count == 60 and len(page) == 25
    assert b"Page 1 of 3" in response.content
    participating = client.get("/agencies/", {"participating": "yes"}).context["page"]
    assert [a.name for a in participating] == ["City of Lake Ridge"]


def test_directory_query_count_does_not_grow_with_rows(client, towns) -> None:
    with CaptureQueriesContext(connection) as ctx:
        client.get("/agencies/", {"state": "CA"})
    assert len(ctx.captured_queries) <= 5


def test_htmx_request_gets_only_the_results_partial(client, towns) -> None:
    response = client.get("/agencies/", {"q": "harmon"}, headers={"HX-Request": "true"})
    assert b"<html" not in response.content and b"Harmon County" in response.content


def test_agency_page_shows_participation_aliases_and_register_link(client) -> None:
    agency = AgencyFactory(name="City of Lake Ridge")
    AgencyAlias.objects.create(agency=agency, name="LAKE RIDGE CITY OF", source="sales_report")
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=True)
    html = client.get(f"/agencies/{agency.pk}/").content.decode()
    assert "LAKE RIDGE CITY OF" in html and "lakeridge.gov" in html
    assert f"/register/details/?agency={agency.pk}" in html


def test_supplier_directory_counts_only_certifications_in_force(client) -> None:
    today = timezone.localdate()  # the program's calendar, as the code under test uses
    current = SupplierFactory(legal_name="Summit Office Supply Co.")
    CertificationFactory(supplier=current, kind="WBE")
    lapsed = SupplierFactory(legal_name="Keystone Fleet Services, LLC")
    CertificationFactory(supplier=lapsed, kind="WBE", valid_to=today - datetime.timedelta(days=1))
    response = client.get("/suppliers/", {"certification": "WBE"})
    assert [s.legal_name for s in response.context["page"]] == ["Summit Office Supply Co."]
    detail = client.get(f"/suppliers/{lapsed.pk}/").content.decode()
    assert "Expired or not yet valid" in detail and "Counts today" not in detail


def test_api_lists_and_filters_agencies(client, towns) -> None:
    body = client.get("/api/v1/agencies", {"q": "lake ridge", "state": "TX"}).json()
    assert body["count"] == 2
    assert {a["name"] for a in body["items"]} == {
        "City of Lake Ridge",
        "Lake Ridge Independent School District",
    }
    city = next(a for a in body["items"] if a["name"] == "City of Lake Ridge")
    assert city["participating"] is True and city["participating_since"] == "2019-05-01"
    page2 = client.get("/api/v1/agencies", {"state": "CA", "page": 2}).json()
    assert page2["count"] == 60 and len(page2["items"]) == 10
    nope = client.get("/api/v1/agencies", {"participating": "false", "state": "TX"}).json()
    assert all(not a["participating"] for a in nope["items"]) and nope["count"] == 2


def test_api_agency_detail_and_404(client) -> None:
    agency = AgencyFactory(name="Harmon County", agency_type="county")
    AgencyAlias.objects.create(agency=agency, name="HARMON CO", source="import")
    body = client.get(f"/api/v1/agencies/{agency.pk}").json()
    assert body["aliases"] == ["HARMON CO"] and body["state"] == "TX"
    assert client.get("/api/v1/agencies/999999").status_code == 404


def test_api_suppliers_with_certifications(client) -> None:
    CertificationFactory(supplier=SupplierFactory(legal_name="Summit Office Supply Co."))
    body = client.get("/api/v1/suppliers").json()
    cert = body["items"][0]["certifications"][0]
    assert cert["kind"] == "WBE" and cert["counting"] is True


def test_openapi_schema_and_local_docs(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/agencies",
        "/api/v1/agencies/{agency_id}",
        "/api/v1/suppliers",
        "/api/v1/registrations",
    } <= set(schema["paths"])
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/swagger-ui-bundle.js" in docs


def test_api_registration_is_audited_under_the_key_and_its_organization(client, personas) -> None:
    from interlocal.accounts.services import issue_api_key
    from interlocal.core.models import AuditEvent

    org = personas["sponsor_viewer"].primary_organization
    issued = issue_api_key(
        actor=personas["sponsor_viewer"],
        organization=org,
        name="member sync",
        scopes=["registrations:write"],
    )
    agency = AgencyFactory(name="Harmon County", agency_type="county")
    response = client.post(
        "/api/v1/registrations",
        content_type="application/json",
        headers={"Authorization": f"Bearer {issued.token}"},
        data={
            "agency_id": agency.pk,
            "contact_name": "Pat Lee",
            "contact_email": "pat@harmon.gov",
            "signed_name": "Pat Lee",
            "accepted_terms": True,
        },
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    event = AuditEvent.objects.get(verb="registration.submit")
    assert event.actor is None and event.organization == org
    assert event.actor_label == f"API key {issued.key.prefix}… ({org})"
    assert event.request_id == response["X-Request-ID"]


def test_certification_evidence_is_served_to_the_office_only(
    client_for, settings, tmp_path
) -> None:
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    certification = CertificationFactory()
    certification.evidence.save("wbe-letter.pdf", ContentFile(b"%PDF-1.4 letter"), save=True)
    url = "/media/" + certification.evidence.name
    response = client_for("auditor").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 letter"
    assert client_for("supplier_rep").get(url).status_code == 403
    # only files that belong to a certification are served, never an arbitrary path
    (tmp_path / "certifications" / "secret.txt").write_text("no")
    assert client_for("auditor").get("/media/certifications/secret.txt").status_code == 404
