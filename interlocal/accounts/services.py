"""Writes to accounts: organizations, memberships and API keys."""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import ApiKey, ApiScope, Membership, Organization, User
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
    if not actor.has_perm("apikey:manage") or organization not in actor.organizations_with(
        *[r for r in Role if r != Role.AUDITOR]
    ):
        raise PermissionDenied("you can manage API keys only for your own organization")


@transaction.atomic
def issue_api_key(
    *, actor: User, organization: Organization, name: str, scopes: list[str]
) -> IssuedKey:
    _check_key_manager(actor, organization)
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ValidationError(
            {
                "scopes": f"unknown scope(s) {', '.join(unknown)}; choose from "
                f"{', '.join(ApiScope.values)}"
            }
        )
    if not scopes:
        raise ValidationError({"scopes": "choose at least one scope"})
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
