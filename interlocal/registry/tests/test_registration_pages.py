"""The registration flow and the program office's queue, through the web pages."""

import pytest
from django.test import Client

from interlocal.registry.models import AgencyDomain, Registration
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

FORM = {
    "contact_name": "Dana Ortiz",
    "contact_email": "dana@lakeridge.gov",
    "accepted_terms": "on",
    "signed_name": "Dana Ortiz",
}


def test_find_then_register_then_wait_for_verification(client) -> None:
    agency = AgencyFactory(name="City of Lake Ridge")
    found = client.get("/register/", {"q": "lake ridge", "state": "TX"}).content.decode()
    assert f"/register/details/?agency={agency.pk}" in found
    response = client.post(
        f"/register/details/?agency={agency.pk}", {**FORM, "agency": agency.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/register/done/"
    assert "We sent a confirmation link to dana@lakeridge.gov" in response.content.decode()
    assert Registration.objects.get().status == Registration.Status.PENDING


def _link_in(mail) -> str:
    line = next(line for line in mail.body.splitlines() if "/register/confirm/" in line)
    return line.strip().removeprefix("http://127.0.0.1:8000")


def test_verified_domain_registrant_participates_after_opening_the_link(
    client, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    agency = AgencyFactory(name="City of Lake Ridge")
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/details/", {**FORM, "agency": agency.pk})
    link = _link_in(mailoutbox[-1])
    # opening the link shows a button and changes nothing (mail scanners follow links)
    page = client.get(link).content.decode()
    assert "Confirm my email address" in page
    assert Registration.objects.get().email_confirmed_at is None
    response = client.post(link, follow=True)
    assert "City of Lake Ridge now participates" in response.content.decode()


def test_a_mangled_link_says_what_to_do(client) -> None:
    response = client.post("/register/confirm/not-a-token/")
    assert response.status_code == 400
    assert "copy the whole link from the email" in response.content.decode()


def test_refusal_is_shown_on_the_form_and_nothing_saved(client) -> None:
    agency = AgencyFactory(name="City of Lake Ridge")
    AgencyDomain.objects.create(agency=agency, domain="lakeridge.gov", verified=True)
    response = client.post(
        "/register/details/", {**FORM, "agency": agency.pk, "contact_email": "me@gmail.com"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "The registration was not saved" in html
    assert "gmail.com is not a domain of City of Lake Ridge" in html
    assert Registration.objects.count() == 0


def test_forged_form_without_csrf_token_is_refused() -> None:
    agency = AgencyFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post("/register/details/", {**FORM, "agency": agency.pk})
    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_program_admin_works_the_queue(client_for) -> None:
    agency = AgencyFactory(name="Harmon County", agency_type="county")
    Client().post(
        "/register/details/", {**FORM, "agency": agency.pk, "contact_email": "clerk@harmon.gov"}
    )
    registration = Registration.objects.get()
    admin = client_for("program_admin")
    queue = admin.get("/office/registrations/").content.decode()
    assert "Harmon County" in queue and "clerk@harmon.gov" in queue
    response = admin.post(
        f"/office/registrations/{registration.pk}/approve/",
        {"note": "called the clerk"},
        follow=True,
    )
    assert "Approved: Harmon County now participates." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "approved" and registration.agency.is_participating


def test_auditor_sees_the_queue_but_cannot_decide(client_for) -> None:
    registration = Registration.objects.create(
        agency=AgencyFactory(),
        contact_name="P",
        contact_email="p@x.gov",
        terms_version="t",
        signed_name="P",
        signed_at="2026-01-01T00:00:00Z",
    )
    auditor = client_for("auditor")
    page = auditor.get(f"/office/registrations/{registration.pk}/").content.decode()
    assert "Approve" not in page
    assert auditor.post(f"/office/registrations/{registration.pk}/approve/").status_code == 403
    registration.refresh_from_db()
    assert registration.status == "pending"


def test_a_forged_form_gets_a_page_that_says_what_to_do() -> None:
    agency = AgencyFactory()
    response = Client(enforce_csrf_checks=True).post(
        "/register/details/", {**FORM, "agency": agency.pk}
    )
    html = response.content.decode()
    assert response.status_code == 403 and "Nothing was saved" in html
    assert "<style" not in html  # Django's default page has inline CSS the CSP would block
