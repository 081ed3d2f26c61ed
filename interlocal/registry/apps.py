from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "interlocal.registry"
    label = "registry"
    verbose_name = "Registry: agencies, suppliers, sponsors"

    def ready(self) -> None:
        from interlocal.registry import policies  # noqa: F401  (registers named permissions)
