from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "interlocal.fees"
    verbose_name = "Administrative fees"

    def ready(self) -> None:
        from interlocal.fees import policies  # noqa: F401  (registers the permissions)
