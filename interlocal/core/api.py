"""Helpers every API router uses: lazy pagination, refusals as 422, and who a key acts for."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError

from interlocal.accounts.models import User
from interlocal.core.api_auth import require_scope


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every refusal: what was refused and, field by field, why."""

    detail: str
    errors: list[FieldError] = []


class LazyRows:
    """Lets the paginator slice (and count) the queryset before rows become dicts."""

    def __init__(self, qs: Any, to_dict: Callable[[Any], dict[str, Any]]) -> None:
        self.qs = qs
        self.to_dict = to_dict

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [self.to_dict(row) for row in self.qs[item]]


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Every message of a refusal, with the field it is about ("" for the whole request)."""
    if hasattr(exc, "error_dict"):
        return [{"field": f, "message": m} for f, ms in exc.message_dict.items() for m in ms]
    return [{"field": "", "message": m} for m in exc.messages]


def refused(exc: ValidationError, what: str) -> Status:
    """A 422 listing every field error, saying nothing was saved."""
    detail = f"{what} was refused; nothing was saved"
    return Status(422, {"detail": detail, "errors": field_errors(exc)})


def acting_user(request: HttpRequest, scope: str) -> User:
    """The person an API key acts for: the one who issued it, with the permissions they hold
    now (a key never grants more than its issuer may do in the web UI, and stops working for
    actions they lose)."""
    key = require_scope(request, scope)
    user = key.created_by
    if user is None or not user.is_active:
        raise HttpError(403, "the person who issued this API key is no longer active")
    if not any(m.organization_id == key.organization_id for m in user.active_memberships):
        raise HttpError(
            403, "the person who issued this API key no longer acts for its organization"
        )
    return user


def forbidden(exc: PermissionDenied) -> HttpError:
    return HttpError(403, str(exc) or "you do not have permission for this")


def attempt[T](what: str, action: Callable[[], T]) -> T | Status:
    """Run a service for an endpoint: its result, or the 422 that lists why ``what`` was
    refused (nothing saved); a permission refusal becomes a 403."""
    try:
        return action()
    except ValidationError as exc:
        return refused(exc, what)
    except PermissionDenied as exc:
        raise forbidden(exc) from exc
