"""The office's distribution pages: a quarter previewed, prepared by one administrator and
approved by another through the web UI; costs and policies recorded or refused."""

import pytest
from django.urls import reverse

from interlocal.fees.models import DistributionPolicy, DistributionRun, ProgramCost, RunStatus
from interlocal.fees.services import distribution

pytestmark = pytest.mark.django_db


def body_of(response) -> str:
    return response.content.decode()


def test_a_quarter_is_previewed_prepared_and_approved_by_two_people(
    client, collected, office, second
):
    client.force_login(office)
    listing = body_of(client.get(reverse("fees:distribution")))
    assert "Preview the 2026Q3 distribution" in listing  # the first ended quarter not yet run
    url = reverse("fees:distribution_period", args=["2026Q3"])
    preview = body_of(client.get(url))
    assert "Preview" in preview and "<strong>$19.80</strong> to distribute" in preview
    assert (
        "$11.30" in preview and "by fees collected on sales to county" in preview
    )  # NACo's share, its basis
    assert "Prepare this run" in preview and not DistributionRun.objects.exists()

    response = client.post(reverse("fees:distribution_prepare", args=["2026Q3"]), follow=True)
    assert "prepared. Another program administrator approves it" in body_of(response)
    page = body_of(client.get(url))
    assert "You prepared this run: another program administrator must approve it" in page
    refused = client.post(reverse("fees:distribution_approve", args=["2026Q3"]))
    assert refused.status_code == 422 and "two-person rule" in body_of(refused)
    assert DistributionRun.objects.get().status == RunStatus.PREPARED

    client.force_login(second)
    assert "Approve and post $19.80" in body_of(client.get(url))
    posted = client.post(reverse("fees:distribution_approve", args=["2026Q3"]), follow=True)
    assert "approved and posted to the ledger" in body_of(posted)
    run = DistributionRun.objects.get()
    assert (run.status, run.prepared_by, run.approved_by) == (RunStatus.POSTED, office, second)
    assert "Approved and posted" in body_of(client.get(url))


def test_a_prepared_run_can_be_withdrawn_with_a_reason(client, collected, office) -> None:
    client.force_login(office)
    distribution.prepare("2026Q3", actor=office)
    url = reverse("fees:distribution_withdraw", args=["2026Q3"])
    assert client.post(url, {"reason": ""}).status_code == 422
    client.post(url, {"reason": "costs of the audit are late"})
    assert DistributionRun.objects.get().status == RunStatus.WITHDRAWN
    page = body_of(client.get(reverse("fees:distribution_period", args=["2026Q3"])))
    assert "Withdrawn runs" in page and "Prepare this run" in page


def test_an_auditor_reads_but_cannot_act(client, collected, personas) -> None:
    client.force_login(personas["auditor"])
    page = body_of(client.get(reverse("fees:distribution_period", args=["2026Q3"])))
    assert "$19.80" in page and "Prepare this run" not in page
    assert client.post(reverse("fees:distribution_prepare", args=["2026Q3"])).status_code == 403
    assert not DistributionRun.objects.exists()


def test_a_quarter_not_ended_says_so(client, collected, office) -> None:
    client.force_login(office)
    page = body_of(client.get(reverse("fees:distribution_period", args=["2027Q1"])))
    assert "2027Q1 has not ended" in page
    assert client.get(reverse("fees:distribution_period", args=["2027Q9"])).status_code == 404


def test_costs_are_recorded_and_bad_ones_refused(client, collected, office) -> None:
    client.force_login(office)
    url = reverse("fees:costs")
    good = {
        "period": "2026Q4",
        "category": "Systems",
        "description": "Hosting",
        "amount": "1,250.00",
        "approval": "Board resolution 2026-11",
    }
    client.post(url, good)
    assert ProgramCost.objects.filter(period="2026Q4").get().amount_cents == 125_000
    refused = client.post(url, good | {"amount": "12.345"})
    assert refused.status_code == 422 and "fractions of a cent" in body_of(refused)
    refused = client.post(url, good | {"approval": " "})
    assert refused.status_code == 422
    assert "$1,250.00" in body_of(client.get(url))
    assert ProgramCost.objects.filter(period="2026Q4").count() == 1


def test_a_policy_is_adopted_and_one_over_100_percent_refused(client, policy, sponsors, office):
    client.force_login(office)
    url = reverse("fees:new_policy")
    form = {
        "name": "Sponsor agreement 2030",
        "effective_from": "2030-01-01",
        "administration_cap": "30",
        "foundation": "5",
        f"fixed_{sponsors['NACo'].pk}": "60",
        f"fixed_{sponsors['NLC'].pk}": "45",
    }
    refused = client.post(url, form)
    assert refused.status_code == 422
    assert "fixed shares add up to 105.00%" in body_of(refused)
    assert "Nothing was saved" in body_of(refused)
    assert DistributionPolicy.objects.count() == 1
    # the dates overlap the policy in force: end it first
    form[f"fixed_{sponsors['NLC'].pk}"] = "40"
    assert "overlap" in body_of(client.post(url, form))
    client.post(reverse("fees:end_policy", args=[policy.pk]), {"last_day": "2029-12-31"})
    client.post(url, form)
    adopted = DistributionPolicy.objects.get(name="Sponsor agreement 2030")
    assert {s.sponsor.acronym: s.fixed_bps for s in adopted.shares.all()} == {
        "NACo": 6000,
        "NLC": 4000,
    }
    page = body_of(client.get(reverse("fees:policies")))
    assert "Sponsor agreement 2030" in page and "costs up to 30.00%" in page
