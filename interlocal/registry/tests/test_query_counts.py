"""List pages and list endpoints run a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interlocal.registry.models import Registration
from tests.factories import AgencyFactory, CertificationFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(n: int) -> None:
    from django.db import transaction

    from interlocal.accounts.models import User
    from interlocal.core import audit
    from interlocal.core.models import AuditEvent

    before = AuditEvent.objects.count()
    actor = User.objects.filter(email="program_admin@example.gov").first()
    for i in range(n):
        supplier = SupplierFactory()
        CertificationFactory(supplier=supplier)
        CertificationFactory(supplier=supplier, kind="MBE")
        agency = AgencyFactory(name=f"Town of Queryville {i}")
        Registration.objects.create(
            agency=agency,
            contact_name="P",
            contact_email=f"p{i}@x.gov",
            terms_version="t",
            signed_name="P",
            signed_at="2026-01-01T00:00:00Z",
        )
        with transaction.atomic():
            audit.record(actor=actor, verb="test.grow", obj=agency)
    assert AuditEvent.objects.count() == before + n  # the audit page really has more rows


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (None, "/agencies/"),
        (None, "/suppliers/"),
        (None, "/api/v1/agencies"),
        (None, "/api/v1/suppliers"),
        ("program_admin", "/office/registrations/"),
        ("program_admin", "/office/audit/"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(client_for, role, url) -> None:
    client = client_for(role)
    grow(2)
    few = queries_for(client, url)
    grow(20)
    many = queries_for(client, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with many"
