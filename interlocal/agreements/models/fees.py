"""Admin fee schedules: what a supplier owes on its sales under an agreement, by date."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from interlocal.agreements.models.agreement import Agreement
from interlocal.core.models import State

DEFAULT_RATE_BPS = 200  # 2%


class FeeBase(models.TextChoices):
    """Which amount the rate applies to."""

    NET_INVOICED = "net_invoiced", "Invoiced sales net of tax and freight"
    CASH_RECEIVED = "cash_received", "Cash received"
    INVOICED_LESS_RETURNS = "invoiced_less_returns", "Invoiced sales less returns and credits"


class FeeScheduleQuerySet(models.QuerySet["FeeSchedule"]):
    def in_effect_on(self, day: datetime.date) -> "FeeScheduleQuerySet":
        return self.filter(effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day)
        )


class FeeSchedule(models.Model):
    """The admin fee of one agreement for a period: a rate in basis points on a fee base,
    optionally tiered by cumulative sales in the agreement year, plus optional state add-ons.
    Periods of one agreement never overlap."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="fee_schedules")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    rate_bps = models.PositiveIntegerField(default=DEFAULT_RATE_BPS)
    fee_base = models.CharField(
        max_length=24, choices=FeeBase.choices, default=FeeBase.NET_INVOICED
    )
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FeeScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "effective_from"]
        constraints = [
            models.CheckConstraint(
                name="fee_rate_at_most_100_percent", condition=Q(rate_bps__lte=10000)
            ),
            models.CheckConstraint(
                name="fee_period_in_order",
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate_bps} bps from {self.effective_from:%Y-%m-%d}"


class FeeTier(models.Model):
    """From ``from_cents`` of cumulative sales in the agreement year, the rate is ``rate_bps``."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="tiers")
    from_cents = models.BigIntegerField()
    rate_bps = models.PositiveIntegerField()

    class Meta:
        ordering = ["schedule", "from_cents"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "from_cents"], name="unique_fee_tier"),
            models.CheckConstraint(
                name="tier_rate_at_most_100_percent", condition=Q(rate_bps__lte=10000)
            ),
        ]


class StateAddOn(models.Model):
    """An extra fee on sales to agencies in one state (some states charge for their own
    cooperative program's administration)."""

    schedule = models.ForeignKey(
        FeeSchedule, on_delete=models.CASCADE, related_name="state_add_ons"
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    add_on_bps = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "state"], name="unique_state_add_on"),
            models.CheckConstraint(
                name="add_on_at_most_100_percent", condition=Q(add_on_bps__lte=10000)
            ),
        ]
