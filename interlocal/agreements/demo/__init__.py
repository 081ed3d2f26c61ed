"""The demo program's master agreements: thirty years of solicitations and awards across the
program's categories, each led by an Advisory Board agency, and three solicitations in progress
for the personas to work on.

``seed_agreements`` is called by ``registry.demo.seed.seed_demo`` inside its transaction, after
the personas exist. The past (``plan`` → ``history`` + ``awards``) is written directly, as one
bulk operation recorded by one audit event; the live solicitations are made through the real
services by the persona users, so they are audited like real use.
"""

import datetime
import random
import zoneinfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from interlocal.accounts.models import Membership, Organization, User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.agreements.demo.awards import write_agreement
from interlocal.agreements.demo.catalog import (
    LIVE_PUBLISHED,
    LIVE_REVIEW,
    PROGRAMS,
    Program,
    criteria,
    describe_scope,
    generate_items,
)
from interlocal.agreements.demo.history import (
    Cast,
    Counts,
    price_csv,
    write_solicitation,
)
from interlocal.agreements.demo.plan import (
    AGENCY_PREFIX,
    RESOLICITED,
    SolicitationPlan,
    plan_history,
    time_zone,
)
from interlocal.agreements.models import Agreement
from interlocal.core import audit
from interlocal.core.models import CategoryCode
from interlocal.core.pdf import text_pdf
from interlocal.registry.demo.names import slug
from interlocal.registry.models import AdvisoryBoardMember, Agency, Supplier
from interlocal.solicitations import services
from interlocal.solicitations.models import ReviewRound, Solicitation
from interlocal.solicitations.models.solicitation import DocumentKind


def seed_agreements(
    rng: random.Random,
    scale: float,
    advisory: list[Agency],
    suppliers: list[Supplier],
    personas: dict[str, str],
) -> dict[str, int]:
    """Write the demo's solicitations and master agreements; returns counts for the summary.

    ``advisory`` are the Advisory Board agencies, ``suppliers`` the demo's suppliers
    (``suppliers[0]`` is the supplier persona's company) and ``personas`` maps role to email.
    Deterministic for the state of ``rng`` and today's date."""
    today = timezone.localdate()
    plans = plan_history(rng, scale, today, [s.legal_name for s in suppliers])
    writer = random.Random(rng.getrandbits(64))
    cast = _cast(writer, advisory, suppliers, plans, personas)
    counts = Counts()
    current = write_history(writer, plans, cast, counts)
    live = _live(writer, cast, current, personas)
    summary = {
        "solicitations": counts.solicitations + len(live),
        "live_solicitations": len(live),
        "agreements": counts.agreements,
        "active_agreements": Agreement.objects.in_status("active", today).count(),
        "expiring_within_180_days": Agreement.objects.expiring_within(180, today).count(),
        "proposals": counts.proposals,
        "price_files": counts.price_files,
        "price_items": counts.price_items,
        "amendments": counts.amendments,
        "documents": counts.documents,
    }
    audit.record(
        actor=None,
        actor_label="operator: manage.py seed_demo",
        verb="demo.seed_agreements",
        object_type="agreements.agreement",
        object_repr="demo master agreements and their solicitations",
        after=summary,
    )
    return summary


def write_history(
    rng: random.Random, plans: list[SolicitationPlan], cast: Cast, counts: Counts
) -> dict[str, tuple[Solicitation, list[Agreement]]]:
    """Store every plan, oldest first (a re-solicitation names the agreements it replaces);
    returns each program's current solicitation and agreements."""
    names = [s.legal_name for s in cast.suppliers]
    written: dict[int, tuple[Solicitation, list[Agreement]]] = {}
    current = {}
    for plan in plans:
        before = written.get(id(plan.previous)) if plan.previous else None
        s, proposals = write_solicitation(rng, plan, cast, counts, before)
        numbers = plan.agreement_numbers(names)
        agreements = [
            write_agreement(
                rng,
                plan,
                s,
                proposals[award.supplier],
                award,
                numbers[award.supplier],
                cast,
                counts,
            )
            for award in sorted(plan.awards, key=lambda a: numbers[a.supplier])
        ]
        written[id(plan)] = (s, agreements)
        if plan.current:
            current[plan.program.key] = (s, agreements)
    return current


# -- the people ----------------------------------------------------------------------------


def _domain(agency: Agency) -> str:
    """A mail domain for the agency's people other than the personas: its web domain's first
    label under the reserved .invalid TLD, so no demo mail reaches a real agency and
    ``demo_logins`` (which lists the .demo personas) leaves out these login-less users."""
    from interlocal.registry.demo.seed import ADVISORY_AGENCIES  # seed_demo imports this module

    label = next(row[5] for row in ADVISORY_AGENCIES if row[0] == agency.name).split(".")[0]
    return f"{label}.invalid"


def _organization(agency: Agency | None = None, supplier: Supplier | None = None) -> Organization:
    found = Organization.objects.filter(agency=agency, supplier=supplier).first()
    if found is not None:
        return found
    if agency is not None:
        return Organization.objects.create(kind=OrgKind.AGENCY, name=agency.name, agency=agency)
    assert supplier is not None
    return Organization.objects.create(
        kind=OrgKind.SUPPLIER, name=supplier.legal_name, supplier=supplier
    )


def _user(email: str, name: str, title: str, organization: Organization, role: str) -> User:
    """A person who does not sign in to the demo (no usable password); only the personas do."""
    base, n = email, 1
    while User.objects.filter(email=email).exists():
        n += 1
        local, domain = base.split("@")
        email = f"{local}{n}@{domain}"
    user = User.objects.create_user(email=email, password=None, full_name=name, title=title)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def _person(rng: random.Random) -> tuple[str, str]:
    from interlocal.registry.demo.seed import FIRST_NAMES, LAST_NAMES

    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first} {last}", f"{slug(first)}.{slug(last)}"


def _cast(
    rng: random.Random,
    advisory: list[Agency],
    suppliers: list[Supplier],
    plans: list[SolicitationPlan],
    personas: dict[str, str],
) -> Cast:
    """Officers and two evaluators for each lead agency, and a login-less user for each
    Advisory Board member who has none, so reviews have voters."""
    by_name = {a.name: a for a in advisory}
    officer_persona = User.objects.get(email=personas[Role.LEAD_AGENCY_OFFICER])
    persona_agencies = {
        o.agency_id for o in officer_persona.organizations_with(Role.LEAD_AGENCY_OFFICER)
    }
    leads = sorted({p.program.lead for p in plans} | {LIVE_PUBLISHED.lead, LIVE_REVIEW.lead})
    officers: dict[str, User] = {}
    evaluators: dict[str, list[User]] = {}
    for name in leads:
        agency, domain = by_name[name], _domain(by_name[name])
        organization = _organization(agency=agency)
        if agency.pk in persona_agencies:
            officers[name] = officer_persona
        else:
            person, _ = _person(rng)
            officers[name] = _user(
                f"purchasing@{domain}",
                person,
                "Purchasing Agent",
                organization,
                Role.LEAD_AGENCY_OFFICER,
            )
        evaluators[name] = []
        for title in ("Senior Buyer", "Contract Analyst"):
            person, local = _person(rng)
            evaluators[name].append(
                _user(f"{local}@{domain}", person, title, organization, Role.BUYER)
            )
    board = []
    members = AdvisoryBoardMember.objects.filter(agency__in=advisory).select_related("agency")
    for member in members.order_by("agency__name", "pk"):
        if member.user is None:
            local = ".".join(slug(part) for part in member.person_name.split())
            member.user = _user(
                f"{local}@{_domain(member.agency)}",
                member.person_name,
                member.title,
                _organization(agency=member.agency),
                Role.ADVISORY_MEMBER,
            )
            member.save(update_fields=["user"])
        board.append((member.agency_id, member.user))
    return Cast(
        leads=by_name,
        officers=officers,
        evaluators=evaluators,
        board=board,
        suppliers=suppliers,
        categories={c.code: c for c in CategoryCode.objects.filter(scheme="IL")},
    )


# -- the live solicitations, through the services -------------------------------------------


def _fresh(user: User) -> User:
    """The user re-read, so the roles it caches include memberships made since."""
    return User.objects.get(pk=user.pk)


def _number(lead: str, year: int) -> str:
    prefix = AGENCY_PREFIX[lead]
    used = Solicitation.objects.filter(number__startswith=f"{prefix}-").values_list(
        "number", flat=True
    )
    sequence = 1 + sum(1 for n in used if n.split("-")[2] == str(year))
    return f"{prefix}-RFP-{year}-{sequence:02d}"


def _due_local(lead: str, days: int) -> datetime.datetime:
    """2 p.m., ``days`` from today in the lead agency's time zone, as the form takes it."""
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(time_zone(lead))).date()
    return datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(14))


def _draft(
    rng: random.Random, program: Program, lead: Agency, officer: User, days: int
) -> Solicitation:
    rows = criteria(rng, program.method)
    terms = services.SolicitationTerms(
        number=_number(program.lead, timezone.localdate().year),
        title=program.title,
        scope=program.scope,
        description=describe_scope(rng, program, lead.name),
        due_local=_due_local(program.lead, days),
        method=program.method,
        category_codes=list(program.codes),
        estimated_national_volume=f"{rng.randint(*program.volume) * 1_000_000}",
        criteria=[services.Criterion(name, weight, text) for name, weight, text in rows],
    )
    s = services.create_solicitation(terms, actor=officer, lead_agency=lead)
    _document(s, officer)
    return s


def _document(s: Solicitation, officer: User) -> None:
    criteria_text = "; ".join(f"{c.name} ({c.weight} points)" for c in s.criteria.all())
    pdf = text_pdf(
        f"{s.number} — {s.title}",
        [
            f"Lead agency: {s.lead_agency.name}. Method: {s.get_method_display()}.",
            f"Proposals are due {s.due_local:%B %d, %Y at %I:%M %p} ({s.time_zone}).",
            f"Scope of work. {s.description}",
            f"Evaluation criteria (100 points): {criteria_text}.",
            s.cooperative_clause,
        ],
    )
    services.add_document(
        s,
        actor=officer,
        kind=DocumentKind.SOLICITATION,
        title=f"{s.number} {s.title}",
        file=ContentFile(pdf, name=f"{s.number}-solicitation.pdf"),
    )


def _voters(cast: Cast, lead: Agency, advisor: User) -> list[User]:
    """Board members who may vote on ``lead``'s solicitation, the advisor persona left out so
    its vote is its own to cast."""
    return [_fresh(u) for agency_id, u in cast.board if agency_id != lead.pk and u != advisor]


def _approve(s: Solicitation, voters: list[User]) -> None:
    review = s.review_rounds.get(outcome=ReviewRound.Outcome.PENDING)
    for voter in voters:
        review.refresh_from_db()
        if review.outcome != ReviewRound.Outcome.PENDING:
            return
        services.cast_vote(review, actor=voter, choice="approve")


def _publish(s: Solicitation, officer: User, voters: list[User]) -> None:
    services.transition(s, "submit_for_review", actor=officer)
    _approve(s, voters)
    services.transition(s, "publish", actor=officer)
    medium = f"{s.lead_agency.name} procurement portal"
    today = s.local_today()  # the advertisement ran today where the lead agency is
    proof = text_pdf(
        f"Proof of publication — {medium}",
        [f"Published {today:%B %d, %Y}. NOTICE INVITING PROPOSALS: {s.number} {s.title}."],
    )
    services.record_advertisement(
        s,
        actor=officer,
        medium=medium,
        published_on=today,
        reference=f"Notice of {s.number}",
        proof=ContentFile(proof, name=f"{s.number}-advertisement-1.pdf"),
    )
    s.refresh_from_db()


def _rep(supplier: Supplier, personas: dict[str, str], suppliers: list[Supplier]) -> User:
    if supplier == suppliers[0]:
        return User.objects.get(email=personas[Role.SUPPLIER_REP])
    email = f"sales@{slug(supplier.legal_name)[:40]}.invalid"
    found = User.objects.filter(email=email).first()
    if found is not None:
        return found
    organization = _organization(supplier=supplier)
    return _fresh(
        _user(email, f"Account Manager, {supplier.legal_name}", "", organization, Role.SUPPLIER_REP)
    )


def _propose(rng: random.Random, s: Solicitation, rep: User, program: Program) -> None:
    supplier = services.supplier_of(rep)
    for addendum in s.addenda.all():
        services.acknowledge_addendum(addendum, actor=rep)
    technical = text_pdf(
        f"Proposal of {supplier.legal_name} to {s.number}",
        [
            f"{supplier.legal_name} proposes to provide {s.title.lower()} nationwide on the terms "
            f"of {s.number} and its addenda, which it acknowledges."
        ],
    )
    services.submit_proposal(
        s,
        actor=rep,
        technical=ContentFile(technical, name="technical-proposal.pdf"),
        price_file=ContentFile(price_csv(generate_items(rng, program, 8)), name="prices.csv"),
    )


def _live(
    rng: random.Random,
    cast: Cast,
    current: dict[str, tuple[Solicitation, list[Agreement]]],
    personas: dict[str, str],
) -> list[Solicitation]:
    """Three solicitations in progress: (a) Los Angeles County's, published, due in three
    weeks, one addendum, open for the supplier persona (which has not proposed); (b) one
    awaiting the Advisory Board's vote, the advisor persona's not yet cast; (c) the
    re-solicitation of an expiring agreement, in evaluation, the advisor persona appointed to
    the committee and not yet declared."""
    advisor = User.objects.get(email=personas[Role.ADVISORY_MEMBER])
    others = list(cast.suppliers[1:])
    bidders = rng.sample(others, min(4, len(others)))

    # (a) published, open for proposals
    lead = cast.leads[LIVE_PUBLISHED.lead]
    officer = _fresh(cast.officers[LIVE_PUBLISHED.lead])
    published = _draft(rng, LIVE_PUBLISHED, lead, officer, days=21)
    _publish(published, officer, _voters(cast, lead, advisor))
    services.issue_addendum(
        published,
        actor=officer,
        title="Answers to questions and revised pricing form",
        body="Adds a column for installation per charging port to the pricing form.",
    )
    asker = _rep(bidders[0], personas, cast.suppliers)
    question = services.ask_question(
        published, actor=asker, text="Are networked charging software subscriptions in scope?"
    )
    services.answer_question(
        question, actor=officer, answer="Yes, priced per port per year in the pricing form."
    )
    for supplier in bidders[:2]:
        _propose(rng, published, _rep(supplier, personas, cast.suppliers), LIVE_PUBLISHED)

    # (b) awaiting the Advisory Board's vote: one vote in, the advisor persona's still to come
    # and not deciding alone (ADVISORY_QUORUM is 3 by default)
    lead = cast.leads[LIVE_REVIEW.lead]
    officer = _fresh(cast.officers[LIVE_REVIEW.lead])
    review = _draft(rng, LIVE_REVIEW, lead, officer, days=45)
    services.transition(review, "submit_for_review", actor=officer)
    review.refresh_from_db()
    pending = review.review_rounds.get(outcome=ReviewRound.Outcome.PENDING)
    for voter in _voters(cast, lead, advisor)[: max(0, min(1, settings.ADVISORY_QUORUM - 2))]:
        services.cast_vote(pending, actor=voter, choice="approve")

    # (c) the re-solicitation of the expiring agreement, in evaluation
    prior, expiring = current[RESOLICITED]
    lead = prior.lead_agency
    officer = _fresh(cast.officers[lead.name])
    evaluation = services.start_from_template(
        prior,
        actor=officer,
        lead_agency=lead,
        number=_number(lead.name, timezone.localdate().year),
        due_local=_due_local(lead.name, 10),
    )
    # No service names the agreements a solicitation re-solicits yet; set it as the form would.
    evaluation.replaces.set(expiring)
    _document(evaluation, officer)
    _publish(evaluation, officer, _voters(cast, lead, advisor))
    program = next(p for p in PROGRAMS if p.key == RESOLICITED)
    for supplier in [cast.suppliers[0], *bidders[2:4]][:3]:
        _propose(rng, evaluation, _rep(supplier, personas, cast.suppliers), program)
    # The demo simulates time passing: proposals can only be opened after the due time, which
    # the services (rightly) only allow to be set in the future.
    Solicitation.objects.filter(pk=evaluation.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    evaluation.refresh_from_db()
    services.transition(evaluation, "close", actor=officer)
    evaluation.refresh_from_db()
    panel = [_fresh(u) for u in cast.evaluators[lead.name]]
    for member in [advisor, *panel]:
        services.appoint_member(evaluation, member, actor=officer)
    services.transition(evaluation, "begin_evaluation", actor=officer)
    evaluation.refresh_from_db()
    for member in panel:
        services.declare(
            evaluation,
            actor=_fresh(member),
            has_conflict=False,
            statement="",
            signed_name=member.full_name,
        )
    scorer = _fresh(panel[0])
    for proposal in evaluation.proposals.filter(status="submitted").order_by("pk"):
        for criterion in evaluation.criteria.all():
            services.score(proposal, criterion, actor=scorer, points=rng.randint(5, 9))
    return [published, review, evaluation]
