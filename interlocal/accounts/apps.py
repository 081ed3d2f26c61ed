from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "interlocal.accounts"
    label = "accounts"
    verbose_name = "Accounts, organizations and roles"

    def ready(self) -> None:
        # Imported for their side effects: named permissions, and audit receivers for the
        # account changes allauth makes (passwords, email addresses, MFA).
        from interlocal.accounts import policies, signals  # noqa: F401
