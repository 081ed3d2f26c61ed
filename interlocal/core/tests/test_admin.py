"""The back office: program administrators only, and every change is an audit event."""

import pytest

from conftest import ROLES
from interlocal.core.models import AuditEvent
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_only_program_admins_enter_the_back_office(client_for, role) -> None:
    response = client_for(role).get("/admin/registry/agency/")
    if role == "program_admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_admin_edit_is_audited_with_before_and_after(client_for) -> None:
    agency = AgencyFactory(name="City of Lake Rdige")
    admin = client_for("program_admin")
    form = admin.get(f"/admin/registry/agency/{agency.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {
        "name": "City of Lake Ridge",
        "state": agency.state_id,
        "county": agency.county_id,
        "domains-TOTAL_FORMS": 0,
        "domains-INITIAL_FORMS": 0,
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
    }
    response = admin.post(f"/admin/registry/agency/{agency.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(verb="admin.change")
    assert event.before["name"] == "City of Lake Rdige"
    assert event.after["name"] == "City of Lake Ridge"
    assert event.actor.email == "program_admin@example.gov"


def test_audit_events_are_read_only_in_the_back_office(client_for) -> None:
    AgencyFactory()
    admin = client_for("program_admin")
    assert admin.get("/admin/core/auditevent/").status_code == 200
    assert admin.get("/admin/core/auditevent/add/").status_code == 403
