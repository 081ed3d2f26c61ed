"""Registrations and participation: how an agency joins the program."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import Organization, User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.core import audit
from interlocal.core.models import State
from interlocal.registry import eligibility_evidence, notifications, queries
from interlocal.registry.models import (
    Agency,
    AgencyDomain,
    AgencyType,
    ParticipationRoute,
    Registration,
)
from interlocal.registry.normalise import normalise_domain, normalise_name

_REGISTRATION_FIELDS = ["status", "agency", "reviewed_at", "decision_note", "auto_approved"]


def _require(actor: User | None, permission: str) -> None:
    if actor is None or not actor.has_perm(permission):
        raise PermissionDenied(f"you do not have permission '{permission}'")


@dataclass
class RegistrationRequest:
    """What a registrant submits, from the web form or the API."""

    contact_name: str
    contact_email: str
    signed_name: str
    accepted_terms: bool
    agency_id: int | None = None
    proposed_name: str = ""
    proposed_type: str = ""
    proposed_state: str = ""  # postal code
    proposed_city: str = ""
    ein: str = ""
    contact_title: str = ""
    contact_phone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _validate_request(req: RegistrationRequest) -> tuple[Agency | None, State | None]:
    errors: dict[str, str] = {}
    if not req.accepted_terms:
        errors["accepted_terms"] = "read and accept the participation terms to register"
    if not req.signed_name.strip():
        errors["signed_name"] = "type your full name as your signature"
    if "@" not in req.contact_email:
        errors["contact_email"] = "enter the contact's work email address"
    agency: Agency | None = None
    state: State | None = None
    if req.agency_id is not None:
        agency = Agency.objects.select_related("state").filter(pk=req.agency_id).first()
        if agency is None:
            errors["agency_id"] = (
                f"no agency has id {req.agency_id}; search the directory and pick yours, or "
                "propose a new entity"
            )
    else:
        if not req.proposed_name.strip():
            errors["proposed_name"] = "enter your agency's legal name, or pick it from the search"
        if req.proposed_type not in AgencyType.values:
            errors["proposed_type"] = (
                f"choose the kind of entity: one of {', '.join(AgencyType.values)}"
            )
        state = State.objects.filter(postal=req.proposed_state.upper().strip()).first()
        if state is None:
            errors["proposed_state"] = (
                f"'{req.proposed_state}' is not a state or territory code; use two letters "
                "such as TX"
            )
    if errors:
        raise ValidationError(errors)
    return agency, state


def _check_duplicates(agency: Agency | None, req: RegistrationRequest, state: State | None) -> None:
    if agency is not None:
        if agency.is_participating:
            raise ValidationError(
                {
                    "agency_id": (
                        f"{agency.name} already participates (since {agency.participating_since}); "
                        "ask your agency's program contact to add you, or write to the program "
                        "office"
                    )
                }
            )
        if Registration.objects.pending().filter(agency=agency).exists():
            raise ValidationError(
                {
                    "agency_id": (
                        f"a registration for {agency.name} is already waiting for verification; "
                        "the program office will contact the person who submitted it"
                    )
                }
            )
        return
    assert state is not None
    key = normalise_name(req.proposed_name)
    existing = Agency.objects.filter(state=state, search_name=key).first()
    if existing is not None:
        raise ValidationError(
            {
                "proposed_name": (
                    f"{existing.name} ({state.postal}) is already in the directory; pick it "
                    "from the "
                    "search results instead of proposing it again"
                )
            }
        )
    if (
        Registration.objects.pending()
        .filter(
            agency__isnull=True,
            proposed_state=state,
            proposed_name__iexact=req.proposed_name.strip(),
        )
        .exists()
    ):
        raise ValidationError(
            {
                "proposed_name": (
                    f"'{req.proposed_name}' in {state.postal} has already been proposed and is "
                    "waiting "
                    "for verification"
                )
            }
        )


def _check_nonprofit(agency_type: str, ein: str) -> str:
    """Non-profits must prove 501(c)(3) status by EIN; returns the normalised EIN."""
    if agency_type not in (AgencyType.NONPROFIT, AgencyType.PRIVATE_COLLEGE):
        return ein
    verdict = eligibility_evidence.check_501c3(ein)
    if not verdict.ok:
        raise ValidationError({"ein": verdict.message})
    return verdict.ein


def _domain_verdict(agency: Agency | None, email: str) -> bool:
    """True when the email is at a verified domain of the agency (approve at once).

    Refuses an address outside the agency's domains when the agency has any on file.
    """
    if agency is None:
        return False
    evidence = queries.domain_evidence_for(agency, email)
    if evidence.on_file and not evidence.matched:
        raise ValidationError(
            {
                "contact_email": (
                    f"{evidence.domain} is not a domain of {agency.name} (its domains: "
                    f"{', '.join(evidence.on_file)}); register with your work address at the "
                    "agency, or ask the program office to add your domain"
                )
            }
        )
    return evidence.verified


@transaction.atomic
def submit_registration(*, actor: User | None, req: RegistrationRequest) -> Registration:
    """Record a registration; approve it at once when the contact's domain is verified."""
    agency, state = _validate_request(req)
    if agency is not None:
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _check_duplicates(agency, req, state)
    agency_type = agency.agency_type if agency else req.proposed_type
    ein = _check_nonprofit(agency_type, req.ein or (agency.ein if agency else ""))
    auto = _domain_verdict(agency, req.contact_email)
    registration = Registration.objects.create(
        agency=agency,
        proposed_name=req.proposed_name.strip() if agency is None else "",
        proposed_type=req.proposed_type if agency is None else "",
        proposed_state=state,
        proposed_city=req.proposed_city.strip(),
        ein=ein,
        contact_name=req.contact_name.strip(),
        contact_title=req.contact_title.strip(),
        contact_email=req.contact_email.strip().lower(),
        contact_phone=req.contact_phone.strip(),
        terms_version=settings.PARTICIPATION_TERMS_VERSION,
        signed_name=req.signed_name.strip(),
        signed_at=timezone.now(),
        submitted_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit.record(
        actor=actor,
        verb="registration.submit",
        obj=registration,
        after=audit.snapshot(
            registration, ["agency", "proposed_name", "contact_email", "terms_version", "ein"]
        ),
    )
    if auto:
        _approve(
            registration, actor=None, note="contact email is at a verified agency domain", auto=True
        )
    else:
        notifications.registration_received(registration)
    return registration


@transaction.atomic
def approve_registration(
    *, actor: User, registration: Registration, note: str = ""
) -> Registration:
    _require(actor, "registration:decide")
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.PENDING:
        raise ValidationError(f"this registration is already {registration.get_status_display()}")
    return _approve(registration, actor=actor, note=note, auto=False)


def _approve(
    registration: Registration, *, actor: User | None, note: str, auto: bool
) -> Registration:
    before = audit.snapshot(registration, _REGISTRATION_FIELDS)
    agency = registration.agency
    if agency is None:
        assert registration.proposed_state is not None
        agency = Agency(
            name=registration.proposed_name,
            agency_type=registration.proposed_type,
            state=registration.proposed_state,
            city=registration.proposed_city,
            ein=registration.ein,
        )
        agency.save()
        audit.record(
            actor=actor,
            verb="agency.create",
            obj=agency,
            after=audit.snapshot(agency, ["name", "agency_type", "state", "ein"]),
            reason=f"proposed in registration #{registration.pk}",
        )
    route = ParticipationRoute.SELF_REGISTERED
    _make_participant(
        agency, actor=actor, route=route, reason=f"registration #{registration.pk} approved"
    )
    registration.agency = agency
    registration.status = Registration.Status.APPROVED
    registration.auto_approved = auto
    registration.reviewed_by = actor
    registration.reviewed_at = timezone.now()
    registration.decision_note = note
    registration.save()
    contact = _ensure_contact(registration, agency)
    audit.record(
        actor=actor,
        verb="registration.approve",
        obj=registration,
        before=before,
        after=audit.snapshot(registration, _REGISTRATION_FIELDS) | {"contact_user": contact.email},
        reason=note,
    )
    notifications.registration_approved(registration)
    return registration


def _ensure_contact(registration: Registration, agency: Agency) -> User:
    """The registrant becomes a buyer of the agency's organization (created if needed)."""
    from interlocal.accounts import services as account_services

    org, _ = Organization.objects.get_or_create(
        agency=agency, defaults={"kind": OrgKind.AGENCY, "name": agency.name}
    )
    user = User.objects.filter(email=registration.contact_email).first()
    if user is None:
        user = User.objects.create_user(
            email=registration.contact_email,
            password=None,
            full_name=registration.contact_name,
            title=registration.contact_title,
            phone=registration.contact_phone,
        )
    account_services.add_membership(actor=None, user=user, organization=org, role=Role.BUYER)
    return user


@transaction.atomic
def reject_registration(*, actor: User, registration: Registration, reason: str) -> Registration:
    _require(actor, "registration:decide")
    if not reason.strip():
        raise ValidationError({"reason": "say why, so the registrant knows what to fix"})
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.PENDING:
        raise ValidationError(f"this registration is already {registration.get_status_display()}")
    before = audit.snapshot(registration, _REGISTRATION_FIELDS)
    registration.status = Registration.Status.REJECTED
    registration.reviewed_by = actor
    registration.reviewed_at = timezone.now()
    registration.decision_note = reason.strip()
    registration.save()
    audit.record(
        actor=actor,
        verb="registration.reject",
        obj=registration,
        before=before,
        after=audit.snapshot(registration, _REGISTRATION_FIELDS),
        reason=reason,
    )
    notifications.registration_rejected(registration)
    return registration


def _make_participant(
    agency: Agency, *, actor: User | None, route: str, reason: str, on: datetime.date | None = None
) -> None:
    if agency.is_participating:
        return
    before = audit.snapshot(agency, ["participating_since", "participation_route"])
    agency.participating_since = on or timezone.localdate()
    agency.participation_route = route
    agency.save(update_fields=["participating_since", "participation_route", "updated_at"])
    audit.record(
        actor=actor,
        verb="agency.participate",
        obj=agency,
        before=before,
        after=audit.snapshot(agency, ["participating_since", "participation_route"]),
        reason=reason,
    )


@transaction.atomic
def enroll_agency(*, actor: User, agency: Agency, reason: str = "") -> Agency:
    """The program office enrols an agency directly (for example after a signed paper form)."""
    _require(actor, "agency:enroll")
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.is_participating:
        raise ValidationError(f"{agency.name} already participates")
    _make_participant(
        agency,
        actor=actor,
        route=ParticipationRoute.ENROLLED_BY_OFFICE,
        reason=reason or "enrolled by the program office",
    )
    return agency


@transaction.atomic
def add_domain(*, actor: User, agency: Agency, domain: str, verified: bool) -> AgencyDomain:
    _require(actor, "agency:enroll")
    clean = normalise_domain(domain)
    if "." not in clean:
        raise ValidationError({"domain": f"'{domain}' is not a domain such as harmoncounty.gov"})
    if AgencyDomain.objects.filter(domain=clean).exclude(agency=agency).exists():
        raise ValidationError({"domain": f"{clean} already belongs to another agency"})
    obj, _ = AgencyDomain.objects.update_or_create(
        domain=clean,
        defaults={
            "agency": agency,
            "verified": verified,
            "verified_at": timezone.now() if verified else None,
        },
    )
    audit.record(
        actor=actor, verb="agency.domain", obj=agency, after={"domain": clean, "verified": verified}
    )
    return obj
