"""Creating agreements at award, and changing their terms: renewals, amendments, termination,
fee schedules."""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.agreements.models import (
    Agreement,
    AgreementDocument,
    Amendment,
    FeeBase,
    FeeSchedule,
    FeeTier,
    RenewalOption,
    StateAddOn,
)
from interlocal.agreements.models.fees import DEFAULT_RATE_BPS
from interlocal.core import audit
from interlocal.core.files import check_document
from interlocal.core.models import State
from interlocal.core.periods import add_months
from interlocal.core.permissions import require
from interlocal.solicitations.models import Proposal, Solicitation

if TYPE_CHECKING:
    from interlocal.solicitations.services import AwardTerms

AMENDABLE = ["title", "description", "scope", "cooperative_clause"]


def term_end(start: datetime.date, months: int) -> datetime.date:
    """The last day of a term of ``months`` starting on ``start`` (3 years from 2026-01-01
    ends 2028-12-31)."""
    return add_months(start, months) - datetime.timedelta(days=1)


def add_renewal_options(agreement: Agreement, months: list[int]) -> None:
    start = agreement.initial_term_ends_on + datetime.timedelta(days=1)
    for sequence, length in enumerate(months, start=1):
        end = term_end(start, length)
        RenewalOption.objects.create(
            agreement=agreement, sequence=sequence, months=length, starts_on=start, ends_on=end
        )
        start = end + datetime.timedelta(days=1)


def agreement_for_proposal(
    solicitation: Solicitation,
    proposal: Proposal,
    *,
    number: str,
    effective_on: datetime.date,
    initial_term_months: int,
) -> Agreement:
    """The (unsaved) master agreement for an awarded proposal: the solicitation's title, scope,
    description and cooperative clause, and the initial term from ``effective_on``."""
    initial_end = term_end(effective_on, initial_term_months)
    return Agreement(
        number=number,
        title=solicitation.title,
        lead_agency=solicitation.lead_agency,
        supplier=proposal.supplier,
        solicitation=solicitation,
        proposal=proposal,
        scope=solicitation.scope,
        description=solicitation.description,
        cooperative_clause=solicitation.cooperative_clause,
        effective_on=effective_on,
        initial_term_months=initial_term_months,
        initial_term_ends_on=initial_end,
        expires_on=initial_end,
    )


def create_agreements_for_award(
    solicitation: Solicitation, terms: "AwardTerms", *, actor: User
) -> list[Agreement]:
    """One master agreement per proposal recommended and approved for award. Called by the
    solicitation's ``award`` transition, inside its transaction and audit event."""
    recommended = list(
        solicitation.proposals.filter(award=Proposal.Award.RECOMMENDED)
        .select_related("supplier")
        .order_by("supplier__legal_name")
    )
    if not recommended:
        raise ValidationError("no proposal is recommended for award")
    categories = list(solicitation.categories.all())
    created = []
    for i, proposal in enumerate(recommended, start=1):
        number = terms.numbers.get(proposal.pk) or f"{solicitation.number}-{i:02d}"
        if Agreement.objects.filter(number=number).exists():
            raise ValidationError(f"agreement number {number} is already used")
        agreement = agreement_for_proposal(
            solicitation,
            proposal,
            number=number,
            effective_on=terms.effective_on,
            initial_term_months=terms.initial_term_months,
        )
        agreement.save()
        agreement.categories.set(categories)
        add_renewal_options(agreement, terms.renewal_months)
        FeeSchedule.objects.create(
            agreement=agreement,
            effective_from=terms.effective_on,
            rate_bps=DEFAULT_RATE_BPS,
            fee_base=FeeBase.NET_INVOICED,
            created_by=actor,
            note="Program default at award",
        )
        audit.record(
            actor=actor,
            verb="agreement.create",
            obj=agreement,
            after={
                "solicitation": solicitation.number,
                "supplier": str(proposal.supplier),
                "effective_on": agreement.effective_on,
                "expires_on": agreement.expires_on,
                "renewals": terms.renewal_months,
            },
        )
        created.append(agreement)
    return created


def _locked(agreement: Agreement, actor: User, permission: str = "agreement:manage") -> Agreement:
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    require(actor, permission, locked)
    return locked


@transaction.atomic
def exercise_renewal(agreement: Agreement, *, actor: User, note: str = "") -> RenewalOption:
    """Exercise the next renewal option, in order, before the current term ends."""
    agreement = _locked(agreement, actor)
    option = (
        agreement.renewal_options.filter(exercised_on__isnull=True).order_by("sequence").first()
    )
    if option is None:
        raise ValidationError("every renewal option has been exercised; re-solicit instead")
    today = timezone.localdate()
    if agreement.terminated_on is not None:
        raise ValidationError("a terminated agreement cannot be renewed")
    if today > agreement.expires_on:
        raise ValidationError(
            f"the term ended on {agreement.expires_on:%Y-%m-%d}; an expired agreement cannot be "
            f"renewed"
        )
    before = {"expires_on": agreement.expires_on}
    option.exercised_on = today
    option.exercised_by = actor
    option.save()
    agreement.expires_on = option.ends_on
    agreement.modified_at = timezone.now()
    agreement.save(update_fields=["expires_on", "modified_at"])
    audit.record(
        actor=actor,
        verb="agreement.renew",
        obj=agreement,
        before=before,
        after={"expires_on": agreement.expires_on, "option": option.sequence},
        reason=note,
    )
    return option


@transaction.atomic
def amend(
    agreement: Agreement,
    *,
    actor: User,
    summary: str,
    reason: str,
    effective_on: datetime.date,
    changes: dict[str, Any],
) -> Amendment:
    """Record an amendment and apply its changes to the current terms. ``changes`` names
    fields of ``AMENDABLE`` (and ``expires_on`` for an extension agreed by both parties)."""
    agreement = _locked(agreement, actor)
    if not summary.strip() or not reason.strip():
        raise ValidationError({"summary": "say what changed and why"})
    allowed = {*AMENDABLE, "expires_on"}
    if unknown := sorted(set(changes) - allowed):
        raise ValidationError(
            {"changes": f"these terms cannot be amended here: {', '.join(unknown)}"}
        )
    diff = {}
    for name, value in changes.items():
        old = getattr(agreement, name)
        if name == "expires_on" and (
            not isinstance(value, datetime.date) or value < agreement.initial_term_ends_on
        ):
            raise ValidationError(
                {"changes": "a new end date must be a date after the initial term"}
            )
        if old != value:
            diff[name] = [old, value]
            setattr(agreement, name, value)
    if not diff:
        raise ValidationError({"changes": "the amendment changes nothing"})
    number = (agreement.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = Amendment.objects.create(
        agreement=agreement,
        number=number,
        effective_on=effective_on,
        summary=summary.strip(),
        reason=reason.strip(),
        changes=audit._plain(diff),
        approved_by=actor,
    )
    agreement.modified_at = timezone.now()
    agreement.save()
    audit.record(
        actor=actor,
        verb="agreement.amend",
        obj=agreement,
        before={k: v[0] for k, v in diff.items()},
        after={"amendment": number, **{k: v[1] for k, v in diff.items()}},
        reason=reason,
    )
    return amendment


@dataclass
class FeeTerms:
    effective_from: datetime.date
    rate_bps: int = DEFAULT_RATE_BPS
    fee_base: str = FeeBase.NET_INVOICED
    effective_to: datetime.date | None = None
    tiers: list[tuple[int, int]] = field(default_factory=list)  # (from cents, bps)
    state_add_ons: dict[str, int] = field(default_factory=dict)  # postal -> bps
    note: str = ""


def _fee_errors(agreement: Agreement, terms: FeeTerms) -> dict[str, str]:
    errors = {}
    if not 0 <= terms.rate_bps <= 10000:
        errors["rate_bps"] = "a rate is 0 to 10000 basis points (100 bps = 1%)"
    if terms.fee_base not in FeeBase.values:
        errors["fee_base"] = f"choose one of: {', '.join(FeeBase.values)}"
    if terms.effective_to is not None and terms.effective_to < terms.effective_from:
        errors["effective_to"] = "the schedule ends before it starts"
    starts = [start for start, _ in terms.tiers]
    if len(set(starts)) != len(starts) or any(s < 0 for s in starts):
        errors["tiers"] = "tiers start at distinct, non-negative amounts"
    if any(not 0 <= bps <= 10000 for _, bps in terms.tiers) or any(
        not 0 <= bps <= 10000 for bps in terms.state_add_ons.values()
    ):
        errors["tiers"] = "rates are 0 to 10000 basis points"
    unknown = set(terms.state_add_ons) - set(State.objects.values_list("postal", flat=True))
    if unknown:
        errors["state_add_ons"] = f"unknown state codes: {', '.join(sorted(unknown))}"
    end = terms.effective_to or datetime.date.max
    overlapping = agreement.fee_schedules.filter(effective_from__lte=end).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=terms.effective_from)
    )
    # An open-ended current schedule is closed the day before the new one; any other overlap is
    # a conflict the office must resolve by hand.
    for schedule in overlapping:
        if not (schedule.effective_to is None and schedule.effective_from < terms.effective_from):
            errors["effective_from"] = (
                f"overlaps the schedule in effect from {schedule.effective_from:%Y-%m-%d}; "
                f"choose dates after it"
            )
    return errors


@transaction.atomic
def set_fee_schedule(agreement: Agreement, terms: FeeTerms, *, actor: User) -> FeeSchedule:
    """Start a new fee schedule; the open-ended one before it ends the day before."""
    agreement = _locked(agreement, actor, "agreement:fee_schedule")
    if errors := _fee_errors(agreement, terms):
        raise ValidationError(errors)
    previous = agreement.fee_schedules.filter(
        effective_to__isnull=True, effective_from__lt=terms.effective_from
    ).first()
    if previous is not None:
        previous.effective_to = terms.effective_from - datetime.timedelta(days=1)
        previous.save(update_fields=["effective_to"])
    schedule = FeeSchedule.objects.create(
        agreement=agreement,
        effective_from=terms.effective_from,
        effective_to=terms.effective_to,
        rate_bps=terms.rate_bps,
        fee_base=terms.fee_base,
        note=terms.note,
        created_by=actor,
    )
    FeeTier.objects.bulk_create(
        FeeTier(schedule=schedule, from_cents=start, rate_bps=bps) for start, bps in terms.tiers
    )
    states = {s.postal: s for s in State.objects.filter(postal__in=terms.state_add_ons)}
    StateAddOn.objects.bulk_create(
        StateAddOn(schedule=schedule, state=states[postal], add_on_bps=bps)
        for postal, bps in terms.state_add_ons.items()
    )
    audit.record(
        actor=actor,
        verb="agreement.fee_schedule",
        obj=agreement,
        after={
            "effective_from": terms.effective_from,
            "effective_to": terms.effective_to,
            "rate_bps": terms.rate_bps,
            "fee_base": terms.fee_base,
            "tiers": terms.tiers,
            "state_add_ons": terms.state_add_ons,
            "previous_ends": previous.effective_to if previous else None,
        },
    )
    return schedule


@transaction.atomic
def add_document(
    agreement: Agreement, *, actor: User, kind: str, title: str, file: File
) -> AgreementDocument:
    """Attach an executed agreement, insurance certificate or other public document."""
    agreement = _locked(agreement, actor)
    if kind not in AgreementDocument.Kind.values:
        raise ValidationError(
            {"kind": f"choose one of: {', '.join(AgreementDocument.Kind.values)}"}
        )
    checked = check_document(file)
    document = AgreementDocument(
        agreement=agreement, kind=kind, title=title.strip() or checked.name, sha256=checked.sha256
    )
    document.file.save(checked.name, checked.file, save=False)
    document.save()
    audit.record(
        actor=actor,
        verb="agreement.add_document",
        obj=agreement,
        after={"document": document.title, "kind": kind, "sha256": checked.sha256},
    )
    return document
