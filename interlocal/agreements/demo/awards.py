"""Writing the master agreements an award created, as they stand today: renewal options
(exercised where their dates have passed), amendments, the program's default fee schedule, the
executed agreement and the price files (a later annual adjustment for some)."""

import datetime
import hashlib
import random
import zoneinfo

from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.agreements.demo.catalog import SCOPE_ADDITIONS, generate_items, revised_items
from interlocal.agreements.demo.history import Cast, Counts, between, price_csv, store
from interlocal.agreements.demo.plan import AwardPlan, Generation, SolicitationPlan, at
from interlocal.agreements.models import (
    Agreement,
    AgreementDocument,
    Amendment,
    FeeBase,
    FeeSchedule,
    PriceFile,
    PriceItem,
    RenewalOption,
)
from interlocal.agreements.models.fees import DEFAULT_RATE_BPS
from interlocal.agreements.services.pricing import price_item
from interlocal.agreements.services.terms import agreement_for_proposal
from interlocal.core.pdf import text_pdf
from interlocal.core.periods import add_months
from interlocal.solicitations.models import Proposal, Solicitation

BATCH = 2000


def write_agreement(
    rng: random.Random,
    plan: SolicitationPlan,
    s: Solicitation,
    proposal: Proposal,
    award: AwardPlan,
    number: str,
    cast: Cast,
    counts: Counts,
) -> Agreement:
    """The master agreement with its renewal options (exercised where their dates passed),
    amendments, the default fee schedule, the executed agreement and its price files."""
    generation, officer = plan.generation, cast.officers[plan.program.lead]
    today = timezone.localdate()
    effective_at = at(generation.effective_on, 0, plan.zone)
    renewed = [at(generation.exercise_on(i), 10, plan.zone) for i in range(generation.exercised)]
    agreement = agreement_for_proposal(
        s,
        proposal,
        number=number,
        effective_on=generation.effective_on,
        initial_term_months=generation.initial_months,
    )
    assert agreement.initial_term_ends_on == generation.initial_end
    agreement.expires_on = generation.expires_on
    agreement.created_at = plan.awarded_at
    agreement.modified_at = max([plan.awarded_at, *renewed])
    agreement.save()
    agreement.categories.set(s.categories.all())
    counts.agreements += 1
    RenewalOption.objects.bulk_create(
        RenewalOption(
            agreement=agreement,
            sequence=i + 1,
            months=months,
            starts_on=start,
            ends_on=end,
            exercised_on=generation.exercise_on(i) if i < generation.exercised else None,
            exercised_by=officer if i < generation.exercised else None,
        )
        for i, (months, (start, end)) in enumerate(
            zip(generation.renewal_months, generation.options(), strict=True)
        )
    )
    FeeSchedule.objects.create(
        agreement=agreement,
        effective_from=generation.effective_on,
        rate_bps=DEFAULT_RATE_BPS,
        fee_base=FeeBase.NET_INVOICED,
        created_by=officer,
        created_at=plan.awarded_at,
        note="Program default at award",
    )
    executed = AgreementDocument(
        agreement=agreement,
        kind=AgreementDocument.Kind.EXECUTED_AGREEMENT,
        title=f"Executed master agreement {number}",
        uploaded_at=between(rng, plan.awarded_at, effective_at),
    )
    executed.sha256 = store(
        executed.file, f"{number}-executed.pdf", _executed_pdf(agreement), counts
    )
    executed.save()
    _amend(rng, agreement, generation, officer, plan.zone, today, counts)
    _price_files(rng, plan, agreement, award, officer, today, counts)
    return agreement


def _executed_pdf(agreement: Agreement) -> bytes:
    initial_end = agreement.initial_term_ends_on
    return text_pdf(
        f"Master agreement {agreement.number}",
        [
            f"This master agreement is made between {agreement.lead_agency.name} (the lead "
            f"agency) and {agreement.supplier.legal_name} (the supplier), following "
            f"solicitation {agreement.solicitation}.",
            f"Term. From {agreement.effective_on:%B %d, %Y} to {initial_end:%B %d, %Y}, "
            f"renewable by the lead agency under the renewal options it sets out.",
            f"Scope. {agreement.description}",
            agreement.cooperative_clause,
            "Administrative fee. The supplier pays the program 2% (200 basis points) of its "
            "sales under this agreement, net of tax and freight, reported quarterly.",
            "Signed for the lead agency by its purchasing agent, and for the supplier by its "
            "authorized officer.",
        ],
    )


def _amend(
    rng: random.Random,
    agreement: Agreement,
    generation: Generation,
    officer: User,
    zone: zoneinfo.ZoneInfo,
    today: datetime.date,
    counts: Counts,
) -> None:
    """Amendments in date order: a scope addition sometimes; an extension of the term while
    the successor was awarded, where the plan has one."""
    changes: list[tuple[datetime.date, str, str, dict[str, list[str]]]] = []
    window_end = min(generation.renewed_end, today) - datetime.timedelta(days=30)
    window_start = generation.effective_on + datetime.timedelta(days=180)
    if window_start < window_end and rng.random() < 0.4:
        day = window_start + datetime.timedelta(
            days=rng.randrange((window_end - window_start).days)
        )
        addition = rng.choice(SCOPE_ADDITIONS)
        before = agreement.description
        after = f"{before} By amendment, the scope also includes {addition}."
        changes.append(
            (
                day,
                f"Adds {addition} to the scope",
                "Participating agencies asked for it; the supplier offers it at the same discount.",
                {"description": [before, after]},
            )
        )
        agreement.description = after
    if generation.extended_to:
        day = generation.renewed_end - datetime.timedelta(days=rng.randint(45, 120))
        changes.append(
            (
                day,
                "Extends the term while the re-solicitation is awarded",
                "The successor agreement was not yet in force; both parties agreed to extend.",
                {
                    "expires_on": [
                        generation.renewed_end.isoformat(),
                        generation.extended_to.isoformat(),
                    ]
                },
            )
        )
    for number, (day, summary, reason, diff) in enumerate(sorted(changes), start=1):
        approved = at(day, rng.randint(9, 16), zone)
        Amendment.objects.create(
            agreement=agreement,
            number=number,
            effective_on=day,
            summary=summary,
            reason=reason,
            changes=diff,
            approved_by=officer,
            approved_at=approved,
        )
        agreement.modified_at = max(agreement.modified_at, approved)
        counts.amendments += 1
    if changes:
        agreement.save()


def _price_files(
    rng: random.Random,
    plan: SolicitationPlan,
    agreement: Agreement,
    award: AwardPlan,
    officer: User,
    today: datetime.date,
    counts: Counts,
) -> None:
    """The price file at award and, for some, a later annual adjustment (version 2)."""
    items = generate_items(rng, plan.program, award.items)
    effective_at = at(agreement.effective_on, 0, plan.zone)
    versions = [(agreement.effective_on, items, between(rng, plan.awarded_at, effective_at))]
    if award.revised:
        last = min(agreement.expires_on, today)
        years = max(1, ((last - agreement.effective_on).days - 30) // 365)
        starts = add_months(agreement.effective_on, 12 * rng.randint(1, years))
        uploaded = at(starts - datetime.timedelta(days=rng.randint(10, 40)), 11, plan.zone)
        versions.append((starts, revised_items(rng, plan.program, items), uploaded))
    code = plan.program.codes[0]
    for version, (starts, rows, uploaded) in enumerate(versions, start=1):
        following = versions[version][0] if version < len(versions) else None
        price_file = PriceFile.objects.create(
            agreement=agreement,
            version=version,
            effective_from=starts,
            effective_to=following - datetime.timedelta(days=1) if following else None,
            source_name=f"{agreement.number}-prices-v{version}.csv",
            sha256=hashlib.sha256(price_csv(rows)).hexdigest(),
            item_count=len(rows),
            note="Price file at award" if version == 1 else "Annual price adjustment",
            uploaded_by=officer,
            uploaded_at=uploaded,
        )
        PriceItem.objects.bulk_create(
            (price_item(price_file, row, code) for row in rows),
            batch_size=BATCH,
        )
        counts.price_files += 1
        counts.price_items += len(rows)
