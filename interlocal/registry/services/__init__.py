"""Every write to the registry. Each function is atomic, checks permission, and writes its
audit event in the same transaction."""

from interlocal.registry.services.imports import import_exempt_orgs, import_governments
from interlocal.registry.services.registrations import (
    RegistrationRequest,
    approve_registration,
    confirm_registration_email,
    enroll_agency,
    reject_registration,
    submit_registration,
)

__all__ = [
    "RegistrationRequest",
    "approve_registration",
    "confirm_registration_email",
    "enroll_agency",
    "import_exempt_orgs",
    "import_governments",
    "reject_registration",
    "submit_registration",
]
