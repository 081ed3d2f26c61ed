from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from interlocal.accounts.models import User
from interlocal.accounts.roles import Role

# Paths a program administrator without TOTP may still reach: setting it up, and signing out.
_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/api/")


class RequireAdminMfaMiddleware:
    """A program administrator (or any staff or superuser account) must enrol a TOTP
    authenticator before doing anything else.

    allauth then asks for the code at every sign-in of a user who has one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and user.is_authenticated
            and (user.has_role(Role.PROGRAM_ADMIN) or user.is_staff or user.is_superuser)
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not _has_totp(user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
