"""The fee ledger: double-entry, append-only, in integer cents.

An entry is a dated, described set of postings; a posting moves ``amount_cents`` (always
positive) from the account it credits to the account it debits, so every entry balances by
construction and the trial balance is zero by construction too. Nothing here is ever updated or
deleted (migration ``fees.0002`` makes the database refuse it); a mistake is corrected by a
reversing entry. An entry posts into the ledger period of its ``booked_on`` date, and nothing
posts into a closed period.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from interlocal.core.models import State
from interlocal.registry.models import Sponsor, Supplier


class AccountKind(models.TextChoices):
    ASSET = "asset", "Asset"
    LIABILITY = "liability", "Liability"
    INCOME = "income", "Income"
    EXPENSE = "expense", "Expense"


class Account(models.Model):
    """One account of the chart. ``code`` is its stable name: ``cash``, ``fees:billed``,
    ``receivable:supplier:<id>``, ``credit:supplier:<id>``, ``payable:sponsor:<id>``,
    ``state-add-on:<postal>``, ``distribution:administration``, ``distribution:foundation``,
    ``write-off`` (see ``services.ledger.CHART``)."""

    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=AccountKind.choices)
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sponsor = models.ForeignKey(
        Sponsor, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class LedgerPeriod(models.Model):
    """A quarter of the ledger. Open until closed; a closed quarter takes no more entries."""

    period = models.CharField(max_length=6, unique=True)  # 2026Q3
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["period"]

    def __str__(self) -> str:
        return f"{self.period} ({'closed' if self.closed_at else 'open'})"


class EntryKind(models.TextChoices):
    INVOICE = "invoice", "Fee invoice"
    REVERSAL = "reversal", "Reversal"
    PAYMENT = "payment", "Payment received"
    CREDIT = "credit", "Credit applied"
    WRITE_OFF = "write_off", "Write-off"
    DISTRIBUTION = "distribution", "Distribution"


class JournalEntry(models.Model):
    """One business event in the ledger, booked on a day of an open period."""

    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    booked_on = models.DateField()
    period = models.CharField(max_length=6)  # the quarter of booked_on
    memo = models.CharField(max_length=300)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["period", "kind"])]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.booked_on}: {self.memo}"


class Posting(models.Model):
    """``amount_cents`` debited to ``debit`` and credited to ``credit``, in one entry."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    debit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="debits")
    credit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credits")
    amount_cents = models.BigIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(name="posting_amount_positive", condition=Q(amount_cents__gt=0)),
            models.CheckConstraint(name="posting_two_accounts", condition=~Q(debit=F("credit"))),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cents}¢ {self.credit.code} → {self.debit.code}"
