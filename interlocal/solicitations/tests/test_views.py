"""The solicitation pages, through the test client: who sees what, each action and each
refusal (shown on the form, nothing saved), sealing of proposal files, and the notice board's
query count."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from interlocal.agreements.models import Agreement
from interlocal.core.models import AuditEvent
from interlocal.solicitations import services
from interlocal.solicitations.models import (
    Addendum,
    CommitteeMember,
    Proposal,
    Question,
    ReviewVote,
    Score,
    Solicitation,
    Status,
)
from interlocal.solicitations.tests import builders
from tests import factories

pytestmark = pytest.mark.django_db

ROLES_WITHOUT_DRAFTS = ["buyer", "supplier_rep", "sponsor_viewer", "advisory_member"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def board(settings):
    settings.ADVISORY_QUORUM = 3
    settings.ADVISORY_MAJORITY_PERCENT = 50
    return builders.board(3)


def signed_in(client, user):
    client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"solicitations:{name}", args=args)


def text(response) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def upload(name: str, body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body)


def in_days(days: int) -> datetime.date:
    return (timezone.now() + datetime.timedelta(days=days)).date()


def draft_form(**overrides) -> dict:
    data = {
        "number": "RFP-2026-100",
        "title": "Janitorial supplies",
        "scope": "goods",
        "method": "rfp",
        "category_codes": ["3020"],
        "description": "Cleaning chemicals, paper and dispensers.",
        "cooperative_clause": "Any participating agency may buy under the agreement.",
        "estimated_national_volume": "12,500,000",
        "due_date": in_days(30).isoformat(),
        "due_time": "14:00",
        "time_zone": "America/Chicago",
        "criteria-TOTAL_FORMS": "4",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-name": "Price",
        "criteria-0-weight": "60",
        "criteria-1-name": "Service",
        "criteria-1-weight": "40",
        "criteria-2-name": "",
        "criteria-2-weight": "",
        "criteria-3-name": "",
        "criteria-3-weight": "",
    }
    data.update(overrides)
    return data


# --- the notice board -------------------------------------------------------------------------


def test_the_board_lists_open_notices_soonest_due_first_in_the_agencys_time(
    client, personas, board
):
    later = builders.published(personas, board, number="RFP-LATER")
    sooner = builders.published(
        personas,
        board,
        number="RFP-SOONER",
        due_local=(timezone.now() + datetime.timedelta(days=3)).replace(tzinfo=None),
    )
    hidden = builders.draft(personas, number="RFP-DRAFT")

    page = text(client.get(url("index")))

    assert page.index("RFP-SOONER") < page.index("RFP-LATER")
    assert hidden.number not in page
    local = sooner.due_local
    assert f"{local:%b} {local.day}, {local.year}" in page
    assert local.tzname() in page  # CST or CDT: the lead agency's zone, not the server's
    assert "closes in 2 days" in page or "closes in 3 days" in page
    assert later.title in page


def test_officers_see_their_agencys_drafts_and_nobody_else_does(client_for, personas, board):
    s = builders.draft(personas, number="RFP-HIDDEN")
    for role in ["lead_agency_officer", "program_admin", "auditor"]:
        assert "RFP-HIDDEN" in text(client_for(role).get(url("index"))), role
        assert client_for(role).get(url("detail", s.pk)).status_code == 200, role
    for role in [None, *ROLES_WITHOUT_DRAFTS]:
        assert "RFP-HIDDEN" not in text(client_for(role).get(url("index"))), role
        assert client_for(role).get(url("detail", s.pk)).status_code == 404, role


def test_the_board_sees_a_draft_only_while_it_reviews_it(client_for, personas, board):
    s = builders.draft(personas)
    member = signed_in(client_for(None), board[0])
    assert member.get(url("detail", s.pk)).status_code == 404
    services.transition(s, "submit_for_review", actor=personas["lead_agency_officer"])
    page = text(member.get(url("index")))
    assert "Your Advisory Board vote is asked" in page and s.number in page
    assert "Cast my vote" in text(member.get(url("detail", s.pk)))


def test_filters_by_category_state_and_status(client, personas, board):
    builders.published(personas, board, number="RFP-PAPER", category_codes=["1030"])
    builders.published(personas, board, number="RFP-TECH", category_codes=["2010"])
    cancelled = builders.published(personas, board, number="RFP-GONE", category_codes=["2010"])
    services.transition(
        cancelled, "cancel", actor=personas["lead_agency_officer"], reason="Budget cut"
    )

    tech = text(client.get(url("index"), {"category": "20"}))  # a heading: every code under it
    assert "RFP-TECH" in tech and "RFP-PAPER" not in tech
    assert "Recently awarded and cancelled" in tech and "RFP-GONE" in tech
    assert "RFP-TECH" not in text(client.get(url("index"), {"state": "CA"}))
    assert "RFP-TECH" in text(client.get(url("index"), {"state": "TX"}))
    gone = text(client.get(url("index"), {"status": "cancelled"}))
    assert "RFP-GONE" in gone and "RFP-TECH" not in gone
    fragment = client.get(url("index"), {"status": "cancelled"}, headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b"RFP-GONE" in fragment.content


@pytest.mark.parametrize("role", [None, "lead_agency_officer", "program_admin"])
def test_the_board_runs_a_fixed_number_of_queries(
    client_for, personas, board, role, django_assert_max_num_queries
):
    client = client_for(role)
    for i in range(2):
        s = builders.published(personas, board, number=f"RFP-A{i}")
        if i:
            services.transition(s, "cancel", actor=personas["program_admin"], reason="No budget")
        builders.draft(personas, number=f"RFP-D{i}")
    with django_assert_max_num_queries(14) as few:
        assert client.get(url("index")).status_code == 200
    for i in range(6):
        s = builders.published(personas, board, number=f"RFP-B{i}", category_codes=["1010", "1030"])
        if i % 2:
            services.transition(s, "cancel", actor=personas["program_admin"], reason="No budget")
        builders.draft(personas, number=f"RFP-E{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("index")).status_code == 200


def test_the_atom_feed_lists_published_notices(client, personas, board):
    s = builders.published(personas, board)
    builders.draft(personas, number="RFP-DRAFT")
    response = client.get(url("feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert s.number in body and "RFP-DRAFT" not in body
    assert url("detail", s.pk) in body
    assert url("feed") in client.get(url("index")).content.decode()


# --- drafting ---------------------------------------------------------------------------------


def test_an_officer_drafts_through_the_form(client_for, personas):
    officer = client_for("lead_agency_officer")
    form = officer.get(url("create"))
    page = text(form)
    assert "Lead agency: Harmon County" in page
    assert "Cooperative purchasing" in page and "The weights add up to 100" in page
    assert 'value="America/Chicago" selected' in form.content.decode()  # Texas: Central

    response = officer.post(url("create"), draft_form())

    s = Solicitation.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", s.pk)
    assert s.status == Status.DRAFT and s.lead_agency.name == "Harmon County"
    assert [(c.name, c.weight) for c in s.criteria.all()] == [("Price", 60), ("Service", 40)]
    assert list(s.categories.values_list("code", flat=True)) == ["3020"]
    assert s.estimated_national_volume_cents == 12_500_000_00
    assert s.due_local.hour == 14
    assert AuditEvent.objects.filter(verb="solicitation.create", object_id=str(s.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"criteria-1-weight": "30"}, "the weights add up to 90; make them add up to 100"),
        ({"category_codes": []}, "This field is required."),
        (
            {"due_date": (timezone.now() - datetime.timedelta(days=2)).date().isoformat()},
            "is in the past; choose a date and time still to come",
        ),
        ({"cooperative_clause": " "}, "This field is required."),
        ({"criteria-1-name": "price"}, "two criteria have the same name"),
    ],
)
def test_a_refused_draft_shows_why_and_saves_nothing(client_for, personas, overrides, message):
    response = client_for("lead_agency_officer").post(url("create"), draft_form(**overrides))
    assert response.status_code == 200
    page = text(response)
    assert "The draft was not saved" in page
    assert message in page
    assert not Solicitation.objects.exists()


def test_a_taken_number_is_refused_on_its_field(client_for, personas):
    builders.draft(personas, number="RFP-2026-100")
    page = text(client_for("lead_agency_officer").post(url("create"), draft_form()))
    assert "RFP-2026-100 is already used; solicitation numbers are unique" in page
    assert Solicitation.objects.count() == 1


def test_the_program_office_chooses_the_lead_agency_and_gets_its_time_zone(client_for, personas):
    lake = factories.AgencyFactory(name="Lake County", state=factories.state("FL"))
    factories.member(
        factories.UserFactory(),
        factories.organization_for("agency", agency=lake),
        "lead_agency_officer",
    )
    admin = client_for("program_admin")
    form = text(admin.get(url("create")))
    assert "Harmon County, TX" in form and "Lake County, FL" in form
    refused = admin.post(url("create"), draft_form(time_zone=""))
    assert "The draft was not saved" in text(refused)
    assert not Solicitation.objects.exists()
    admin.post(url("create"), draft_form(lead_agency=lake.pk, time_zone=""))
    s = Solicitation.objects.get()
    assert s.lead_agency == lake and s.time_zone == "America/New_York"
    assert s.due_local.hour == 14


@pytest.mark.parametrize("role", ["buyer", "supplier_rep", "sponsor_viewer", "advisory_member"])
def test_only_officers_and_the_office_draft(client_for, role):
    assert client_for(role).get(url("create")).status_code == 403
    assert client_for(role).post(url("create"), draft_form()).status_code == 403
    anonymous = client_for(None).get(url("create"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not Solicitation.objects.exists()


def test_the_weights_total_is_recomputed_as_they_are_typed(client_for):
    officer = client_for("lead_agency_officer")
    params = {"criteria-0-weight": "40", "criteria-1-weight": "35", "criteria-2-name": "x"}
    assert "Total 75" in text(officer.get(url("weights_total"), params))
    assert "25 to go" in text(officer.get(url("weights_total"), params))
    params["criteria-2-weight"] = "25"
    assert "The weights add up to 100" in text(officer.get(url("weights_total"), params))
    params["criteria-2-weight"] = "abc"
    assert "whole numbers" in text(officer.get(url("weights_total"), params))


def test_a_draft_is_edited_and_a_published_one_is_not(client_for, personas, board):
    s = builders.draft(personas)
    officer = client_for("lead_agency_officer")
    form = officer.get(url("edit", s.pk))
    assert s.title in form.content.decode() and "Price" in form.content.decode()
    response = officer.post(
        url("edit", s.pk), draft_form(number=s.number, title="Office supplies, paper and toner")
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.title == "Office supplies, paper and toner"
    assert AuditEvent.objects.filter(verb="solicitation.update").count() == 1

    published = builders.published(personas, board, number="RFP-PUB")
    response = officer.get(url("edit", published.pk), follow=True)
    assert "only a draft can be edited" in text(response)
    assert client_for("buyer").get(url("edit", s.pk)).status_code == 403


def test_an_officer_of_another_agency_cannot_edit_or_act(client, personas):
    s = builders.draft(personas)
    other = factories.organization_for("agency", agency=factories.AgencyFactory())
    outsider = factories.member(factories.UserFactory(), other, "lead_agency_officer")
    signed_in(client, outsider)
    assert client.get(url("edit", s.pk)).status_code == 404  # not even visible
    assert client.post(url("transition", s.pk), {"transition": "cancel"}).status_code == 404


def test_a_new_draft_starts_from_a_published_solicitation(client_for, personas, board):
    prior = builders.published(personas, board)
    officer = client_for("lead_agency_officer")
    page = text(officer.get(url("create"), {"template": prior.pk}))
    assert f"Start a new solicitation from {prior.number}" in page
    assert "Price (40)" in page
    response = officer.post(
        f"{url('create')}?template={prior.pk}",
        {"number": "RFP-2027-001", "due_date": in_days(45).isoformat(), "due_time": "10:00"},
    )
    copy = Solicitation.objects.get(number="RFP-2027-001")
    assert response["Location"] == url("edit", copy.pk)
    assert copy.template == prior and copy.status == Status.DRAFT
    assert copy.description == prior.description
    refused = officer.post(
        f"{url('create')}?template={prior.pk}",
        {"number": "RFP-2027-001", "due_date": in_days(45).isoformat(), "due_time": "10:00"},
    )
    assert "already used" in text(refused)


def test_documents_of_a_draft_are_private_and_published_ones_public(client_for, personas, board):
    s = builders.draft(personas)
    officer = client_for("lead_agency_officer")
    response = officer.post(
        url("add_document", s.pk),
        {
            "document-kind": "solicitation",
            "document-title": "RFP document",
            "document-file": upload("rfp.pdf", b"%PDF-1.4 the rfp"),
        },
    )
    assert response.status_code == 302
    document = s.documents.get()
    assert officer.get(url("document", document.pk)).status_code == 200
    assert client_for(None).get(url("document", document.pk)).status_code == 404
    refused = officer.post(
        url("add_document", s.pk),
        {"document-kind": "other", "document-file": upload("virus.exe", b"MZ")},
    )
    assert "send a" in text(refused) and s.documents.count() == 1

    services.transition(s, "submit_for_review", actor=personas["lead_agency_officer"])
    # the Board reviews the draft as it stands: no new specifications meanwhile
    during_review = officer.post(
        url("add_document", s.pk),
        {"document-kind": "specification", "document-file": upload("specs.pdf", b"%PDF-1.4")},
    )
    assert "Select a valid choice" in text(during_review) and s.documents.count() == 1
    builders.approve_review(s, board)
    services.transition(s, "publish", actor=personas["lead_agency_officer"])
    download = client_for(None).get(url("document", document.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the rfp"


# --- the Advisory Board and the workflow ------------------------------------------------------


def test_draft_to_publication_through_the_page(client, client_for, personas, board):
    s = builders.draft(personas)
    officer = client_for("lead_agency_officer")
    assert "Send to the Advisory Board" in text(officer.get(url("detail", s.pk)))
    response = officer.post(url("transition", s.pk), {"transition": "submit_for_review"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == Status.ADVISORY_REVIEW
    page = officer.get(url("detail", s.pk)).content.decode()
    assert re.search(r'<button class="usa-button" type="submit" disabled>\s*Publish', page)

    for i, member in enumerate(board):
        signed_in(client, member)
        response = client.post(
            url("vote", s.pk), {"vote-choice": "approve", "vote-comment": f"Fine {i}"}
        )
        assert response.status_code == 302
    assert ReviewVote.objects.count() == 3
    assert "The review is decided: approved." in text(client.get(url("detail", s.pk)))
    page = text(officer.get(url("detail", s.pk)))
    assert "Fine 0" in page and "Approved" in page

    officer.post(url("transition", s.pk), {"transition": "publish"})
    s.refresh_from_db()
    assert s.status == Status.PUBLISHED and s.published_at is not None
    public = text(client_for(None).get(url("detail", s.pk)))
    assert "Open for proposals" in public and "Fine 2" in public  # the review is public record


def test_refused_transitions_show_the_reason_and_change_nothing(client_for, personas, board):
    s = builders.draft(personas)
    officer = client_for("lead_agency_officer")
    officer.post(url("transition", s.pk), {"transition": "submit_for_review"})
    response = officer.post(url("transition", s.pk), {"transition": "publish"})
    assert response.status_code == 200
    assert "the Advisory Board has not approved this draft yet" in text(response)
    s.refresh_from_db()
    assert s.status == Status.ADVISORY_REVIEW

    response = officer.post(url("transition", s.pk), {"transition": "cancel", "cancel-reason": ""})
    assert "This field is required." in text(response)
    assert officer.post(url("transition", s.pk), {"transition": "approve_award"}).status_code == 404
    assert (
        client_for("buyer").post(url("transition", s.pk), {"transition": "publish"}).status_code
        == 403
    )
    s.refresh_from_db()
    assert s.status == Status.ADVISORY_REVIEW


def test_cancelling_publishes_the_reason(client_for, personas, board):
    s = builders.published(personas, board)
    client_for("lead_agency_officer").post(
        url("transition", s.pk), {"transition": "cancel", "cancel-reason": "Budget withdrawn"}
    )
    s.refresh_from_db()
    assert s.status == Status.CANCELLED
    page = text(client_for(None).get(url("detail", s.pk)))
    assert "Cancelled" in page and "Budget withdrawn" in page


def test_a_return_vote_needs_a_comment_and_a_returned_draft_leaves_the_board(
    client, personas, board
):
    s = builders.draft(personas)
    services.transition(s, "submit_for_review", actor=personas["lead_agency_officer"])
    signed_in(client, board[0])
    refused = client.post(url("vote", s.pk), {"vote-choice": "return", "vote-comment": ""})
    assert "say what must change before it can go forward" in text(refused)
    assert not ReviewVote.objects.exists()
    for member in board[:2]:
        signed_in(client, member)
        client.post(url("vote", s.pk), {"vote-choice": "return", "vote-comment": "Add toner"})
    signed_in(client, board[2])
    response = client.post(url("vote", s.pk), {"vote-choice": "return", "vote-comment": "Yes"})
    assert response["Location"] == url("index")  # the draft is the lead agency's again
    s.refresh_from_db()
    assert s.status == Status.DRAFT


def test_only_advisory_members_vote(client_for, personas, board):
    s = builders.draft(personas)
    services.transition(s, "submit_for_review", actor=personas["lead_agency_officer"])
    response = client_for("lead_agency_officer").post(url("vote", s.pk), {"vote-choice": "approve"})
    assert response.status_code == 403
    assert not ReviewVote.objects.exists()


# --- while open: addenda, questions, proposals ------------------------------------------------


def test_addenda_questions_and_answers(client, client_for, personas, board):
    s = builders.published(personas, board)
    officer = client_for("lead_agency_officer")
    response = officer.post(
        url("issue_addendum", s.pk),
        {"addendum-title": "Toner added", "addendum-body": "Add toner lines to the price file."},
    )
    assert response.status_code == 302
    addendum = Addendum.objects.get()
    rep = factories.supplier_rep("Acme Office")
    signed_in(client, rep)
    assert "Acknowledge addendum 1" in text(client.get(url("detail", s.pk)))
    client.post(url("acknowledge", addendum.pk))
    assert "Acknowledged by your company" in text(client.get(url("detail", s.pk)))

    client.post(url("ask", s.pk), {"question-text": "Is recycled paper acceptable?"})
    question = Question.objects.get()
    assert "Is recycled paper acceptable?" not in text(client_for(None).get(url("detail", s.pk)))
    assert "Your questions awaiting an answer" in text(client.get(url("detail", s.pk)))
    officer_page = text(officer.get(url("detail", s.pk)))
    assert "Acme Office asked" in officer_page
    refused = officer.post(url("answer", question.pk), {f"q{question.pk}-answer": " "})
    assert "This field is required." in text(refused)
    officer.post(url("answer", question.pk), {f"q{question.pk}-answer": "Yes, 30% minimum."})
    public = text(client_for(None).get(url("detail", s.pk)))
    assert "Is recycled paper acceptable?" in public and "Yes, 30% minimum." in public
    assert "Acme Office" not in public  # the asker is not named


def proposal_files(tag: str = "") -> dict:
    return {
        "technical": upload("technical.pdf", f"%PDF-1.4 technical {tag}".encode()),
        "price_file": upload("prices.csv", f"sku,price\nA{tag},4.10\n".encode()),
        "others": [upload("w9.pdf", b"%PDF-1.4 w9")],
    }


def test_a_supplier_submits_resubmits_and_withdraws(client, personas, board):
    s = builders.published(personas, board)
    services.issue_addendum(s, actor=personas["lead_agency_officer"], title="T", body="B")
    rep = factories.supplier_rep("Acme Office")
    signed_in(client, rep)
    form = text(client.get(url("submit_proposal", s.pk)))
    assert "Acknowledge the addenda first" in form
    refused = client.post(url("submit_proposal", s.pk), proposal_files())
    assert "acknowledge addendum 1 before submitting your proposal" in text(refused)
    assert not Proposal.objects.exists()

    client.post(url("acknowledge", Addendum.objects.get().pk), {"back": "proposal"})
    response = client.post(url("submit_proposal", s.pk), proposal_files("a"))
    assert response.status_code == 302
    first = Proposal.objects.get()
    assert first.documents.count() == 3
    page = text(client.get(url("detail", s.pk)))
    assert first.receipt in page and "Submit a new version" in page

    client.post(url("submit_proposal", s.pk), proposal_files("b"))
    current = Proposal.objects.get(status=Proposal.Status.SUBMITTED)
    assert current != first and "Earlier submissions" in text(client.get(url("detail", s.pk)))
    client.post(url("withdraw", current.pk))
    current.refresh_from_db()
    assert current.status == Proposal.Status.WITHDRAWN
    assert "Submit a proposal" in text(client.get(url("detail", s.pk)))


def test_a_late_proposal_is_refused_on_the_form(client, personas, board):
    s = builders.published(personas, board)
    rep = factories.supplier_rep()
    signed_in(client, rep)
    builders.pass_due_time(s)
    assert "Proposals are not being received" in text(client.get(url("submit_proposal", s.pk)))
    refused = client.post(url("submit_proposal", s.pk), proposal_files())
    assert "refused as late" in text(refused)
    assert not Proposal.objects.exists()


def test_a_bad_file_is_refused_on_its_field(client, personas, board):
    s = builders.published(personas, board)
    signed_in(client, factories.supplier_rep())
    files = proposal_files()
    files["technical"] = upload("proposal.exe", b"MZ")
    assert "proposal.exe: send a" in text(client.post(url("submit_proposal", s.pk), files))
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("role", ["buyer", "lead_agency_officer", "program_admin", "auditor"])
def test_only_supplier_reps_submit(client_for, personas, board, role):
    s = builders.published(personas, board)
    assert client_for(role).get(url("submit_proposal", s.pk)).status_code == 403


def test_proposal_files_are_sealed_until_the_opening(client, client_for, personas, board):
    s = builders.published(personas, board)
    rep = factories.supplier_rep("Acme Office")
    builders.propose(s, rep)
    document = Proposal.objects.get().documents.get(kind="technical")
    for role in ["program_admin", "auditor", "lead_agency_officer", "advisory_member", "buyer"]:
        response = client_for(role).get(url("proposal_document", document.pk))
        assert response.status_code == 403, role
        assert "sealed until the opening; nobody can read them before" in text(response), role
    anonymous = client_for(None).get(url("proposal_document", document.pk))
    assert anonymous.status_code == 302
    signed_in(client, rep)
    assert client.get(url("proposal_document", document.pk)).status_code == 200  # its own
    assert "Sealed" in text(client_for(None).get(url("detail", s.pk)))
    assert "Acme Office" not in text(client_for("lead_agency_officer").get(url("detail", s.pk)))

    builders.pass_due_time(s)
    officer = client_for("lead_agency_officer")
    response = officer.post(url("transition", s.pk), {"transition": "close"})
    assert response.status_code == 302
    public = text(client_for(None).get(url("detail", s.pk)))
    assert "Acme Office" in public and Proposal.objects.get().receipt in public  # tabulation
    assert "proposal-documents" not in client_for(None).get(url("detail", s.pk)).content.decode()
    download = officer.get(url("proposal_document", document.pk))
    assert download.status_code == 200
    assert AuditEvent.objects.filter(verb="proposal.read").count() == 1
    assert client_for("buyer").get(url("proposal_document", document.pk)).status_code == 403


def test_closing_before_the_due_time_is_refused(client_for, personas, board):
    s = builders.published(personas, board)
    officer = client_for("lead_agency_officer")
    page = officer.get(url("detail", s.pk)).content.decode()
    assert re.search(r"disabled>\s*Close and open the proposals", page)
    response = officer.post(url("transition", s.pk), {"transition": "close"})
    assert "they cannot be opened before the due time" in text(response)
    s.refresh_from_db()
    assert s.status == Status.PUBLISHED and s.opened_at is None


# --- evaluation and award ---------------------------------------------------------------------


@pytest.fixture
def evaluating(personas, board):
    reps = [factories.supplier_rep("Acme Office"), factories.supplier_rep("Zenith Paper")]
    return builders.in_evaluation(personas, board, reps), reps


def test_appointing_the_committee_from_the_page(client_for, personas, board):
    s = builders.published(personas, board)
    builders.propose(s, factories.supplier_rep())
    builders.pass_due_time(s)
    officer = client_for("lead_agency_officer")
    officer.post(url("transition", s.pk), {"transition": "close"})
    page = officer.get(url("detail", s.pk)).content.decode()
    # the list offers the lead agency's people and the Board; others are appointed by email
    assert personas["advisory_member"].email in page and board[0].email in page
    assert personas["buyer"].email not in page
    assert personas["supplier_rep"].email not in page

    refused = officer.post(url("appoint", s.pk), {"appoint-email": personas["supplier_rep"].email})
    assert "nobody at a public agency signs in with" in text(refused)
    both = officer.post(
        url("appoint", s.pk),
        {"appoint-user": board[0].pk, "appoint-email": personas["buyer"].email},
    )
    assert "choose one evaluator from the list, or give one email" in text(both)
    assert not CommitteeMember.objects.exists()

    response = officer.post(
        url("appoint", s.pk), {"appoint-email": personas["buyer"].email.upper()}
    )
    assert response.status_code == 302
    assert CommitteeMember.objects.get().user == personas["buyer"]
    again = officer.post(url("appoint", s.pk), {"appoint-email": personas["buyer"].email})
    assert "is already on the committee" in text(again)
    officer.post(url("appoint", s.pk), {"appoint-user": board[0].pk})
    assert CommitteeMember.objects.count() == 2
    officer.post(url("transition", s.pk), {"transition": "begin_evaluation"})
    s.refresh_from_db()
    assert s.status == Status.EVALUATION


def test_a_member_declares_then_scores(client, evaluating, board):
    s, _ = evaluating
    member = board[0]
    signed_in(client, member)
    assert client.get(url("score", s.pk))["Location"] == url("declare", s.pk)
    assert "Sign the declaration" in text(client.get(url("detail", s.pk)))
    declaration = text(client.get(url("declare", s.pk)))
    assert "Acme Office" in declaration and "Zenith Paper" in declaration
    refused = client.post(url("declare", s.pk), {"has_conflict": "no", "signed_name": ""})
    assert "This field is required." in text(refused)
    client.post(url("declare", s.pk), {"has_conflict": "no", "signed_name": "A. Member"})
    assert "Signed" in text(client.get(url("declare", s.pk)))

    sheet = client.get(url("score", s.pk))
    assert "0 of 6 scored" in text(sheet)
    fields = re.findall(r'name="(p\d+_c\d+)_points"', sheet.content.decode())
    assert len(fields) == 6
    scores = {f"{f}_points": "8" for f in fields}
    scores[f"{fields[0]}_comment"] = "Strong catalogue"
    response = client.post(url("score", s.pk), scores)
    assert response.status_code == 302
    assert Score.objects.count() == 6
    assert "6 of 6 scored" in text(client.get(url("score", s.pk)))
    client.post(url("score", s.pk), scores)  # unchanged: no new audit events
    assert AuditEvent.objects.filter(verb="evaluation.score").count() == 6


def test_a_refused_score_sheet_saves_no_cell(client, evaluating, board, personas):
    s, _ = evaluating
    signed_in(client, board[0])
    client.post(url("declare", s.pk), {"has_conflict": "no", "signed_name": "A. Member"})
    fields = re.findall(
        r'name="(p\d+_c\d+)_points"', client.get(url("score", s.pk)).content.decode()
    )
    services.transition(s, "cancel", actor=personas["lead_agency_officer"], reason="Protest")
    response = client.post(url("score", s.pk), {f"{f}_points": "5" for f in fields})
    assert "No score was saved" in text(response) or "can no longer change" in text(response)
    assert not Score.objects.exists()


def test_a_conflicted_member_is_recused(client, client_for, evaluating, board, personas):
    s, _ = evaluating
    services.appoint_member(s, board[1], actor=personas["lead_agency_officer"])
    signed_in(client, board[1])
    refused = client.post(url("declare", s.pk), {"has_conflict": "yes", "signed_name": "B"})
    assert "describe the conflict" in text(refused)
    client.post(
        url("declare", s.pk),
        {"has_conflict": "yes", "statement": "My brother works there", "signed_name": "B"},
    )
    assert client.get(url("score", s.pk)).status_code == 403
    assert client.get(url("evaluation", s.pk)).status_code == 403
    assert "are recused" in text(client.get(url("detail", s.pk)))
    assert client_for("buyer").get(url("score", s.pk)).status_code == 403


def test_the_evaluation_report_before_and_after_the_award(
    client, client_for, evaluating, board, personas
):
    s, reps = evaluating
    evaluator = board[0]
    services.declare(s, actor=evaluator, has_conflict=False, statement="", signed_name="A")
    points = {
        reps[0].primary_organization.supplier_id: 9,
        reps[1].primary_organization.supplier_id: 7,
    }
    builders.score_all(s, evaluator, points)

    for role, status in [("lead_agency_officer", 200), ("program_admin", 200), ("auditor", 200)]:
        assert client_for(role).get(url("evaluation", s.pk)).status_code == status, role
    for role in ["buyer", "supplier_rep", "advisory_member"]:
        assert client_for(role).get(url("evaluation", s.pk)).status_code == 403, role
    assert client_for(None).get(url("evaluation", s.pk)).status_code == 302
    report = text(client_for("lead_agency_officer").get(url("evaluation", s.pk)))
    assert re.search(r"1 Acme Office 9\.00 9\.00 9\.00 90\.00 90\.00", report)
    assert re.search(r"2 Zenith Paper 7\.00 7\.00 7\.00 70\.00 70\.00", report)

    officer = client_for("lead_agency_officer")
    refused = officer.post(
        url("transition", s.pk), {"transition": "recommend_award", "recommend-memo": "Both"}
    )
    assert "This field is required." in text(refused)
    ids = list(s.proposals.filter(status="submitted").values_list("pk", flat=True))
    officer.post(
        url("transition", s.pk),
        {"transition": "recommend_award", "recommend-proposal_ids": ids, "recommend-memo": "Both"},
    )
    s.refresh_from_db()
    assert s.status == Status.AWARD_RECOMMENDED
    member = signed_in(client, board[1])
    assert member.get(url("evaluation", s.pk)).status_code == 200  # the Board reads it to vote
    for voter in board:
        signed_in(client, voter)
        client.post(url("vote", s.pk), {"vote-choice": "approve"})
    s.refresh_from_db()
    assert s.status == Status.AWARD_APPROVED

    refused = officer.post(
        url("transition", s.pk),
        {
            "transition": "award",
            "award-effective_on": "2027-01-01",
            "award-initial_term_months": "36",
            "award-renewal_months": "twelve",
        },
    )
    assert "write each renewal option as a number of months" in text(refused)
    assert not Agreement.objects.exists()
    response = officer.post(
        url("transition", s.pk),
        {
            "transition": "award",
            "award-effective_on": "2027-01-01",
            "award-initial_term_months": "36",
            "award-renewal_months": "12,12",
        },
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == Status.AWARDED
    public = text(client_for(None).get(url("detail", s.pk)))
    for agreement in Agreement.objects.filter(solicitation=s):
        assert agreement.number in public
    assert client_for(None).get(url("evaluation", s.pk)).status_code == 200  # public now
    assert "Evaluation summary" in text(client_for("buyer").get(url("evaluation", s.pk)))


def test_the_page_renders_for_every_role_at_every_stage(client_for, personas, board):
    from conftest import ROLES

    officer = personas["lead_agency_officer"]
    reps = [factories.supplier_rep("Acme Office")]
    s = builders.draft(personas)
    everyone = {None, *ROLES}
    insiders = {"lead_agency_officer", "program_admin", "auditor"}

    def check(stage: str, allowed: set) -> None:
        for role in everyone:
            response = client_for(role).get(url("detail", s.pk))
            expected = 200 if role in allowed else 404
            assert response.status_code == expected, (stage, role, response.status_code)
            if expected == 200:
                assert response.content.decode().count("<h1") == 1, (stage, role)

    check("draft", insiders)
    services.transition(s, "submit_for_review", actor=officer)
    check("review", insiders | {"advisory_member"})
    builders.approve_review(s, board)
    services.transition(s, "publish", actor=officer)
    check("published", everyone)
    builders.propose(s, reps[0])
    builders.pass_due_time(s)
    services.transition(s, "close", actor=officer)
    check("closed", everyone)
    services.appoint_member(s, board[0], actor=officer)
    services.transition(s, "begin_evaluation", actor=officer)
    services.declare(s, actor=board[0], has_conflict=False, statement="", signed_name="A")
    builders.score_all(s, board[0], {reps[0].primary_organization.supplier_id: 7})
    check("evaluation", everyone)
    ids = list(s.proposals.values_list("pk", flat=True))
    services.transition(s, "recommend_award", actor=officer, proposal_ids=ids, memo="Best value")
    check("award recommended", everyone)
    builders.approve_review(s, board)
    services.transition(
        s, "award", actor=officer, terms=services.AwardTerms(effective_on=datetime.date(2027, 1, 1))
    )
    check("awarded", everyone)
    for role in everyone:
        assert client_for(role).get(url("evaluation", s.pk)).status_code == 200, role


def test_a_seat_elsewhere_does_not_open_this_committee(client, personas, board):
    reps = [factories.supplier_rep()]
    mine = builders.in_evaluation(personas, board, reps, number="RFP-MINE")
    other = builders.in_evaluation(personas, board, reps, number="RFP-OTHER")
    services.appoint_member(other, board[1], actor=personas["lead_agency_officer"])
    signed_in(client, board[1])
    response = client.get(url("declare", mine.pk))
    assert response.status_code == 403
    assert "are not on this solicitation's evaluation committee" in text(response)
    assert (
        client.post(url("declare", mine.pk), {"has_conflict": "no", "signed_name": "B"}).status_code
        == 403
    )
    assert not mine.committee.filter(user=board[1]).exists()


def test_waiting_for_you_lists_seats_votes_and_work_in_progress(
    client, client_for, evaluating, board
):
    s, _ = evaluating
    signed_in(client, board[0])  # on the committee, declaration not signed
    page = text(client.get(url("index")))
    assert "Waiting for you" in page
    assert "You are on the evaluation committee: sign your declaration" in page
    officer_page = text(client_for("lead_agency_officer").get(url("index")))
    assert "In progress: you manage it" in officer_page and s.number in officer_page
    assert "Waiting for you" not in text(client_for("buyer").get(url("index")))


def test_the_awarded_page_links_the_agreements(client_for, evaluating, board, personas):
    s, reps = evaluating
    services.declare(s, actor=board[0], has_conflict=False, statement="", signed_name="A")
    builders.score_all(s, board[0], {r.primary_organization.supplier_id: 8 for r in reps})
    ids = list(s.proposals.filter(status="submitted").values_list("pk", flat=True))
    officer = personas["lead_agency_officer"]
    services.transition(s, "recommend_award", actor=officer, proposal_ids=ids, memo="Both")
    builders.approve_review(s, board)
    services.transition(
        s, "award", actor=officer, terms=services.AwardTerms(effective_on=datetime.date(2027, 1, 1))
    )
    page = client_for(None).get(url("detail", s.pk)).content.decode()
    for agreement in Agreement.objects.filter(solicitation=s):
        assert f'href="/agreements/{agreement.pk}/"' in page
    assert "Awarded" in page and "master agreements" in page
    assert "Start a new solicitation from this one" in text(
        client_for("lead_agency_officer").get(url("detail", s.pk))
    )
    assert "Start a new solicitation from this one" not in page


def test_auditors_see_who_did_what(client_for, personas, board):
    s = builders.published(personas, board)
    page = text(client_for("auditor").get(url("detail", s.pk)))
    assert "Audit trail" in page
    assert "solicitation.publish" in page and personas["lead_agency_officer"].email in page
    assert "Audit trail" not in text(client_for("buyer").get(url("detail", s.pk)))
    assert "Manage this solicitation" not in text(client_for("auditor").get(url("detail", s.pk)))
