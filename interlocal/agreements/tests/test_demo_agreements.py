"""The demo's master agreements: thirty years of competed, awarded and renewed agreements whose
records hold together, and three live solicitations waiting for the personas."""

import datetime
import hashlib
import io
import itertools
import random
import zipfile
from pathlib import PurePath

import pytest
import rules
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.accounts.roles import Role
from interlocal.agreements import demo
from interlocal.agreements.demo.plan import plan_history
from interlocal.agreements.ingest.price_rows import discounted
from interlocal.agreements.models import Agreement, PriceFile, PriceItem
from interlocal.agreements.queries import expiry_pipeline
from interlocal.core.audit import verify_chain
from interlocal.core.models import AuditEvent
from interlocal.registry.demo import seed as registry_seed
from interlocal.registry.demo.seed import ADVISORY_AGENCIES, SCALES, seed_demo
from interlocal.registry.models import Agency, Supplier
from interlocal.solicitations.models import Proposal, ReviewRound, Solicitation, Status
from interlocal.solicitations.queries import evaluation_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_small(settings, tmp_path, monkeypatch):
    """Seed the small demo with its agreements; returns the state of the random generator
    ``seed_agreements`` was given, so its plan can be recomputed.

    Works before and after ``seed_demo`` calls ``seed_agreements`` itself: a spy records the
    generator's state when it does; otherwise the test calls it the way ``seed_demo`` will."""
    settings.MEDIA_ROOT = tmp_path
    settings.ADVISORY_QUORUM = 3
    real = demo.seed_agreements
    states: list[object] = []

    def spy(rng: random.Random, *args: object, **kwargs: object) -> dict[str, int]:
        states.append(rng.getstate())
        return real(rng, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(demo, "seed_agreements", spy)
    if hasattr(registry_seed, "seed_agreements"):
        monkeypatch.setattr(registry_seed, "seed_agreements", spy)

    def run(seed: int = 7) -> object:
        states.clear()
        summary = seed_demo("small", seed)
        if not states:  # not wired into seed_demo yet
            advisory = [
                Agency.objects.get(name=row[0], state__postal=row[1], parent__isnull=True)
                for row in ADVISORY_AGENCIES
            ]
            suppliers = list(Supplier.objects.order_by("pk"))
            spy(random.Random(seed), SCALES["small"], advisory, suppliers, summary.personas)
        return states[0]

    return run


def fingerprint() -> dict[str, object]:
    return {
        "solicitations": list(
            Solicitation.objects.order_by("number").values_list("number", "status")
        ),
        "agreements": list(
            Agreement.objects.order_by("number").values_list(
                "number", "supplier__legal_name", "effective_on", "expires_on"
            )
        ),
        "items": list(
            PriceFile.objects.order_by("agreement__number", "version").values_list(
                "agreement__number", "version", "item_count", "sha256"
            )
        ),
        "receipts": sorted(Proposal.objects.values_list("receipt", flat=True)),
    }


def live() -> dict[str, Solicitation]:
    return {s.status: s for s in Solicitation.objects.exclude(status=Status.AWARDED)}


def test_history_is_complete_and_holds_together(seed_small) -> None:
    seed_small()
    today = timezone.localdate()
    agreements = list(Agreement.objects.select_related("solicitation", "supplier"))

    assert len(agreements) >= 12
    first = Agreement.objects.order_by("effective_on").first()
    assert first.solicitation.number == "LAC-RFP-1995-01"
    assert first.lead_agency.name == "Los Angeles County"
    assert first.effective_on.year == 1996
    office = Solicitation.objects.filter(number__startswith="LAC-RFP-").order_by("created_at")
    assert [s.created_at.year for s in office][:3] == [1995, 2005, 2015]
    supplier_persona = User.objects.get(email="rep@supplier.demo")
    company = supplier_persona.organizations_with(Role.SUPPLIER_REP)[0].supplier
    assert Agreement.objects.filter(supplier=company).count() >= 2
    assert Solicitation.objects.filter(agreements__number__endswith="-03").exists()  # 3 awards

    for a in agreements:
        files = list(a.price_files.order_by("version"))
        assert files[0].effective_from == a.effective_on
        assert all(f.item_count == f.items.count() >= 100 for f in files)
        for earlier, later in itertools.pairwise(files):
            assert earlier.effective_to == later.effective_from - datetime.timedelta(days=1)
        for item in PriceItem.objects.filter(price_file__in=files).exclude(list_price_cents=None):
            # 10-40% below list, to the cent
            low, high = (
                discounted(item.list_price_cents, 4000),
                discounted(item.list_price_cents, 1000),
            )
            assert low <= item.contract_price_cents <= high
            if item.discount_bps is not None:
                assert item.contract_price_cents == discounted(
                    item.list_price_cents, item.discount_bps
                )
        assert list(a.fee_schedules.values_list("rate_bps", "effective_from")) == [
            (200, a.effective_on)
        ]
        assert a.documents.filter(kind="executed_agreement").count() == 1
        options = list(a.renewal_options.order_by("sequence"))
        assert 1 <= len(options) <= 2 and 36 <= a.initial_term_months <= 60
        exercised = [o for o in options if o.exercised_on is not None]
        assert options[: len(exercised)] == exercised  # in order
        for option in exercised:
            assert option.exercised_on < option.starts_on and option.exercised_on <= today
        if a.status(today) == "expired":  # every option's date had passed
            assert len(exercised) == len(options)
            assert a.expires_on >= options[-1].ends_on
        assert a.created_at == a.solicitation.awarded_at
        assert a.solicitation.awarded_at.date() < a.effective_on

    for s in Solicitation.objects.filter(status=Status.AWARDED):
        assert sum(s.criteria.values_list("weight", flat=True)) == 100
        assert s.created_at < s.published_at < s.due_at < s.opened_at < s.awarded_at
        rounds = list(s.review_rounds.order_by("opened_at"))
        assert [r.subject for r in rounds] == ["solicitation", "award"]
        assert all(r.outcome == "approved" and r.votes.count() == r.quorum for r in rounds)
        assert rounds[0].decided_at < s.published_at < s.opened_at < rounds[1].opened_at
        assert rounds[1].decided_at < s.awarded_at
        assert all(ad.proof is not None for ad in s.advertisements.all())
        assert s.advertisements.exists()
        for q in s.questions.all():
            assert s.published_at < q.asked_at < q.answered_at < s.due_at
        proposals = list(s.proposals.all())
        assert 3 <= len(proposals) <= 8
        assert len({p.supplier_id for p in proposals}) == len(proposals)
        for p in proposals:
            assert s.published_at < p.submitted_at < s.due_at
            assert p.award in ("awarded", "not_awarded")
            for addendum in s.addenda.all():
                ack = addendum.acknowledgements.get(supplier=p.supplier)
                assert addendum.issued_at < ack.acknowledged_at < p.submitted_at
        committee = list(s.committee.select_related("declaration"))
        assert len(committee) == 3
        assert all(not m.declaration.has_conflict for m in committee)
        report = evaluation_report(s)
        assert report.complete
        awarded = {p.pk for p in proposals if p.award == "awarded"}
        assert awarded == set(s.agreements.values_list("proposal_id", flat=True))
        assert {row.proposal.pk for row in report.rows[: len(awarded)]} == awarded
        assert report.rows[len(awarded) - 1].total > report.rows[len(awarded)].total
        if s.replaces.exists():
            ended = max(s.replaces.values_list("expires_on", flat=True))
            assert s.agreements.first().effective_on == ended + datetime.timedelta(days=1)


def test_documents_are_small_real_pdfs_and_receipts_match_them(seed_small) -> None:
    seed_small()

    for s in Solicitation.objects.filter(status=Status.AWARDED):
        kinds = set(s.documents.values_list("kind", flat=True))
        assert {"solicitation", "advertisement_proof"} <= kinds
        agreement_documents = [d for a in s.agreements.all() for d in a.documents.all()]
        for document in [*s.documents.all(), *agreement_documents]:
            data = document.file.read()
            assert data.startswith(b"%PDF-1.4") and len(data) < 20_000
            assert hashlib.sha256(data).hexdigest() == document.sha256
    for proposal in Proposal.objects.prefetch_related("documents"):
        hashes = []
        for document in proposal.documents.all():
            data = document.file.read()
            assert hashlib.sha256(data).hexdigest() == document.sha256
            assert document.size == len(data)
            hashes.append(document.sha256)
        assert len(hashes) == 2
        assert proposal.receipt == hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


def test_the_pipeline_has_every_band_and_a_resolicitation_in_progress(seed_small) -> None:
    seed_small()

    rows = expiry_pipeline()

    assert 3 <= len(rows) <= 5
    assert {row.threshold for row in rows} == {30, 90, 180}
    in_progress = [row for row in rows if row.resolicitation is not None]
    assert len(in_progress) == 1
    assert in_progress[0].resolicitation.status == Status.EVALUATION


def test_live_solicitations_wait_for_the_personas(seed_small) -> None:
    seed_small()
    rep = User.objects.get(email="rep@supplier.demo")
    advisor = User.objects.get(email="advisor@fairfax.demo")
    company = rep.organizations_with(Role.SUPPLIER_REP)[0].supplier
    states = live()

    # (a) Los Angeles County's, open for the supplier persona, which has not proposed
    published = states[Status.PUBLISHED]
    assert published.lead_agency.name == "Los Angeles County"
    days = (published.due_at - timezone.now()).days
    assert 14 <= days <= 21
    assert published.addenda.count() == 1
    assert not published.proposals.filter(supplier=company).exists()
    assert Solicitation.objects.visible_to(rep).filter(pk=published.pk).exists()
    assert rules.has_perm("proposal:submit", rep, published)

    # (b) awaiting the Advisory Board: the advisor has not voted and will not decide alone
    review = states[Status.ADVISORY_REVIEW]
    pending = review.review_rounds.get(outcome=ReviewRound.Outcome.PENDING)
    assert not pending.votes.filter(member=advisor).exists()
    assert 1 <= pending.votes.count() < pending.quorum - 1
    assert rules.has_perm("solicitation:review", advisor, review)
    assert Solicitation.objects.visible_to(advisor).filter(pk=review.pk).exists()

    # (c) in evaluation, the advisor on the committee and yet to declare
    evaluation = states[Status.EVALUATION]
    seat = evaluation.committee.get(user=advisor)
    assert not hasattr(seat, "declaration")
    assert evaluation.proposals.filter(status="submitted").count() == 3
    assert evaluation.replaces.get().expires_on <= timezone.localdate() + datetime.timedelta(
        days=180
    )

    # made through the services: each step is in the audit trail, and the chain holds
    verbs = set(
        AuditEvent.objects.filter(object_id__in=[str(s.pk) for s in states.values()])
        .filter(object_type="solicitations.solicitation")
        .values_list("verb", flat=True)
    )
    assert {
        "solicitation.create",
        "solicitation.submit_for_review",
        "solicitation.vote",
        "solicitation.publish",
        "solicitation.addendum",
        "solicitation.close",
        "evaluation.appoint",
        "solicitation.begin_evaluation",
    } <= verbs
    assert AuditEvent.objects.filter(verb="proposal.submit").count() == 5
    assert AuditEvent.objects.filter(verb="demo.seed_agreements").count() == 1
    assert list(verify_chain()) == []


def test_the_packet_of_a_demo_agreement_includes_its_pdfs(seed_small, client) -> None:
    seed_small()
    agreement = Agreement.objects.get(number="LAC-RFP-1995-01-01")

    response = client.get(f"/agreements/{agreement.pk}/packet.zip")

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    pdfs = [n for n in archive.namelist() if n.endswith(".pdf")]
    folders = {PurePath(n).parts[0] for n in pdfs}
    assert folders == {"02-solicitation", "08-agreement"}
    assert len(pdfs) >= 3
    assert all(archive.read(n).startswith(b"%PDF-1.4") for n in pdfs)
    assert "06-evaluation-summary.csv" in archive.namelist()


def test_the_demo_is_deterministic_and_follows_its_plan(seed_small) -> None:
    with transaction.atomic():
        state = seed_small(7)
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Agreement.objects.exists()

    seed_small(7)

    assert fingerprint() == first
    rng = random.Random()
    rng.setstate(state)  # type: ignore[arg-type]
    names = list(Supplier.objects.order_by("pk").values_list("legal_name", flat=True))
    plans = plan_history(rng, SCALES["small"], timezone.localdate(), names)
    expected = sorted(
        (number, 1, award.items)
        for plan in plans
        for award in plan.awards
        for index, number in plan.agreement_numbers(names).items()
        if index == award.supplier
    )
    assert [row[:3] for row in first["items"] if row[1] == 1] == expected
