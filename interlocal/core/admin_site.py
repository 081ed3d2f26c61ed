"""The admin site object, kept apart from ``admin.py`` so the app config can name it before
models load."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from interlocal.accounts.roles import Role


def is_program_admin(request: HttpRequest) -> bool:
    user = request.user
    has_role = getattr(user, "has_role", None)
    return bool(
        user.is_active and user.is_authenticated and has_role and has_role(Role.PROGRAM_ADMIN)
    )


class ProgramOfficeAdminSite(admin.AdminSite):
    site_header = "Interlocal program office"
    site_title = "Interlocal back office"
    index_title = "Back office"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_program_admin(request)

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        """Everyone signs in through the one sign-in page, which asks program administrators
        for their TOTP code (Django admin's own form would not)."""
        return redirect_to_login(request.GET.get("next", reverse("admin:index")))
