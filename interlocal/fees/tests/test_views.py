"""The fee pages: the program office's invoice list, an invoice traced from its lines to the
ledger, recording a payment, aging, delinquency notices and statements; the supplier portal's
own invoices, payments and statement. The world is ``worlds.billed``; now is 20 November 2026."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from interlocal.core.models import AuditEvent
from interlocal.fees import queries
from interlocal.fees.models import Allocation, Payment, Posting
from interlocal.fees.services import ledger, notices, payments
from interlocal.fees.tests.worlds import TODAY, invoice_of
from interlocal.fees.views import ledger as ledger_views
from interlocal.reporting.tests.conftest import AGREEMENT
from interlocal.reporting.tests.conftest import line as sale

pytestmark = pytest.mark.django_db


def body_of(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


# --------------------------------------------------------------------------- the invoice list


def test_the_office_lists_every_invoice_with_totals(
    client, office, billed, django_assert_max_num_queries
) -> None:
    client.force_login(office)
    with django_assert_max_num_queries(9):  # the same however many invoices: none per row
        response = client.get(reverse("fees:index"))
    assert response.status_code == 200
    body = body_of(response)
    for invoice in ("q1", "q2", "q3", "rival_invoice"):
        assert billed[invoice].number in body
    # $1.80 + $3.60 + $1.80 + $9.00 billed, $1.00 paid, the rest outstanding
    assert "fee $16.20 · paid $1.00 · <strong>outstanding $15.20</strong>" in body
    assert "Overdue" in body and "Open" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "overdue"}, {"q1", "q2"}),
        ({"status": "open"}, {"q1", "q2", "q3", "rival_invoice"}),
        ({"period": "2026Q3"}, {"q3", "rival_invoice"}),
        ({"period": "2026Q3", "status": "open", "supplier": "rival"}, {"rival_invoice"}),
    ],
)
def test_the_list_filters_by_supplier_quarter_and_status(
    client, office, billed, params, expected
) -> None:
    if params.get("supplier") == "rival":
        params = params | {"supplier": billed["rival_supplier"].pk}
    client.force_login(office)
    body = body_of(client.get(reverse("fees:index"), params))
    shown = {k for k in ("q1", "q2", "q3", "rival_invoice") if billed[k].number in body}
    assert shown == expected


def test_paid_and_reversed_invoices(client, office, supplier, billed, rep, time_machine) -> None:
    # given the 2026Q3 invoice paid, and 2026Q2 corrected (a third line): reversed and replaced
    payments.record_payment(
        supplier,
        actor=office,
        amount_cents=180,
        received_on=TODAY,
        reference="ACH-Q3",
        invoices=[billed["q3"]],
    )
    rows = [
        sale(invoice=f"Q2-{n}", date="2026-05-15", customer=customer)
        for n, customer in enumerate(("City of Austin", "Travis County", "Bexar County"))
    ]
    replacement = invoice_of(AGREEMENT, "2026Q2", rows, rep)
    client.force_login(office)
    paid = body_of(client.get(reverse("fees:index"), {"status": "paid"}))
    assert billed["q3"].number in paid and billed["q1"].number not in paid
    reversed_ = body_of(client.get(reverse("fees:index"), {"status": "reversed"}))
    assert billed["q2"].number in reversed_ and replacement.number not in reversed_
    # the reversed invoice points at its replacement, and back
    old = body_of(client.get(reverse("fees:invoice", args=[billed["q2"].pk])))
    assert "Reversed" in old and replacement.number in old and "Reversal" in old
    new = body_of(client.get(reverse("fees:invoice", args=[replacement.pk])))
    assert f'This invoice replaces <a href="/fees/invoices/{billed["q2"].pk}/">' in new


def test_a_period_that_is_not_a_quarter_is_refused_with_what_to_write(client, office, billed):
    client.force_login(office)
    response = client.get(reverse("fees:index"), {"period": "third quarter"})
    assert response.status_code == 422
    assert "write it like 2026Q3" in body_of(response)


# --------------------------------------------------------------------------- one invoice


def test_an_invoice_traces_each_cent_from_its_lines_to_its_postings(
    client, office, supplier, billed, django_assert_max_num_queries
) -> None:
    q1 = billed["q1"]
    client.force_login(office)
    with django_assert_max_num_queries(11):  # however many lines, payments and entries
        response = client.get(reverse("fees:invoice", args=[q1.pk]))
    body = body_of(response)
    # the header: sales, base, the exact fee and the fee rounded once, due date, outstanding
    for text in ("$90.00", "180.0000¢", "<strong>$1.80</strong>", "June 19, 2026", "$0.80"):
        assert text in body, text
    # the line: agency, invoice date, base, rate, exact fee in cents, the schedule
    for text in (
        "Austin",
        "Feb 10, 2026",
        "Q1-1",
        "200 bp",
        "180.0000",
        "200 bp on invoiced sales",
    ):
        assert text in body, text
    # the payment applied and the entries: issue, then the payment
    assert "ACH-1" in body and "$1.00" in body
    assert f"receivable:supplier:{supplier.pk}" in body and "fees:billed" in body
    assert body.index("Fee invoice · booked May 20, 2026") < body.index("Payment received")


def test_the_fee_lines_are_paginated(client, office, billed, monkeypatch) -> None:
    monkeypatch.setattr(ledger_views, "LINES_PER_PAGE", 1)
    client.force_login(office)
    url = reverse("fees:invoice", args=[billed["q2"].pk])
    first, second = body_of(client.get(url)), body_of(client.get(url, {"page": 2}))
    assert "Page 1 of 2" in first and "Q2-1" in first and "Q2-2" not in first
    assert "Q2-2" in second and "Q2-1" not in second


def test_an_auditor_reads_but_does_not_record(client_for, billed) -> None:
    auditor = client_for("auditor")
    body = body_of(auditor.get(reverse("fees:invoice", args=[billed["q2"].pk])))
    assert "Record a payment" not in body
    assert auditor.get(reverse("fees:record_payment")).status_code == 403


# --------------------------------------------------------------------------- record a payment


def payment_form(supplier, **changes) -> dict:
    return {
        "supplier": supplier.pk,
        "received_on": "2026-11-19",
        "amount": "$2.50",
        "reference": "WIRE-77",
        "method": "wire",
        "invoices": "",
        "note": "",
    } | changes


def test_a_payment_recorded_by_hand_pays_the_oldest_first(client, office, supplier, billed):
    client.force_login(office)
    response = client.post(reverse("fees:record_payment"), payment_form(supplier), follow=True)
    body = body_of(response)
    # $0.80 left on 2026Q1, then $1.70 of 2026Q2
    assert f"$0.80 to {billed['q1'].number}, $1.70 to {billed['q2'].number}" in body
    assert "$0.00 kept as the supplier&#x27;s credit" in body
    payment = Payment.objects.get(reference="WIRE-77")
    assert (payment.amount_cents, payment.method, payment.created_by) == (250, "wire", office)
    assert ledger.balance("cash") == 350


def test_a_payment_can_name_its_invoices(client, office, supplier, billed) -> None:
    client.force_login(office)
    form = payment_form(supplier, amount="1.00", invoices=billed["q3"].number.lower())
    client.post(reverse("fees:record_payment"), form)
    allocation = Allocation.objects.get(payment__reference="WIRE-77")
    assert (allocation.invoice, allocation.amount_cents) == (billed["q3"], 100)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "two dollars"}, "is not an amount"),
        ({"amount": "1.005"}, "fractions of a cent"),
        ({"amount": "0"}, "a payment is a positive amount"),
        ({"reference": "ACH-1"}, "already recorded"),
        ({"received_on": "2026-11-21"}, "cannot be received in the future"),
        ({"invoices": "FI-2026Q3-9999999"}, "no invoice is numbered FI-2026Q3-9999999"),
        ({"invoices": "rival"}, "is not this supplier"),
    ],
)
def test_a_bad_payment_is_refused_with_the_reason_and_nothing_is_saved(
    client, office, supplier, billed, changes, message
) -> None:
    if changes.get("invoices") == "rival":
        changes = {"invoices": billed["rival_invoice"].number}
    client.force_login(office)
    postings = Posting.objects.count()
    response = client.post(reverse("fees:record_payment"), payment_form(supplier, **changes))
    assert response.status_code == 422
    body = body_of(response).replace("&#x27;", "'")
    assert message in body and "Nothing was recorded" in body
    assert list(Payment.objects.values_list("reference", flat=True)) == ["ACH-1"]
    assert Posting.objects.count() == postings


def test_the_form_starts_from_an_invoice(client, office, supplier, billed) -> None:
    client.force_login(office)
    url = reverse("fees:record_payment")
    body = body_of(client.get(url, {"supplier": supplier.pk, "invoice": billed["q2"].number}))
    assert f'value="{billed["q2"].number}"' in body
    assert f"Open invoices of {supplier}" in body and "$0.80" in body  # 2026Q1's rest


# --------------------------------------------------------------------------- aging


def test_aging_by_supplier_and_bucket_with_totals_and_csv(client, office, supplier, billed):
    client.force_login(office)
    body = body_of(client.get(reverse("fees:aging")))
    assert "November 20, 2026" in body and "Rival Supply Co." in body
    rows = csv_rows(client.get(reverse("fees:aging_csv")))
    assert rows[0] == [
        "supplier_id",
        "supplier",
        "not yet due",
        "0-30",
        "31-60",
        "61-90",
        "90+",
        "total",
    ]
    by_name = {r[1]: r[2:] for r in rows[1:]}
    # 2026Q3 not yet due; 2026Q2 72 days past due; 2026Q1's $0.80 154 days
    assert by_name[supplier.legal_name] == ["1.80", "0.00", "0.00", "3.60", "0.80", "6.20"]
    assert by_name["Rival Supply Co."] == ["9.00", "0.00", "0.00", "0.00", "0.00", "9.00"]
    assert by_name["Total"] == ["10.80", "0.00", "0.00", "3.60", "0.80", "15.20"]


def test_aging_as_of_another_day(client, office, supplier, billed) -> None:
    client.force_login(office)
    rows = csv_rows(client.get(reverse("fees:aging_csv"), {"on": "2026-09-30"}))
    # on 30 September only 2026Q1 and 2026Q2 had been issued
    assert rows[1][1:] == [supplier.legal_name, "0.00", "3.60", "0.00", "0.00", "0.80", "4.40"]
    bad = client.get(reverse("fees:aging"), {"on": "30/09/2026"})
    assert bad.status_code == 422 and "is not a date" in body_of(bad)


# --------------------------------------------------------------------------- delinquency notices


def test_the_delinquent_suppliers_and_a_printable_notice(client, office, supplier, billed):
    client.force_login(office)
    listed = body_of(client.get(reverse("fees:notices")))
    assert str(supplier) in listed and "Rival Supply Co." not in listed  # not yet due
    assert "$4.40" in listed and "never sent" in listed
    notice = body_of(client.get(reverse("fees:notice", args=[supplier.pk])))
    for text in (billed["q1"].number, billed["q2"].number, "154", "72", "$4.40", "How to pay"):
        assert text in notice, text
    assert billed["q3"].number not in notice  # not yet due: mentioned in the total only
    assert "Also open and not yet 31 days past due: $1.80" in notice
    assert "E-mail goes to supplier_rep@example.gov, the program office copied" in notice


def test_sending_a_notice_mails_the_reps_and_is_audited(
    client, office, supplier, billed, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("fees:send_notice", args=[supplier.pk]), follow=True)
    assert "sent to" in body_of(response)
    (mail,) = mailoutbox
    assert set(mail.to) == {"supplier_rep@example.gov", "program_admin@example.gov"}
    assert "$4.40" in mail.subject and billed["q1"].number in mail.body
    assert "154 days past due" in mail.body and "/fees/account/" in mail.body
    event = AuditEvent.objects.get(verb="fees.delinquency_notice")
    assert event.object_id == str(supplier.pk) and event.actor == office
    assert event.after["total_cents"] == 440
    assert event.after["invoices"] == {billed["q1"].number: 80, billed["q2"].number: 360}
    listed = body_of(client.get(reverse("fees:notices")))
    assert "never sent" not in listed and "Nov 20, 2026" in listed


def test_no_notice_goes_to_a_supplier_with_nothing_past_due(
    client, office, billed, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    rival = billed["rival_supplier"]
    client.force_login(office)
    page = body_of(client.get(reverse("fees:notice", args=[rival.pk])))
    assert "there is no notice to send" in page and "Send by e-mail" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("fees:send_notice", args=[rival.pk]), follow=True)
    assert "31 or more days past due" in body_of(response)
    assert mailoutbox == [] and not AuditEvent.objects.filter(verb=queries.NOTICE_VERB).exists()


def test_only_the_program_office_sends_notices(client_for, supplier, billed) -> None:
    url = reverse("fees:send_notice", args=[supplier.pk])
    assert client_for("auditor").post(url).status_code == 403
    assert not AuditEvent.objects.filter(verb=queries.NOTICE_VERB).exists()
    with pytest.raises(PermissionDenied, match="fees:send_notice"):
        notices.send_delinquency_notice(supplier, actor=billed["rival"])


# --------------------------------------------------------------------------- statements


def test_a_statement_of_account_from_opening_to_closing_balance(
    client, office, supplier, billed, django_assert_max_num_queries
) -> None:
    client.force_login(office)
    url = reverse("fees:statement", args=[supplier.pk])
    with django_assert_max_num_queries(11):  # however many entries
        q3 = body_of(client.get(url, {"period": "2026Q3"}))
    # 2026Q3 (July-September): opening $1.80 (2026Q1's invoice), 2026Q2's invoice, ACH-1
    assert "$1.80</p><p>opening balance" in q3 and "$4.40</p><p>closing balance" in q3
    assert billed["q2"].number in q3 and "ACH-1" in q3 and billed["q3"].number not in q3
    rows = csv_rows(
        client.get(reverse("fees:statement_csv", args=[supplier.pk]), {"period": "2026"})
    )
    assert rows[1] == ["2026-01-01", "opening balance", "", "", "", "", "0.00"]
    assert [(r[1], r[2], r[4], r[5], r[6]) for r in rows[2:-1]] == [
        ("invoice", billed["q1"].number, "1.80", "", "1.80"),
        ("invoice", billed["q2"].number, "3.60", "", "5.40"),
        ("payment", "ACH-1", "", "1.00", "4.40"),
        ("invoice", billed["q3"].number, "1.80", "", "6.20"),
    ]
    assert rows[-1] == ["2026-12-31", "closing balance", "", "", "", "", "6.20"]


def test_a_statement_counts_overpayments_as_credit_and_reversals_as_credits(
    supplier, office, rep, billed
) -> None:
    # given a $20.00 payment (everything paid, $13.80 of credit), then 2026Q2 corrected
    payments.record_payment(
        supplier, actor=office, amount_cents=2000, received_on=TODAY, reference="BIG"
    )
    rows = [
        sale(invoice=f"Q2-{n}", date="2026-05-15", customer=customer)
        for n, customer in enumerate(("City of Austin", "Travis County", "Bexar County"))
    ]
    invoice_of(AGREEMENT, "2026Q2", rows, rep)
    s = queries.statement(supplier, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), "2026")
    kinds = [(r.kind, r.charge_cents, r.credit_cents) for r in s.rows]
    assert kinds[-3:] == [("payment", 0, 2000), ("reversal", 0, 360), ("invoice", 540, 0)]
    assert (s.invoiced_cents, s.paid_cents, s.credited_cents) == (1260, 2100, 360)
    # what it owes is the receivable less the credit held: negative, in its favour
    assert s.closing_cents == s.receivable_cents - s.credit_held_cents == -1200
    assert s.credit_held_cents == payments.credit_balance(supplier.pk) == 1200


def test_a_statement_period_must_be_a_quarter_or_a_year(client, office, supplier, billed):
    client.force_login(office)
    response = client.get(reverse("fees:statement", args=[supplier.pk]), {"period": "Q3"})
    assert response.status_code == 422
    assert "write it like 2026Q3 or 2026" in body_of(response)


# --------------------------------------------------------------------------- the supplier portal


def test_the_supplier_sees_its_own_account(
    client, rep, supplier, billed, django_assert_max_num_queries
) -> None:
    client.force_login(rep)
    with django_assert_max_num_queries(13):  # however many invoices and payments
        response = client.get(reverse("fees:account"))
    body = body_of(response)
    assert all(billed[k].number in body for k in ("q1", "q2", "q3"))
    assert billed["rival_invoice"].number not in body and "Rival" not in body
    # $0.80 + $3.60 + $1.80 open, $4.40 of it past due, no credit; the payment and where it went
    assert "$6.20</p><p>open" in body and "$4.40</p><p>of it past due" in body
    assert "ACH-1" in body and f"{billed['q1'].number}</a> $1.00" in body


def test_the_supplier_reads_its_own_invoices_only(client, rep, billed) -> None:
    client.force_login(rep)
    own = client.get(reverse("fees:account_invoice", args=[billed["q1"].pk]))
    assert own.status_code == 200
    body = body_of(own)
    assert "180.0000" in body and "ACH-1" in body
    assert "receivable:supplier" not in body  # the ledger's accounts are the office's
    other = client.get(reverse("fees:account_invoice", args=[billed["rival_invoice"].pk]))
    assert other.status_code == 404
    # and the program office's pages are not the supplier's
    assert client.get(reverse("fees:invoice", args=[billed["q1"].pk])).status_code == 403
    assert client.get(reverse("fees:index")).status_code == 403


def test_the_supplier_sees_its_payments_and_statement(client, rep, supplier, billed) -> None:
    client.force_login(rep)
    paid = body_of(client.get(reverse("fees:account_payments")))
    assert "ACH-1" in paid and billed["q1"].number in paid
    statement = body_of(client.get(reverse("fees:account_statement"), {"period": "2026"}))
    assert "$6.20</p><p>closing balance" in statement
    rows = csv_rows(client.get(reverse("fees:account_statement_csv"), {"period": "2026"}))
    assert rows[-1][-1] == "6.20"


def test_another_suppliers_rep_sees_only_its_own(client, billed) -> None:
    client.force_login(billed["rival"])
    body = body_of(client.get(reverse("fees:account")))
    assert billed["rival_invoice"].number in body and billed["q1"].number not in body
    mine = billed["q1"].supplier_id
    assert client.get(reverse("fees:account"), {"supplier": mine}).status_code == 404
    assert client.get(reverse("fees:account_statement"), {"supplier": mine}).status_code == 404
    csv_of = client.get(reverse("fees:account_statement_csv"), {"period": "2026"})
    assert csv_rows(csv_of)[-1][-1] == "9.00"


@pytest.mark.parametrize("role", ["buyer", "lead_agency_officer", "sponsor_viewer"])
def test_agencies_and_sponsors_see_no_fees(client_for, role, billed) -> None:
    client = client_for(role)
    assert client.get(reverse("fees:index")).status_code == 403
    assert client.get(reverse("fees:account")).status_code == 403


def test_an_accepted_report_links_to_its_invoice(client, office, rep, billed) -> None:
    q1 = billed["q1"]
    client.force_login(office)
    page = body_of(client.get(reverse("reporting:report", args=[q1.report_id])))
    assert f'<a href="/fees/invoices/{q1.pk}/">invoice {q1.number}</a>' in page
    client.force_login(rep)
    page = body_of(client.get(reverse("reporting:report", args=[q1.report_id])))
    assert f'<a href="/fees/account/invoices/{q1.pk}/">invoice {q1.number}</a>' in page
