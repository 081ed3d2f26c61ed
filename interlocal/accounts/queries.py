from django.db.models import QuerySet

from interlocal.accounts.models import ApiKey, Organization, User
from interlocal.accounts.roles import Role


def key_organizations(user: object) -> list[Organization]:
    """Organizations whose keys the user may manage."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.has_role(Role.PROGRAM_ADMIN):  # type: ignore[attr-defined]
        return list(user.organizations_with(Role.PROGRAM_ADMIN))  # type: ignore[attr-defined]
    return user.organizations_with(*[r for r in Role if r != Role.AUDITOR])  # type: ignore[attr-defined]


def api_keys_visible_to(user: object) -> QuerySet[ApiKey]:
    qs = ApiKey.objects.select_related("organization", "created_by")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.has_role(Role.PROGRAM_ADMIN):  # type: ignore[attr-defined]
        return qs
    return qs.filter(organization__in=key_organizations(user))


def emails_of(role: str, **organization: object) -> set[str]:
    """Addresses of the active people who hold ``role`` in an organization matching the
    lookups given (``agency=…``, ``kind=…``, ``supplier_id__in=…``): whom to write to."""
    lookups = {f"memberships__organization__{name}": value for name, value in organization.items()}
    people = User.objects.filter(is_active=True, memberships__role=role, **lookups)
    return set(people.values_list("email", flat=True))
