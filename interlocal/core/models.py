"""Geography every program needs, and the append-only audit trail."""

import rules
from django.conf import settings
from django.db import models


class State(models.Model):
    """A state, the District of Columbia or a territory; eligibility law is made per state."""

    class Kind(models.TextChoices):
        STATE = "state", "State"
        DISTRICT = "district", "Federal district"
        TERRITORY = "territory", "Territory"

    fips = models.CharField(max_length=2, unique=True)
    postal = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=64)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.STATE)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class County(models.Model):
    """A county or county-equivalent (parish, borough, census area) by its 5-digit FIPS code."""

    fips = models.CharField(max_length=5, unique=True)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="counties")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["state__name", "name"]
        verbose_name_plural = "counties"

    def __str__(self) -> str:
        return f"{self.name}, {self.state.postal}"


class CategoryCode(models.Model):
    """A purchase category: a code in a classification scheme, held as data.

    Codes form a tree (``parent``). The program ships its own small scheme (``IL``); a program
    licensed for UNSPSC loads that set with ``manage.py import_category_codes``.
    """

    scheme = models.CharField(max_length=12, default="IL")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="unique_category_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: object) -> "AuditEventQuerySet":
        return self if rules.has_perm("audit:view", user) else self.none()

    def update(self, **kwargs):
        raise PermissionError("audit events are append-only; record a correcting event instead")

    def delete(self):
        raise PermissionError("audit events are append-only and cannot be deleted")


class AuditEvent(models.Model):
    """One state change: who did what to which object, before and after, and why.

    Events are append-only (the model refuses updates and deletes; database triggers refuse
    them too) and hash-chained: each event's ``hash`` covers its content and the previous
    event's hash, so ``manage.py verify_audit`` finds any row changed behind the software's back.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, help_text="Who acted, as shown at the time.")
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit events are append-only; record a correcting event instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only and cannot be deleted")


class AuditChainHead(models.Model):
    """The single row holding the chain's last sequence number and hash.

    Writers lock it (SELECT ... FOR UPDATE) so concurrent transactions append in strict order.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain at #{self.last_seq}"
