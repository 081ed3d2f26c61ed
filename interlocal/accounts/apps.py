from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "interlocal.accounts"
    label = "accounts"
    verbose_name = "Accounts, organizations and roles"

    def ready(self) -> None:
        from interlocal.accounts import policies  # noqa: F401  (registers named permissions)
