"""Price dispersion: the items of an agreement's quarter that different agencies bought at
different net unit prices, counted from the accepted sales lines only; the drill-down agency by
agency; who may see it, on the page and through the API."""

import datetime
from dataclasses import replace

import pytest
from django.urls import reverse

from interlocal.reporting import queries, services
from interlocal.reporting.models import ReportObligation
from interlocal.reporting.queries import SkuDispersion, usd_e4
from interlocal.reporting.tests.conftest import (
    AGREEMENT,
    QUARTER,
    STRANGER,
    api_key_of,
    csv_bytes,
    file_report,
    line,
)
from tests import factories

pytestmark = pytest.mark.django_db

#: The quarter's lines: PAPER-1 (contract $45.00) sold to four agencies at four prices, one of
#: them written in lower case and one below the cent; PEN-2 (contract $12.50) to three
#: agencies at two prices; a credit at a lower price (not a price anyone paid); an item off the
#: price file bought by one agency at two prices (one agency is no dispersion).
QUARTER_ROWS = [
    line(invoice="INV-1"),  # Austin, 2 x $45.00
    line(invoice="INV-2", customer="Travis County", qty="2.5", price="44.00", amount="110.00"),
    line(invoice="INV-3", customer="Bexar County", qty="3", price="46.50", amount="139.50"),
    line(invoice="INV-4", customer="Bexar County", qty="1", price="45.00", amount="45.00"),
    line(invoice="INV-5", customer="City of Tulsa", state="OK", zip="74103", sku="paper-1",
         price="45.045", amount="90.09"),
    line(invoice="INV-6", type="credit", qty="-1", price="40.00", amount="-40.00"),
    line(invoice="INV-7", sku="PEN-2", qty="10", price="12.50", amount="125.00"),
    line(invoice="INV-8", customer="Travis County", sku="PEN-2", qty="4", price="12.50",
         amount="50.00"),
    line(invoice="INV-9", customer="Bexar County", sku="PEN-2", qty="1", price="14.00",
         amount="14.00"),
    line(invoice="INV-10", sku="CLIP-9", qty="1", price="1.00", amount="1.00"),
    line(invoice="INV-11", sku="CLIP-9", qty="1", price="1.20", amount="1.20"),
]  # fmt: skip

PAPER = SkuDispersion(
    sku="PAPER-1",
    description="",
    contract_min_e4=450_000,
    contract_max_e4=450_000,
    agencies=4,
    min_e4=440_000,
    mean_e4=451_090,  # (45.00 + 44.00 + 46.50 + 45.00 + 45.045) / 5
    max_e4=465_000,
    spread_e4=25_000,
    spread_bp=568,  # $2.50 of $44.00 is 5.68...%
    lines=5,
    sales_cents=9000 + 11000 + 13950 + 4500 + 9009,
    above_contract_agencies=2,  # Bexar County at $46.50, Tulsa at $45.0450
    above_contract_cents=13950 + 9009,
)
PEN = SkuDispersion(
    sku="PEN-2",
    description="",
    contract_min_e4=125_000,
    contract_max_e4=125_000,
    agencies=3,
    min_e4=125_000,
    mean_e4=130_000,
    max_e4=140_000,
    spread_e4=15_000,
    spread_bp=1200,
    lines=3,
    sales_cents=12500 + 5000 + 1400,
    above_contract_agencies=1,
    above_contract_cents=1400,
)


@pytest.fixture(autouse=True)
def _auto_accept(settings):
    settings.SALES_AUTO_ACCEPT = True


@pytest.fixture
def tulsa_city(agencies):
    # "City of Tulsa" is the municipality Tulsa (conftest names it as the Census does)
    return agencies["Tulsa"]


@pytest.fixture
def accepted(obligation, rep, tulsa_city):
    report = file_report(obligation, csv_bytes(QUARTER_ROWS), actor=rep)
    report.refresh_from_db()
    assert report.status == "accepted", report.summary
    return report


def page_of(client, **params):
    return client.get(reverse("reporting:dispersion"), params)


# --------------------------------------------------------------------------- the figures


def test_the_items_sold_at_different_prices_with_exact_figures(accepted, obligation) -> None:
    # when the dispersion of the quarter is counted, widest spread first
    rows = queries.dispersion(obligation)
    # then PEN-2 (12%) comes before PAPER-1 (5.68%); the credit is not a price, CLIP-9 had
    # one buyer, and "paper-1" is PAPER-1
    assert rows == [PEN, PAPER]
    # the mean is shown to the cent, as the lowest and highest prices are written
    assert (PAPER.min_usd, PAPER.mean_usd, PAPER.max_usd, PAPER.spread_usd) == (
        "$44.00",
        "$45.11",
        "$46.50",
        "$2.50",
    )
    assert PAPER.contract == "$45.00"


def test_sorted_by_sales_or_by_sales_above_contract(accepted, obligation) -> None:
    assert [r.sku for r in queries.dispersion(obligation, "sales")] == ["PAPER-1", "PEN-2"]
    assert [r.sku for r in queries.dispersion(obligation, "above_contract")] == [
        "PAPER-1",
        "PEN-2",
    ]
    assert [r.sku for r in queries.dispersion(obligation, "spread")] == ["PEN-2", "PAPER-1"]


def test_the_drill_down_lists_each_agency_at_each_price(accepted, obligation, agencies) -> None:
    rows = list(queries.dispersion_of_sku(obligation, "paper-1"))
    assert [
        (r["agency__name"], r["agency__state__postal"], r["unit_price_e4"], r["quantity_e4"],
         r["lines"], r["sales_cents"])
        for r in rows
    ] == [
        ("Bexar County", "TX", 465_000, 30_000, 1, 13950),
        ("Tulsa", "OK", 450_450, 20_000, 1, 9009),
        ("Austin", "TX", 450_000, 20_000, 1, 9000),
        ("Bexar County", "TX", 450_000, 10_000, 1, 4500),
        ("Travis County", "TX", 440_000, 25_000, 1, 11000),
    ]  # fmt: skip
    assert queries.quantity_text(25_000) == "2.5"
    assert queries.quantity_text(1_200_000) == "120"


def test_lines_of_versions_in_review_or_superseded_do_not_count(
    accepted, obligation, rep, office, agencies
) -> None:
    # given a correction waiting for the program office (a customer to match) that would
    # sell PAPER-1 at $99.00
    wild = [
        line(invoice="INV-1", price="99.00", amount="198.00"),
        line(invoice="INV-2", customer="Travis County"),
        line(invoice="INV-3", customer=STRANGER, zip="78660"),
    ]
    pending = file_report(obligation, csv_bytes(wild), "v2.csv", actor=rep)
    pending.refresh_from_db()
    assert pending.status == "in_review"
    # then the dispersion is still version 1's
    assert queries.dispersion(obligation) == [PEN, PAPER]
    # when a third version is accepted in their place (both earlier ones are superseded)
    third = [
        line(invoice="INV-1", price="45.00"),
        line(invoice="INV-2", customer="Travis County", qty="1", price="43.00", amount="43.00"),
    ]
    v3 = file_report(obligation, csv_bytes(third), "v3.csv", actor=rep)
    v3.refresh_from_db()
    assert v3.status == "accepted"
    accepted.refresh_from_db()
    pending.refresh_from_db()
    assert (accepted.status, pending.status) == ("superseded", "superseded")
    # then only its lines count
    [paper] = queries.dispersion(obligation)
    assert (paper.sku, paper.agencies, paper.min_e4, paper.max_e4, paper.lines) == (
        "PAPER-1",
        2,
        430_000,
        450_000,
        2,
    )


def test_other_quarters_do_not_count(accepted, obligation, rep) -> None:
    # given the quarter before, with PAPER-1 sold at $10.00 and $45.00
    q2 = services.obligation_for(AGREEMENT, "2026Q2", actor=rep)
    rows = [
        line(date="2026-05-15"),
        line(date="2026-05-15", invoice="INV-2", customer="Travis County", qty="1",
             price="10.00", amount="10.00"),
    ]  # fmt: skip
    file_report(q2, csv_bytes(rows), "q2.csv", actor=rep)
    # then each quarter has its own
    assert queries.dispersion(obligation) == [PEN, PAPER]
    [paper] = queries.dispersion(q2)
    assert (paper.min_e4, paper.max_e4, paper.spread_bp) == (100_000, 450_000, 35_000)


def test_a_quarter_with_nothing_accepted_has_no_dispersion(obligation) -> None:
    assert queries.dispersion(obligation) == []


def test_a_mean_below_the_cent_keeps_its_four_places() -> None:
    staples = replace(PEN, min_e4=450, mean_e4=455, max_e4=460)
    assert (staples.min_usd, staples.mean_usd, staples.max_usd) == ("$0.0450", "$0.0455", "$0.0460")
    assert replace(PEN, mean_e4=130_050).mean_usd == "$13.01"  # half up


def test_prices_print_to_the_cent_or_below_it() -> None:
    assert [usd_e4(v) for v in (450_000, 450, 12_345_678, -25_000, 0, None)] == [
        "$45.00",
        "$0.0450",
        "$1,234.5678",
        "-$2.50",
        "$0.00",
        "",
    ]


# --------------------------------------------------------------------------- the pages


def test_the_supplier_sees_its_quarter(client, rep, accepted, django_assert_num_queries) -> None:
    client.force_login(rep)
    # session, user, memberships, the obligation and its agreement, the one dispersion query
    with django_assert_num_queries(5):
        response = page_of(client, agreement=AGREEMENT, period=QUARTER)
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("PAPER-1", "$44.00", "$45.11", "$46.50", "5.68% of the lowest", "2 agencies",
                 "$229.59", "PEN-2", "12% of the lowest"):  # fmt: skip
        assert text in body, text
    assert "CLIP-9" not in body
    # widest spread first; sorted by sales on request
    assert body.index("PEN-2") < body.index("PAPER-1")
    body = page_of(client, agreement=AGREEMENT, period="2026q3", order="sales").content.decode()
    assert body.index("PAPER-1") < body.index("PEN-2")


def test_the_drill_down_page(client, rep, accepted) -> None:
    client.force_login(rep)
    response = page_of(client, agreement=AGREEMENT, period=QUARTER, sku="PAPER-1")
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("Bexar County", "Tulsa", "$45.0450", "$0.0450", "$1.50", "2.5", "$110.00"):
        assert text in body, text
    table = body[body.index("<tbody>") :]  # highest price first
    assert table.index("$46.50") < table.index("$45.0450") < table.index("$44.00")


def test_without_an_agreement_the_quarters_to_choose_from(client, office, accepted) -> None:
    client.force_login(office)
    response = page_of(client)
    assert response.status_code == 200
    assert f"agreement={AGREEMENT}&amp;period={QUARTER}" in response.content.decode()
    bad = page_of(client, agreement=AGREEMENT, period="Q3 2026")
    assert bad.status_code == 422
    assert "is not a quarter" in bad.content.decode()


def test_the_report_and_the_index_link_to_it(client, rep, accepted) -> None:
    client.force_login(rep)
    target = f"{reverse('reporting:dispersion')}?agreement={AGREEMENT}&amp;period={QUARTER}"
    assert target in client.get(reverse("reporting:report", args=[accepted.pk])).content.decode()
    index = client.get(reverse("reporting:index")).content.decode()
    assert reverse("reporting:dispersion") in index
    assert reverse("reporting:quality") in index


@pytest.mark.parametrize("role", ["program_admin", "auditor"])
def test_the_program_office_and_auditors_see_every_suppliers(client_for, role, accepted) -> None:
    response = page_of(client_for(role), agreement=AGREEMENT, period=QUARTER)
    assert response.status_code == 200
    assert "PAPER-1" in response.content.decode()


def test_another_supplier_cannot_see_it(client, accepted) -> None:
    # given the representative of another supplier
    client.force_login(factories.supplier_rep("Rival Supply Co."))
    # then the quarter is not found, nor any of its items, nor offered to choose
    assert page_of(client, agreement=AGREEMENT, period=QUARTER).status_code == 404
    assert page_of(client, agreement=AGREEMENT, period=QUARTER, sku="PAPER-1").status_code == 404
    assert AGREEMENT not in page_of(client).content.decode()


@pytest.mark.parametrize("role", ["buyer", "lead_agency_officer", "sponsor_viewer"])
def test_agencies_and_sponsors_are_refused(client_for, role, accepted) -> None:
    assert page_of(client_for(role), agreement=AGREEMENT, period=QUARTER).status_code == 403


def test_the_public_is_sent_to_sign_in(client, accepted) -> None:
    response = page_of(client, agreement=AGREEMENT, period=QUARTER)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --------------------------------------------------------------------------- the API


def api(client, token: str | None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/sales-reports/dispersion", params, headers=headers)


def test_the_api_gives_the_same_figures(client, rep, accepted) -> None:
    response = api(client, api_key_of(rep), agreement=AGREEMENT, period=QUARTER, order="sales")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["agreement"], body["period"], body["accepted_report_id"], body["order"]) == (
        AGREEMENT,
        QUARTER,
        accepted.pk,
        "sales",
    )
    assert body["skus"][0] == {
        "sku": "PAPER-1",
        "description": "",
        "contract_price_min_e4": 450_000,
        "contract_price_max_e4": 450_000,
        "agencies": 4,
        "min_unit_price_e4": 440_000,
        "mean_unit_price_e4": 451_090,
        "max_unit_price_e4": 465_000,
        "spread_e4": 25_000,
        "spread_bp": 568,
        "lines": 5,
        "sales_cents": 47_459,
        "agencies_above_contract": 2,
        "sales_above_contract_cents": 22_959,
    }
    assert [s["sku"] for s in body["skus"]] == ["PAPER-1", "PEN-2"]


def test_the_api_refuses_what_the_key_may_not_read(client, rep, accepted) -> None:
    rival = factories.supplier_rep("Rival Supply Co.")
    assert api(client, api_key_of(rival), agreement=AGREEMENT, period=QUARTER).status_code == 404
    assert api(client, None, agreement=AGREEMENT, period=QUARTER).status_code == 401
    bad = api(client, api_key_of(rep), agreement=AGREEMENT, period="third quarter")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"
    unknown = api(client, api_key_of(rep), agreement=AGREEMENT, period=QUARTER, order="biggest")
    assert unknown.status_code == 422


def test_the_api_for_a_quarter_not_accepted_yet(client, rep, agreement) -> None:
    ob = ReportObligation.objects.create(
        agreement=agreement, period="2026Q1", due_on=datetime.date(2026, 4, 30)
    )
    body = api(client, api_key_of(rep), agreement=AGREEMENT, period=ob.period).json()
    assert (body["accepted_report_id"], body["skus"]) == (None, [])
