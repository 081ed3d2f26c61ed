from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "interlocal.opendata"
    verbose_name = "Open data"

    def ready(self) -> None:
        from interlocal.opendata import policies  # noqa: F401  (registers named permissions)
