"""Email that goes out only after the transaction that decided commits.

A mail server that is down must not turn a decision that committed into an error page, so
delivery failures are logged for the program office rather than raised.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

log = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _deliver(to: list[str], subject: str, body: str) -> None:
    try:
        send_mail(
            subject=f"[{settings.PROGRAM_NAME}] {subject}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=to,
        )
    except Exception:
        log.exception("could not send %r to %s; resend it by hand", subject, ", ".join(to))


def send_after_commit(to: str | Iterable[str], subject: str, body: str) -> None:
    recipients = [to] if isinstance(to, str) else sorted(set(to))
    if recipients:
        transaction.on_commit(lambda: _deliver(recipients, subject, body))
