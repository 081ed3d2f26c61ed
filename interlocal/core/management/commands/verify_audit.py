"""manage.py verify_audit — walk the hash chain; exit non-zero at the first broken link."""

from django.core.management.base import CommandError
from django_typer.management import TyperCommand

from interlocal.core.audit import verify_chain
from interlocal.core.models import AuditEvent


class Command(TyperCommand):
    help = "Verify the audit trail's hash chain. Exits 1 and names the first broken event."

    def handle(self) -> None:
        first = next(verify_chain(), None)
        if first is not None:
            raise CommandError(f"audit chain broken at event #{first.seq}: {first.problem}")
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count():,} events verified")
