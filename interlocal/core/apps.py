from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "interlocal.core"
    label = "core"
    verbose_name = "Core: geography and audit trail"

    def ready(self) -> None:
        from interlocal.core import policies  # noqa: F401  (registers named permissions)


class ProgramOfficeAdminConfig(admin_apps.AdminConfig):
    """Django admin, served by the program-office site (program administrators only)."""

    default = False
    default_site = "interlocal.core.admin_site.ProgramOfficeAdminSite"
