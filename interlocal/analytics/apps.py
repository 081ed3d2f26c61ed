from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "interlocal.analytics"
    verbose_name = "Program analytics"

    def ready(self) -> None:
        from interlocal.analytics import policies  # noqa: F401  (registers the permissions)
