"""Drafting a solicitation: its terms, criteria, documents and advertisement, and starting a new
one from a prior solicitation."""

import datetime
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.core import audit
from interlocal.core.files import check_document
from interlocal.core.geography import STATE_TIME_ZONES, US_TIME_ZONES
from interlocal.core.models import CategoryCode
from interlocal.core.money import parse_amount, to_cents
from interlocal.core.permissions import require
from interlocal.registry.models import Agency
from interlocal.solicitations.models import (
    Advertisement,
    EvaluationCriterion,
    Method,
    Scope,
    Solicitation,
    SolicitationDocument,
    Status,
)
from interlocal.solicitations.models.solicitation import DEFAULT_COOPERATIVE_CLAUSE, DocumentKind

AUDITED_FIELDS = [
    "number",
    "title",
    "status",
    "scope",
    "method",
    "description",
    "cooperative_clause",
    "estimated_national_volume_cents",
    "due_at",
    "time_zone",
]
EDITABLE = frozenset({Status.DRAFT})


class Weighted(Protocol):
    """A criterion as typed (``Criterion``) or as stored (``EvaluationCriterion``)."""

    name: str
    weight: int


@dataclass
class Criterion:
    name: str
    weight: int
    description: str = ""


@dataclass
class SolicitationTerms:
    """What an officer writes in a draft, from the web form or the API."""

    number: str
    title: str
    scope: str
    description: str
    due_local: datetime.datetime  # naive, in ``time_zone``
    time_zone: str = ""
    method: str = Method.RFP
    category_codes: list[str] = field(default_factory=list)
    cooperative_clause: str = DEFAULT_COOPERATIVE_CLAUSE
    estimated_national_volume: str = ""  # dollars, e.g. "25,000,000"
    criteria: list[Criterion] = field(default_factory=list)


def default_time_zone(agency: Agency) -> str:
    return STATE_TIME_ZONES.get(agency.state.postal, "America/Chicago")


def _due_at(terms: SolicitationTerms, errors: dict[str, str]) -> datetime.datetime | None:
    if terms.time_zone not in US_TIME_ZONES:
        errors["time_zone"] = f"choose one of the US time zones: {', '.join(US_TIME_ZONES)}"
        return None
    local = terms.due_local.replace(tzinfo=None)
    due = local.replace(tzinfo=zoneinfo.ZoneInfo(terms.time_zone))
    if due <= timezone.now():
        errors["due_local"] = (
            f"the closing date {local:%Y-%m-%d %H:%M} ({terms.time_zone}) is in the past; "
            f"choose a date and time still to come"
        )
    return due


def _criteria_errors(criteria: Sequence[Weighted]) -> str:
    if not criteria:
        return "add the evaluation criteria, with weights that add up to 100"
    names = [c.name.strip().lower() for c in criteria]
    if any(not n for n in names):
        return "give every criterion a name"
    if len(set(names)) != len(names):
        return "two criteria have the same name; merge them or rename one"
    if any(c.weight < 1 for c in criteria):
        return "every criterion needs a weight of at least 1"
    total = sum(c.weight for c in criteria)
    if total != 100:
        return f"the weights add up to {total}; make them add up to 100"
    return ""


def _validate(
    terms: SolicitationTerms, *, existing: Solicitation | None = None
) -> tuple[datetime.datetime, list[CategoryCode], int | None]:
    errors: dict[str, str] = {}
    terms.number = terms.number.strip()
    for name, label in (("number", "a number"), ("title", "a title"), ("description", "a scope")):
        if not getattr(terms, name).strip():
            errors[name] = f"enter {label}"
    others = Solicitation.objects.filter(number=terms.number)
    if existing is not None:
        others = others.exclude(pk=existing.pk)
    if terms.number and others.exists():
        errors["number"] = f"{terms.number} is already used; solicitation numbers are unique"
    if terms.scope not in Scope.values:
        errors["scope"] = f"choose one of: {', '.join(Scope.values)}"
    if terms.method not in Method.values:
        errors["method"] = f"choose one of: {', '.join(Method.values)}"
    if not terms.cooperative_clause.strip():
        errors["cooperative_clause"] = (
            "the cooperative purchasing clause is required; it is what lets other agencies use "
            "the contract (start from the default text)"
        )
    codes = [c.strip() for c in terms.category_codes if c.strip()]
    categories = list(CategoryCode.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in categories})
    if not codes:
        errors["category_codes"] = "choose at least one category"
    elif unknown:
        errors["category_codes"] = f"unknown category codes: {', '.join(unknown)}"
    volume: int | None = None
    if terms.estimated_national_volume.strip():
        try:
            volume = to_cents(parse_amount(terms.estimated_national_volume))
        except ValueError as exc:
            errors["estimated_national_volume"] = str(exc)
        else:
            if volume < 0:
                errors["estimated_national_volume"] = "the estimate cannot be negative"
    if message := _criteria_errors(terms.criteria):
        errors["criteria"] = message
    due = _due_at(terms, errors)
    if errors:
        raise ValidationError(errors)
    assert due is not None
    return due, categories, volume


def _apply(
    solicitation: Solicitation,
    terms: SolicitationTerms,
    due: datetime.datetime,
    categories: list[CategoryCode],
    volume: int | None,
) -> None:
    solicitation.number = terms.number
    solicitation.title = terms.title.strip()
    solicitation.scope = terms.scope
    solicitation.method = terms.method
    solicitation.description = terms.description.strip()
    solicitation.cooperative_clause = terms.cooperative_clause.strip()
    solicitation.estimated_national_volume_cents = volume
    solicitation.due_at = due
    solicitation.time_zone = terms.time_zone
    solicitation.modified_at = timezone.now()
    solicitation.save()
    solicitation.categories.set(categories)
    solicitation.criteria.all().delete()
    EvaluationCriterion.objects.bulk_create(
        EvaluationCriterion(
            solicitation=solicitation,
            name=c.name.strip(),
            weight=c.weight,
            description=c.description.strip(),
            position=i,
        )
        for i, c in enumerate(terms.criteria)
    )


def _summary(solicitation: Solicitation) -> dict[str, object]:
    data = audit.snapshot(solicitation, AUDITED_FIELDS)
    data["categories"] = sorted(solicitation.categories.values_list("code", flat=True))
    data["criteria"] = [[c.name, c.weight] for c in solicitation.criteria.all()]
    return data


@transaction.atomic
def create_solicitation(
    terms: SolicitationTerms, *, actor: User, lead_agency: Agency
) -> Solicitation:
    """A new draft for ``lead_agency``, written by one of its officers or the program office."""
    solicitation = Solicitation(lead_agency=lead_agency, created_by=actor)
    require(actor, "solicitation:manage", solicitation)
    terms.time_zone = terms.time_zone or default_time_zone(lead_agency)
    due, categories, volume = _validate(terms)
    _apply(solicitation, terms, due, categories, volume)
    audit.record(
        actor=actor, verb="solicitation.create", obj=solicitation, after=_summary(solicitation)
    )
    return solicitation


@transaction.atomic
def update_draft(solicitation: Solicitation, terms: SolicitationTerms, *, actor: User) -> None:
    solicitation = Solicitation.objects.locked(solicitation.pk)
    require(actor, "solicitation:manage", solicitation)
    if solicitation.status not in EDITABLE:
        raise ValidationError(
            f"{solicitation.number} is {solicitation.get_status_display().lower()}; only a "
            f"draft can be edited (after publication, issue an addendum)"
        )
    terms.time_zone = terms.time_zone or solicitation.time_zone
    before = _summary(solicitation)
    due, categories, volume = _validate(terms, existing=solicitation)
    _apply(solicitation, terms, due, categories, volume)
    audit.record(
        actor=actor,
        verb="solicitation.update",
        obj=solicitation,
        before=before,
        after=_summary(solicitation),
    )


def terms_of(solicitation: Solicitation) -> SolicitationTerms:
    """The terms of an existing solicitation, to edit it or to start another from it."""
    return SolicitationTerms(
        number=solicitation.number,
        title=solicitation.title,
        scope=solicitation.scope,
        method=solicitation.method,
        description=solicitation.description,
        due_local=solicitation.due_local.replace(tzinfo=None),
        time_zone=solicitation.time_zone,
        category_codes=list(solicitation.categories.values_list("code", flat=True)),
        cooperative_clause=solicitation.cooperative_clause,
        estimated_national_volume=(
            str(Decimal(solicitation.estimated_national_volume_cents) / 100)
            if solicitation.estimated_national_volume_cents is not None
            else ""
        ),
        criteria=[Criterion(c.name, c.weight, c.description) for c in solicitation.criteria.all()],
    )


@transaction.atomic
def start_from_template(
    prior: Solicitation,
    *,
    actor: User,
    lead_agency: Agency,
    number: str,
    due_local: datetime.datetime,
) -> Solicitation:
    """A new draft for ``lead_agency`` with the specifications and criteria of ``prior``:
    they are shared knowledge once published."""
    if prior.published_at is None and prior.lead_agency_id != lead_agency.pk:
        raise ValidationError(
            "only a published solicitation can serve another agency as a template"
        )
    terms = terms_of(prior)
    terms.number = number
    terms.due_local = due_local
    terms.time_zone = default_time_zone(lead_agency)
    solicitation = create_solicitation(terms, actor=actor, lead_agency=lead_agency)
    solicitation.template = prior
    solicitation.save(update_fields=["template"])
    audit.record(
        actor=actor,
        verb="solicitation.from_template",
        obj=solicitation,
        after={"template": prior.number},
    )
    return solicitation


@transaction.atomic
def add_document(
    solicitation: Solicitation, *, actor: User, kind: str, title: str, file: File
) -> SolicitationDocument:
    """Specifications and forms belong to the draft; once published the terms change only by
    addendum, so only reports and proofs are added then."""
    solicitation = Solicitation.objects.locked(solicitation.pk)
    require(actor, "solicitation:manage", solicitation)
    late_kinds = {
        DocumentKind.ADVERTISEMENT_PROOF,
        DocumentKind.EVALUATION_REPORT,
        DocumentKind.AWARD_NOTICE,
    }
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": f"choose one of: {', '.join(DocumentKind.values)}"})
    if solicitation.status == Status.CANCELLED:
        raise ValidationError("this solicitation is cancelled")
    if solicitation.status != Status.DRAFT and kind not in late_kinds:
        # What the Advisory Board approved is what gets published: no new specifications
        # during the review, and only by addendum after publication.
        raise ValidationError(
            {
                "kind": "specifications and forms are added to a draft; once it has gone to "
                "the Advisory Board, change them by returning it to draft or, after "
                "publication, by issuing an addendum"
            }
        )
    checked = check_document(file)
    document = SolicitationDocument(
        solicitation=solicitation,
        kind=kind,
        title=title.strip() or checked.name,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    document.file.save(checked.name, checked.file, save=False)
    document.save()
    Solicitation.objects.filter(pk=solicitation.pk).update(modified_at=timezone.now())
    audit.record(
        actor=actor,
        verb="solicitation.add_document",
        obj=solicitation,
        after={"document": document.title, "kind": kind, "sha256": checked.sha256},
    )
    return document


@transaction.atomic
def record_advertisement(
    solicitation: Solicitation,
    *,
    actor: User,
    medium: str,
    published_on: datetime.date,
    reference: str = "",
    proof: File | None = None,
) -> Advertisement:
    solicitation = Solicitation.objects.locked(solicitation.pk)
    require(actor, "solicitation:manage", solicitation)
    if not medium.strip():
        raise ValidationError({"medium": "name the newspaper, journal or website"})
    if published_on > solicitation.local_today():
        raise ValidationError({"published_on": "an advertisement cannot be dated in the future"})
    document = None
    if proof is not None:
        document = add_document(
            solicitation,
            actor=actor,
            kind=DocumentKind.ADVERTISEMENT_PROOF,
            title=f"Proof of advertisement — {medium.strip()}",
            file=proof,
        )
    advertisement = Advertisement.objects.create(
        solicitation=solicitation,
        medium=medium.strip(),
        published_on=published_on,
        reference=reference.strip(),
        proof=document,
    )
    # Open-data harvesters read changes by modified time: an advertisement is a change.
    Solicitation.objects.filter(pk=solicitation.pk).update(modified_at=timezone.now())
    audit.record(
        actor=actor,
        verb="solicitation.advertise",
        obj=solicitation,
        after={"medium": advertisement.medium, "published_on": published_on},
    )
    return advertisement
