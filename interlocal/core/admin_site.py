"""The admin site object, kept apart from ``admin.py`` so the app config can name it before
models load."""

from django.contrib import admin
from django.http import HttpRequest

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
