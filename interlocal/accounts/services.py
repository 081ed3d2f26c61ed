"""Writes to accounts: organizations, memberships and API keys."""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import (
    SCOPES_BY_KIND,
    ApiKey,
    ApiScope,
    Membership,
    Organization,
    User,
    scopes_for,
)
from interlocal.accounts.queries import key_organizations
from interlocal.accounts.roles import ROLES_BY_KIND, OrgKind, Role
from interlocal.core import audit

KEY_PREFIX = "il"


def hash_secret(secret: str) -> str:
    # API keys are 256-bit random tokens, so a fast hash is safe (no dictionary to attack) and
    # keeps per-request checks cheap; passwords use argon2.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    token: str  # shown to the user once, never stored


def _check_key_manager(actor: User, organization: Organization) -> None:
    if actor.has_role(Role.PROGRAM_ADMIN):
        return
    if organization not in key_organizations(actor):
        raise PermissionDenied("you can manage API keys only for your own organization")


def no_scopes_available(organization: Organization) -> str:
    """What to tell someone whose organization may hold no API scope yet."""
    return (
        f"No API scopes are available to {organization} yet; supplier sales reporting and "
        "agency purchasing scopes arrive with those features."
    )


def _what_to_choose(organization: Organization, allowed: list[str]) -> str:
    if not allowed:
        return no_scopes_available(organization)
    return f"{organization} may choose from: {', '.join(allowed)}."


def _who_may_hold(scope: str) -> str:
    kinds = [kind.label.lower() for kind in OrgKind if scope in SCOPES_BY_KIND.get(kind, ())]
    holders = " and ".join(kinds) + " organizations" if kinds else "no organization"
    return f"{scope} is for {holders} only"


def _check_scopes(organization: Organization, scopes: list[str]) -> None:
    allowed = scopes_for(organization)
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ValidationError(
            {
                "scopes": f"unknown scope(s) {', '.join(unknown)}. "
                f"{_what_to_choose(organization, allowed)}"
            }
        )
    refused = sorted(set(scopes) - set(allowed))
    if refused:
        raise ValidationError(
            {
                "scopes": f"{organization} cannot hold {', '.join(refused)} "
                f"({'; '.join(_who_may_hold(s) for s in refused)}). "
                f"{_what_to_choose(organization, allowed)}"
            }
        )
    if not scopes:
        raise ValidationError(
            {
                "scopes": "choose at least one scope"
                if allowed
                else no_scopes_available(organization)
            }
        )


@transaction.atomic
def issue_api_key(
    *, actor: User, organization: Organization, name: str, scopes: list[str]
) -> IssuedKey:
    """Issue a key for an organization, with scopes its kind may hold (``SCOPES_BY_KIND``)."""
    _check_key_manager(actor, organization)
    _check_scopes(organization, scopes)
    if not name.strip():
        raise ValidationError({"name": "give the key a name that says where it is used"})
    limit = ApiKey._meta.get_field("name").max_length or 100
    if len(name.strip()) > limit:
        raise ValidationError({"name": f"shorten the name to {limit} characters or fewer"})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organization=organization,
        name=name.strip(),
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scopes=sorted(set(scopes)),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        verb="apikey.issue",
        obj=key,
        organization=organization,
        after={"name": key.name, "prefix": prefix, "scopes": key.scopes},
    )
    return IssuedKey(key=key, token=f"{KEY_PREFIX}_{prefix}_{secret}")


@transaction.atomic
def revoke_api_key(*, actor: User, key: ApiKey, reason: str = "") -> ApiKey:
    _check_key_manager(actor, key.organization)
    if key.revoked_at is not None:
        return key
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        verb="apikey.revoke",
        obj=key,
        organization=key.organization,
        before={"revoked_at": None},
        after={"revoked_at": key.revoked_at},
        reason=reason,
    )
    return key


def authenticate_api_key(token: str) -> ApiKey | None:
    """The active key a token belongs to, or None. Updates ``last_used_at`` (not audited:
    it is bookkeeping, not a state change anyone decides)."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("organization").filter(prefix=parts[1]).first()
    if key is None or key.revoked_at is not None or not key.organization.is_active:
        return None
    if not secrets.compare_digest(key.secret_hash, hash_secret(parts[2])):
        return None
    # Callers check ``key.scopes``: narrow it to what the organization may hold today, so a key
    # stored before a scope was withdrawn or limited (a supplier's registrations:write) grants
    # nothing by it. The row keeps what was issued.
    key.scopes = key.granted_scopes
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


@transaction.atomic
def add_membership(
    *, actor: User | None, user: User, organization: Organization, role: str
) -> Membership:
    """Give a person a role in an organization (program office or system only)."""
    if actor is not None and not actor.has_role(Role.PROGRAM_ADMIN):
        raise PermissionDenied("only the program office assigns roles")
    if role not in ROLES_BY_KIND[OrgKind(organization.kind)]:
        raise ValidationError(
            {"role": f"a {organization.get_kind_display()} cannot have the role {role}"}
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role
    )
    if created:
        audit.record(
            actor=actor,
            verb="membership.add",
            obj=membership,
            organization=organization,
            after={"user": user.email, "role": role, "organization": organization.pk},
        )
    user.__dict__.pop("roles", None)
    user.__dict__.pop("active_memberships", None)
    user.__dict__.pop("primary_organization", None)
    return membership
