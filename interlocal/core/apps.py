from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "interlocal.core"
    label = "core"
    verbose_name = "Core: geography and audit trail"

    def ready(self) -> None:
        from interlocal.core import policies  # noqa: F401  (registers named permissions)
