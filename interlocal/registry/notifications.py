"""Emails to registrants, sent only after the transaction that decided commits."""

from django.urls import reverse

from interlocal.core.notify import absolute
from interlocal.core.notify import send_after_commit as _send
from interlocal.registry.models import Registration


def registration_received(registration: Registration, token: str) -> None:
    link = absolute(reverse("registry:register_confirm", args=[token]))
    _send(
        registration.contact_email,
        f"Confirm the registration of {registration.agency_name}",
        f"Dear {registration.contact_name},\n\n"
        f"Thank you for registering {registration.agency_name}. Please confirm that this is "
        f"your address by opening this link within 7 days:\n\n    {link}\n\n"
        f"If your address is at a verified domain of the agency, the agency participates as "
        f"soon as you confirm; otherwise the program office verifies the registration, "
        f"normally within one business day, and writes to you.\n\n"
        f"Reference: registration #{registration.pk}, participation terms version "
        f"{registration.terms_version}, signed by {registration.signed_name}.\n"
        f"If you did not register, ignore this message.\n",
    )


def registration_approved(registration: Registration) -> None:
    _send(
        registration.contact_email,
        f"{registration.agency_name} now participates",
        f"Dear {registration.contact_name},\n\n"
        f"{registration.agency_name} is now a participating agency and may buy under the "
        f"program's master agreements.\n\nYour buyer account uses this email address. To set "
        f"your password, open {absolute(reverse('account_reset_password'))} and enter it.\n",
    )


def registration_rejected(registration: Registration) -> None:
    _send(
        registration.contact_email,
        f"Registration of {registration.agency_name} not approved",
        f"Dear {registration.contact_name},\n\n"
        f"The program office could not approve the registration of "
        f"{registration.agency_name}, for this reason:\n\n    {registration.decision_note}\n\n"
        f"You are welcome to register again once this is resolved, or to reply to the program "
        f"office.\n",
    )
