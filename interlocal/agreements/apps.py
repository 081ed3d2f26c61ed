from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "interlocal.agreements"
    verbose_name = "Master agreements"

    def ready(self) -> None:
        from interlocal.agreements import policies  # noqa: F401  (registers the permissions)
