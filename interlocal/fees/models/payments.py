"""Payments of fees and how they are applied to invoices."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from interlocal.fees.models.invoices import FeeInvoice
from interlocal.fees.models.ledger import JournalEntry
from interlocal.registry.models import Supplier


class Payment(models.Model):
    """Money a supplier sent to the program's fee account, as the bank recorded it. What part
    of it paid which invoice is in its allocations; what was left over is the supplier's
    credit, applied to its next invoices."""

    class Method(models.TextChoices):
        ACH = "ach", "ACH transfer"
        WIRE = "wire", "Wire transfer"
        CHECK = "check", "Check"
        OTHER = "other", "Other"

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="fee_payments")
    received_on = models.DateField()
    amount_cents = models.BigIntegerField()
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.ACH)
    reference = models.CharField(max_length=80, help_text="The bank's or the check's reference.")
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Bank file and line, if any.")
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="payment")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="payment_positive", condition=Q(amount_cents__gt=0)),
            models.UniqueConstraint(
                fields=["supplier", "reference"], name="unique_payment_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.received_on})"


class Allocation(models.Model):
    """``amount_cents`` of a payment (or of the supplier's credit, when ``payment`` is empty)
    applied to an invoice. Negative when an invoice was reversed and what had been paid on it
    went back to the supplier's credit."""

    invoice = models.ForeignKey(FeeInvoice, on_delete=models.PROTECT, related_name="allocations")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    amount_cents = models.BigIntegerField()
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="allocations")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(name="allocation_not_zero", condition=~Q(amount_cents=0)),
        ]
