"""manage.py demo_logins — print the persona logins of the demo program."""

from typing import Annotated

import typer
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django_typer.management import TyperCommand
from rich.table import Table

from interlocal.accounts.models import Membership
from interlocal.core.cli import command_console
from interlocal.registry.demo.seed import DEMO_PASSWORD


def current_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class Command(TyperCommand):
    help = "Print the demo persona logins (and the program admin's current TOTP code)."

    def handle(
        self,
        url: Annotated[
            str, typer.Option(help="Where the demo is served")
        ] = "http://127.0.0.1:8000/",
    ) -> None:
        out = command_console(self.stdout)
        memberships = (
            Membership.objects.select_related("user", "organization")
            .filter(user__email__endswith=".demo")
            .order_by("role")
        )
        if not memberships:
            out.print("No demo personas; run `manage.py seed_demo` first.")
            return
        table = Table(title=f"Demo logins — password for all: {DEMO_PASSWORD}")
        for column in ("role", "email", "organization"):
            table.add_column(column)
        for m in memberships:
            table.add_row(m.get_role_display(), m.user.email, m.organization.name)
        out.print(table)
        totp = Authenticator.objects.filter(
            user__email="admin@interlocal.demo", type=Authenticator.Type.TOTP
        ).first()
        if totp is not None:
            secret = decrypt(totp.data["secret"])
            out.print(
                f"The program admins (admin@ and treasurer@interlocal.demo) sign in with a "
                f"TOTP code (MFA is required for that role). Secret for an authenticator "
                f"app: {secret}. Current code: {current_code(secret)} "
                "(`manage.py demo_logins` prints a fresh one)."
            )
        out.print(f"Open {url} — {settings.PROGRAM_NAME}")
