from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "interlocal.eligibility"
    verbose_name = "Eligibility"

    def ready(self) -> None:
        from interlocal.eligibility import policies  # noqa: F401  (registers named permissions)
