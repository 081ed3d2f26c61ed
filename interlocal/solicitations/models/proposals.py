"""Sealed proposals and their evaluation: the committee, conflict-of-interest declarations and
scores."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from interlocal.solicitations.models.solicitation import EvaluationCriterion, Solicitation


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def visible_to(self, user: Any) -> "ProposalQuerySet":
        """Sealing, as a scope. Before the opening a proposal is seen only by its own supplier
        (as a receipt). After it: the program office and auditors, the lead agency's officers,
        and committee members who have signed a declaration without a conflict."""
        from interlocal.accounts.roles import Role
        from interlocal.core.permissions import is_overseer

        if user is None or not user.is_authenticated:
            return self.none()
        suppliers = [o.supplier_id for o in user.organizations_with(Role.SUPPLIER_REP)]
        own = Q(supplier_id__in=[s for s in suppliers if s])
        opened = Q(solicitation__opened_at__isnull=False)
        if is_overseer(user):
            return self.filter(own | opened)
        leads = [o.agency_id for o in user.organizations_with(Role.LEAD_AGENCY_OFFICER)]
        cleared = ConflictDeclaration.objects.filter(
            member__solicitation=OuterRef("solicitation"),
            member__user=user,
            has_conflict=False,
        )
        return self.filter(
            own | (opened & (Q(solicitation__lead_agency_id__in=leads) | Exists(cleared)))
        )


class Proposal(models.Model):
    """A supplier's sealed response. One current proposal per supplier: a resubmission before
    the deadline supersedes the earlier one, which is kept."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        SUPERSEDED = "superseded", "Superseded by a later submission"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Award(models.TextChoices):
        NONE = "", "Not decided"
        RECOMMENDED = "recommended", "Recommended for award"
        AWARDED = "awarded", "Awarded"
        NOT_AWARDED = "not_awarded", "Not awarded"

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.PROTECT, related_name="proposals"
    )
    supplier = models.ForeignKey(
        "registry.Supplier", on_delete=models.PROTECT, related_name="proposals"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    receipt = models.CharField(
        max_length=64, help_text="SHA-256 over the documents' hashes: the supplier's receipt."
    )
    award = models.CharField(max_length=12, choices=Award.choices, default="", blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["solicitation", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "supplier"],
                condition=Q(status="submitted"),
                name="one_current_proposal_per_supplier",
            )
        ]

    def __str__(self) -> str:
        return f"Proposal of {self.supplier} to {self.solicitation.number}"


class ProposalDocument(models.Model):
    class Kind(models.TextChoices):
        TECHNICAL = "technical", "Technical proposal"
        PRICE_FILE = "price_file", "Price file"
        OTHER = "other", "Other"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    original_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="proposals/%Y/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["proposal", "kind", "id"]

    def __str__(self) -> str:
        return self.original_name


class CommitteeMember(models.Model):
    """A person appointed to evaluate the proposals of one solicitation."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="committee"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_seats"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["solicitation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "user"], name="unique_committee_seat")
        ]

    def __str__(self) -> str:
        return str(self.user)


class ConflictDeclaration(models.Model):
    """Signed by a committee member before seeing any proposal. A member who declares a
    conflict is recused: never sees the proposals, never scores."""

    member = models.OneToOneField(
        CommitteeMember, on_delete=models.PROTECT, related_name="declaration"
    )
    has_conflict = models.BooleanField()
    statement = models.TextField()
    signed_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField(default=timezone.now)


class Score(models.Model):
    """One member's score of one proposal on one criterion, 0 to 10 (10 = fully meets).

    A proposal's weighted total from one member is Σ score x weight ÷ 10, out of 100.
    """

    MAX = 10

    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="scores")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.PROTECT, related_name="scores"
    )
    points = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "proposal", "criterion"], name="one_score_per_cell"
            ),
            models.CheckConstraint(name="score_in_range", condition=Q(points__lte=10)),
        ]
