"""Quarterly report obligations and the sales reports (versions) filed against them."""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from interlocal.agreements.models import Agreement
from interlocal.core.periods import Quarter


class ReportStatus(models.TextChoices):
    """Where a report stands. An obligation with nothing filed is *open*; each filing (a
    version) moves submitted → processing → validation failed | in review → accepted, and an
    accepted version becomes *superseded* when a correction is accepted after it."""

    OPEN = "open", "Open: nothing filed"
    SUBMITTED = "submitted", "Submitted"
    PROCESSING = "processing", "Processing"
    VALIDATION_FAILED = "validation_failed", "Validation failed"
    IN_REVIEW = "in_review", "In review"
    ACCEPTED = "accepted", "Accepted"
    SUPERSEDED = "superseded", "Superseded by a correction"


class ReportKind(models.TextChoices):
    LINES = "lines", "Sales lines"
    NO_SALES = "no_sales", "No sales this quarter"


class ReportObligationQuerySet(models.QuerySet["ReportObligation"]):
    def visible_to(self, user: Any) -> "ReportObligationQuerySet":
        """The program office and auditors see every obligation; a supplier's representative
        those of its own agreements; nobody else any."""
        from interlocal.core.permissions import is_overseer

        if user is None or not user.is_authenticated:
            return self.none()
        if is_overseer(user):
            return self.all()
        return self.filter(agreement__supplier_id__in=supplier_ids(user))

    def past_due(self, today: datetime.date | None = None) -> "ReportObligationQuerySet":
        """Due before today with nothing accepted and nothing waiting for the program office:
        open, or only failed filings."""
        today = today or timezone.localdate()
        return self.filter(
            due_on__lt=today,
            status__in=[ReportStatus.OPEN, ReportStatus.VALIDATION_FAILED],
        )


def supplier_ids(user: Any) -> list[int]:
    from interlocal.accounts.roles import Role

    return [
        org.supplier_id
        for org in user.organizations_with(Role.SUPPLIER_REP)
        if org.supplier_id is not None
    ]


class ReportObligation(models.Model):
    """A supplier's duty to report its sales under one agreement for one quarter, due
    ``due_on`` (by default 30 days after the quarter ends; an agreement may set its own).

    ``status`` follows the latest filing; ``accepted`` is the version whose lines are the sales
    facts of the quarter (a later correction replaces it only once it is accepted itself).
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="obligations")
    period = models.CharField(max_length=6, help_text="Quarter, as 2026Q3.")
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True
    )
    latest = models.ForeignKey(
        "SalesReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted = models.ForeignKey(
        "SalesReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_filed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReportObligationQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "agreement__number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period"], name="one_obligation_a_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} {self.period}"

    @property
    def quarter(self) -> Quarter:
        return Quarter.parse(self.period)

    def is_past_due(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.due_on < today and self.status in (
            ReportStatus.OPEN,
            ReportStatus.VALIDATION_FAILED,
        )

    @property
    def filed_late(self) -> bool:
        """First filed after the due date (in the program's time zone)."""
        if self.first_filed_at is None:
            return False
        return timezone.localdate(self.first_filed_at) > self.due_on


class SalesReportQuerySet(models.QuerySet["SalesReport"]):
    def visible_to(self, user: Any) -> "SalesReportQuerySet":
        return self.filter(obligation__in=ReportObligation.objects.visible_to(user))


class SalesReport(models.Model):
    """One filing against an obligation: a version. Every attempt is kept with its file and
    SHA-256; a correction is a new version, and older versions stay readable. Only the
    services change ``status``."""

    class Source(models.TextChoices):
        CSV = "csv", "CSV upload"
        XLSX = "xlsx", "Spreadsheet upload"
        API = "api", "JSON through the API"
        FORM = "form", "No-sales filing"

    obligation = models.ForeignKey(
        ReportObligation, on_delete=models.PROTECT, related_name="reports"
    )
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ReportKind.choices, default=ReportKind.LINES)
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED, db_index=True
    )
    file = models.FileField(upload_to="sales-reports/%Y/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sheet = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=500, blank=True, help_text="The supplier's note.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    # While processing: how far it got, for the progress bar.
    stage = models.CharField(max_length=40, blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    # Once processed.
    line_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(
        default=0, help_text="Customers waiting for the program office to match them."
    )
    total_cents = models.BigIntegerField(default=0, help_text="Sum of extended amounts.")
    quality_score = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True, help_text="Why the file could not be read at all.")

    objects = SalesReportQuerySet.as_manager()

    class Meta:
        ordering = ["obligation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "version"], name="unique_report_version"),
            models.CheckConstraint(
                name="accepted_report_has_acceptance",
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} v{self.version}"

    @property
    def is_facts(self) -> bool:
        """Its lines are the accepted sales facts of the quarter."""
        return self.status == ReportStatus.ACCEPTED

    @property
    def is_final(self) -> bool:
        return self.status in (
            ReportStatus.ACCEPTED,
            ReportStatus.SUPERSEDED,
            ReportStatus.VALIDATION_FAILED,
        )

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


class ReportReminder(models.Model):
    """A reminder sent for one obligation at one step (before or after the due date), so each
    goes out once."""

    obligation = models.ForeignKey(
        ReportObligation, on_delete=models.CASCADE, related_name="reminders"
    )
    days_from_due = models.SmallIntegerField(help_text="-7 is a week before, 15 is 15 days late.")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "days_from_due"], name="one_reminder_per_step"
            )
        ]
