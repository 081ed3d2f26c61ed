"""Every URL and API endpoint x every role: generated from the URLconf, so a new page that
forgets to declare its permission fails here.

EXPECTED is the written policy (who may do what); the test checks both that the rules say so
and that each view enforces it.
"""

from typing import Any

import pytest
from django.conf import settings
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
    "solicitation:view": ALL,
    "solicitation:draft": {"program_admin", "lead_agency_officer"},
    "solicitation:manage": {"program_admin", "lead_agency_officer"},
    "solicitation:review": {"advisory_member"},
    "solicitation:ask": {"supplier_rep"},
    "solicitation:answer": {"program_admin", "lead_agency_officer"},
    "proposal:submit": {"supplier_rep"},
    "proposal:open": {"program_admin", "lead_agency_officer"},
    # Only members of a solicitation's committee score; no persona sits on one.
    "evaluation:score": set(),
    "evaluation:view": {"program_admin", "lead_agency_officer", "auditor"},
    "agreement:view": ALL,
    "agreement:manage": {"program_admin", "lead_agency_officer"},
    "agreement:price_file": {"program_admin", "lead_agency_officer"},
    "agreement:fee_schedule": {"program_admin"},
    "agreement:pipeline": {"program_admin", "auditor", "lead_agency_officer"},
    "eligibility:view": ALL,
    "eligibility:edit_rules": {"program_admin"},
    "opendata:view": ALL,
    "salesreport:view": {"program_admin", "auditor", "supplier_rep"},
    "salesreport:submit": {"program_admin", "supplier_rep"},
    "salesreport:review": {"program_admin"},
    "salesreport:accept": {"program_admin"},
    "salesreport:office": {"program_admin", "auditor"},
    "salesreport:template": ALL,
    "salesreport:dispersion": {"program_admin", "auditor", "supplier_rep"},
    "salesreport:quality": {"program_admin", "auditor", "supplier_rep"},
    "fees:view": {"program_admin", "auditor"},
    "fees:close_period": {"program_admin"},
    "fees:record_payment": {"program_admin"},
    "fees:send_notice": {"program_admin"},
    # the supplier portal: a representative's own invoices, payments and statement
    "fees:view_own": {"supplier_rep"},
    # distribution: prepared by one program administrator, approved by another
    "fees:manage_policy": {"program_admin"},
    "fees:record_cost": {"program_admin"},
    "fees:prepare_distribution": {"program_admin"},
    "fees:approve_distribution": {"program_admin"},
    # the fee transparency pages and recipients' statements (decision 0018)
    "transparency:view": ALL,
    # analytics: the program's aggregates for all; every slice for the program office and
    # auditors; anyone else their own slices, by membership (decision 0019)
    "analytics:view": ALL,
    "analytics:view_all": {"program_admin", "auditor"},
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


# Where the object decides, not only the role: a sealed proposal's documents are readable by
# its own supplier alone until the opening (sealing is tested in solicitations/tests).
OBJECT_LEVEL: dict[str, set[str]] = {"solicitations:proposal_document": {"supplier_rep"}}


def _objects(personas: dict[str, Any]) -> dict[str, Any]:
    """One object for every URL argument, all of the lead-agency persona's agency (Harmon
    County), so its officer passes the object-level checks as the role table says."""
    import datetime

    from django.core.cache import cache
    from django.core.files.base import ContentFile

    from interlocal.agreements import services as agreement_services
    from interlocal.agreements.models import Agreement, PriceFile
    from interlocal.registry.models import Supplier
    from interlocal.solicitations import services
    from interlocal.solicitations.models import ProposalDocument
    from interlocal.solicitations.tests import builders
    from tests import factories

    officer, rep = personas["lead_agency_officer"], personas["supplier_rep"]
    board = builders.board(3)
    published = builders.published(personas, board, number="MATRIX-PUB")
    with_documents = builders.draft(personas, number="MATRIX-DOCS")
    services.add_document(
        with_documents,
        actor=officer,
        kind="solicitation",
        title="RFP",
        file=ContentFile(b"%PDF-1.4 rfp", name="rfp.pdf"),
    )
    services.transition(with_documents, "submit_for_review", actor=officer)
    builders.approve_review(with_documents, board)
    services.transition(with_documents, "publish", actor=officer)
    addendum = services.issue_addendum(published, actor=officer, title="A1", body="Changes")
    question = services.ask_question(published, actor=rep, text="Delivery?")
    services.acknowledge_addendum(addendum, actor=rep)
    builders.propose(published, rep)
    awarded = builders.in_evaluation(
        personas, board, [factories.supplier_rep()], number="MATRIX-AWD"
    )
    services.declare(awarded, actor=board[0], has_conflict=False, statement="", signed_name="A")
    builders.score_all(awarded, board[0], {awarded.proposals.get().supplier_id: 8})
    ids = list(awarded.proposals.values_list("pk", flat=True))
    services.transition(awarded, "recommend_award", actor=officer, proposal_ids=ids, memo="Best")
    builders.approve_review(awarded, board)
    terms = services.AwardTerms(effective_on=datetime.date(2026, 1, 1))
    services.transition(awarded, "award", actor=officer, terms=terms)
    agreement = Agreement.objects.get(solicitation=awarded)
    document = agreement_services.add_document(
        agreement,
        actor=officer,
        kind="executed_agreement",
        title="Signed",
        file=ContentFile(b"%PDF-1.4 signed", name="signed.pdf"),
    )
    PriceFile.objects.create(
        agreement=agreement, version=1, effective_from=datetime.date(2026, 1, 1), sha256="0" * 64
    )
    cache.set("price-errors:matrix-token", "line,column,code,value,message\r\n", 60)
    reporting = _reporting_objects(personas)
    return reporting | {
        "published": published,
        "draft": builders.draft(personas, number="MATRIX-DRAFT"),
        "awarded": awarded,
        "solicitation_document": published.__class__.objects.get(
            number="MATRIX-DOCS"
        ).documents.get(),
        "addendum": addendum,
        "question": question,
        "proposal": published.proposals.get(),
        "proposal_document": ProposalDocument.objects.filter(
            proposal__solicitation=published
        ).first(),
        "agreement": agreement,
        "agreement_document": document,
        "supplier": Supplier.objects.first(),
    }


def _reporting_objects(personas: dict[str, Any]) -> dict[str, Any]:
    """An obligation of the supplier persona's agreement with a version in review and one
    customer waiting for the program office, written directly (no file is processed)."""
    import datetime

    from interlocal.reporting.models import (
        ReportCustomer,
        ReportObligation,
        SalesReport,
    )
    from tests import factories

    held = factories.agreement(supplier=personas["supplier_rep"].primary_organization.supplier)
    obligation = ReportObligation.objects.create(
        agreement=held, period="2026Q1", due_on=datetime.date(2026, 4, 30)
    )
    report = SalesReport.objects.create(
        obligation=obligation, version=1, source="csv", status="in_review"
    )
    obligation.latest, obligation.status = report, "in_review"
    obligation.save()
    customer = ReportCustomer.objects.create(
        report=report, name="Unknown Buyer", state="TX", key="unknown buyer", method="unmatched"
    )
    fee_invoice = _fee_invoice(report)
    return {
        "obligation": obligation,
        "sales_report": report,
        "report_customer": customer,
        "fee_invoice": fee_invoice,
        "fee_supplier": fee_invoice.supplier,
    }


def _fee_invoice(report: Any) -> Any:
    """A fee invoice of the supplier persona, written directly ($0.00, no lines, no entry)."""
    import datetime

    from interlocal.fees.models import FeeInvoice

    agreement = report.obligation.agreement
    return FeeInvoice.objects.create(
        number="FI-2026Q1-MATRIX",
        report=report,
        agreement=agreement,
        supplier_id=agreement.supplier_id,
        sales_period=report.obligation.period,
        issued_on=datetime.date(2026, 5, 1),
        due_on=datetime.date(2026, 5, 31),
        line_count=0,
        sales_cents=0,
        base_cents=0,
        fee_exact_cbp=0,
        fee_cents=0,
    )


def _kwargs_for(
    name: str, pattern: Any, objects: dict[str, Any], registration: Registration, evidence: str
) -> dict[str, Any]:
    keys = set(pattern.pattern.converters)
    if not keys:
        return {}
    pk = {
        "solicitations:document": "solicitation_document",
        "solicitations:acknowledge": "addendum",
        "solicitations:answer": "question",
        "solicitations:withdraw": "proposal",
        "solicitations:proposal_document": "proposal_document",
        "solicitations:edit": "draft",
        "solicitations:evaluation": "awarded",
        "agreements:document": "agreement_document",
        "reporting:obligation": "obligation",
        "reporting:submit": "obligation",
        "reporting:decide": "report_customer",
        "fees:invoice": "fee_invoice",
        "fees:account_invoice": "fee_invoice",
        "fees:notice": "fee_supplier",
        "fees:send_notice": "fee_supplier",
        "fees:statement": "fee_supplier",
        "fees:statement_csv": "fee_supplier",
    }
    if name in pk:
        return {"pk": objects[pk[name]].pk}
    namespace = name.split(":")[0]
    if namespace == "transparency":  # the fee invoice's year and quarter, 2026Q2
        year_or_quarter = {"year": 2026, "period": "2026Q2", "slug": "foundation"}
        return {key: year_or_quarter[key] for key in keys}
    if keys == {"period"}:
        return {"period": "2026Q1"}
    if namespace == "analytics":
        return {"slug": "sales"}
    if name == "fees:end_policy":
        return {"pk": 1}
    if keys == {"rule_id"}:
        return {"rule_id": "TX-GOV-791"}
    if keys == {"rule_id", "version"}:
        return {"rule_id": "TX-GOV-791", "version": 1}
    if keys == {"ocid"}:
        return {"ocid": f"{settings.OCDS_PREFIX}-{objects['awarded'].number}"}
    if keys == {"pk", "token"}:
        return {"pk": objects["agreement"].pk, "token": "matrix-token"}
    if keys == {"token"}:
        return {"token": "not-a-real-token"}
    if keys == {"name"}:
        return {"name": evidence}
    if namespace == "solicitations":
        return {"pk": objects["published"].pk}
    if namespace == "reporting":
        return {"pk": objects["sales_report"].pk}
    if namespace in ("agreements", "eligibility"):
        return {"pk": objects["agreement"].pk}
    if "registration" in name:
        return {"pk": registration.pk}
    if "supplier" in name:
        return {"pk": objects["supplier"].pk}
    if "api_key" in name:
        from interlocal.accounts.models import ApiKey

        return {"pk": ApiKey.objects.first().pk}
    return {"pk": Agency.objects.first().pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ANON, *ROLES])
def test_every_url_enforces_its_permission(
    role: str, client_for, personas, settings, tmp_path
) -> None:
    from django.core.files.base import ContentFile

    from interlocal.accounts.services import issue_api_key
    from tests.factories import CertificationFactory

    settings.MEDIA_ROOT = tmp_path
    settings.ADVISORY_QUORUM = 3
    certification = CertificationFactory()
    certification.evidence.save("matrix-evidence.pdf", ContentFile(b"%PDF-1.4"), save=True)
    evidence = certification.evidence.name.removeprefix("certifications/")

    issue_api_key(
        actor=personas["sponsor_viewer"],
        organization=personas["sponsor_viewer"].primary_organization,
        name="matrix",
        scopes=["registrations:write"],
    )
    objects = _objects(personas)
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
        url = reverse(name, kwargs=_kwargs_for(name, pattern, objects, registration, evidence))
        allowed = role in OBJECT_LEVEL.get(name, EXPECTED[pattern.callback.required_permission])
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
    ("get", "/api/v1/solicitations"): None,
    ("post", "/api/v1/solicitations"): "solicitations:write",
    ("get", "/api/v1/solicitations/{solicitation_id}"): None,
    ("post", "/api/v1/solicitations/{solicitation_id}/transitions"): "solicitations:write",
    ("get", "/api/v1/solicitations/{solicitation_id}/proposals"): None,
    ("post", "/api/v1/solicitations/{solicitation_id}/proposals"): "proposals:write",
    ("post", "/api/v1/solicitations/{solicitation_id}/votes"): "solicitations:write",
    ("post", "/api/v1/solicitations/{solicitation_id}/committee"): "solicitations:write",
    ("post", "/api/v1/solicitations/{solicitation_id}/declaration"): "solicitations:write",
    ("post", "/api/v1/solicitations/{solicitation_id}/scores"): "solicitations:write",
    ("get", "/api/v1/solicitations/{solicitation_id}/evaluation"): None,
    ("get", "/api/v1/agreements"): None,
    ("get", "/api/v1/agreements/{agreement_id}"): None,
    ("get", "/api/v1/agreements/{agreement_id}/price-file"): None,
    ("get", "/api/v1/agreements/{agreement_id}/eligibility"): None,
    ("get", "/api/v1/eligibility/rules"): None,
    ("get", "/api/v1/ocds/releases"): None,
    ("get", "/api/v1/ocds/records/{ocid}"): None,
    ("post", "/api/v1/sales-reports"): "salesreports:write",
    ("get", "/api/v1/sales-reports/{report_id}"): "salesreports:write",
    ("get", "/api/v1/sales-reports/{report_id}/errors"): "salesreports:write",
    ("get", "/api/v1/sales-reports/dispersion"): "salesreports:write",
    ("get", "/api/v1/sales-reports/quality"): "salesreports:write",
    ("get", "/api/v1/fees/invoices"): "fees:read",
    ("get", "/api/v1/fees/invoices/{invoice_id}"): "fees:read",
    ("get", "/api/v1/fees/invoices/{invoice_id}/lines"): "fees:read",
    ("get", "/api/v1/fees/statements/{recipient}"): None,
    ("get", "/api/v1/transparency/{year}"): None,
    # the program's aggregates are public; a slice of one's own takes analytics:read
    ("get", "/api/v1/analytics/sales"): None,
    ("get", "/api/v1/analytics/participation"): None,
    ("get", "/api/v1/analytics/savings"): None,
    ("get", "/api/v1/analytics/diversity"): None,
}


def api_operations() -> list[tuple[str, str]]:
    from config.api import api

    schema = api.get_openapi_schema()
    return [(method, path) for path, ops in schema["paths"].items() for method in ops]


def test_every_api_operation_has_an_expectation() -> None:
    assert set(api_operations()) == set(API_EXPECTED)


@pytest.fixture
def api_world(personas, settings, tmp_path) -> dict[str, Any]:
    """One object of each kind the API addresses, in the state each write needs: a published
    solicitation, a draft, one under the Advisory Board's review, one in evaluation with the
    Advisory Board persona on its committee, and an awarded one with its agreement."""
    from interlocal.solicitations import services
    from interlocal.solicitations.tests import builders
    from tests import factories

    settings.MEDIA_ROOT = tmp_path
    settings.ADVISORY_QUORUM = 3
    objects = _objects(personas)
    officer = personas["lead_agency_officer"]
    review = builders.draft(personas, number="MATRIX-REVIEW")
    services.transition(review, "submit_for_review", actor=officer)
    evaluating = builders.in_evaluation(
        personas, builders.board(3), [factories.supplier_rep()], number="MATRIX-EVAL"
    )
    services.appoint_member(evaluating, personas["advisory_member"], actor=officer)
    return objects | {
        "agency": Agency.objects.filter(participating_since__isnull=True).first(),
        "review": review,
        "evaluating": evaluating,
        "ocid": f"{settings.OCDS_PREFIX}-{objects['published'].number}",
    }


# Which solicitation each operation addresses, and the persona whose key may use it.
API_TARGETS = {
    "/transitions": "draft",
    "/votes": "review",
    "/declaration": "evaluating",
    "/scores": "evaluating",
    "/evaluation": "awarded",
}
API_OWNERS = {
    "/api/v1/registrations": "sponsor_viewer",
    "/proposals": "supplier_rep",
    "/votes": "advisory_member",
    "/declaration": "advisory_member",
    "/scores": "advisory_member",
    "/sales-reports": "supplier_rep",
    "/sales-reports/{report_id}": "supplier_rep",
    "/sales-reports/{report_id}/errors": "supplier_rep",
    "/sales-reports/dispersion": "supplier_rep",
    "/sales-reports/quality": "supplier_rep",
    "/fees/invoices": "supplier_rep",
    "/fees/invoices/{invoice_id}": "supplier_rep",
    "/fees/invoices/{invoice_id}/lines": "supplier_rep",
}


def _by_suffix(table: dict[str, str], path: str, default: str) -> str:
    return next((v for k, v in table.items() if path.endswith(k)), default)


def _api_call(client, method: str, path: str, world: dict[str, Any], **headers: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from interlocal.solicitations.tests.test_api import draft_body

    target = world[_by_suffix(API_TARGETS, path, "published")]
    url = (
        path.replace("{agency_id}", str(world["agency"].pk))
        .replace("{solicitation_id}", str(target.pk))
        .replace("{agreement_id}", str(world["agreement"].pk))
        .replace("{ocid}", world["ocid"])
        .replace("{report_id}", str(world["sales_report"].pk))
        .replace("{invoice_id}", str(world["fee_invoice"].pk))
        .replace("{recipient}", "foundation")
        .replace("{year}", "2026")  # the fee invoice's year
    )
    if path.endswith("/eligibility"):
        url += f"?agency={world['agency'].pk}"  # the verdict is for one agency
    if path.endswith("/dispersion"):  # of one agreement's quarter
        url += f"?agreement={world['obligation'].agreement.number}&period=2026Q1"
    if method == "get":
        return client.get(url, headers=headers)
    if path.endswith("/proposals"):
        files = {
            "technical": SimpleUploadedFile("t.pdf", b"%PDF-1.4"),
            "price_file": SimpleUploadedFile("p.csv", b"sku,price\nA,1.00\n"),
        }
        return client.post(url, files, headers=headers)
    bodies: dict[str, dict[str, Any]] = {
        "/api/v1/registrations": {
            "agency_id": world["agency"].pk,
            "contact_name": "Pat",
            "contact_email": "pat@x.gov",
            "signed_name": "Pat",
            "accepted_terms": True,
        },
        "/api/v1/solicitations": draft_body(number="MATRIX-API"),
        "/transitions": {"name": "submit_for_review"},
        "/votes": {"choice": "approve"},
        "/committee": {"email": "buyer@example.gov"},
        "/declaration": {"has_conflict": False, "signed_name": "Advisory Member"},
        "/scores": {"scores": []},
        "/api/v1/sales-reports": {
            "agreement": world["obligation"].agreement.number,
            "period": "2026Q2",
            "no_sales": True,
        },
    }
    body = bodies.get(path) or next(v for k, v in bodies.items() if path.endswith(k))
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ANON, *ROLES])
def test_every_api_operation_for_every_role(role: str, client_for, api_world) -> None:
    # A browser session grants no API writes: writes need an organization key with a scope.
    client = client_for(None if role == ANON else role)
    for method, path in api_operations():
        scope = API_EXPECTED[(method, path)]
        response = _api_call(client, method, path, api_world)
        expected = 200 if scope is None else 401
        assert response.status_code == expected, (role, method, path, response.content)


# Which scopes a key of each organization kind may carry (the written policy): enrolling
# agencies is for the program office and the sponsors, never a supplier (participation feeds
# its fee base); agencies and suppliers get scopes with their own features.
API_SCOPES_BY_KIND: dict[str, set[str]] = {
    "program_office": {
        "registrations:write",
        "solicitations:write",
        "salesreports:write",
        "fees:read",
        "analytics:read",
    },
    "sponsor": {"registrations:write", "analytics:read"},
    "agency": {"solicitations:write", "analytics:read"},
    "supplier": {"proposals:write", "salesreports:write", "fees:read", "analytics:read"},
}


def test_every_scope_gates_an_api_write_and_every_write_has_a_scope() -> None:
    # A scope that gates nothing (the directory reads are public) would be a promise the API
    # does not keep. (fees:read gates the fee invoices, which are not public.)
    from interlocal.accounts.models import ApiScope

    writes = {scope for scope in API_EXPECTED.values() if scope is not None}
    # analytics:read gates the slices of the public analytics endpoints (a supplier's, a
    # sponsor's, an agency's: analytics/tests/test_api.py), not whole endpoints
    assert set(ApiScope.values) == writes | {"analytics:read"}


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
def test_every_api_write_needs_its_scope(personas, client, api_world) -> None:
    from interlocal.accounts.models import ApiKey, ApiScope
    from interlocal.accounts.services import issue_api_key

    for method, path in api_operations():
        scope = API_EXPECTED[(method, path)]
        if scope is None:
            continue
        owner = personas[_by_suffix(API_OWNERS, path, "lead_agency_officer")]
        # A key lacking the scope: issued with it, then stored with every other scope instead,
        # as an older key would be.
        others = [s for s in ApiScope.values if s != scope]
        without = issue_api_key(
            actor=owner, organization=owner.primary_organization, name="without", scopes=[scope]
        )
        ApiKey.objects.filter(pk=without.key.pk).update(scopes=others)
        with_scope = issue_api_key(
            actor=owner, organization=owner.primary_organization, name="with", scopes=[scope]
        ).token
        denied = _api_call(client, method, path, api_world, Authorization=f"Bearer {without.token}")
        assert denied.status_code == 403 and scope in denied.json()["detail"]
        allowed = _api_call(client, method, path, api_world, Authorization=f"Bearer {with_scope}")
        assert allowed.status_code in (200, 201), allowed.content
