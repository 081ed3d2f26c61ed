"""The rules pages, the office's edit page, and the verdict pages."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from interlocal.core.models import AuditEvent
from interlocal.eligibility.models import RuleVersion
from interlocal.eligibility.queries import verdict_for_user
from interlocal.registry.models import Agency
from tests.factories import AgencyFactory, state

from .builders import agreement

pytestmark = pytest.mark.django_db


def test_the_rules_index_lists_every_state_with_citations_and_status(
    client, django_assert_max_num_queries
) -> None:
    # when anyone opens the rules index
    with django_assert_max_num_queries(4):
        response = client.get(reverse("eligibility:rule_list"))
    # then every state with rules appears with its citations and the verification warning
    page = response.content.decode()
    assert response.status_code == 200
    for heading in [
        "Texas",
        "California",
        "New York",
        "Washington",
        "Oregon",
        "Alabama",
        "Florida",
        "Arizona",
        "Louisiana",
        "New Jersey",
        "Federal-funds overlay",
    ]:
        assert heading in page
    assert "Tex. Loc. Gov&#x27;t Code §271.102" in page
    unverified = page.count('data-verification="unverified"')
    assert unverified == RuleVersion.objects.current().count()


def test_a_rule_page_shows_its_authority_conditions_and_history(client) -> None:
    response = client.get(reverse("eligibility:rule_detail", args=["WA-RCW-39.34.030"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "RCW 39.34.030(5)(b)" in page and "https://app.leg.wa.gov/RCW" in page
    assert "Approval by your governing body" in page and "Required" in page
    assert "Shipped rule file (wa.yaml)" in page
    assert "Edit this rule" not in page  # visitors do not edit


def test_an_unknown_rule_is_404(client) -> None:
    assert client.get(reverse("eligibility:rule_detail", args=["TX-NOPE"])).status_code == 404


def test_the_program_office_edits_a_rule_and_the_old_version_stays_readable(client_for) -> None:
    # given a program administrator on the edit page, pre-filled with the rule's text
    admin = client_for("program_admin")
    url = reverse("eligibility:rule_edit", args=["NY-GML-103.16"])
    form = admin.get(url).context["form"]
    text = form.initial["text"]
    # when they save a change with a reason
    response = admin.post(
        url,
        {
            "text": text.replace("New York — purchasing", "New York, purchasing"),
            "note": "Title style",
        },
    )
    # then they are back on the rule, now version 2, and an audit event records it
    assert response.status_code == 302
    assert response["Location"] == reverse("eligibility:rule_detail", args=["NY-GML-103.16"])
    page = admin.get(response["Location"]).content.decode()
    assert "New York, purchasing" in page and "Title style" in page
    assert AuditEvent.objects.filter(verb="eligibility_rule.edited").count() == 1
    # and version 1 is still readable, marked as kept for the record
    old = admin.get(reverse("eligibility:rule_version", args=["NY-GML-103.16", 1]))
    assert "New York — purchasing" in old.content.decode()
    assert old.context["is_current"] is False and "kept for the record" in old.content.decode()


def test_a_bad_edit_shows_each_problem_by_line_and_field_and_saves_nothing(client_for) -> None:
    admin = client_for("program_admin")
    url = reverse("eligibility:rule_edit", args=["NY-GML-103.16"])
    text = admin.get(url).context["form"].initial["text"]
    bad = text.replace("competitive_methods:\n  - sealed_bid", "competitive_methods:\n  - auction")
    response = admin.post(url, {"text": bad, "note": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The rule was not saved" in page
    assert (
        "conditions.competitive_methods[0]: &#x27;auction&#x27; is not a competitive method" in page
    )
    assert "This field is required." in page  # the note
    assert RuleVersion.objects.filter(rule_id="NY-GML-103.16").count() == 1


@pytest.mark.parametrize("role", ["buyer", "auditor", "supplier_rep"])
def test_only_program_admins_reach_the_edit_page(client_for, role) -> None:
    url = reverse("eligibility:rule_edit", args=["TX-GOV-791"])
    assert client_for(role).get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_to_edit(client) -> None:
    response = client.get(reverse("eligibility:rule_edit", args=["TX-GOV-791"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_printable_verdict_for_the_buyers_own_agency(client_for) -> None:
    # given a buyer of a Texas city and an agreement led by a Texas county
    buyer = client_for("buyer")
    a = agreement()
    # when the buyer opens the printable verdict without naming an agency
    response = buyer.get(reverse("eligibility:agreement_verdict", args=[a.pk]))
    page = response.content.decode()
    # then it is the verdict for the buyer's own agency, with everything a governing body needs
    assert response.status_code == 200
    assert response.context["agency"].name == "City of Lake Ridge"
    assert response.context["verdict"].status == "eligible"
    assert "City of Lake Ridge may use MA-2026-001 under Texas cooperative purchasing" in page
    assert "Unverified — confirm with counsel" in page
    assert 'class="checklist" data-testid="duties"' in page
    assert "Designate a person to act for your agency" in page
    assert 'Tex. Loc. Gov&#x27;t Code §271.102 — <a href="https://statutes' in page
    assert "Reviewed by" in page and "Governing body action" in page
    assert "TX-LGC-271.102 v1" in page
    assert "eligibility/eligibility.css" in page  # the print stylesheet


def test_the_printable_verdict_for_a_named_agency_amount_and_federal_funds(
    client, django_assert_max_num_queries
) -> None:
    a = agreement()
    agency = AgencyFactory(name="Pine Valley ISD", agency_type="school_district", state=state("TX"))
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("eligibility:agreement_verdict", args=[a.pk]),
            {
                "agency": agency.pk,
                "amount": "400,000.00",
                "federal_funds": "on",
                "on": "2026-03-02",
            },
        )
    page = response.content.decode()
    verdict = response.context["verdict"]
    assert verdict.status == "eligible_with_conditions"
    assert verdict.facts.amount_cents == 40_000_000
    assert "2 CFR 200.324" in page and "Cost or price analysis" in page
    assert "$400,000.00" in page


def test_a_bad_amount_is_shown_on_the_form_and_no_verdict_is_given(client) -> None:
    a = agreement()
    agency = Agency.objects.filter(state__postal="TX").first()
    response = client.get(
        reverse("eligibility:agreement_verdict", args=[a.pk]),
        {"agency": agency.pk, "amount": "12.345"},
    )
    assert response.status_code == 200 and response.context["verdict"] is None
    assert "fractions of a cent" in response.content.decode()


def test_an_anonymous_visitor_is_asked_for_an_agency(client) -> None:
    response = client.get(reverse("eligibility:agreement_verdict", args=[agreement().pk]))
    assert response.status_code == 200 and response.context["verdict"] is None
    assert "Enter your agency" in response.content.decode()


def test_an_unknown_agreement_or_agency_is_404(client) -> None:
    assert client.get(reverse("eligibility:agreement_verdict", args=[999999])).status_code == 404
    url = reverse("eligibility:agreement_verdict", args=[agreement().pk])
    assert client.get(url, {"agency": 999999999}).status_code == 404


def test_the_partial_is_a_fragment_for_htmx(client_for) -> None:
    a = agreement()
    response = client_for("buyer").get(
        reverse("eligibility:agreement_verdict_partial", args=[a.pk]),
        {"amount": "1000"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert 'id="eligibility-verdict"' in page and "of $1,000.00" in page
    assert f'hx-get="/eligibility/agreements/{a.pk}/verdict/partial/"' in page


def test_the_agreement_page_helper_gives_the_buyers_verdict_and_the_partial_renders_it(
    personas,
) -> None:
    # given an agreement, a buyer, a lead-agency officer and a supplier representative
    a = agreement()
    # when the agreement page asks for their verdicts
    buyer = verdict_for_user(personas["buyer"], a)
    officer = verdict_for_user(personas["lead_agency_officer"], a)
    # then people acting for an agency get their agency's verdict, others none
    assert buyer.facts.buyer_name == "City of Lake Ridge" and buyer.status == "eligible"
    assert officer.facts.buyer_name == "Harmon County"
    assert verdict_for_user(personas["supplier_rep"], a) is None
    assert verdict_for_user(None, a) is None
    # and the partial renders with only what the agreement page has
    html = render_to_string("eligibility/_verdict.html", {"verdict": buyer, "agreement": a})
    assert "Can City of Lake Ridge use this agreement?" in html
    assert f"/eligibility/agreements/{a.pk}/verdict/?agency=" in html
    fallback = render_to_string("eligibility/_verdict.html", {"verdict": None, "agreement": a})
    assert "Can your agency use this agreement?" in fallback


def test_a_legacy_agreement_without_a_solicitation_needs_evidence_on_the_page(client_for) -> None:
    a = agreement(method=None, number="MA-2019-007")
    response = client_for("buyer").get(reverse("eligibility:agreement_verdict", args=[a.pk]))
    page = response.content.decode()
    assert "None on record (legacy agreement)" in page
    assert "No solicitation is on record for this agreement" in page


def test_the_back_office_shows_versions_read_only(client_for) -> None:
    # given a program administrator in the back office
    admin = client_for("program_admin")
    version = RuleVersion.objects.current().get(rule_id="TX-GOV-791")
    # then versions are listed and readable, but cannot be added, changed or deleted there
    assert admin.get("/admin/eligibility/ruleversion/").status_code == 200
    page = admin.get(f"/admin/eligibility/ruleversion/{version.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin.get("/admin/eligibility/ruleversion/add/").status_code == 403
    assert client_for("buyer").get("/admin/eligibility/ruleversion/").status_code == 302
