from django.db.models import QuerySet

from interlocal.accounts.models import ApiKey, Organization
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
