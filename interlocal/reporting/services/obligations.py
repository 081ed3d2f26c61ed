"""Report obligations: one per agreement and quarter, opened as quarters end, and the
reminders before and after their due dates."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from interlocal.accounts.queries import emails_of
from interlocal.accounts.roles import OrgKind, Role
from interlocal.agreements.models import Agreement
from interlocal.core import audit
from interlocal.core.notify import absolute, send_after_commit
from interlocal.core.periods import Quarter
from interlocal.core.permissions import require
from interlocal.reporting.models import ReportObligation, ReportReminder, ReportStatus

#: Days from the due date that a reminder goes out: a week before, then 1, 15 and 30 days late.
REMINDER_STEPS = (-7, 1, 15, 30)
#: Past this many days late no reminder goes out (the program office's list of late reports
#: still shows the obligation): a program starting on old agreements does not mail years of them.
REMIND_UNTIL_DAYS_LATE = 60


def last_day_in_force(agreement: Agreement) -> datetime.date:
    end = agreement.expires_on
    if agreement.terminated_on is not None:
        end = min(end, agreement.terminated_on - datetime.timedelta(days=1))
    return end


def holds_quarter(agreement: Agreement, quarter: Quarter) -> bool:
    """The agreement was in force on some day of the quarter."""
    return (
        agreement.effective_on <= quarter.last_day
        and last_day_in_force(agreement) >= quarter.first_day
    )


def due_on(agreement: Agreement, quarter: Quarter) -> datetime.date:
    return quarter.last_day + datetime.timedelta(days=agreement.report_due_days)


def quarters_owed(agreement: Agreement, today: datetime.date) -> list[Quarter]:
    """Every quarter the agreement was in force, up to the last one ended before today."""
    last_ended = Quarter.containing(today).previous()
    end = min(Quarter.containing(last_day_in_force(agreement)), last_ended)
    quarter, owed = Quarter.containing(agreement.effective_on), []
    while quarter <= end:
        owed.append(quarter)
        quarter = quarter.next()
    return owed


@transaction.atomic
def open_obligations(today: datetime.date | None = None) -> int:
    """Create the obligations of every quarter that has ended; existing ones are kept as they
    are. Returns how many were created (running it twice creates nothing the second time)."""
    today = today or timezone.localdate()
    have = set(ReportObligation.objects.values_list("agreement_id", "period"))
    new = [
        ReportObligation(agreement=a, period=str(q), due_on=due_on(a, q))
        for a in Agreement.objects.all()
        for q in quarters_owed(a, today)
        if (a.pk, str(q)) not in have
    ]
    ReportObligation.objects.bulk_create(new, batch_size=2000)
    if new:
        audit.record(
            actor=None,
            actor_label="report obligations (scheduled)",
            verb="salesreport.obligations_opened",
            object_type="reporting.reportobligation",
            after={"created": len(new), "through": str(Quarter.containing(today).previous())},
        )
    return len(new)


def obligation_for(agreement_number: str, period: str, *, actor: Any) -> ReportObligation:
    """The obligation a supplier files against, found (or opened) from what it typed; refused
    with the reason when the agreement or the quarter is not one it holds."""
    try:
        quarter = Quarter.parse(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None
    agreement = Agreement.objects.select_related("supplier").filter(number=agreement_number).first()
    if agreement is None:
        raise ValidationError(
            {"agreement": f"there is no master agreement numbered '{agreement_number}'"}
        )
    if actor is not None:  # None is the operator at the command line
        require(actor, "salesreport:submit", agreement)
    if not holds_quarter(agreement, quarter):
        runs = f"{agreement.effective_on:%Y-%m-%d} to {last_day_in_force(agreement):%Y-%m-%d}"
        message = (
            f"{agreement.number} was not in force in {quarter} (it runs {runs}); report each "
            "sale under the agreement it was made on"
        )
        raise ValidationError({"period": message})
    if quarter.first_day > timezone.localdate():
        raise ValidationError({"period": f"{quarter} has not begun; report it once it has ended"})
    obligation, _created = ReportObligation.objects.get_or_create(
        agreement=agreement, period=str(quarter), defaults={"due_on": due_on(agreement, quarter)}
    )
    return obligation


def _reminder_body(obligation: ReportObligation, days: int) -> str:
    a = obligation.agreement
    link = absolute(reverse("reporting:obligation", args=[obligation.pk]))
    when = (
        f"is due on {obligation.due_on:%B %-d, %Y}, in {-days} days"
        if days < 0
        else f"was due on {obligation.due_on:%B %-d, %Y} and is {days} days late"
    )
    return (
        f"The {obligation.period} sales report for master agreement {a.number} ({a.title}) "
        f"{when}.\n\nUpload the quarter's sales lines, or file 'no sales this quarter' if there "
        f"were none:\n\n    {link}\n\nThe 2% administrative fee is invoiced from the accepted "
        "report.\n"
    )


@transaction.atomic
def send_reminders(today: datetime.date | None = None) -> list[ReportReminder]:
    """Remind suppliers of reports not yet filed: a week before the due date, then 1, 15 and
    30 days late (the program office is copied once late). Each step goes out once; after a
    gap in runs only the latest step due is sent, not every one missed."""
    today = today or timezone.localdate()
    office = emails_of(Role.PROGRAM_ADMIN, kind=OrgKind.PROGRAM_OFFICE)
    horizon = today - datetime.timedelta(days=min(REMINDER_STEPS))
    waiting = (
        ReportObligation.objects.filter(
            status__in=[ReportStatus.OPEN, ReportStatus.VALIDATION_FAILED],
            due_on__lte=horizon,
            due_on__gte=today - datetime.timedelta(days=REMIND_UNTIL_DAYS_LATE),
        )
        .select_related("agreement__supplier")
        .prefetch_related("reminders")
    )
    sent = []
    for obligation in waiting:
        days = (today - obligation.due_on).days
        due_steps = [s for s in REMINDER_STEPS if s <= days]
        if not due_steps or (due_steps[-1] < 0 and days >= 0):
            continue
        step = due_steps[-1]
        if any(r.days_from_due >= step for r in obligation.reminders.all()):
            continue
        reps = emails_of(Role.SUPPLIER_REP, supplier=obligation.agreement.supplier)
        recipients = sorted(reps | (office if step > 0 else set()))
        reminder = ReportReminder.objects.create(
            obligation=obligation, days_from_due=step, recipients=recipients
        )
        subject = f"{obligation.agreement.number} {obligation.period} sales report " + (
            "due soon" if step < 0 else f"{step} days late"
        )
        send_after_commit(recipients, subject, _reminder_body(obligation, days))
        audit.record(
            actor=None,
            actor_label="report reminders (scheduled)",
            verb="salesreport.reminder",
            obj=obligation,
            after={"days_from_due": step, "recipients": recipients},
        )
        sent.append(reminder)
    return sent
