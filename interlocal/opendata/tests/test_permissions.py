"""The open data is for everyone: the permission, and every view declaring it."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern

from interlocal.opendata import urls


def test_everyone_may_view_the_open_data() -> None:
    assert rules.has_perm("opendata:view", AnonymousUser())


@pytest.mark.parametrize("pattern", urls.urlpatterns, ids=lambda p: p.name)
def test_every_open_data_view_declares_its_permission(pattern: URLPattern) -> None:
    assert pattern.callback.required_permission == "opendata:view"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, "program_admin", "buyer", "supplier_rep", "auditor"])
def test_every_role_reads_the_open_data(world, client_for, role) -> None:
    client = client_for(role)
    for url in (
        "/opendata/",
        "/opendata/ocds/",
        "/opendata/ocds/records/ocds-test01-RFP-2025-014/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.post("/opendata/ocds/").status_code == 405  # read-only
