"""Suppliers that hold master agreements, and their diversity certifications."""

import datetime

from django.db import models
from django.utils import timezone

from interlocal.core.models import State


class SupplierQuerySet(models.QuerySet["Supplier"]):
    def visible_to(self, user: object) -> "SupplierQuerySet":
        # Supplier identity and certifications are public; their sales data is scoped elsewhere.
        return self.all()


class Supplier(models.Model):
    """A company that proposes on solicitations and sells under master agreements."""

    class Size(models.TextChoices):
        SMALL = "small", "Small business"
        OTHER_THAN_SMALL = "other_than_small", "Other than small"
        UNKNOWN = "unknown", "Not stated"

    legal_name = models.CharField(max_length=200)
    dba = models.CharField("doing business as", max_length=200, blank=True)
    uei = models.CharField(
        "UEI",
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        help_text="SAM.gov Unique Entity ID (12 characters).",
    )
    ein = models.CharField("EIN", max_length=9, blank=True)
    hq_state = models.ForeignKey(
        State,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="headquarters state",
    )
    business_size = models.CharField(max_length=20, choices=Size.choices, default=Size.UNKNOWN)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.dba or self.legal_name


class CertificationKind(models.TextChoices):
    MBE = "MBE", "Minority-owned business (MBE)"
    WBE = "WBE", "Woman-owned business (WBE)"
    DBE = "DBE", "Disadvantaged business (DBE)"
    SBE = "SBE", "Small business (SBE)"
    VOSB = "VOSB", "Veteran-owned small business (VOSB)"
    SDVOSB = "SDVOSB", "Service-disabled veteran-owned small business (SDVOSB)"
    HUBZONE = "HUBZone", "HUBZone small business"
    DOBE = "DOBE", "Disability-owned business"
    LGBTBE = "LGBTBE", "LGBT-owned business"
    LOCAL = "LOCAL", "Local business"


class CertificationQuerySet(models.QuerySet["Certification"]):
    def counting(self, on: datetime.date | None = None) -> "CertificationQuerySet":
        """Verified certifications in force on a day. An expired one stops counting by itself:
        nothing has to run for it to drop out."""
        day = on or timezone.localdate()
        return self.filter(
            verification_status=Certification.Verification.VERIFIED,
            valid_from__lte=day,
            valid_to__gte=day,
        )


class Certification(models.Model):
    """A diversity or small-business certification issued to a supplier by a certifying body."""

    class Verification(models.TextChoices):
        PENDING = "pending", "Awaiting verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(max_length=10, choices=CertificationKind.choices)
    certifying_body = models.CharField(max_length=200)
    number = models.CharField("certificate number", max_length=60)
    valid_from = models.DateField()
    valid_to = models.DateField()
    evidence = models.FileField(upload_to="certifications/%Y/", blank=True)
    verification_status = models.CharField(
        max_length=10, choices=Verification.choices, default=Verification.PENDING
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["supplier", "kind"]
        constraints = [
            models.CheckConstraint(
                name="cert_dates_in_order", condition=models.Q(valid_to__gte=models.F("valid_from"))
            ),
            models.UniqueConstraint(
                fields=["certifying_body", "number", "kind"], name="unique_certificate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} ({self.certifying_body})"

    @property
    def counts_today(self) -> bool:
        return self.counts_on(timezone.localdate())

    def counts_on(self, day: datetime.date) -> bool:
        return (
            self.verification_status == self.Verification.VERIFIED
            and self.valid_from <= day <= self.valid_to
        )
