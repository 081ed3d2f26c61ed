"""API key authentication shared by every router."""

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from interlocal.accounts.models import ApiKey
from interlocal.accounts.services import authenticate_api_key
from interlocal.core.context import current_api_key


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer il_<prefix>_<secret>``, an organization API key."""

    openapi_description = "Organization API key, sent as `Authorization: Bearer il_…`."

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = authenticate_api_key(token)
        current_api_key.set(key)
        return key


def require_scope(request: HttpRequest, scope: str) -> ApiKey:
    key: Any = getattr(request, "auth", None)
    if not isinstance(key, ApiKey):
        raise HttpError(401, "send an organization API key as 'Authorization: Bearer il_…'")
    if scope not in key.scopes:
        raise HttpError(
            403,
            f"this API key lacks the scope '{scope}' (it has: {', '.join(key.scopes) or 'none'}); "
            "ask your organization's administrator for a key with that scope",
        )
    return key
