"""Eligibility rules as stored: every version of every rule, never edited in place."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone


class RuleVersionQuerySet(models.QuerySet["RuleVersion"]):
    def current(self) -> "RuleVersionQuerySet":
        """The latest version of each rule: the one verdicts use."""
        newer = RuleVersion.objects.filter(
            rule_id=OuterRef("rule_id"), version__gt=OuterRef("version")
        )
        return self.exclude(Exists(newer))

    def visible_to(self, user: Any) -> "RuleVersionQuerySet":
        # Rules and their history are public: buyers, suppliers and auditors read the same law.
        return self.all()


class RuleVersion(models.Model):
    """One version of one eligibility rule: data saying, with citations, whether and on which
    conditions an agency of a type in a state may use a cooperative contract.

    A rule changes by adding a version — loaded from the shipped files or written by the program
    office — so the law a past verdict rested on stays readable. ``body`` is the validated rule
    (``schema.Rule``) as JSON; ``source_text`` is the YAML the office wrote or the loader read.
    ``state``, ``layer`` and ``title`` repeat parts of the body so lists need not parse it.
    """

    class Source(models.TextChoices):
        FILE = "file", "Shipped rule file"
        OFFICE_EDIT = "office_edit", "Program office edit"

    rule_id = models.CharField(max_length=60, db_index=True)
    version = models.PositiveIntegerField()
    body = models.JSONField()
    source_text = models.TextField()
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical body.")
    source = models.CharField(max_length=12, choices=Source.choices)
    source_file = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True, db_index=True)
    layer = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    note = models.TextField(help_text="Why this version was made.")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RuleVersionQuerySet.as_manager()

    class Meta:
        ordering = ["rule_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule_id", "version"], name="unique_rule_version")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # History is append-only: a change is a new version, never an update of an old one.
        if not self._state.adding:
            raise ValueError("rule versions are never changed; add a new version instead")
        super().save(*args, **kwargs)
