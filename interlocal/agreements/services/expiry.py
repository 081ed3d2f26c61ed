"""Expiry notices: each agreement's lead agency and the program office hear once per band
(180, 90, 30 days) before the current term ends, so re-solicitation starts in time."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from interlocal.accounts.queries import emails_of
from interlocal.accounts.roles import OrgKind, Role
from interlocal.agreements.models import ExpiryNotice
from interlocal.agreements.queries import ExpiryRow, expiry_pipeline
from interlocal.core import audit
from interlocal.core.notify import absolute, send_after_commit


def _body(row: ExpiryRow) -> str:
    a = row.agreement
    link = absolute(reverse("agreements:detail", args=[a.pk]))
    return (
        f"Master agreement {a.number} ({a.title}) with {a.supplier}, led by {a.lead_agency}, "
        f"ends on {a.expires_on:%Y-%m-%d} — in {row.days_left} days.\n\n"
        f"Re-solicitation: {row.resolicitation_status}.\n\n"
        f"Exercise a renewal option, or start the new solicitation from this one "
        f"(its specifications and criteria are reused):\n\n    {link}\n"
    )


@transaction.atomic
def send_expiry_notices(today: datetime.date | None = None) -> list[ExpiryNotice]:
    """Send what is due today and record it; a notice already sent for an agreement's band and
    term end is not sent again (running the command twice a day is harmless)."""
    today = today or timezone.localdate()
    office = emails_of(Role.PROGRAM_ADMIN, kind=OrgKind.PROGRAM_OFFICE)
    sent = []
    for row in expiry_pipeline(today):
        a = row.agreement
        notice, created = ExpiryNotice.objects.get_or_create(
            agreement=a,
            threshold_days=row.threshold,
            term_ends_on=a.expires_on,
            defaults={
                "recipients": sorted(
                    office | emails_of(Role.LEAD_AGENCY_OFFICER, agency=a.lead_agency)
                )
            },
        )
        if not created:
            continue
        send_after_commit(
            notice.recipients,
            f"{a.number} ends in {row.days_left} days",
            _body(row),
        )
        audit.record(
            actor=None,
            actor_label="expiry notices (scheduled)",
            verb="agreement.expiry_notice",
            obj=a,
            after={"threshold_days": row.threshold, "recipients": notice.recipients},
        )
        sent.append(notice)
    return sent
