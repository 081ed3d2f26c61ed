"""``/api/v1/fees/invoices``: the invoices a key may read (a supplier's own, the program
office's every one), filtered and paginated, money as decimal strings; one invoice with its
allocations and entries; its lines, paginated. The world is ``worlds.billed``."""

import pytest

from interlocal.accounts.services import issue_api_key
from interlocal.fees.tests.worlds import fees_key

pytestmark = pytest.mark.django_db
LIST = "/api/v1/fees/invoices"


def get(client, url: str, token: str | None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, params, headers=headers)


def test_a_supplier_key_lists_its_own_invoices(client, rep, supplier, billed) -> None:
    response = get(client, LIST, fees_key(rep))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    numbers = [i["number"] for i in body["items"]]
    assert numbers == [billed[k].number for k in ("q3", "q2", "q1")]  # latest issued first
    q1 = body["items"][-1]
    assert {k: q1[k] for k in ("supplier_id", "agreement", "sales_period", "status")} == {
        "supplier_id": supplier.pk,
        "agreement": "MA-TEST-1",
        "sales_period": "2026Q1",
        "status": "overdue",
    }
    # money as decimal strings, the exact fee to the millionth of a dollar
    assert (q1["sales"], q1["fee_base"], q1["fee_exact"], q1["fee"]) == (
        "90.00",
        "90.00",
        "1.800000",
        "1.80",
    )
    assert (q1["paid"], q1["outstanding"], q1["state_add_ons"]) == ("1.00", "0.80", "0.00")
    assert q1["issued_on"] == "2026-05-20" and q1["due_on"] == "2026-06-19"
    assert q1["url"] == f"/api/v1/fees/invoices/{billed['q1'].pk}"


def test_the_program_office_key_lists_every_supplier(client, office, billed) -> None:
    body = get(client, LIST, fees_key(office)).json()
    assert body["count"] == 4
    assert billed["rival_invoice"].number in {i["number"] for i in body["items"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "overdue"}, ["q2", "q1"]),
        ({"status": "paid"}, []),
        ({"period": "2026Q3"}, ["rival_invoice", "q3"]),
        ({"supplier": "rival", "status": "open"}, ["rival_invoice"]),
    ],
)
def test_the_list_filters(client, office, billed, params, expected) -> None:
    if params.get("supplier") == "rival":
        params = params | {"supplier": billed["rival_supplier"].pk}
    body = get(client, LIST, fees_key(office), **params).json()
    assert sorted(i["number"] for i in body["items"]) == sorted(billed[k].number for k in expected)


def test_the_list_is_paginated(client, office, billed) -> None:
    body = get(client, LIST, fees_key(office), page=2).json()
    assert body["count"] == 4 and body["items"] == []  # 100 a page: all on the first


@pytest.mark.parametrize(
    ("params", "message"),
    [({"status": "late"}, "status is one of"), ({"period": "Q3"}, "write it like 2026Q3")],
)
def test_bad_filters_are_refused_with_what_to_write(client, rep, billed, params, message):
    response = get(client, LIST, fees_key(rep), **params)
    assert response.status_code == 422 and message in response.json()["detail"]


def test_an_invoice_with_its_allocations_and_entries(client, rep, supplier, billed) -> None:
    q1 = billed["q1"]
    response = get(client, f"{LIST}/{q1.pk}", fees_key(rep))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == q1.number and body["replaces"] is None
    assert body["allocations"] == [
        {
            "booked_on": "2026-09-01",
            "source": "payment",
            "payment_id": billed["payment"].pk,
            "payment_reference": "ACH-1",
            "received_on": "2026-09-01",
            "amount": "1.00",
            "entry_id": billed["payment"].entry_id,
        }
    ]
    issued, paid = body["entries"]
    assert (issued["kind"], issued["role"], issued["booked_on"]) == (
        "invoice",
        "issued",
        "2026-05-20",
    )
    assert issued["postings"] == [
        {"debit": f"receivable:supplier:{supplier.pk}", "credit": "fees:billed", "amount": "1.80"}
    ]
    assert paid["role"] == "payment ACH-1"
    assert {"debit": "cash", "credit": f"receivable:supplier:{supplier.pk}", "amount": "1.00"} in (
        paid["postings"]
    )
    assert body["lines_url"] == f"/api/v1/fees/invoices/{q1.pk}/lines"


def test_an_invoices_lines_are_paginated(client, rep, billed) -> None:
    q2 = billed["q2"]
    body = get(client, f"{LIST}/{q2.pk}/lines", fees_key(rep)).json()
    assert body["count"] == 2
    first = body["items"][0]
    assert {k: first[k] for k in ("line", "agency", "state", "invoice_number")} == {
        "line": 2,
        "agency": "Austin",
        "state": "TX",
        "invoice_number": "Q2-1",
    }
    assert (first["fee_base"], first["rate_bps"], first["add_on_bps"], first["fee_exact"]) == (
        "90.00",
        200,
        0,
        "1.800000",
    )
    assert first["invoice_date"] == "2026-05-15" and first["schedule_id"] is not None
    assert get(client, f"{LIST}/{q2.pk}/lines", fees_key(rep), page=2).json()["items"] == []


def test_another_suppliers_invoice_is_not_found(client, rep, billed) -> None:
    token = fees_key(rep)
    rival = billed["rival_invoice"].pk
    assert get(client, f"{LIST}/{rival}", token).status_code == 404
    assert get(client, f"{LIST}/{rival}/lines", token).status_code == 404
    # a filter on another supplier lists nothing of it
    assert get(client, LIST, token, supplier=billed["rival_supplier"].pk).json()["count"] == 0


def test_a_key_without_the_scope_or_no_key_is_refused(client, rep, billed) -> None:
    assert get(client, LIST, None).status_code == 401
    other = issue_api_key(
        actor=rep, organization=rep.primary_organization, name="erp", scopes=["salesreports:write"]
    ).token
    refused = get(client, LIST, other)
    assert refused.status_code == 403 and "fees:read" in refused.json()["detail"]


def test_a_session_is_not_a_key(client, office, billed) -> None:
    client.force_login(office)
    assert client.get(LIST).status_code == 401
