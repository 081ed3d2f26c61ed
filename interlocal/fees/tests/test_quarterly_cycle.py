"""A whole quarter, end to end, as the program office lives it: reports filed and accepted,
invoices issued, the bank's file of payments imported, the quarter distributed by two people,
statements issued, and the ledger reconciled to zero difference. CI runs it on SQLite and on
PostgreSQL."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from interlocal.fees import transparency
from interlocal.fees.models import DistributionRun, FeeInvoice, Payment, RunStatus
from interlocal.fees.services import bank, distribution, ledger
from interlocal.fees.services.reconcile import reconcile
from interlocal.fees.tests.distributing import file_quarter
from interlocal.reporting.tests.conftest import line

pytestmark = pytest.mark.django_db


def at(time_machine, day: str) -> None:
    time_machine.move_to(datetime.datetime.fromisoformat(f"{day}T15:00:00+00:00"), tick=False)


def test_a_quarter_from_reports_to_reconciled_statements(
    time_machine, agreement, agencies, rep, supplier, office, second, policy
) -> None:
    # 2026Q2's sales are reported in July: two invoices' worth across the quarter
    at(time_machine, "2026-07-08")
    invoice = file_quarter(
        "2026Q2",
        [
            line(invoice="A", date="2026-04-15"),  # Austin, a city: $90.00
            line(
                invoice="B", date="2026-05-20", customer="Travis County", qty="40", amount="1800.00"
            ),
            line(
                invoice="C",
                date="2026-06-20",
                customer="Tulsa Public Schools",
                state="OK",
                zip="74103",
                qty="3",
                amount="135.00",
            ),
        ],
        rep,
    )
    assert (invoice.sales_cents, invoice.fee_cents) == (202_500, 4050)  # 2% of $2,025.00
    assert invoice.lines.count() == 3
    # the bank's file in August: one payment short, the rest a week later, and an overpayment
    at(time_machine, "2026-08-20")
    bank_file = (
        "\ufeffDate;Amount;Reference;Invoice\r\n"
        f"08/05/2026;25.00;WIRE-1;{invoice.number}\r\n"
        f"08/12/2026;20.00;WIRE-2;{invoice.number}\r\n"
    ).encode()
    recorded = bank.import_payments(bank_file, actor=office, name="august.csv")
    assert [p.amount_cents for p in recorded] == [2500, 2000]
    assert ledger.balance(f"credit:supplier:{supplier.pk}") == -450  # $4.50 overpaid
    # costs of the quarter, approved by the board
    distribution.record_cost(
        period="2026Q3",
        category="Staff",
        description="Program manager",
        amount_cents=900,
        approval="Board resolution 2026-09",
        actor=office,
    )
    # October: 2026Q3 is over; its collections are distributed by two people
    at(time_machine, "2026-10-05")
    run = distribution.prepare("2026Q3", actor=office)
    with pytest.raises(ValidationError, match="two-person rule"):
        distribution.approve(run, actor=office)
    run = distribution.approve(run, actor=second)
    shares = {s.label: s.amount_cents for s in run.shares.select_related("sponsor")}
    # $40.50 collected: cap 35% = $14.175, Foundation 5% = $2.025; the tie on the last cent
    # goes to the cap, listed first: $14.18 (covering the $9.00 of costs) and $2.02
    assert shares["Program administration"] == 900
    assert shares["Foundation"] == 202
    assert sum(shares.values()) == run.distributable_cents == 4050
    # the sponsors' $29.48: NIGP 10% fixed ($2.948 -> $2.95), the $26.53 left by collections on
    # sales to each type: counties $36.00 for NACo, cities $1.80 shared by NLC and USCM (the
    # school district's $2.70 has no weighted sponsor, so the others share it)
    assert shares["NIGP"] == 295
    assert (shares["NACo"], shares["NLC"], shares["USCM"]) == (2527, 63, 63)
    # statements: one per recipient, each the share posted to its account
    for slug, label in transparency.recipients():
        found = transparency.statement(slug, "2026Q3")
        posted = found.line.amount_cents if found.line else 0
        assert posted == shares.get(label, 0)
        assert transparency.statement_csv_rows(found)
    # and the ledger proves every figure, with nothing left over
    checks = {c.name: c for c in reconcile("2026Q3")}
    assert all(c.ok for c in checks.values()), [c.as_dict() for c in checks.values()]
    collections = checks["collections = distributions + undistributed balance"]
    assert collections.expected == 4050
    assert "undistributed $0.00" in collections.detail
    assert sum(ledger.balances().values()) == 0
    assert Payment.objects.count() == 2 and FeeInvoice.objects.count() == 1
    assert DistributionRun.objects.get().status == RunStatus.POSTED
