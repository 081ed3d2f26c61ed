"""An agency's request to become a participating agency."""

import rules
from django.conf import settings
from django.db import models

from interlocal.core.models import State
from interlocal.registry.models.agencies import Agency, AgencyType


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def visible_to(self, user: object) -> "RegistrationQuerySet":
        # Registrations carry contacts' names and addresses: the program office's to read.
        return self if rules.has_perm("registration:view_queue", user) else self.none()

    def pending(self) -> "RegistrationQuerySet":
        return self.filter(status=Registration.Status.PENDING)


class Registration(models.Model):
    """A registrant names its agency (found in the universe, or proposed as a new entity),
    its contact, and signs the participation terms; the program office verifies it unless
    the contact's email domain is a verified domain of that agency."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting verification"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations"
    )
    proposed_name = models.CharField(max_length=200, blank=True)
    proposed_type = models.CharField(max_length=24, choices=AgencyType.choices, blank=True)
    proposed_state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_city = models.CharField(max_length=100, blank=True)
    ein = models.CharField("EIN", max_length=9, blank=True)
    contact_name = models.CharField(max_length=150)
    contact_title = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    terms_version = models.CharField(max_length=20)
    signed_name = models.CharField(max_length=150, help_text="Typed signature.")
    signed_at = models.DateTimeField()
    auto_approved = models.BooleanField(default=False)
    email_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the contact opened the confirmation link sent to their address.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open registration per agency: a second registrant joins the queue's answer.
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(status="pending"),
                name="one_pending_registration_per_agency",
            ),
            models.CheckConstraint(
                name="registration_names_an_agency",
                condition=models.Q(agency__isnull=False)
                | (~models.Q(proposed_name="") & models.Q(proposed_state__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"Registration of {self.agency_name} by {self.contact_email}"

    @property
    def agency_name(self) -> str:
        return self.agency.name if self.agency is not None else self.proposed_name
