"""Master agreements: terms, renewals, amendments and the executed documents."""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from interlocal.core.models import CategoryCode
from interlocal.core.search import search_text
from interlocal.registry.models import Agency, Supplier
from interlocal.solicitations.models import Scope, Solicitation


class AgreementStatus(models.TextChoices):
    """Derived from the dates, never stored: an agreement cannot be "active" past its end."""

    PENDING = "pending", "Awarded, not yet effective"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def visible_to(self, user: Any) -> "AgreementQuerySet":
        # Master agreements are public records: the point is that anyone can use them.
        return self.all()

    def with_status(self, today: datetime.date | None = None) -> "AgreementQuerySet":
        today = today or timezone.localdate()
        return self.annotate(
            current_status=Case(
                When(terminated_on__lte=today, then=Value(AgreementStatus.TERMINATED.value)),
                When(effective_on__gt=today, then=Value(AgreementStatus.PENDING.value)),
                When(expires_on__lt=today, then=Value(AgreementStatus.EXPIRED.value)),
                default=Value(AgreementStatus.ACTIVE.value),
                output_field=models.CharField(),
            )
        )

    def in_status(self, status: str, today: datetime.date | None = None) -> "AgreementQuerySet":
        today = today or timezone.localdate()
        not_terminated = Q(terminated_on__isnull=True) | Q(terminated_on__gt=today)
        conditions = {
            AgreementStatus.TERMINATED: Q(terminated_on__lte=today),
            AgreementStatus.PENDING: not_terminated & Q(effective_on__gt=today),
            AgreementStatus.EXPIRED: not_terminated & Q(expires_on__lt=today),
            AgreementStatus.ACTIVE: not_terminated
            & Q(effective_on__lte=today, expires_on__gte=today),
        }
        return self.filter(conditions[AgreementStatus(status)])

    def expiring_within(self, days: int, today: datetime.date | None = None) -> "AgreementQuerySet":
        today = today or timezone.localdate()
        return self.in_status(AgreementStatus.ACTIVE, today).filter(
            expires_on__lte=today + datetime.timedelta(days=days)
        )


class Agreement(models.Model):
    """The awarded contract between a lead agency and a supplier that every participating
    agency may use (OCDS: a framework agreement).

    ``expires_on`` is the end of the current term: the initial term, extended by each renewal
    option exercised. Only the services write it.
    """

    number = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_agreements")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="agreements")
    solicitation = models.ForeignKey(
        Solicitation, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    proposal = models.OneToOneField(
        "solicitations.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement",
    )
    categories = models.ManyToManyField(CategoryCode, related_name="agreements")
    scope = models.CharField(max_length=20, choices=Scope.choices)
    description = models.TextField(blank=True)
    cooperative_clause = models.TextField()
    effective_on = models.DateField()
    initial_term_months = models.PositiveSmallIntegerField()
    initial_term_ends_on = models.DateField()
    expires_on = models.DateField(db_index=True)
    terminated_on = models.DateField(null=True, blank=True)
    report_due_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days after a quarter ends that its sales report is due."
    )
    search_text = models.CharField(max_length=2000, editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                name="agreement_term_in_order",
                condition=Q(initial_term_ends_on__gte=models.F("effective_on"))
                & Q(expires_on__gte=models.F("initial_term_ends_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived here rather than in each service so no write path can leave it stale.
        self.search_text = search_text(
            self.number,
            self.title,
            self.description,
            str(self.supplier),
            self.supplier.legal_name,
            self.lead_agency.name,
        )[:2000]
        if (fields := kwargs.get("update_fields")) is not None:
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)

    def status(self, today: datetime.date | None = None) -> AgreementStatus:
        today = today or timezone.localdate()
        if self.terminated_on and self.terminated_on <= today:
            return AgreementStatus.TERMINATED
        if today < self.effective_on:
            return AgreementStatus.PENDING
        if today > self.expires_on:
            return AgreementStatus.EXPIRED
        return AgreementStatus.ACTIVE

    def days_to_expiry(self, today: datetime.date | None = None) -> int:
        return (self.expires_on - (today or timezone.localdate())).days

    @property
    def final_expiry_on(self) -> datetime.date:
        """The last day the agreement could run if every renewal option is exercised."""
        last = self.expires_on  # an amendment may have extended the term beyond the options
        for option in self.renewal_options.all():
            last = max(last, option.ends_on)
        return last


class RenewalOption(models.Model):
    """An optional extension of the term (e.g. the first of two 1-year renewals); exercised by
    a recorded decision, in order."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="renewal_options"
    )
    sequence = models.PositiveSmallIntegerField()
    months = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    exercised_on = models.DateField(null=True, blank=True)
    exercised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "sequence"], name="unique_renewal_option")
        ]

    def __str__(self) -> str:
        return f"Renewal {self.sequence} ({self.months} months)"


class Amendment(models.Model):
    """A numbered change to an agreement: what changed (field by field), when, why, and who
    approved it. The agreement row holds the current terms; amendments are its history."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    effective_on = models.DateField()
    summary = models.CharField(max_length=300, help_text="What changed, in a sentence.")
    reason = models.TextField(help_text="Why.")
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    document = models.FileField(upload_to="amendments/%Y/", blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_amendment")
        ]

    def __str__(self) -> str:
        return f"Amendment {self.number}: {self.summary}"


class AgreementDocument(models.Model):
    class Kind(models.TextChoices):
        EXECUTED_AGREEMENT = "executed_agreement", "Executed agreement"
        INSURANCE = "insurance", "Certificate of insurance"
        OTHER = "other", "Other"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="agreements/%Y/")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreement", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class ExpiryNotice(models.Model):
    """An expiry warning sent for one threshold (180, 90 or 30 days), so it goes out once."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="expiry_notices"
    )
    threshold_days = models.PositiveSmallIntegerField()
    term_ends_on = models.DateField(help_text="The term end the notice was about.")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "threshold_days", "term_ends_on"],
                name="one_notice_per_threshold",
            )
        ]
