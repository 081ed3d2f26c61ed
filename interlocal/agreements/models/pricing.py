"""Price files: versioned, effective-dated lists of items and contract prices."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from interlocal.agreements.models.agreement import Agreement


class PriceFileQuerySet(models.QuerySet["PriceFile"]):
    def in_effect_on(self, day: datetime.date) -> "PriceFileQuerySet":
        return self.filter(effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day)
        )


class PriceFile(models.Model):
    """One version of an agreement's price list. A new version effective on day D ends the
    one before it on D - 1; versions never overlap and are never edited, only superseded."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="price_files")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    source_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    item_count = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = PriceFileQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "version"], name="unique_price_version")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.number} price file v{self.version}"


class PriceItem(models.Model):
    """An item and its price under the agreement, in cents. ``contract_price_cents`` is the
    price a participating agency pays; when the supplier quotes a discount off list instead,
    both the discount and the resulting price are kept."""

    price_file = models.ForeignKey(PriceFile, on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(max_length=100)
    description = models.CharField(max_length=500)
    unit = models.CharField(max_length=40)
    list_price_cents = models.BigIntegerField(null=True, blank=True)
    contract_price_cents = models.BigIntegerField()
    discount_bps = models.PositiveIntegerField(null=True, blank=True)
    category_code = models.CharField(max_length=20, blank=True)
    search_text = models.CharField(max_length=700, editable=False, default="")

    class Meta:
        ordering = ["price_file", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["price_file", "sku"], name="unique_sku_per_file"),
            models.CheckConstraint(
                name="price_not_negative",
                condition=Q(contract_price_cents__gte=0)
                & (Q(list_price_cents__isnull=True) | Q(list_price_cents__gte=0)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.description}"
