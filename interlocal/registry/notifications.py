"""Emails to registrants, sent only after the transaction that decided commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from interlocal.registry.models import Registration


def _send(to: str, subject: str, body: str) -> None:
    transaction.on_commit(
        lambda: send_mail(
            subject=f"[{settings.PROGRAM_NAME}] {subject}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[to],
            fail_silently=False,
        )
    )


def registration_received(registration: Registration) -> None:
    _send(
        registration.contact_email,
        f"We received the registration of {registration.agency_name}",
        f"Dear {registration.contact_name},\n\n"
        f"Thank you for registering {registration.agency_name}. The program office will verify "
        f"the registration, normally within one business day, and write to you.\n\n"
        f"Reference: registration #{registration.pk}, participation terms version "
        f"{registration.terms_version}, signed by {registration.signed_name}.\n",
    )


def registration_approved(registration: Registration) -> None:
    _send(
        registration.contact_email,
        f"{registration.agency_name} now participates",
        f"Dear {registration.contact_name},\n\n"
        f"{registration.agency_name} is now a participating agency and may buy under the "
        f"program's master agreements.\n\nYour buyer account uses this email address. To set "
        f'your password, open the sign-in page and choose "Forgot your password?": '
        f"{reverse('account_reset_password')}\n",
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
