"""A solicitation from draft to awarded agreements through the services, and every refusal the
issue names: past closing dates, weights, late proposals, early opening, scoring without a
declaration, awarding a cancelled solicitation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from interlocal.agreements.models import Agreement
from interlocal.core.models import AuditEvent
from interlocal.solicitations import services
from interlocal.solicitations.models import Proposal, ReviewRound, Solicitation, Status
from interlocal.solicitations.queries import evaluation_report
from interlocal.solicitations.tests import builders
from interlocal.solicitations.workflow import BY_VOTE, TRANSITIONS, available
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(settings):
    settings.ADVISORY_QUORUM = 3
    settings.ADVISORY_MAJORITY_PERCENT = 50
    return builders.board(3)


def test_every_state_is_reached_by_some_transition():
    targets = {t.target for t in TRANSITIONS.values()}
    assert set(Status.values) == targets  # draft too: the board returns drafts
    assert available(Status.DRAFT) == ["submit_for_review", "cancel"]
    assert "approve_award" not in available(Status.AWARD_RECOMMENDED)


def test_full_solicitation_to_two_awarded_agreements(
    personas, board, mailoutbox, django_capture_on_commit_callbacks
):
    officer = personas["lead_agency_officer"]
    reps = [factories.supplier_rep("Acme Office"), factories.supplier_rep("Zenith Paper")]
    # given a solicitation in evaluation with two proposals
    s = builders.in_evaluation(personas, board, reps)
    evaluator = board[0]
    services.declare(s, actor=evaluator, has_conflict=False, statement="", signed_name="A. Member")
    points = {
        reps[0].primary_organization.supplier_id: 9,
        reps[1].primary_organization.supplier_id: 7,
    }
    builders.score_all(s, evaluator, points)
    report = evaluation_report(s)
    assert [row.total for row in report.rows] == [90, 70]
    assert [row.rank for row in report.rows] == [1, 2]
    assert report.complete
    # when both are recommended, the board approves, and the award is made
    ids = list(s.proposals.filter(status="submitted").values_list("pk", flat=True))
    services.transition(s, "recommend_award", actor=officer, proposal_ids=ids, memo="Best value")
    builders.approve_review(s, board)
    s.refresh_from_db()
    assert s.status == Status.AWARD_APPROVED
    terms = services.AwardTerms(effective_on=datetime.date(2027, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(s, "award", actor=officer, terms=terms)
    # then there is one agreement per supplier, 3 years + two 1-year renewals
    s.refresh_from_db()
    assert s.status == Status.AWARDED
    agreements = list(Agreement.objects.filter(solicitation=s).order_by("number"))
    assert [a.number for a in agreements] == ["RFP-2026-001-01", "RFP-2026-001-02"]
    assert agreements[0].expires_on == datetime.date(2029, 12, 31)
    assert agreements[0].final_expiry_on == datetime.date(2031, 12, 31)
    assert agreements[0].fee_schedules.get().rate_bps == 200
    assert set(s.proposals.values_list("award", flat=True)) == {Proposal.Award.AWARDED}
    # and every proposer was told
    award_mail = [m for m in mailoutbox if "Award of" in m.subject]
    assert sorted(award_mail[0].to) == sorted([reps[0].email, reps[1].email])
    verbs = list(
        AuditEvent.objects.filter(
            object_id=str(s.pk), object_type="solicitations.solicitation"
        ).values_list("verb", flat=True)
    )
    for name in [
        "create",
        "submit_for_review",
        "publish",
        "close",
        "begin_evaluation",
        "recommend_award",
        "approve_award",
        "award",
    ]:
        assert f"solicitation.{name}" in verbs


def test_the_board_returns_a_draft_with_comments(personas, board):
    s = builders.draft(personas)
    services.transition(s, "submit_for_review", actor=personas["lead_agency_officer"])
    review = s.review_rounds.get()
    services.cast_vote(review, actor=board[0], choice="return", comment="Add a warranty criterion")
    services.cast_vote(review, actor=board[1], choice="return", comment="Agreed")
    services.cast_vote(review, actor=board[2], choice="approve")
    s.refresh_from_db()
    review.refresh_from_db()
    assert review.outcome == ReviewRound.Outcome.RETURNED
    assert s.status == Status.DRAFT
    with pytest.raises(ValidationError, match="already decided"):
        services.cast_vote(review, actor=personas["advisory_member"], choice="approve")


def test_a_return_vote_needs_a_comment_and_no_one_votes_twice(personas, board):
    s = builders.draft(personas)
    services.transition(s, "submit_for_review", actor=personas["lead_agency_officer"])
    review = s.review_rounds.get()
    with pytest.raises(ValidationError, match="what must change"):
        services.cast_vote(review, actor=board[0], choice="return")
    services.cast_vote(review, actor=board[0], choice="approve")
    with pytest.raises(ValidationError, match="already voted"):
        services.cast_vote(review, actor=board[0], choice="approve")


def test_votes_by_hand_are_refused(personas, board):
    s = builders.draft(personas)
    for name in BY_VOTE:
        with pytest.raises(ValidationError, match="Advisory Board's vote"):
            services.transition(s, name, actor=personas["program_admin"])


def test_publishing_needs_the_boards_approval(personas, board):
    s = builders.draft(personas)
    officer = personas["lead_agency_officer"]
    services.transition(s, "submit_for_review", actor=officer)
    with pytest.raises(ValidationError, match="not approved"):
        services.transition(s, "publish", actor=officer)


def test_a_closing_date_in_the_past_is_refused(personas):
    past = (timezone.now() - datetime.timedelta(days=1)).replace(tzinfo=None)
    with pytest.raises(ValidationError) as refused:
        builders.draft(personas, due_local=past)
    assert "in the past" in str(refused.value.message_dict["due_local"])
    assert not Solicitation.objects.exists()


@pytest.mark.parametrize(
    ("weights", "message"),
    [([40, 30, 25], "add up to 95"), ([60, 30, 20], "add up to 110"), ([100, 0], "at least 1")],
)
def test_weights_must_sum_to_100(personas, weights, message):
    criteria = [services.Criterion(f"C{i}", w) for i, w in enumerate(weights)]
    with pytest.raises(ValidationError) as refused:
        builders.draft(personas, criteria=criteria)
    assert message in str(refused.value.message_dict["criteria"])
    assert not Solicitation.objects.exists()
    assert not AuditEvent.objects.filter(verb="solicitation.create").exists()


def test_the_cooperative_clause_is_required(personas):
    with pytest.raises(ValidationError) as refused:
        builders.draft(personas, cooperative_clause="  ")
    assert "cooperative_clause" in refused.value.message_dict


def test_another_agencys_officer_cannot_draft_for_the_lead_agency(personas):
    other = factories.organization_for("agency", agency=factories.AgencyFactory())
    outsider = factories.member(factories.UserFactory(), other, "lead_agency_officer")
    lead = personas["lead_agency_officer"].active_memberships[0].organization.agency
    with pytest.raises(PermissionDenied):
        services.create_solicitation(builders.terms(), actor=outsider, lead_agency=lead)


def test_a_late_proposal_is_refused_by_server_time(personas, board):
    s = builders.published(personas, board)
    rep = factories.supplier_rep()
    builders.pass_due_time(s)
    with pytest.raises(ValidationError, match="refused as late"):
        builders.propose(s, rep)
    assert not Proposal.objects.exists()


def test_addenda_must_be_acknowledged_before_proposing(personas, board):
    s = builders.published(personas, board)
    rep = factories.supplier_rep()
    addendum = services.issue_addendum(
        s, actor=personas["lead_agency_officer"], title="Toner added", body="Add toner lines."
    )
    assert addendum.number == 1
    with pytest.raises(ValidationError, match="acknowledge addendum 1"):
        builders.propose(s, rep)
    services.acknowledge_addendum(addendum, actor=rep)
    builders.propose(s, rep)
    assert Proposal.objects.filter(status="submitted").count() == 1


def test_an_addendum_can_move_the_due_date(personas, board):
    s = builders.published(personas, board)
    later = (s.due_local + datetime.timedelta(days=7)).replace(tzinfo=None)
    services.issue_addendum(
        s,
        actor=personas["lead_agency_officer"],
        title="Extension",
        body="One more week.",
        new_due_local=later,
    )
    s.refresh_from_db()
    assert s.due_local.replace(tzinfo=None) == later


def test_proposals_are_sealed_until_the_opening(personas, board):
    s = builders.published(personas, board)
    rep = factories.supplier_rep()
    builders.propose(s, rep)
    proposal = Proposal.objects.get()
    document = proposal.documents.get(kind="technical")
    # nobody but the supplier sees it, program office and auditor included
    for role in ["program_admin", "auditor", "lead_agency_officer", "advisory_member", "buyer"]:
        assert not Proposal.objects.visible_to(personas[role]).exists(), role
        with pytest.raises(PermissionDenied, match="sealed"):
            services.read_proposal_document(document, actor=personas[role])
    assert Proposal.objects.visible_to(rep).get() == proposal
    # opening before the due time is refused
    with pytest.raises(ValidationError, match="sealed until"):
        services.transition(s, "close", actor=personas["program_admin"])
    builders.pass_due_time(s)
    services.transition(s, "close", actor=personas["lead_agency_officer"])
    opening = AuditEvent.objects.get(verb="solicitation.close")
    assert opening.after["proposals"][0]["receipt"] == proposal.receipt
    # after the opening the lead agency and the office read it, and each read is audited
    with services.read_proposal_document(document, actor=personas["program_admin"]) as handle:
        assert handle.read().startswith(b"%PDF")
    assert AuditEvent.objects.filter(verb="proposal.read", actor=personas["program_admin"]).exists()
    assert Proposal.objects.visible_to(personas["lead_agency_officer"]).exists()
    assert not Proposal.objects.visible_to(personas["buyer"]).exists()


def test_a_resubmission_supersedes_the_earlier_proposal(personas, board):
    s = builders.published(personas, board)
    rep = factories.supplier_rep()
    builders.propose(s, rep, "a")
    builders.propose(s, rep, "b")
    assert list(Proposal.objects.order_by("id").values_list("status", flat=True)) == [
        "superseded",
        "submitted",
    ]


def test_scoring_needs_a_signed_declaration_and_a_conflict_recuses(personas, board):
    reps = [factories.supplier_rep()]
    s = builders.in_evaluation(personas, board, reps)
    proposal = s.proposals.get()
    criterion = s.criteria.first()
    with pytest.raises(ValidationError, match="sign the conflict-of-interest declaration"):
        services.score(proposal, criterion, actor=board[0], points=8)
    # a member with a conflict is recused and never sees the proposals
    services.appoint_member(s, board[1], actor=personas["lead_agency_officer"])
    services.declare(
        s, actor=board[1], has_conflict=True, statement="My brother works there", signed_name="B"
    )
    with pytest.raises(PermissionDenied, match="recused"):
        services.score(proposal, criterion, actor=board[1], points=8)
    assert not Proposal.objects.visible_to(board[1]).exists()
    services.declare(s, actor=board[0], has_conflict=False, statement="", signed_name="A")
    assert Proposal.objects.visible_to(board[0]).exists()
    with pytest.raises(ValidationError, match="0 to 10"):
        services.score(proposal, criterion, actor=board[0], points=11)


def test_recommending_before_every_score_is_in_is_refused(personas, board):
    reps = [factories.supplier_rep(), factories.supplier_rep()]
    s = builders.in_evaluation(personas, board, reps)
    services.declare(s, actor=board[0], has_conflict=False, statement="", signed_name="A")
    ids = list(s.proposals.values_list("pk", flat=True))
    with pytest.raises(ValidationError, match="has scored 0 of 6"):
        services.transition(
            s, "recommend_award", actor=personas["lead_agency_officer"], proposal_ids=ids, memo="x"
        )


def test_an_award_on_a_cancelled_solicitation_is_refused(personas, board):
    s = builders.published(personas, board)
    with pytest.raises(ValidationError, match="reason"):
        services.transition(s, "cancel", actor=personas["lead_agency_officer"])
    services.transition(
        s, "cancel", actor=personas["lead_agency_officer"], reason="Budget withdrawn"
    )
    terms = services.AwardTerms(effective_on=datetime.date(2027, 1, 1))
    with pytest.raises(ValidationError, match="cancelled"):
        services.transition(s, "award", actor=personas["lead_agency_officer"], terms=terms)
    assert not Agreement.objects.exists()


def test_a_new_solicitation_starts_from_a_published_one(personas, board):
    prior = builders.published(personas, board)
    other_officer = factories.member(
        factories.UserFactory(),
        factories.organization_for(
            "agency",
            agency=factories.AgencyFactory(name="Lake County", state=factories.state("FL")),
        ),
        "lead_agency_officer",
    )
    agency = other_officer.active_memberships[0].organization.agency
    due = (timezone.now() + datetime.timedelta(days=40)).replace(tzinfo=None)
    copy = services.start_from_template(
        prior, actor=other_officer, lead_agency=agency, number="LC-2027-01", due_local=due
    )
    assert copy.template == prior
    assert copy.status == Status.DRAFT
    assert copy.time_zone == "America/New_York"
    assert [(c.name, c.weight) for c in copy.criteria.all()] == [
        (c.name, c.weight) for c in prior.criteria.all()
    ]
    assert copy.description == prior.description


def test_questions_are_private_until_answered(personas, board):
    s = builders.published(personas, board)
    rep = factories.supplier_rep()
    question = services.ask_question(s, actor=rep, text="Is recycled paper acceptable?")
    assert not s.questions.exclude(answered_at=None).exists()
    services.answer_question(
        question, actor=personas["lead_agency_officer"], answer="Yes, 30% minimum."
    )
    question.refresh_from_db()
    assert question.answered_at is not None


def test_documents_after_publication_come_by_addendum(personas, board):
    s = builders.published(personas, board)
    with pytest.raises(ValidationError, match="addendum"):
        services.add_document(
            s,
            actor=personas["lead_agency_officer"],
            kind="specification",
            title="Specs v2",
            file=ContentFile(b"%PDF", name="s.pdf"),
        )
    proof = services.record_advertisement(
        s,
        actor=personas["lead_agency_officer"],
        medium="Los Angeles Daily Journal",
        published_on=s.local_today(),
        proof=ContentFile(b"%PDF ad", name="ad.pdf"),
    )
    assert proof.proof is not None and len(proof.proof.sha256) == 64


def test_only_agency_staff_sit_on_a_committee(personas, board):
    s = builders.published(personas, board)
    for role in ["program_admin", "auditor", "sponsor_viewer", "supplier_rep"]:
        with pytest.raises(ValidationError, match="only active staff of a public agency"):
            services.appoint_member(s, personas[role], actor=personas["lead_agency_officer"])
    services.appoint_member(s, personas["buyer"], actor=personas["lead_agency_officer"])


def test_specifications_cannot_change_under_the_boards_review(personas, board):
    s = builders.draft(personas)
    services.transition(s, "submit_for_review", actor=personas["lead_agency_officer"])
    with pytest.raises(ValidationError, match="returning it to draft"):
        services.add_document(
            s,
            actor=personas["lead_agency_officer"],
            kind="specification",
            title="Specs v2",
            file=ContentFile(b"%PDF", name="s.pdf"),
        )


def test_an_addendum_reaches_every_supplier_preparing_a_proposal(
    personas, board, mailoutbox, django_capture_on_commit_callbacks
):
    s = builders.published(personas, board)
    asker, proposer = factories.supplier_rep("Asker Co"), factories.supplier_rep("Proposer Co")
    services.ask_question(s, actor=asker, text="Delivery to Alaska?")
    builders.propose(s, proposer)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_addendum(
            s, actor=personas["lead_agency_officer"], title="Alaska", body="Included."
        )
    assert sorted(mailoutbox[-1].to) == sorted([asker.email, proposer.email])


def test_an_advertisement_is_dated_by_the_lead_agencys_calendar(personas, board, monkeypatch):
    s = builders.published(personas, board)
    Solicitation.objects.filter(pk=s.pk).update(time_zone="America/Los_Angeles")
    # 06:30 UTC: already Nov 27 for the server (Chicago), still Nov 26 in Los Angeles
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.datetime(2026, 11, 27, 6, 30, tzinfo=datetime.UTC)
    )
    officer = personas["lead_agency_officer"]
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        services.record_advertisement(
            s, actor=officer, medium="Gazette", published_on=datetime.date(2026, 11, 27)
        )
    ad = services.record_advertisement(
        s, actor=officer, medium="Gazette", published_on=datetime.date(2026, 11, 26)
    )
    assert ad.published_on == datetime.date(2026, 11, 26)
