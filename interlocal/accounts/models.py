"""People, the organizations they act for, their roles, and organization API keys."""

from collections.abc import Collection
from functools import cached_property
from typing import Any, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models

from interlocal.accounts.roles import ROLES_BY_KIND, OrgKind, Role


class EmailUserManager(UserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("an email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. Identified by email; acts through organization memberships."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    title = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = EmailUserManager()  # type: ignore[misc]
    loaded_email: str | None = None

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @classmethod
    def from_db(
        cls,
        db: str | None,
        field_names: Collection[str],
        values: Collection[Any],
        **kwargs: Any,
    ) -> Self:
        instance = super().from_db(db, field_names, values, **kwargs)
        # The address as loaded, so the audit of an email change can name the old one: allauth
        # passes none for accounts it did not create (invited, enrolled by registration).
        instance.loaded_email = instance.__dict__.get("email")
        return instance

    @cached_property
    def active_memberships(self) -> list["Membership"]:
        if not self.pk:
            return []
        return list(
            self.memberships.select_related("organization").filter(organization__is_active=True)
        )

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.active_memberships)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @cached_property
    def primary_organization(self) -> "Organization | None":
        memberships = self.active_memberships
        return memberships[0].organization if memberships else None

    def organizations_with(self, *roles: str) -> list["Organization"]:
        return [m.organization for m in self.active_memberships if m.role in roles]


class Organization(models.Model):
    """Who a person acts for: the program office, an agency, a supplier or a sponsor.

    Only entities that have people signing in get an organization; the 90,000-row agency
    universe does not.
    """

    kind = models.CharField(max_length=20, choices=OrgKind.choices)
    name = models.CharField(max_length=200)
    agency = models.OneToOneField(
        "registry.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organization",
    )
    supplier = models.OneToOneField(
        "registry.Supplier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organization",
    )
    sponsor = models.OneToOneField(
        "registry.Sponsor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organization",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="org_kind_matches_link",
                condition=(
                    models.Q(
                        kind="agency",
                        agency__isnull=False,
                        supplier__isnull=True,
                        sponsor__isnull=True,
                    )
                    | models.Q(
                        kind="supplier",
                        supplier__isnull=False,
                        agency__isnull=True,
                        sponsor__isnull=True,
                    )
                    | models.Q(
                        kind="sponsor",
                        sponsor__isnull=False,
                        agency__isnull=True,
                        supplier__isnull=True,
                    )
                    | models.Q(
                        kind="program_office",
                        agency__isnull=True,
                        supplier__isnull=True,
                        sponsor__isnull=True,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person holds a role in an organization."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"

    def clean(self) -> None:
        if self.organization_id is None:
            return  # the form reports the missing organization itself
        allowed = ROLES_BY_KIND.get(self.organization.kind, set())
        if self.role not in allowed:
            raise ValidationError(
                {
                    "role": f"a {self.organization.get_kind_display()} cannot have the role "
                    f"'{self.get_role_display()}'"
                }
            )


class ApiScope(models.TextChoices):
    """What an API key lets its organization's systems do. The directory (agencies,
    suppliers) is public and read without a key; what is not public has a scope: writes, and
    the fee invoices (``fees:read``), which are a supplier's and the program office's business."""

    REGISTRATIONS_WRITE = "registrations:write", "Submit agency registrations"
    SOLICITATIONS_WRITE = "solicitations:write", "Draft and run solicitations"
    PROPOSALS_WRITE = "proposals:write", "Submit proposals to solicitations"
    SALESREPORTS_WRITE = "salesreports:write", "File quarterly sales reports and read their results"
    FEES_READ = "fees:read", "Read fee invoices, their lines, payments and ledger postings"
    ANALYTICS_READ = "analytics:read", "Read the analytics of your own slice, down to the agency"


# Which scopes a key of each organization kind may carry. Enrolling agencies is for the program
# office and the sponsors (a state association registering its members); a supplier may not,
# since participation feeds its fee base. A lead agency (and the office assisting it) runs
# solicitations; a supplier submits proposals. The program office and suppliers read fee
# invoices (a supplier's key its own). A key acts with its issuer's permissions, so a
# scope never lets a key do what its issuer could not do in the web UI.
SCOPES_BY_KIND: dict[str, frozenset[str]] = {
    OrgKind.PROGRAM_OFFICE: frozenset(
        {
            ApiScope.REGISTRATIONS_WRITE,
            ApiScope.SOLICITATIONS_WRITE,
            ApiScope.SALESREPORTS_WRITE,
            ApiScope.FEES_READ,
            ApiScope.ANALYTICS_READ,
        }
    ),
    OrgKind.SPONSOR: frozenset({ApiScope.REGISTRATIONS_WRITE, ApiScope.ANALYTICS_READ}),
    OrgKind.AGENCY: frozenset({ApiScope.SOLICITATIONS_WRITE, ApiScope.ANALYTICS_READ}),
    OrgKind.SUPPLIER: frozenset(
        {
            ApiScope.PROPOSALS_WRITE,
            ApiScope.SALESREPORTS_WRITE,
            ApiScope.FEES_READ,
            ApiScope.ANALYTICS_READ,
        }
    ),
}


def scopes_for(organization: "Organization") -> list[str]:
    """The scopes a key of this organization may carry, in ``ApiScope`` order."""
    allowed = SCOPES_BY_KIND.get(organization.kind, frozenset())
    return [scope for scope in ApiScope.values if scope in allowed]


class ApiKey(models.Model):
    """A machine credential for one organization. The secret is shown once and stored hashed."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def granted_scopes(self) -> list[str]:
        """The stored scopes the key's organization may still hold. A key stored before a scope
        was withdrawn or limited to other organization kinds keeps the word in its row (the
        record of what was issued) but is granted nothing by it."""
        allowed = scopes_for(self.organization)
        return [scope for scope in self.scopes if scope in allowed]

    @property
    def withdrawn_scopes(self) -> list[str]:
        granted = self.granted_scopes
        return [scope for scope in self.scopes if scope not in granted]
