"""The solicitations API: a lead agency's system drafts and moves a solicitation with its key;
a supplier's system submits a sealed proposal; the public reads notices."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from interlocal.accounts.services import issue_api_key
from interlocal.solicitations.models import Proposal, Solicitation
from interlocal.solicitations.tests import builders

pytestmark = pytest.mark.django_db


def key_for(user, scope):
    issued = issue_api_key(
        actor=user, organization=user.primary_organization, name="erp", scopes=[scope]
    )
    return {"Authorization": f"Bearer {issued.token}"}


def draft_body(**overrides):
    body = {
        "number": "API-2026-01",
        "title": "Janitorial supplies",
        "scope": "goods",
        "description": "Cleaning chemicals, paper and dispensers.",
        "due_local": (timezone.now() + datetime.timedelta(days=20))
        .replace(tzinfo=None, microsecond=0)
        .isoformat(),
        "category_codes": ["3020"],
        "estimated_national_volume": "12,500,000.00",
        "criteria": [{"name": "Price", "weight": 50}, {"name": "Service", "weight": 50}],
    }
    body.update(overrides)
    return body


def test_a_lead_agency_drafts_and_submits_through_the_api(client, personas):
    headers = key_for(personas["lead_agency_officer"], "solicitations:write")
    created = client.post(
        "/api/v1/solicitations", draft_body(), content_type="application/json", headers=headers
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["estimated_national_volume"] == "12500000"
    assert body["time_zone"] == "America/Chicago"  # Harmon County is in Texas
    moved = client.post(
        f"/api/v1/solicitations/{body['id']}/transitions",
        {"name": "submit_for_review"},
        content_type="application/json",
        headers=headers,
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "advisory_review"
    # the public does not see a draft under review
    assert client.get(f"/api/v1/solicitations/{body['id']}").status_code == 404


def test_bad_drafts_are_refused_with_every_field_named(client, personas):
    headers = key_for(personas["lead_agency_officer"], "solicitations:write")
    past = (
        (timezone.now() - datetime.timedelta(days=1))
        .replace(tzinfo=None, microsecond=0)
        .isoformat()
    )
    response = client.post(
        "/api/v1/solicitations",
        draft_body(
            due_local=past, criteria=[{"name": "Price", "weight": 70}], category_codes=["nope"]
        ),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"due_local", "criteria", "category_codes"}
    assert not Solicitation.objects.exists()


def test_keys_need_their_scope_and_act_with_their_issuers_permissions(client, personas):
    rep_headers = key_for(personas["supplier_rep"], "proposals:write")
    refused = client.post(
        "/api/v1/solicitations", draft_body(), content_type="application/json", headers=rep_headers
    )
    assert refused.status_code == 403
    assert "lacks the scope 'solicitations:write'" in refused.json()["detail"]
    assert (
        client.post(
            "/api/v1/solicitations", draft_body(), content_type="application/json"
        ).status_code
        == 401
    )


def test_opening_before_the_due_time_is_refused_through_the_api(client, personas, settings):
    settings.ADVISORY_QUORUM = 3
    s = builders.published(personas, builders.board(3))
    headers = key_for(personas["lead_agency_officer"], "solicitations:write")
    response = client.post(
        f"/api/v1/solicitations/{s.pk}/transitions",
        {"name": "close"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert "sealed until" in response.json()["errors"][0]["message"]


def test_a_supplier_submits_a_sealed_proposal_and_sees_only_its_receipt(
    client, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.ADVISORY_QUORUM = 3
    s = builders.published(personas, builders.board(3))
    rep = personas["supplier_rep"]
    response = client.post(
        f"/api/v1/solicitations/{s.pk}/proposals",
        {
            "technical": SimpleUploadedFile("technical.pdf", b"%PDF-1.4 ours"),
            "price_file": SimpleUploadedFile("prices.csv", b"sku,price\nA,1.00\n"),
        },
        headers=key_for(rep, "proposals:write"),
    )
    assert response.status_code == 201, response.content
    receipt = response.json()["receipt"]
    assert len(receipt) == 64
    # sealed: the public list is empty before the opening
    assert client.get(f"/api/v1/solicitations/{s.pk}/proposals").json() == []
    builders.pass_due_time(s)
    late = client.post(
        f"/api/v1/solicitations/{s.pk}/proposals",
        {
            "technical": SimpleUploadedFile("t.pdf", b"%PDF"),
            "price_file": SimpleUploadedFile("p.csv", b"a"),
        },
        headers=key_for(rep, "proposals:write"),
    )
    assert late.status_code == 422
    assert "refused as late" in late.json()["errors"][0]["message"]
    assert Proposal.objects.count() == 1


def test_the_public_list_shows_published_notices_only(client, personas, settings):
    settings.ADVISORY_QUORUM = 3
    published = builders.published(personas, builders.board(3))
    builders.draft(personas, number="DRAFT-1")
    numbers = [s["number"] for s in client.get("/api/v1/solicitations").json()["items"]]
    assert numbers == [published.number]
    detail = client.get(f"/api/v1/solicitations/{published.pk}").json()
    assert detail["available_transitions"] == ["close", "cancel"]
    assert [c["weight"] for c in detail["criteria"]] == [40, 30, 30]
