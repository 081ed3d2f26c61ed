"""Writing the planned past (``plan.plan_history``) with the records a real competition leaves
behind: solicitation document, Advisory Board reviews, advertisements with proofs, addenda and
their acknowledgements, answered questions, sealed proposals with receipts, a committee with
declarations and scores, the award, and the master agreements with renewal options,
amendments, fee schedule, executed agreement and price files.

History is written with the ORM, not the services, because the services rightly refuse dates in
the past; the live solicitations (``demo/__init__.py``) go through the services. Documents
are small real files, written through each FileField to MEDIA_ROOT.
"""

import csv
import datetime
import hashlib
import io
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile

from interlocal.accounts.models import User
from interlocal.agreements.demo.catalog import Item, criteria, describe_scope, generate_items
from interlocal.agreements.demo.plan import SolicitationPlan, at, time_zone
from interlocal.agreements.models import Agreement
from interlocal.core.models import CategoryCode
from interlocal.core.money import from_cents
from interlocal.core.pdf import text_pdf
from interlocal.registry.models import Agency, Supplier
from interlocal.solicitations.models import (
    Addendum,
    AddendumAcknowledgement,
    Advertisement,
    CommitteeMember,
    ConflictDeclaration,
    EvaluationCriterion,
    Proposal,
    ProposalDocument,
    Question,
    ReviewRound,
    ReviewVote,
    Score,
    Solicitation,
    SolicitationDocument,
    Status,
)
from interlocal.solicitations.models.solicitation import DocumentKind
from interlocal.solicitations.services.bidding import _receipt

ADVERTISING = (
    "{state} Register of Public Notices",
    "Public Purchasing Bulletin, national edition",
    "{lead} procurement portal",
)


@dataclass
class Counts:
    """What was written, for the seed's summary."""

    solicitations: int = 0
    agreements: int = 0
    proposals: int = 0
    price_files: int = 0
    price_items: int = 0
    amendments: int = 0
    documents: int = 0


QUESTIONS = (
    (
        "May a supplier propose on part of the scope only?",
        "Yes. Say in the pricing form which parts of the scope you propose on.",
    ),
    (
        "Will the master agreement be available to agencies in every state?",
        "Yes. The cooperative purchasing clause makes it available to public agencies and "
        "non-profits nationwide, where the law that governs each allows.",
    ),
    (
        "Are contract prices to include freight?",
        "Yes. Prices are delivered (FOB destination) to any participating agency in the "
        "contiguous United States.",
    ),
    (
        "How is the administrative fee to be reflected in pricing?",
        "Include it in your prices: the fee is 2% of reported sales, paid quarterly, and is "
        "never added to an agency's invoice.",
    ),
    (
        "Can prices be adjusted during the term?",
        "Yes, once a year, by amendment, against the published index named in the specifications.",
    ),
    (
        "Is small and diverse business participation evaluated?",
        "Yes. Describe your plan in the proposal; it is scored under the published criteria.",
    ),
    (
        "What sales reporting will be required?",
        "Quarterly line-item sales reports by participating agency, with a no-sales filing for a "
        "quarter without sales.",
    ),
    (
        "Will the lead agency accept electronic signatures on the proposal forms?",
        "Yes. Sign the forms electronically or by hand and upload them with your proposal.",
    ),
)
ADDENDA = (
    (
        "Revised pricing form",
        "Replaces the pricing form with one that adds a column for the discount off list price.",
    ),
    (
        "Answers to questions received",
        "Publishes the questions received by the question deadline and the lead agency's answers.",
    ),
    (
        "Clarification of delivery requirements",
        "Deliveries are to the ordering agency's dock "
        "or desktop, as it chooses, at no extra charge.",
    ),
    (
        "Insurance requirements",
        "Lowers the umbrella liability limit required of suppliers of goods only to $2,000,000.",
    ),
)


@dataclass
class Cast:
    """Who history is written with: lead agencies, their officers and evaluators, the
    Advisory Board's voting members, the suppliers and the category codes."""

    leads: dict[str, Agency]
    officers: dict[str, User]
    evaluators: dict[str, list[User]]
    board: list[tuple[int, User]]  # (agency id, member)
    suppliers: list[Supplier]
    categories: dict[str, CategoryCode]


def between(
    rng: random.Random, start: datetime.datetime, end: datetime.datetime
) -> datetime.datetime:
    """A moment strictly inside (start, end), to the minute."""
    seconds = (end - start).total_seconds() * rng.uniform(0.05, 0.95)
    return (start + datetime.timedelta(seconds=seconds)).replace(second=0, microsecond=0)


def store(fieldfile: FieldFile, name: str, data: bytes, counts: Counts) -> str:
    fieldfile.save(name, ContentFile(data), save=False)
    counts.documents += 1
    return hashlib.sha256(data).hexdigest()


def _round(
    rng: random.Random,
    s: Solicitation,
    subject: str,
    opened: datetime.datetime,
    until: datetime.datetime,
    cast: Cast,
) -> None:
    """A decided review: exactly a quorum of members (none from the lead agency) voted, so
    the last vote decided it, as the tally does; approvals carry the majority."""
    voters = [user for agency_id, user in cast.board if agency_id != s.lead_agency_id]
    chosen = rng.sample(voters, min(settings.ADVISORY_QUORUM, len(voters)))
    times = sorted(between(rng, opened, until) for _ in chosen)
    review = ReviewRound.objects.create(
        solicitation=s,
        subject=subject,
        quorum=settings.ADVISORY_QUORUM,
        majority_percent=settings.ADVISORY_MAJORITY_PERCENT,
        opened_at=opened,
        outcome=ReviewRound.Outcome.APPROVED,
        decided_at=times[-1],
    )
    abstain = len(chosen) >= 3 and rng.random() < 0.3
    ReviewVote.objects.bulk_create(
        ReviewVote(
            round=review,
            member=user,
            choice=ReviewVote.Choice.ABSTAIN if abstain and i == 0 else ReviewVote.Choice.APPROVE,
            comment="Abstaining: my agency buys heavily from one proposer."
            if abstain and i == 0
            else "",
            voted_at=moment,
        )
        for i, (user, moment) in enumerate(zip(chosen, times, strict=True))
    )


def _solicitation_pdf(plan: SolicitationPlan, s: Solicitation, rows: list[tuple]) -> bytes:
    due = plan.due_at.astimezone(plan.zone)
    criteria = "; ".join(f"{name} ({weight} points)" for name, weight, _ in rows)
    return text_pdf(
        f"{s.number} — {s.title}",
        [
            f"Lead agency: {s.lead_agency.name}. Method: {s.get_method_display()}.",
            f"Proposals are due {due:%B %d, %Y at %I:%M %p} ({s.time_zone}).",
            f"Scope of work. {s.description}",
            f"Evaluation criteria (100 points): {criteria}.",
            s.cooperative_clause,
            "Questions are taken in writing through the program's portal until ten days "
            "before the due date; answers are published to every prospective proposer.",
        ],
    )


def _scores(
    rng: random.Random, members: int, plan: SolicitationPlan, weights: list[int]
) -> dict[int, list[list[int]]]:
    """supplier index -> member -> criterion points, ranking the winners strictly first."""
    winners = {a.supplier for a in plan.awards}
    levels = sorted((rng.uniform(4.5, 8.8) for _ in plan.proposers), reverse=True)
    order = sorted(plan.proposers, key=lambda i: (i not in winners, rng.random()))
    quality = dict(zip(order, levels, strict=True))
    points = {
        i: [
            [min(10, max(0, round(quality[i] + rng.gauss(0, 1.1)))) for _ in weights]
            for _ in range(members)
        ]
        for i in plan.proposers
    }

    def total(i: int) -> int:
        return sum(p * w for row in points[i] for p, w in zip(row, weights, strict=True))

    losers = [i for i in plan.proposers if i not in winners]
    while losers and min(total(i) for i in winners) <= max(total(i) for i in losers):
        weakest = min(winners, key=total)
        cells = [(m, c) for m in range(members) for c in range(len(weights))]
        m, c = rng.choice([(m, c) for m, c in cells if points[weakest][m][c] < 10])
        points[weakest][m][c] += 1
    return points


def write_solicitation(
    rng: random.Random,
    plan: SolicitationPlan,
    cast: Cast,
    counts: Counts,
    before: tuple[Solicitation, list[Agreement]] | None,
) -> tuple[Solicitation, dict[int, Proposal]]:
    """One awarded solicitation and its whole record; returns it with its proposals by
    supplier index. ``before`` is the solicitation and agreements it re-solicits."""
    program, lead = plan.program, cast.leads[plan.program.lead]
    officer = cast.officers[program.lead]
    # the program grew: estimates of national spend rise from ~30% of today's in 1995
    growth = 30 + 70 * (plan.created_at.year - 1995) // 31
    s = Solicitation.objects.create(
        number=plan.number,
        title=program.title,
        lead_agency=lead,
        status=Status.AWARDED,
        scope=program.scope,
        method=program.method,
        description=describe_scope(rng, program, lead.name),
        estimated_national_volume_cents=rng.randint(*program.volume) * growth * 10**6,
        due_at=plan.due_at,
        time_zone=time_zone(program.lead),
        template=before[0] if before else None,
        created_by=officer,
        created_at=plan.created_at,
        modified_at=plan.awarded_at,
        published_at=plan.published_at,
        opened_at=plan.opened_at,
        opened_by=officer,
        awarded_at=plan.awarded_at,
    )
    s.categories.set([cast.categories[code] for code in program.codes])
    if before:
        s.replaces.set(before[1])
    rows = criteria(rng, program.method)
    criteria_rows = EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(solicitation=s, name=n, weight=w, description=d, position=i)
        for i, (n, w, d) in enumerate(rows)
    )
    counts.solicitations += 1
    review_opened = plan.created_at + datetime.timedelta(days=rng.randint(2, 8))
    document = SolicitationDocument(
        solicitation=s,
        kind=DocumentKind.SOLICITATION,
        title=f"{s.number} {s.title}",
        uploaded_by=officer,
        uploaded_at=between(rng, plan.created_at, review_opened),
    )
    pdf = _solicitation_pdf(plan, s, rows)
    document.sha256 = store(document.file, f"{s.number}-solicitation.pdf", pdf, counts)
    document.save()
    day = datetime.timedelta(days=1)
    _round(rng, s, ReviewRound.Subject.SOLICITATION, review_opened, plan.published_at - day, cast)
    _advertise(rng, plan, s, officer, counts)
    addenda = _addenda(rng, plan, s, officer)
    start = max([plan.published_at, *(a.issued_at for a in addenda)]) + day
    proposals = _proposals(rng, plan, s, addenda, start, cast, counts)
    _questions(rng, plan, s, officer, cast)
    _evaluate(rng, plan, s, criteria_rows, proposals, cast)
    return s, proposals


def _advertise(
    rng: random.Random, plan: SolicitationPlan, s: Solicitation, officer: User, counts: Counts
) -> None:
    first = plan.published_at.astimezone(plan.zone).date()
    due = plan.due_at.astimezone(plan.zone)
    media = rng.sample(ADVERTISING, rng.randint(1, 2))
    for k, medium in enumerate(media):
        medium = medium.format(state=s.lead_agency.state.name, lead=s.lead_agency.name)
        published_on = first + datetime.timedelta(days=k * rng.randint(1, 7))
        proof = SolicitationDocument(
            solicitation=s,
            kind=DocumentKind.ADVERTISEMENT_PROOF,
            title=f"Proof of advertisement — {medium}",
            uploaded_by=officer,
            uploaded_at=at(published_on + datetime.timedelta(days=2), 10, plan.zone),
        )
        reference = f"Notice of {s.number}, {published_on:%B %d, %Y}"
        pdf = text_pdf(
            f"Proof of publication — {medium}",
            [
                f"Published {published_on:%B %d, %Y}. {reference}.",
                f"NOTICE INVITING PROPOSALS. {s.lead_agency.name} invites proposals for "
                f"{s.title.lower()} ({s.number}) on behalf of itself and of public agencies "
                f"nationwide. Proposals are due {due:%B %d, %Y at %I:%M %p}. The solicitation "
                f"documents are available from the lead agency.",
            ],
        )
        proof.sha256 = store(proof.file, f"{s.number}-advertisement-{k + 1}.pdf", pdf, counts)
        proof.save()
        Advertisement.objects.create(
            solicitation=s,
            medium=medium,
            published_on=published_on,
            reference=reference,
            proof=proof,
        )


def _addenda(
    rng: random.Random, plan: SolicitationPlan, s: Solicitation, officer: User
) -> list[Addendum]:
    chosen = rng.sample(ADDENDA, rng.choice((0, 1, 1, 2, 3)))
    first = plan.published_at + datetime.timedelta(days=3)
    last = plan.due_at - datetime.timedelta(days=7)
    times = sorted(between(rng, first, last) for _ in chosen)
    return [
        Addendum.objects.create(
            solicitation=s,
            number=n,
            title=title,
            body=body,
            issued_at=moment,
            issued_by=officer,
        )
        for n, ((title, body), moment) in enumerate(zip(chosen, times, strict=True), start=1)
    ]


def _proposals(
    rng: random.Random,
    plan: SolicitationPlan,
    s: Solicitation,
    addenda: list[Addendum],
    start: datetime.datetime,
    cast: Cast,
    counts: Counts,
) -> dict[int, Proposal]:
    """Sealed proposals with their documents; each receipt is the SHA-256 over the hashes of
    the documents stored, as ``submit_proposal`` computes it."""
    winners = {a.supplier for a in plan.awards}
    due = plan.due_at - datetime.timedelta(minutes=30)
    proposals = {}
    for index in plan.proposers:
        supplier = cast.suppliers[index]
        submitted = between(rng, start, due)
        technical = text_pdf(
            f"Proposal of {supplier.legal_name} to {s.number}",
            [
                f"{supplier.legal_name} proposes to provide {s.title.lower()} to "
                f"{s.lead_agency.name} and to every participating agency nationwide, on the "
                f"terms of {s.number} and its addenda, which it acknowledges.",
                "Our proposal covers the full scope, with national distribution, a dedicated "
                "public-sector account team and quarterly sales reporting.",
            ],
        )
        sample = generate_items(rng, plan.program, 5)
        price_sheet = price_csv(sample)
        documents = []
        for kind, name, data in (
            (ProposalDocument.Kind.TECHNICAL, "technical-proposal.pdf", technical),
            (ProposalDocument.Kind.PRICE_FILE, "price-proposal.csv", price_sheet),
        ):
            document = ProposalDocument(kind=kind, original_name=name, size=len(data))
            document.sha256 = store(document.file, f"{s.number}-{index:03d}-{name}", data, counts)
            documents.append(document)
        proposal = Proposal.objects.create(
            solicitation=s,
            supplier=supplier,
            submitted_at=submitted,
            receipt=_receipt([d.sha256 for d in documents]),
            award=Proposal.Award.AWARDED if index in winners else Proposal.Award.NOT_AWARDED,
        )
        for document in documents:
            document.proposal = proposal
        ProposalDocument.objects.bulk_create(documents)
        AddendumAcknowledgement.objects.bulk_create(
            AddendumAcknowledgement(
                addendum=a, supplier=supplier, acknowledged_at=between(rng, a.issued_at, submitted)
            )
            for a in addenda
        )
        proposals[index] = proposal
        counts.proposals += 1
    return proposals


def _questions(
    rng: random.Random, plan: SolicitationPlan, s: Solicitation, officer: User, cast: Cast
) -> None:
    first = plan.published_at + datetime.timedelta(days=1)
    last = plan.due_at - datetime.timedelta(days=10)
    for text, answer in rng.sample(QUESTIONS, rng.randint(1, 4)):
        asked = between(rng, first, last)
        Question.objects.create(
            solicitation=s,
            supplier=cast.suppliers[rng.choice(plan.proposers)],
            text=text,
            asked_at=asked,
            answer=answer,
            answered_at=asked + datetime.timedelta(days=rng.randint(1, 5)),
            answered_by=officer,
        )


def _evaluate(
    rng: random.Random,
    plan: SolicitationPlan,
    s: Solicitation,
    criteria_rows: list[EvaluationCriterion],
    proposals: dict[int, Proposal],
    cast: Cast,
) -> None:
    """A committee of three with no conflicts, every proposal scored on every criterion; the
    award goes to the top of the ranking, approved by the Advisory Board."""
    officer = cast.officers[plan.program.lead]
    users = [officer, *cast.evaluators[plan.program.lead][:2]]
    day = datetime.timedelta(days=1)
    round_opened = plan.awarded_at - datetime.timedelta(days=rng.randint(8, 20))
    members = []
    for user in users:
        member = CommitteeMember.objects.create(
            solicitation=s,
            user=user,
            appointed_by=officer,
            appointed_at=between(rng, plan.published_at, plan.due_at),
        )
        ConflictDeclaration.objects.create(
            member=member,
            has_conflict=False,
            statement="I have no financial or personal interest in any proposer.",
            signed_name=user.full_name,
            signed_at=between(rng, plan.opened_at, plan.opened_at + 2 * day),
        )
        members.append(member)
    weights = [c.weight for c in criteria_rows]
    points = _scores(rng, len(members), plan, weights)
    scored_from, scored_to = plan.opened_at + 2 * day, round_opened - day
    Score.objects.bulk_create(
        Score(
            member=member,
            proposal=proposals[index],
            criterion=criterion,
            points=points[index][m][c],
            scored_at=between(rng, scored_from, scored_to),
        )
        for index in plan.proposers
        for m, member in enumerate(members)
        for c, criterion in enumerate(criteria_rows)
    )
    totals = {
        index: sum(p * w for row in points[index] for p, w in zip(row, weights, strict=True))
        / (10 * len(members))
        for index in plan.proposers
    }
    awarded = sorted((a.supplier for a in plan.awards), key=lambda i: -totals[i])
    named = ", ".join(f"{cast.suppliers[i].legal_name} ({totals[i]:.2f})" for i in awarded)
    s.award_memo = (
        f"The evaluation committee of three, each having declared no conflict of interest, "
        f"scored the {len(proposals)} proposals received against the published criteria. It "
        f"recommends award to the highest-ranked {'proposal' if len(awarded) == 1 else 'proposals'}"
        f": {named} (average weighted score out of 100). Pricing was found fair and reasonable "
        f"against list prices{' and the prior agreement' if plan.previous else ''}."
    )
    s.save(update_fields=["award_memo"])
    _round(rng, s, ReviewRound.Subject.AWARD, round_opened, plan.awarded_at - day, cast)


def price_csv(items: list[Item]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["SKU", "Description", "Unit", "List Price", "Discount", "Contract Price"])
    for item in items:
        writer.writerow(
            [
                item.sku,
                item.description,
                item.unit,
                "" if item.list_price_cents is None else from_cents(item.list_price_cents),
                "" if item.discount_bps is None else f"{item.discount_bps / 100:g}%",
                from_cents(item.contract_price_cents),
            ]
        )
    return out.getvalue().encode()
