"""Where collected fees go: dated distribution policies, approved program costs, and the
quarterly distribution runs that post them (decision 0018).

A policy says, from a date, what share of a quarter's collected administrative fees may fund
program administration (its approved costs, up to a cap), what share goes to the Foundation,
and how the balance is split among the sponsors: fixed shares, shares weighted by the sales to
each sponsor's constituency, or both (``PolicyShare``). A run is prepared by one program
administrator and approved by another, and posted when approved; the database refuses to change
a posted run or any run's shares (migration ``fees.0005``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from interlocal.fees.models.ledger import Account, JournalEntry
from interlocal.registry.models import Sponsor

WHOLE_BPS = 10_000  # 100% in basis points


class DistributionPolicy(models.Model):
    """The rules of distribution in effect from ``effective_from`` to ``effective_to``
    (inclusive; open-ended when empty). Periods of policies never overlap; a policy used by a
    posted run is never changed: a new one takes over from a later date."""

    name = models.CharField(max_length=200)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    administration_cap_bps = models.PositiveIntegerField(
        help_text="Approved program costs are funded up to this share of collections."
    )
    foundation_bps = models.PositiveIntegerField(help_text="The Foundation's share of collections.")
    note = models.TextField(blank=True, help_text="Who adopted it, when, and where it is recorded.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["effective_from"]
        verbose_name_plural = "distribution policies"
        constraints = [
            models.CheckConstraint(
                name="policy_shares_within_whole",
                condition=Q(
                    administration_cap_bps__lte=WHOLE_BPS - models.F("foundation_bps"),
                ),
            ),
            models.CheckConstraint(
                name="policy_dates_in_order",
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from})"


class PolicyShare(models.Model):
    """A sponsor's part of the sponsors' pool under a policy: ``fixed_bps`` of it, and, if
    ``weighted``, a part of whatever the fixed shares leave, in proportion to the sales to the
    agency types it represents (a type several sponsors represent is split equally)."""

    policy = models.ForeignKey(DistributionPolicy, on_delete=models.CASCADE, related_name="shares")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="+")
    fixed_bps = models.PositiveIntegerField(default=0)
    weighted = models.BooleanField(default=False)

    class Meta:
        ordering = ["sponsor__acronym"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "sponsor"], name="unique_policy_sponsor"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.sponsor.acronym}: {self.fixed_bps} bp{' + weighted' if self.weighted else ''}"
        )


class ProgramCost(models.Model):
    """A cost of running the program in a quarter, approved by the Foundation's board (the
    approval's reference is kept). Administration's share of a distribution funds these, up
    to the policy's cap; what the cap leaves unfunded is shown, never hidden. Costs are
    append-only: a mistake is corrected by a negative adjustment, before the quarter is
    distributed."""

    period = models.CharField(max_length=6)  # 2026Q3
    category = models.CharField(max_length=80)
    description = models.CharField(max_length=300)
    amount_cents = models.BigIntegerField()
    approval = models.CharField(max_length=200, help_text="Board resolution or minutes reference.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["period", "category", "pk"]
        constraints = [
            models.CheckConstraint(name="cost_not_zero", condition=~Q(amount_cents=0)),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.category}: {self.description}"


class RunStatus(models.TextChoices):
    PREPARED = "prepared", "Prepared, awaiting approval"
    POSTED = "posted", "Approved and posted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DistributionRun(models.Model):
    """One quarter's distribution of collected fees: the figures it was prepared on, who
    prepared and who approved it, and the ledger entry it posted. At most one run of a quarter
    is prepared or posted; a posted one never changes."""

    period = models.CharField(max_length=6)
    policy = models.ForeignKey(DistributionPolicy, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PREPARED)
    collected_cents = models.BigIntegerField(
        help_text="Administrative fees collected through the quarter's end, since the start."
    )
    distributed_before_cents = models.BigIntegerField(help_text="What earlier runs distributed.")
    distributable_cents = models.BigIntegerField(help_text="Collected less distributed before.")
    costs_cents = models.BigIntegerField(help_text="The quarter's approved program costs.")
    weights = models.JSONField(default=dict, help_text="Sales by agency type, in cents.")
    prepared_at = models.DateTimeField(default=timezone.now)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entry = models.OneToOneField(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="distribution"
    )

    class Meta:
        ordering = ["-period", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=~Q(status="withdrawn"),
                name="one_live_run_per_period",
                violation_error_message="this quarter already has a distribution run",
            ),
            models.CheckConstraint(
                name="run_two_people",
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("prepared_by")),
            ),
            models.CheckConstraint(
                name="run_posted_has_entry",
                condition=~Q(status="posted") | Q(entry__isnull=False, approved_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Distribution {self.period} ({self.get_status_display()})"

    @property
    def distributed_cents(self) -> int:
        return sum(s.amount_cents for s in self.shares.all())


class Recipient(models.TextChoices):
    ADMINISTRATION = "administration", "Program administration"
    FOUNDATION = "foundation", "Foundation"
    SPONSOR = "sponsor", "Sponsor"


class DistributionShare(models.Model):
    """What one recipient receives in a run, and why (``basis``, in words)."""

    run = models.ForeignKey(DistributionRun, on_delete=models.CASCADE, related_name="shares")
    recipient = models.CharField(max_length=16, choices=Recipient.choices)
    sponsor = models.ForeignKey(
        Sponsor, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    amount_cents = models.BigIntegerField()
    basis = models.CharField(max_length=300)

    class Meta:
        ordering = ["run", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "account"], name="unique_run_account"),
            models.CheckConstraint(name="share_not_negative", condition=Q(amount_cents__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount_cents}¢"

    @property
    def account_code(self) -> str:
        return self.account.code

    @property
    def label(self) -> str:
        """The recipient as statements name it: the sponsor's acronym, or the recipient."""
        return self.sponsor.acronym if self.sponsor is not None else self.get_recipient_display()
