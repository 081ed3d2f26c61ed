"""Delinquency notices: a supplier with invoices 31 or more days past due is told, in writing,
what it owes, since when, and how to pay. The program office prints the notice or sends it by
e-mail to the supplier's representatives (copied to the program office); each sending is an
audit event, which is also where the pages read when a notice last went out."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from interlocal.accounts.queries import emails_of
from interlocal.accounts.roles import OrgKind, Role
from interlocal.core import audit
from interlocal.core.money import format_usd
from interlocal.core.notify import absolute, send_after_commit
from interlocal.core.permissions import require
from interlocal.fees import queries
from interlocal.registry.models import Supplier


def payment_instructions() -> str:
    """How to pay, as the notice and the statement print it (``FEE_PAYMENT_INSTRUCTIONS``)."""
    configured = getattr(settings, "FEE_PAYMENT_INSTRUCTIONS", "").strip()
    if configured:
        return configured
    return (
        f"Pay by ACH or wire transfer to the fee account of {settings.PROGRAM_NAME}, or by "
        f"check payable to {settings.PROGRAM_NAME}. Put the invoice number (FI-…) in the "
        "payment's reference or memo so that it pays that invoice; a payment that names no "
        "invoice pays your oldest open invoices first. Ask the program office for the account "
        "details if you do not have them."
    )


def notice_subject(notice: queries.Notice) -> str:
    count = len(notice.invoices)
    return (
        f"Past-due administrative fees: {format_usd(notice.total_cents)} on {count} "
        f"invoice{'s' if count != 1 else ''}"
    )


def notice_body(notice: queries.Notice) -> str:
    """The notice as plain text, the same figures as the printable page."""
    lines = [
        f"{notice.supplier.legal_name}",
        "",
        f"As of {notice.today:%B %-d, %Y}, these administrative-fee invoices are "
        f"{queries.DELINQUENT_DAYS} or more days past due:",
        "",
    ]
    for o in notice.invoices:
        inv = o.invoice
        lines.append(
            f"  {inv.number}  {inv.agreement.number} {inv.sales_period}  due "
            f"{inv.due_on:%Y-%m-%d}  {o.days_past_due} days past due  "
            f"outstanding {format_usd(o.outstanding_cents)}"
        )
    lines += ["", f"Total past due: {format_usd(notice.total_cents)}"]
    if notice.other_open_cents:
        lines.append(
            f"Also open, not yet {queries.DELINQUENT_DAYS} days past due: "
            f"{format_usd(notice.other_open_cents)}"
        )
    if notice.credit_cents:
        lines.append(
            f"Credit held for you (applied to new invoices as they are issued): "
            f"{format_usd(notice.credit_cents)}"
        )
    lines += [
        "",
        "How to pay:",
        payment_instructions(),
        "",
        "Your invoices, payments and statement of account:",
        f"    {absolute(reverse('fees:account'))}",
        "",
        "If you have already paid, reply with the payment's date, amount and reference so the "
        "program office can apply it.",
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class SentNotice:
    notice: queries.Notice
    recipients: list[str]


@transaction.atomic
def send_delinquency_notice(
    supplier: Supplier, *, actor: Any, today: datetime.date | None = None
) -> SentNotice:
    """E-mail the supplier's notice to its representatives, the program office copied, once
    the transaction commits; refused when nothing is 31+ days past due or nobody represents
    the supplier."""
    require(actor, "fees:send_notice", supplier)
    today = today or timezone.localdate()
    notice = queries.notice(supplier, today)
    if not notice.invoices:
        raise ValidationError(
            f"no invoice of {supplier} is {queries.DELINQUENT_DAYS} or more days past due; "
            "there is no notice to send"
        )
    if not notice.recipients:
        raise ValidationError(
            f"{supplier} has no active supplier representative to write to; add one to its "
            "organization, or print the notice and mail it"
        )
    office = emails_of(Role.PROGRAM_ADMIN, kind=OrgKind.PROGRAM_OFFICE)
    recipients = sorted(set(notice.recipients) | office)
    send_after_commit(recipients, notice_subject(notice), notice_body(notice))
    audit.record(
        actor=actor,
        verb=queries.NOTICE_VERB,
        obj=supplier,
        after={
            "on": today,
            "invoices": {o.invoice.number: o.outstanding_cents for o in notice.invoices},
            "total_cents": notice.total_cents,
            "recipients": recipients,
        },
    )
    return SentNotice(notice, recipients)
