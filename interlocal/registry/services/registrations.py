"""Registrations and participation: how an agency joins the program.

A registration is a small state machine (``TRANSITIONS``): it is submitted *pending*; the
contact confirms their address through a signed link mailed to it; it is then *approved* — at
once when the address is at a verified domain of the agency, otherwise by the program office —
or *rejected* with a reason.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import Organization, User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.core import audit
from interlocal.core.models import State
from interlocal.core.permissions import require
from interlocal.registry import eligibility_evidence, notifications, queries
from interlocal.registry.ingest.irs import normalise_ein
from interlocal.registry.models import Agency, AgencyType, ParticipationRoute, Registration
from interlocal.registry.normalise import normalise_name

_REGISTRATION_FIELDS = [
    "status",
    "agency",
    "reviewed_at",
    "decision_note",
    "auto_approved",
    "email_confirmed_at",
]
_PENDING, _APPROVED, _REJECTED = (
    Registration.Status.PENDING,
    Registration.Status.APPROVED,
    Registration.Status.REJECTED,
)
# (status, action) -> new status; anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (_PENDING, "approve"): _APPROVED,
    (_PENDING, "reject"): _REJECTED,
}
CONFIRMATION_SALT = "interlocal.registration.confirm-email"
CONFIRMATION_MAX_AGE = datetime.timedelta(days=7)


def _transition(registration: Registration, action: str) -> str:
    target = TRANSITIONS.get((registration.status, action))
    if target is None:
        raise ValidationError(
            f"this registration is already {registration.get_status_display()}; it cannot be "
            f"{action}d"
        )
    return target


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


_TEXT_FIELDS = {  # request field -> (model field, required, what to call it)
    "contact_name": ("contact_name", True, "your full name"),
    "contact_title": ("contact_title", False, "your title"),
    "contact_phone": ("contact_phone", False, "a phone number"),
    "signed_name": ("signed_name", True, "your full name as your signature"),
    "proposed_city": ("proposed_city", False, "the city"),
}


def _text_errors(req: RegistrationRequest) -> dict[str, str]:
    """Lengths from the model, no line breaks or control characters (they end up in emails)."""
    errors: dict[str, str] = {}
    fields = dict(_TEXT_FIELDS)
    if req.agency_id is None:
        fields["proposed_name"] = ("proposed_name", True, "your agency's legal name")
    for name, (model_field, required, label) in fields.items():
        value = getattr(req, name).strip()
        limit = getattr(Registration._meta.get_field(model_field), "max_length", None) or 0
        if required and not value:
            errors[name] = f"enter {label}"
        elif any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            errors[name] = "remove line breaks and control characters"
        elif len(value) > limit:
            errors[name] = f"shorten this to {limit} characters or fewer"
    return errors


def _validate_request(req: RegistrationRequest) -> tuple[Agency | None, State | None]:
    errors = _text_errors(req)
    if not req.accepted_terms:
        errors["accepted_terms"] = "read and accept the participation terms to register"
    try:
        validate_email(req.contact_email.strip())
    except ValidationError:
        errors["contact_email"] = "enter your work email address, such as name@agency.gov"
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


def _pending_proposal(state: State, name: str) -> Registration | None:
    key = normalise_name(name)
    proposals = Registration.objects.pending().filter(agency__isnull=True, proposed_state=state)
    return next((r for r in proposals if normalise_name(r.proposed_name) == key), None)


def _check_duplicates(agency: Agency | None, req: RegistrationRequest, state: State | None) -> None:
    if agency is not None:
        if agency.is_participating:
            raise ValidationError(
                {
                    "agency_id": (
                        f"{agency.name} already participates (since "
                        f"{agency.participating_since}); ask "
                        "your agency's program contact to add you, or write to the program office"
                    )
                }
            )
        if Registration.objects.pending().filter(agency=agency).exists():
            raise ValidationError(
                {
                    "agency_id": (
                        f"a registration for {agency.name} is already waiting for "
                        "verification; the "
                        "program office will contact the person who submitted it"
                    )
                }
            )
        return
    assert state is not None
    existing = Agency.objects.filter(
        state=state, search_name=normalise_name(req.proposed_name)
    ).first()
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
    waiting = _pending_proposal(state, req.proposed_name)
    if waiting is not None:
        raise ValidationError(
            {
                "proposed_name": (
                    f"'{waiting.proposed_name}' in {state.postal} has already been proposed and is "
                    "waiting for verification"
                )
            }
        )


def _check_ein(agency: Agency | None, agency_type: str, ein_text: str, state: State | None) -> str:
    """The normalised EIN. Non-profits and private colleges must prove 501(c)(3) status with
    the EIN of *this* organization: the one on file, and one the IRS lists in its state."""
    text = ein_text.strip() or (agency.ein if agency else "")
    if agency_type not in (AgencyType.NONPROFIT, AgencyType.PRIVATE_COLLEGE):
        if not text:
            return ""
        try:
            return normalise_ein(text)
        except ValueError as exc:
            raise ValidationError({"ein": str(exc)}) from None
    verdict = eligibility_evidence.check_501c3(text)
    if not verdict.ok:
        raise ValidationError({"ein": verdict.message})
    if agency is not None and agency.ein and verdict.ein != agency.ein:
        raise ValidationError(
            {
                "ein": (
                    f"{verdict.ein[:2]}-{verdict.ein[2:]} is not the EIN on file for "
                    f"{agency.name}; "
                    "give the EIN on your own IRS determination letter"
                )
            }
        )
    home = agency.state.postal if agency is not None else (state.postal if state else "")
    org = verdict.organization
    if org is not None and org.state_postal and home and org.state_postal != home:
        raise ValidationError(
            {
                "ein": (
                    f"EIN {verdict.ein[:2]}-{verdict.ein[2:]} belongs to {org.name} in "
                    f"{org.state_postal}, not to an organization in {home}; check the number"
                )
            }
        )
    return verdict.ein


def _domain_is_verified(agency: Agency | None, email: str) -> bool:
    """True when the email is at a verified domain of the agency.

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
                    "agency, "
                    "or ask the program office to add your domain"
                )
            }
        )
    return evidence.verified


def confirmation_token(registration: Registration) -> str:
    return signing.dumps(
        {"r": registration.pk, "e": registration.contact_email}, salt=CONFIRMATION_SALT
    )


@transaction.atomic
def submit_registration(*, actor: User | None, req: RegistrationRequest) -> Registration:
    """Record a pending registration and mail the contact a confirmation link."""
    agency, state = _validate_request(req)
    if agency is not None:
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
    _check_duplicates(agency, req, state)
    agency_type = agency.agency_type if agency else req.proposed_type
    ein = _check_ein(agency, agency_type, req.ein, state)
    email = req.contact_email.strip().lower()
    _domain_is_verified(agency, email)
    registration = Registration.objects.create(
        agency=agency,
        proposed_name=req.proposed_name.strip() if agency is None else "",
        proposed_type=req.proposed_type if agency is None else "",
        proposed_state=state,
        proposed_city=req.proposed_city.strip(),
        ein=ein,
        contact_name=req.contact_name.strip(),
        contact_title=req.contact_title.strip(),
        contact_email=email,
        contact_phone=req.contact_phone.strip(),
        terms_version=settings.PARTICIPATION_TERMS_VERSION,
        signed_name=req.signed_name.strip(),
        signed_at=timezone.now(),
        submitted_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit.record(
        actor=actor,
        actor_label=f"registrant {email}",
        verb="registration.submit",
        obj=registration,
        after=audit.snapshot(
            registration, ["agency", "proposed_name", "contact_email", "terms_version", "ein"]
        ),
    )
    notifications.registration_received(registration, confirmation_token(registration))
    return registration


@transaction.atomic
def confirm_registration_email(*, token: str) -> Registration:
    """The contact opened the link mailed to them: their address is theirs. A pending
    registration whose address is at a verified domain of the agency is then approved."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            "this confirmation link has expired (links last 7 days); register again"
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            "this confirmation link is not valid; copy the whole link from the email"
        ) from None
    registration = Registration.objects.select_for_update().filter(pk=data.get("r")).first()
    if registration is None or registration.contact_email != data.get("e"):
        raise ValidationError("this confirmation link does not match a registration")
    if registration.email_confirmed_at is not None:
        return registration
    before = audit.snapshot(registration, _REGISTRATION_FIELDS)
    registration.email_confirmed_at = timezone.now()
    registration.save(update_fields=["email_confirmed_at"])
    label = f"registrant {registration.contact_email}"
    audit.record(
        actor=None,
        actor_label=label,
        verb="registration.confirm_email",
        obj=registration,
        before=before,
        after=audit.snapshot(registration, _REGISTRATION_FIELDS),
    )
    agency = registration.agency
    if registration.status == _PENDING and agency is not None and not agency.is_participating:
        evidence = queries.domain_evidence_for(agency, registration.contact_email)
        if evidence.verified:
            _approve(
                registration,
                actor=None,
                actor_label=label,
                auto=True,
                note=f"contact confirmed an address at {evidence.matched}, a verified domain of "
                "the agency",
            )
    return registration


@transaction.atomic
def approve_registration(
    *, actor: User, registration: Registration, note: str = ""
) -> Registration:
    require(actor, "registration:decide")
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    return _approve(registration, actor=actor, note=note, auto=False)


def _approve(
    registration: Registration,
    *,
    actor: User | None,
    note: str,
    auto: bool,
    actor_label: str = "",
) -> Registration:
    status = _transition(registration, "approve")
    before = audit.snapshot(registration, _REGISTRATION_FIELDS)
    agency = registration.agency
    if agency is None:
        # The entity may have entered the universe (an import) since it was proposed.
        assert registration.proposed_state is not None
        agency = Agency.objects.filter(
            state=registration.proposed_state,
            search_name=normalise_name(registration.proposed_name),
        ).first()
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
    _make_participant(
        agency,
        actor=actor,
        actor_label=actor_label,
        route=ParticipationRoute.SELF_REGISTERED,
        reason=f"registration #{registration.pk} approved",
    )
    registration.agency = agency
    registration.status = status
    registration.auto_approved = auto
    registration.reviewed_by = actor
    registration.reviewed_at = timezone.now()
    registration.decision_note = note
    registration.save()
    contact = _ensure_contact(registration, agency)
    audit.record(
        actor=actor,
        actor_label=actor_label,
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
    require(actor, "registration:decide")
    if not reason.strip():
        raise ValidationError({"reason": "say why, so the registrant knows what to fix"})
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    status = _transition(registration, "reject")
    before = audit.snapshot(registration, _REGISTRATION_FIELDS)
    registration.status = status
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
    agency: Agency,
    *,
    actor: User | None,
    route: str,
    reason: str,
    on: datetime.date | None = None,
    actor_label: str = "",
) -> None:
    if agency.is_participating:
        return
    before = audit.snapshot(agency, ["participating_since", "participation_route"])
    agency.participating_since = on or timezone.localdate()
    agency.participation_route = route
    agency.save(update_fields=["participating_since", "participation_route", "updated_at"])
    audit.record(
        actor=actor,
        actor_label=actor_label,
        verb="agency.participate",
        obj=agency,
        before=before,
        after=audit.snapshot(agency, ["participating_since", "participation_route"]),
        reason=reason,
    )


@transaction.atomic
def enroll_agency(*, actor: User, agency: Agency, reason: str = "") -> Agency:
    """The program office enrols an agency directly (for example after a signed paper form)."""
    require(actor, "agency:enroll")
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
