"""The demo's sales history is deterministic: the same seed writes the same lines. (Apart from
``test_demo_sales``, whose module-wide demo would stop a second seeding.)"""

import pytest
from django.db import transaction
from django.db.models import Count, Max, Min, Sum

from interlocal.registry.demo.seed import seed_demo
from interlocal.reporting.models import SalesLine

pytestmark = pytest.mark.django_db


def fingerprint() -> dict[str, object]:
    return SalesLine.objects.aggregate(
        n=Count("id"), cents=Sum("extended_cents"), day=Max("invoice_date"), sku=Min("sku")
    )


def test_same_seed_same_sales(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    with transaction.atomic():
        seed_demo("small", 11)
        first = fingerprint()
        transaction.set_rollback(True)
    seed_demo("small", 11)
    assert fingerprint() == first
    assert first["n"] > 100_000
