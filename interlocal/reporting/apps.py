from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "interlocal.reporting"
    verbose_name = "Sales reporting"

    def ready(self) -> None:
        from interlocal.reporting import policies  # noqa: F401  (registers the permissions)
