from django.apps import AppConfig


class SolicitationsConfig(AppConfig):
    name = "interlocal.solicitations"
    verbose_name = "Solicitations"

    def ready(self) -> None:
        from interlocal.solicitations import policies  # noqa: F401  (registers the permissions)
