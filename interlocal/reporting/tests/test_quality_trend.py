"""The data-quality trend: each quarter's latest filing of a supplier (or of every supplier,
for the program office) with its score, errors, warnings, price exceptions and timeliness; the
line-weighted score by quarter; who may see it, on the page and through the API."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interlocal.agreements.services.pricing import import_price_file
from interlocal.reporting import queries, services
from interlocal.reporting.models import ReportObligation
from interlocal.reporting.queries import Filing, QuarterQuality
from interlocal.reporting.tests.conftest import (
    AGREEMENT,
    PRICES,
    START,
    STRANGER,
    api_key_of,
    csv_bytes,
    file_report,
    line,
)
from interlocal.reporting.views import trend_chart
from tests import factories

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def filed_at(obligation: ReportObligation, when: datetime.datetime) -> None:
    """Given the obligation was first filed at ``when`` (the filing itself is made now)."""
    ReportObligation.objects.filter(pk=obligation.pk).update(first_filed_at=when)


@pytest.fixture
def history(settings, agreement, supplier, rep, agencies):
    """MA-TEST-1 filed three quarters, MA-TEST-2 (same supplier) two of three, and a rival
    supplier one quarter missing:

    - 2026Q1 MA-TEST-1: 2 clean lines (100), filed ten days early;
    - 2026Q2 MA-TEST-1: 2 lines, one customer to match (50), first filed on the due day in
      Chicago though already the next day in UTC; MA-TEST-2: nothing filed (missing);
    - 2026Q3 MA-TEST-1: version 1 failed, version 2 has 4 lines, one above the contract price
      (75), first filed five days late; MA-TEST-2: 1 clean line (100), on time.
    """
    settings.SALES_AUTO_ACCEPT = True
    second = factories.agreement(number="MA-TEST-2", supplier=supplier)
    body = "SKU,Description,Unit,Contract Price\r\n" + "".join(
        f"{sku},Item {sku},EA,{price}\r\n" for sku, price in PRICES.items()
    )
    import_price_file(second, body.encode(), actor=None, effective_from=START)

    q1 = services.obligation_for(AGREEMENT, "2026Q1", actor=rep)
    file_report(q1, csv_bytes([line(date="2026-02-15"), line(date="2026-02-16")]), actor=rep)
    filed_at(q1, datetime.datetime(2026, 4, 20, 15, tzinfo=UTC))

    q2 = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    rows = [line(date="2026-05-15"), line(date="2026-05-15", customer=STRANGER, zip="78660")]
    file_report(q2, csv_bytes(rows), actor=rep)
    filed_at(q2, datetime.datetime(2026, 7, 31, 3, tzinfo=UTC))  # July 30, 10 pm in Chicago
    missing = services.obligation_for("MA-TEST-2", "2026Q2", actor=rep)

    q3 = services.obligation_for(AGREEMENT, "2026Q3", actor=rep)
    file_report(q3, csv_bytes([line(state="ZZ")]), "bad.csv", actor=rep)
    rows = [
        line(),
        line(invoice="INV-2", customer="Travis County"),
        line(invoice="INV-3", sku="PEN-2", qty="2", price="12.50", amount="25.00"),
        line(invoice="INV-4", price="46.00", amount="92.00"),
    ]
    file_report(q3, csv_bytes(rows), "fixed.csv", actor=rep)
    filed_at(q3, datetime.datetime(2026, 11, 4, 18, tzinfo=UTC))

    other_q3 = services.obligation_for("MA-TEST-2", "2026Q3", actor=rep)
    file_report(other_q3, csv_bytes([line(customer="Bexar County")]), actor=rep)
    filed_at(other_q3, datetime.datetime(2026, 10, 15, 15, tzinfo=UTC))

    rival = factories.supplier_rep("Rival Supply Co.")
    held = factories.agreement(number="MA-RIVAL", supplier=rival.primary_organization.supplier)
    ReportObligation.objects.create(
        agreement=held, period="2026Q3", due_on=datetime.date(2026, 10, 30)
    )
    return {
        "q1": q1,
        "q2": q2,
        "missing": missing,
        "q3": q3,
        "other_q3": other_q3,
        "rival": rival,
    }


def test_the_trend_weighs_each_quarter_by_its_lines(history, rep) -> None:
    trend = queries.quality_trend(rep)
    # from the first quarter with an obligation to the latest
    assert trend == [
        QuarterQuality("2026Q1", obligations=1, filed=1, lines=2, score=100),
        QuarterQuality("2026Q2", obligations=2, filed=1, lines=2, score=50, missing=1),
        # (75 x 4 lines + 100 x 1 line) / 5 lines; the failed version 1 is not the latest
        QuarterQuality(
            "2026Q3", obligations=2, filed=2, lines=5, score=80, filed_late=1, warnings=1
        ),
    ]


def test_each_quarters_latest_filing(history, rep, supplier) -> None:
    today = timezone.localdate()
    past_due = (today - datetime.date(2026, 7, 30)).days
    rows = [Filing(ob, today) for ob in queries.filings(rep, supplier)]
    assert [
        (f.obligation.period, f.obligation.agreement.number, f.status,
         f.report and f.report.version, f.report and f.report.quality_score,
         f.price_exceptions, f.days_late)
        for f in rows
    ] == [
        ("2026Q3", "MA-TEST-1", "accepted", 2, 75, 1, 5),
        ("2026Q3", "MA-TEST-2", "accepted", 1, 100, 0, -15),
        ("2026Q2", "MA-TEST-1", "in_review", 1, 50, 0, 0),
        ("2026Q2", "MA-TEST-2", "open", None, None, None, past_due),
        ("2026Q1", "MA-TEST-1", "accepted", 1, 100, 0, -10),
    ]  # fmt: skip


def test_the_program_office_sees_every_supplier_lowest_score_first(history, office) -> None:
    periods = [q.period for q in queries.quality_trend(office)]
    rows = list(queries.quality_by_supplier(office, periods))
    assert [
        (r["legal_name"], r["n_agreements"], r["n_obligations"], r["n_missing"], r["n_late"],
         r["scored_lines"], r["score"])
        for r in rows
    ] == [
        # lines: 2 + 2 + 4 + 1; score: (100 x 2 + 50 x 2 + 75 x 4 + 100 x 1) / 9 = 77.7
        (history["q1"].agreement.supplier.legal_name, 2, 5, 1, 1, 9, 77),
        ("Rival Supply Co.", 1, 1, 1, 0, 0, None),
    ]  # fmt: skip


def test_the_trend_shows_the_last_twelve_quarters_and_gaps(history, rep, agreement) -> None:
    # given obligations four years back, and none in 2024
    for period in ("2022Q3", "2023Q4"):
        ReportObligation.objects.create(
            agreement=agreement, period=period, due_on=datetime.date(2023, 1, 30)
        )
    trend = queries.quality_trend(rep)
    assert len(trend) == queries.TREND_QUARTERS == 12
    assert (trend[0].period, trend[-1].period) == ("2023Q4", "2026Q3")
    assert trend[0].obligations == 1 and trend[1] == QuarterQuality("2024Q1")


def test_the_chart_has_a_bar_per_quarter_as_high_as_its_score() -> None:
    trend = [QuarterQuality("2026Q2"), QuarterQuality("2026Q3", lines=5, score=80)]
    chart = trend_chart(trend)
    empty, full = chart["bars"]
    assert (empty["height"], empty["label"], full["label"]) == (0, "26Q2", "26Q3")
    plot = chart["base"] - chart["grid"][-1]["y"]  # from 0% to 100%
    assert full["height"] == round(plot * 0.8, 1) and full["y"] + full["height"] == chart["base"]
    assert chart["first"] == chart["last"] == trend[1]


# --------------------------------------------------------------------------- the pages


def page_of(client, **params):
    return client.get(reverse("reporting:quality"), params)


def test_the_supplier_sees_its_own(client, rep, history, django_assert_max_num_queries) -> None:
    client.force_login(rep)
    with django_assert_max_num_queries(9):  # the same however many filings: no query per row
        response = page_of(client)
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("MA-TEST-1", "MA-TEST-2", "80%", "5 days late", "on time", "past due", "<svg"):
        assert text in body, text
    assert "MA-RIVAL" not in body and "Rival Supply" not in body


def test_the_office_overview_and_one_supplier(client, office, history, supplier) -> None:
    client.force_login(office)
    overview = page_of(client).content.decode()
    assert "Rival Supply Co." in overview and f"?supplier={supplier.pk}" in overview
    one = page_of(client, supplier=supplier.pk)
    assert one.status_code == 200
    assert "MA-TEST-2" in one.content.decode() and "MA-RIVAL" not in one.content.decode()
    every = page_of(client, supplier="all").content.decode()
    assert "MA-RIVAL" in every and "MA-TEST-1" in every


def test_the_auditor_reads_it(client_for, history, supplier) -> None:
    assert page_of(client_for("auditor"), supplier=supplier.pk).status_code == 200


def test_another_supplier_is_not_found(client, history, supplier) -> None:
    client.force_login(history["rival"])
    assert page_of(client, supplier=supplier.pk).status_code == 404
    own = page_of(client).content.decode()
    assert "MA-RIVAL" in own and "MA-TEST-1" not in own


@pytest.mark.parametrize("role", ["buyer", "lead_agency_officer", "sponsor_viewer"])
def test_agencies_and_sponsors_are_refused(client_for, role, history) -> None:
    assert page_of(client_for(role)).status_code == 403


# --------------------------------------------------------------------------- the API


def api(client, token: str | None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/sales-reports/quality", params, headers=headers)


def test_the_api_gives_the_trend_and_the_filings(client, rep, history, supplier) -> None:
    response = api(client, api_key_of(rep), supplier=supplier.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["supplier_id"] == supplier.pk
    assert body["trend"][-1] == {
        "period": "2026Q3",
        "obligations": 2,
        "filed": 2,
        "filed_late": 1,
        "missing": 0,
        "lines": 5,
        "errors": 0,
        "warnings": 1,
        "quality_score": 80,
    }
    first = body["filings"][0]
    assert {k: first[k] for k in ("agreement", "period", "status", "version", "lines",
                                  "quality_score", "price_exceptions", "days_late")} == {
        "agreement": "MA-TEST-1", "period": "2026Q3", "status": "accepted", "version": 2,
        "lines": 4, "quality_score": 75, "price_exceptions": 1, "days_late": 5,
    }  # fmt: skip
    assert first["due_on"] == "2026-10-30"
    # without a supplier, the key's own suppliers: the same filings
    assert api(client, api_key_of(rep)).json()["filings"] == body["filings"]


def test_the_api_refuses_another_suppliers(client, history, supplier, office) -> None:
    assert api(client, api_key_of(history["rival"]), supplier=supplier.pk).status_code == 404
    assert api(client, None, supplier=supplier.pk).status_code == 401
    # the program office's key reads every supplier's
    every = api(client, api_key_of(office)).json()
    assert {f["agreement"] for f in every["filings"]} == {"MA-TEST-1", "MA-TEST-2", "MA-RIVAL"}
