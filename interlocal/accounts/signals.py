"""Audit events for the account-security changes allauth makes in its own views: passwords,
email addresses, and MFA authenticators (TOTP, recovery codes).

allauth saves the change and then sends its signal (MFA signals after the commit), so each event
is written in a transaction of its own right after the change rather than in the same one. The
events say what changed, never the secret: no password or hash, no TOTP secret, no recovery code
or seed (``Authenticator.data`` is never read here).
"""

from typing import Any

from allauth.account import signals as account_signals
from allauth.account.models import EmailAddress
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.dispatch import receiver

from interlocal.accounts.models import User
from interlocal.core import audit


def _record(
    user: User,
    verb: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    # The object is always the person's account, so one filter shows its whole security history.
    with transaction.atomic():
        audit.record(actor=user, verb=verb, obj=user, before=before, after=after)


def _email(address: EmailAddress | None) -> str | None:
    return address.email if address is not None else None


def _authenticator(authenticator: Authenticator) -> dict[str, Any]:
    # Type and id only: ``data`` holds the TOTP secret or the recovery-code seed. ``pk`` is None
    # once allauth has deleted the row (authenticator_removed), so only the type is left then.
    described: dict[str, Any] = {"type": authenticator.type}
    if authenticator.pk is not None:
        described["authenticator_id"] = authenticator.pk
    return described


# --- passwords --------------------------------------------------------------------------------


@receiver(account_signals.password_changed, dispatch_uid="audit_password_changed")
def on_password_changed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    _record(user, "account.password_changed", after={"user": user.email, "how": "changed"})


@receiver(account_signals.password_set, dispatch_uid="audit_password_set")
def on_password_set(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    _record(user, "account.password_set", after={"user": user.email, "how": "set"})


@receiver(account_signals.password_reset, dispatch_uid="audit_password_reset")
def on_password_reset(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    _record(user, "account.password_reset", after={"user": user.email, "how": "emailed reset link"})


# --- email addresses --------------------------------------------------------------------------


@receiver(account_signals.email_changed, dispatch_uid="audit_email_changed")
def on_email_changed(
    sender: Any,
    request: Any,
    user: User,
    from_email_address: EmailAddress | None = None,
    to_email_address: EmailAddress | None = None,
    **kwargs: Any,
) -> None:
    new = _email(to_email_address)
    old = _email(from_email_address)
    if old is None and user.loaded_email != new:
        # Accounts invited or enrolled by the program have no allauth address row for their
        # first address, so allauth passes none; the user as loaded still knows it.
        old = user.loaded_email
    _record(
        user,
        "account.email_changed",
        before={"primary_email": old},
        after={"primary_email": new},
    )


@receiver(account_signals.email_added, dispatch_uid="audit_email_added")
def on_email_added(
    sender: Any, request: Any, user: User, email_address: EmailAddress, **kwargs: Any
) -> None:
    _record(user, "account.email_added", after={"email": email_address.email})


@receiver(account_signals.email_removed, dispatch_uid="audit_email_removed")
def on_email_removed(
    sender: Any, request: Any, user: User, email_address: EmailAddress, **kwargs: Any
) -> None:
    _record(user, "account.email_removed", before={"email": email_address.email})


# --- MFA authenticators -----------------------------------------------------------------------


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit_authenticator_added")
def on_authenticator_added(
    sender: Any, request: Any, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    _record(user, "mfa.authenticator_added", after=_authenticator(authenticator))


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit_authenticator_removed")
def on_authenticator_removed(
    sender: Any, request: Any, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    _record(user, "mfa.authenticator_removed", before=_authenticator(authenticator))


@receiver(mfa_signals.authenticator_reset, dispatch_uid="audit_authenticator_reset")
def on_authenticator_reset(
    sender: Any, request: Any, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    # Recovery codes regenerated: the old codes stop working.
    _record(user, "mfa.authenticator_reset", after=_authenticator(authenticator))
