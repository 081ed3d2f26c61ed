"""Every URL and API endpoint x every role: generated from the URLconf, so a new page that
forgets to declare its permission fails here.

EXPECTED is the written policy (who may do what); the test checks both that the rules say so
and that each view enforces it.
"""

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ROLES
from interlocal.registry.models import Agency, Registration

ANON = "anonymous"
ALL = {ANON, *ROLES}
SIGNED_IN = set(ROLES)

EXPECTED: dict[str, set[str]] = {
    "site:view": ALL,
    "dashboard:view": SIGNED_IN,
    "audit:view": {"program_admin", "auditor"},
    "agency:view": ALL,
    "agency:enroll": {"program_admin"},
    "supplier:view": ALL,
    "registration:submit": ALL,
    "registration:view_queue": {"program_admin", "auditor"},
    "registration:decide": {"program_admin"},
    "registry:import": {"program_admin"},
    "certification:evidence": {"program_admin", "auditor"},
    "apikey:manage": SIGNED_IN - {"auditor"},
}

# Namespaces served by libraries with their own protection (login, MFA, admin, API).
SKIP_NAMESPACES = {"admin", "api"}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, Any]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            found += _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and namespace and namespace not in SKIP_NAMESPACES:
            found.append((f"{namespace}:{entry.name}", entry))
    return found


def project_urls() -> list[tuple[str, Any]]:
    return _walk(get_resolver())


def test_every_project_view_declares_a_permission() -> None:
    missing = [name for name, p in project_urls() if not hasattr(p.callback, "required_permission")]
    assert missing == []


def test_every_declared_permission_has_an_expectation() -> None:
    used = {p.callback.required_permission for _, p in project_urls()}
    assert used <= set(EXPECTED), used - set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("permission", sorted(EXPECTED))
def test_rules_grant_exactly_the_expected_roles(permission: str, personas: dict) -> None:
    granted = {role for role, user in personas.items() if user.has_perm(permission)}
    from django.contrib.auth.models import AnonymousUser

    if AnonymousUser().has_perm(permission):
        granted.add(ANON)
    assert granted == EXPECTED[permission]


def _kwargs_for(
    pattern: Any, agency: Agency, registration: Registration, evidence: str = ""
) -> dict[str, Any]:
    keys = set(pattern.pattern.converters)
    if not keys:
        return {}
    if keys == {"token"}:
        return {"token": "not-a-real-token"}
    if keys == {"name"}:
        return {"name": evidence}
    name = pattern.name
    if "registration" in name:
        return {"pk": registration.pk}
    if "supplier" in name:
        from interlocal.registry.models import Supplier

        return {"pk": Supplier.objects.first().pk}
    if "api_key" in name:
        from interlocal.accounts.models import ApiKey

        return {"pk": ApiKey.objects.first().pk}
    return {"pk": agency.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ANON, *ROLES])
def test_every_url_enforces_its_permission(
    role: str, client_for, personas, settings, tmp_path
) -> None:
    from django.core.files.base import ContentFile

    from interlocal.accounts.services import issue_api_key
    from tests.factories import CertificationFactory

    settings.MEDIA_ROOT = tmp_path
    certification = CertificationFactory()
    certification.evidence.save("matrix-evidence.pdf", ContentFile(b"%PDF-1.4"), save=True)
    evidence = certification.evidence.name.removeprefix("certifications/")

    issue_api_key(
        actor=personas["sponsor_viewer"],
        organization=personas["sponsor_viewer"].primary_organization,
        name="matrix",
        scopes=["registrations:write"],
    )
    agency = Agency.objects.first()
    registration = Registration.objects.create(
        agency=Agency.objects.filter(participating_since__isnull=True).last(),
        contact_name="Pat",
        contact_email="pat@example.gov",
        terms_version="t",
        signed_name="Pat",
        signed_at="2026-01-01T00:00:00Z",
    )
    client = client_for(None if role == ANON else role)
    failures = []
    for name, pattern in project_urls():
        url = reverse(name, kwargs=_kwargs_for(pattern, agency, registration, evidence))
        allowed = role in EXPECTED[pattern.callback.required_permission]
        # POST-only views answer 405 to GET when allowed; what matters is they never grant.
        response = client.get(url)
        if allowed:
            ok = response.status_code in (200, 405)
        else:
            ok = response.status_code == 403 or (
                role == ANON
                and response.status_code == 302
                and "/accounts/login/" in response["Location"]
            )
        if not ok:
            failures.append((name, url, response.status_code))
    assert failures == []


# --- the API: every operation in the OpenAPI schema, for every role and for API keys ---------

# (method, path) -> scope needed; None = public read.
API_EXPECTED: dict[tuple[str, str], str | None] = {
    ("get", "/api/v1/agencies"): None,
    ("get", "/api/v1/agencies/{agency_id}"): None,
    ("get", "/api/v1/suppliers"): None,
    ("post", "/api/v1/registrations"): "registrations:write",
}


def api_operations() -> list[tuple[str, str]]:
    from config.api import api

    schema = api.get_openapi_schema()
    return [(method, path) for path, ops in schema["paths"].items() for method in ops]


def test_every_api_operation_has_an_expectation() -> None:
    assert set(api_operations()) == set(API_EXPECTED)


def _api_call(client, method: str, path: str, agency: Agency, **headers: str):
    url = path.replace("{agency_id}", str(agency.pk))
    if method == "get":
        return client.get(url, headers=headers)
    body = {
        "agency_id": agency.pk,
        "contact_name": "Pat",
        "contact_email": "pat@x.gov",
        "signed_name": "Pat",
        "accepted_terms": True,
    }
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ANON, *ROLES])
def test_every_api_operation_for_every_role(role: str, client_for) -> None:
    # A browser session grants no API writes: writes need an organization key with a scope.
    agency = Agency.objects.first()
    client = client_for(None if role == ANON else role)
    for method, path in api_operations():
        scope = API_EXPECTED[(method, path)]
        response = _api_call(client, method, path, agency)
        expected = 200 if scope is None else 401
        assert response.status_code == expected, (role, method, path, response.content)


# Which scopes a key of each organization kind may carry (the written policy): enrolling
# agencies is for the program office and the sponsors, never a supplier (participation feeds
# its fee base); agencies and suppliers get scopes with their own features.
API_SCOPES_BY_KIND: dict[str, set[str]] = {
    "program_office": {"registrations:write"},
    "sponsor": {"registrations:write"},
    "agency": set(),
    "supplier": set(),
}


def test_every_scope_gates_an_api_write_and_every_write_has_a_scope() -> None:
    # A scope that gates nothing (the directory reads are public) would be a promise the API
    # does not keep.
    from interlocal.accounts.models import ApiScope

    writes = {scope for scope in API_EXPECTED.values() if scope is not None}
    assert set(ApiScope.values) == writes


def test_scopes_by_kind_is_the_written_policy() -> None:
    from interlocal.accounts.models import SCOPES_BY_KIND

    assert {kind: set(scopes) for kind, scopes in SCOPES_BY_KIND.items()} == API_SCOPES_BY_KIND


@pytest.mark.django_db
def test_keys_are_issued_with_exactly_the_scopes_each_organization_kind_may_hold(
    personas,
) -> None:
    from django.core.exceptions import ValidationError

    from interlocal.accounts.models import ApiScope, Organization
    from interlocal.accounts.services import issue_api_key

    admin = personas["program_admin"]  # manages every organization's keys
    granted = set()
    for org in Organization.objects.all():
        for scope in ApiScope.values:
            try:
                issue_api_key(actor=admin, organization=org, name="matrix", scopes=[scope])
            except ValidationError:
                continue
            granted.add((org.kind, scope))
    expected = {(kind, scope) for kind, scopes in API_SCOPES_BY_KIND.items() for scope in scopes}
    assert granted == expected


@pytest.mark.django_db
def test_every_api_write_needs_its_scope(personas, client) -> None:
    from interlocal.accounts.models import ApiKey, ApiScope
    from interlocal.accounts.services import issue_api_key

    owner = personas["sponsor_viewer"]
    for method, path in api_operations():
        scope = API_EXPECTED[(method, path)]
        if scope is None:
            continue
        # A key lacking the scope: issued with it, then stored with every other scope instead
        # (none, while registrations:write is the only one) as an older key would be.
        others = [s for s in ApiScope.values if s != scope]
        without = issue_api_key(
            actor=owner, organization=owner.primary_organization, name="without", scopes=[scope]
        )
        ApiKey.objects.filter(pk=without.key.pk).update(scopes=others)
        with_scope = issue_api_key(
            actor=owner, organization=owner.primary_organization, name="with", scopes=[scope]
        ).token
        agency = Agency.objects.filter(participating_since__isnull=True).first()
        denied = _api_call(client, method, path, agency, Authorization=f"Bearer {without.token}")
        assert denied.status_code == 403 and scope in denied.json()["detail"]
        allowed = _api_call(client, method, path, agency, Authorization=f"Bearer {with_scope}")
        assert allowed.status_code in (200, 201), allowed.content
