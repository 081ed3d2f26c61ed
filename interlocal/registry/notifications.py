"""Emails to registrants, sent only after the transaction that decided commits.

A mail server that is down must not turn a decision that committed into an error page, so
delivery failures are logged for the program office rather than raised.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from interlocal.registry.models import Registration

log = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _deliver(to: str, subject: str, body: str) -> None:
    try:
        send_mail(
            subject=f"[{settings.PROGRAM_NAME}] {subject}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[to],
        )
    except Exception:
        log.exception("could not send %r to %s; resend it from the registration queue", subject, to)


def _send(to: str, subject: str, body: str) -> None:
    transaction.on_commit(lambda: _deliver(to, subject, body))


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
