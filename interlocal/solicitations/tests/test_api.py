"""The solicitations API: a lead agency's system drafts and moves a solicitation with its key;
a supplier's system submits a sealed proposal; the public reads notices."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from interlocal.accounts.services import issue_api_key
from interlocal.solicitations.models import Proposal, Solicitation
from interlocal.solicitations.tests import builders
from tests import factories

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


def test_a_whole_solicitation_runs_from_draft_to_award_through_the_api(client, personas, settings):
    # given machine keys for the lead agency, three Advisory Board members, an evaluator and two
    # suppliers (each key acts for the person who issued it)
    settings.ADVISORY_QUORUM = 3
    officer = key_for(personas["lead_agency_officer"], "solicitations:write")
    board = [key_for(member, "solicitations:write") for member in builders.board(3)]
    evaluator_user = personas["advisory_member"]
    evaluator = key_for(evaluator_user, "solicitations:write")
    reps = [factories.supplier_rep("Acme Office"), factories.supplier_rep("Zenith Paper")]

    def post(path, body, headers, status=200):
        response = client.post(
            f"/api/v1/solicitations{path}", body, content_type="application/json", headers=headers
        )
        assert response.status_code == status, (path, response.content)
        return response.json()

    # draft, board approval, publication
    s = post("", draft_body(), officer, 201)
    sid = s["id"]
    post(f"/{sid}/transitions", {"name": "submit_for_review"}, officer)
    votes = [post(f"/{sid}/votes", {"choice": "approve"}, key, 201) for key in board]
    assert [v["outcome"] for v in votes] == ["pending", "pending", "approved"]
    assert post(f"/{sid}/transitions", {"name": "publish"}, officer)["status"] == "published"
    # two sealed proposals
    for i, rep in enumerate(reps):
        response = client.post(
            f"/api/v1/solicitations/{sid}/proposals",
            {
                "technical": SimpleUploadedFile("t.pdf", f"%PDF {i}".encode()),
                "price_file": SimpleUploadedFile("p.csv", b"sku\n"),
            },
            headers=key_for(rep, "proposals:write"),
        )
        assert response.status_code == 201, response.content
    # the due time passes (the one shortcut: the clock), the proposals are opened and evaluated
    builders.pass_due_time(Solicitation.objects.get(pk=sid))
    post(f"/{sid}/transitions", {"name": "close"}, officer)
    post(f"/{sid}/committee", {"email": evaluator_user.email}, officer, 201)
    post(f"/{sid}/transitions", {"name": "begin_evaluation"}, officer)
    post(f"/{sid}/declaration", {"has_conflict": False, "signed_name": "A. Member"}, evaluator, 201)
    proposals = client.get(f"/api/v1/solicitations/{sid}/proposals").json()
    points = {"Acme Office": 9, "Zenith Paper": 6}
    scores = [
        {"proposal_id": p["id"], "criterion": c, "points": points[p["supplier"]]}
        for p in proposals
        for c in ["Price", "Service"]
    ]
    report = post(f"/{sid}/scores", {"scores": scores}, evaluator)
    assert report["complete"] and [r["total"] for r in report["rows"]] == ["90.00", "60.00"]
    # recommendation, the board's approval, the award
    winner = report["rows"][0]["proposal_id"]
    post(
        f"/{sid}/transitions",
        {"name": "recommend_award", "proposal_ids": [winner], "memo": "Best value"},
        officer,
    )
    for key in board:
        post(f"/{sid}/votes", {"choice": "approve"}, key, 201)
    awarded = post(
        f"/{sid}/transitions",
        {
            "name": "award",
            "effective_on": "2027-01-01",
            "initial_term_months": 36,
            "renewal_months": [12, 12],
        },
        officer,
    )
    # then one agreement exists for the winner, and the evaluation is public
    assert awarded["status"] == "awarded"
    assert awarded["agreements"] == ["API-2026-01-01"]
    agreement = client.get("/api/v1/agreements", {"q": "API-2026-01-01", "status": ""}).json()[
        "items"
    ][0]
    assert agreement["supplier"] == "Acme Office" and agreement["expires_on"] == "2029-12-31"
    assert (
        client.get(f"/api/v1/solicitations/{sid}/evaluation").json()["rows"][0]["supplier"]
        == "Acme Office"
    )


def test_a_refused_score_sheet_saves_none_of_its_scores(client, personas, settings):
    settings.ADVISORY_QUORUM = 3
    s = builders.in_evaluation(personas, builders.board(3), [factories.supplier_rep()])
    member = s.committee.get().user
    headers = key_for(member, "solicitations:write")
    client.post(
        f"/api/v1/solicitations/{s.pk}/declaration",
        {"has_conflict": False, "signed_name": "M"},
        content_type="application/json",
        headers=headers,
    )
    proposal = s.proposals.get()
    response = client.post(
        f"/api/v1/solicitations/{s.pk}/scores",
        {
            "scores": [
                {"proposal_id": proposal.pk, "criterion": "Price", "points": 8},
                {"proposal_id": proposal.pk, "criterion": "Colour", "points": 8},
            ]
        },
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert "no criterion is called 'Colour'" in response.json()["errors"][0]["message"]
    assert not proposal.scores.exists()
    # and before the award the evaluation is not public
    assert client.get(f"/api/v1/solicitations/{s.pk}/evaluation").status_code == 403
