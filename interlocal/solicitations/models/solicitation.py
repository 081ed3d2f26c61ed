"""A lead agency's competitive solicitation and what surrounds it before proposals are opened:
criteria, documents, advertisement, addenda, questions and the Advisory Board's review."""

import datetime
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from interlocal.core.models import CategoryCode
from interlocal.registry.models import Agency

DEFAULT_COOPERATIVE_CLAUSE = (
    "Cooperative purchasing. The lead agency issues this solicitation on behalf of itself and "
    "of every public agency, public or private non-profit school, college or university, and "
    "501(c)(3) non-profit organization in the United States that registers with the program "
    "(participating agencies). Any participating agency may purchase the goods and services "
    "awarded under the resulting master agreement at the same prices and on the same terms, "
    "where the law that governs it allows, without a solicitation of its own. Each "
    "participating agency contracts directly with the supplier, is responsible only for its "
    "own orders and payments, and the lead agency bears no liability for them. The supplier "
    "agrees to offer the master agreement nationally, to report all sales under it quarterly "
    "and to pay the program's administrative fee."
)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    ADVISORY_REVIEW = "advisory_review", "Advisory Board review"
    PUBLISHED = "published", "Published — open for proposals"
    CLOSED = "closed", "Closed — proposals opened"
    EVALUATION = "evaluation", "Evaluation"
    AWARD_RECOMMENDED = "award_recommended", "Award recommended"
    AWARD_APPROVED = "award_approved", "Award approved"
    AWARDED = "awarded", "Awarded"
    CANCELLED = "cancelled", "Cancelled"


class Scope(models.TextChoices):
    GOODS = "goods", "Goods"
    SERVICES = "services", "Services"
    PUBLIC_WORKS = "public_works", "Public works"


class Method(models.TextChoices):
    """The competitive method: what state cooperative-purchasing laws ask about."""

    RFP = "rfp", "Request for proposals (competitive sealed proposals)"
    SEALED_BID = "sealed_bid", "Invitation for bids (competitive sealed bids)"


class SolicitationQuerySet(models.QuerySet["Solicitation"]):
    def locked(self, pk: int) -> "Solicitation":
        """The row as it is now, locked until the transaction ends: every service reads the
        state it checks from here, never from an instance its caller may have kept."""
        return self.select_for_update().get(pk=pk)

    def public(self) -> "SolicitationQuerySet":
        """Published at some time: the notice is public record from then on."""
        return self.filter(published_at__isnull=False)

    def visible_to(self, user: Any) -> "SolicitationQuerySet":
        """Everyone sees published solicitations. Before publication, a draft is seen by its
        lead agency's officers, the program office and auditors, and — while it is under
        review — by the Advisory Board."""
        from interlocal.accounts.roles import Role
        from interlocal.core.permissions import is_overseer

        if user is None or not user.is_authenticated:
            return self.public()
        if is_overseer(user):
            return self.all()
        lead_agencies = [
            o.agency_id for o in user.organizations_with(Role.LEAD_AGENCY_OFFICER) if o.agency_id
        ]
        condition = Q(published_at__isnull=False) | Q(lead_agency_id__in=lead_agencies)
        if user.has_role(Role.ADVISORY_MEMBER):
            condition |= Q(status=Status.ADVISORY_REVIEW)
        return self.filter(condition)


class Solicitation(models.Model):
    """A competitive solicitation (RFP or IFB) that carries cooperative purchasing language.

    Its ``status`` moves only through ``services.transition`` along the table in
    ``workflow.TRANSITIONS``; deadlines are stored in UTC and shown in ``time_zone``, the lead
    agency's.
    """

    number = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="solicitations")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.RFP)
    categories = models.ManyToManyField(CategoryCode, related_name="solicitations")
    description = models.TextField(help_text="Scope of work and specifications.")
    cooperative_clause = models.TextField(default=DEFAULT_COOPERATIVE_CLAUSE)
    estimated_national_volume_cents = models.BigIntegerField(
        null=True, blank=True, help_text="Estimated national spend a year, in cents."
    )
    due_at = models.DateTimeField(help_text="Proposals are due at this moment (stored in UTC).")
    time_zone = models.CharField(max_length=40, default="America/Chicago")
    template = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived",
        help_text="The prior solicitation this one was started from.",
    )
    replaces = models.ManyToManyField(
        "agreements.Agreement",
        blank=True,
        related_name="resolicitations",
        help_text="Expiring agreements this solicitation re-solicits.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    award_memo = models.TextField(blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    objects = SolicitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def due_local(self) -> datetime.datetime:
        return self.due_at.astimezone(self.zone)

    def local_today(self) -> datetime.date:
        """Today's date where the lead agency is (a day ahead of or behind the server's
        around midnight)."""
        return timezone.now().astimezone(self.zone).date()

    def is_past_due(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.due_at

    @property
    def is_sealed(self) -> bool:
        """Proposals stay sealed until the audited opening."""
        return self.opened_at is None


class EvaluationCriterion(models.Model):
    """What proposals are scored on, with a weight; a solicitation's weights sum to 100."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["solicitation", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class DocumentKind(models.TextChoices):
    SOLICITATION = "solicitation", "Solicitation document"
    SPECIFICATION = "specification", "Specifications"
    PRICING_FORM = "pricing_form", "Pricing form"
    ADVERTISEMENT_PROOF = "advertisement_proof", "Proof of advertisement"
    EVALUATION_REPORT = "evaluation_report", "Evaluation report"
    AWARD_NOTICE = "award_notice", "Award notice"
    OTHER = "other", "Other"


class SolicitationDocument(models.Model):
    """A public document of the solicitation (never a proposal's: those are sealed)."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="solicitations/%Y/")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["solicitation", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class Advertisement(models.Model):
    """Where and when the solicitation was advertised: the proof many state laws ask for."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="advertisements"
    )
    medium = models.CharField(max_length=200, help_text="Newspaper, journal or website.")
    published_on = models.DateField()
    reference = models.CharField(max_length=300, blank=True, help_text="Edition, page or URL.")
    proof = models.ForeignKey(
        SolicitationDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["solicitation", "published_on", "id"]

    def __str__(self) -> str:
        return f"{self.medium}, {self.published_on:%Y-%m-%d}"


class Addendum(models.Model):
    """A numbered, dated change to a published solicitation; proposers acknowledge each one."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="addenda")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_due_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the addendum moves the due date."
    )
    previous_due_at = models.DateTimeField(
        null=True, blank=True, help_text="The due date this addendum replaced, if it moved it."
    )

    class Meta:
        ordering = ["solicitation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "number"], name="unique_addendum")
        ]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum {self.number}: {self.title}"


class AddendumAcknowledgement(models.Model):
    addendum = models.ForeignKey(
        Addendum, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    supplier = models.ForeignKey(
        "registry.Supplier", on_delete=models.PROTECT, related_name="addendum_acknowledgements"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["addendum", "supplier"], name="unique_acknowledgement")
        ]


class Question(models.Model):
    """A prospective proposer's question: private until answered, then published without the
    asker's name so every proposer has the same information."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="questions"
    )
    supplier = models.ForeignKey(
        "registry.Supplier", on_delete=models.PROTECT, related_name="questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["solicitation", "asked_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ReviewRound(models.Model):
    """One Advisory Board vote: on a draft solicitation before publication, or on an award
    recommendation. The quorum and majority in force are copied onto the round."""

    class Subject(models.TextChoices):
        SOLICITATION = "solicitation", "Solicitation before publication"
        AWARD = "award", "Award recommendation"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Voting"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned with comments"

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="review_rounds"
    )
    subject = models.CharField(max_length=20, choices=Subject.choices)
    quorum = models.PositiveSmallIntegerField()
    majority_percent = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["solicitation", "opened_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} — {self.get_outcome_display()}"


class ReviewVote(models.Model):
    class Choice(models.TextChoices):
        APPROVE = "approve", "Approve"
        RETURN = "return", "Return with comments"
        ABSTAIN = "abstain", "Abstain"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_votes"
    )
    choice = models.CharField(max_length=10, choices=Choice.choices)
    comment = models.TextField(blank=True)
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "voted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="one_vote_per_member")
        ]
