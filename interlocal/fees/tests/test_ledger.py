"""The ledger: every entry balances, nothing is edited or deleted, closed periods take nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from interlocal.fees.models import EntryKind, FeeLine, JournalEntry, LedgerPeriod, Posting
from interlocal.fees.services import ledger
from interlocal.reporting.tests.conftest import csv_bytes, file_report, line

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 5)  # 2026Q2, over by now


def cash_sale(cents: int, day: datetime.date = DAY) -> JournalEntry:
    with transaction.atomic():
        return ledger.post(
            EntryKind.PAYMENT,
            day,
            "test",
            [(ledger.account(ledger.CASH), ledger.account(ledger.FEES_BILLED), cents)],
        )


def test_legs_post_positive_and_zero_legs_are_dropped() -> None:
    cash, billed = ledger.account(ledger.CASH), ledger.account(ledger.FEES_BILLED)
    with transaction.atomic():
        entry = ledger.post(EntryKind.PAYMENT, DAY, "m", [(cash, billed, -500), (cash, billed, 0)])
    # a negative leg goes the other way round, as a positive amount
    assert list(entry.postings.values_list("debit__code", "credit__code", "amount_cents")) == [
        ("fees:billed", "cash", 500)
    ]
    assert entry.period == "2026Q2"
    assert ledger.balance("cash") + ledger.balance("fees:billed") == 0
    with pytest.raises(ValidationError, match="every amount is zero"), transaction.atomic():
        ledger.post(EntryKind.PAYMENT, DAY, "m", [(cash, billed, 0)])


@pytest.mark.parametrize("table", ["fees_journalentry", "fees_posting"])
def test_entries_and_postings_cannot_be_changed_or_deleted(table) -> None:
    cash_sale(1000)
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert Posting.objects.get().amount_cents == 1000


def test_fee_lines_cannot_be_changed(obligation, rep) -> None:
    file_report(obligation, csv_bytes([line()]), actor=rep)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        FeeLine.objects.update(rate_bps=0)
    assert FeeLine.objects.get().rate_bps == 200


def test_a_reversal_undoes_an_entry_once() -> None:
    entry = cash_sale(1000)
    with transaction.atomic():
        undo = ledger.reverse(entry, DAY, "wrong amount")
    assert undo.reverses == entry and undo.kind == EntryKind.REVERSAL
    assert ledger.balance("cash") == ledger.balance("fees:billed") == 0
    with pytest.raises(ValidationError, match="already reversed"), transaction.atomic():
        ledger.reverse(entry, DAY, "again")


def test_a_closed_period_takes_no_entry(personas) -> None:
    cash_sale(1000)
    ledger.close_period("2026Q2", actor=personas["program_admin"])
    with pytest.raises(ValidationError, match="2026Q2 is closed"):
        cash_sale(1)
    # nor behind the services' back
    with pytest.raises(DatabaseError, match="closed"), transaction.atomic():
        JournalEntry.objects.create(
            kind=EntryKind.PAYMENT, booked_on=DAY, period="2026Q2", memo="x"
        )
    # the next quarter is still open
    assert cash_sale(1, datetime.date(2026, 7, 1)).period == "2026Q3"
    assert ledger.balance("cash", through="2026Q2") == 1000


def test_closing_is_for_the_program_office_and_for_ended_quarters(personas) -> None:
    with pytest.raises(PermissionDenied):
        ledger.close_period("2026Q2", actor=personas["auditor"])
    with pytest.raises(ValidationError, match="has not ended"):
        ledger.close_period("2099Q1", actor=personas["program_admin"])
    ledger.close_period("2026Q2", actor=personas["program_admin"])
    with pytest.raises(ValidationError, match="already closed"):
        ledger.close_period("2026Q2", actor=personas["program_admin"])
    assert LedgerPeriod.objects.get(period="2026Q2").closed_by == personas["program_admin"]


def test_an_unknown_account_code_is_refused() -> None:
    with pytest.raises(ValueError, match="no account of code"):
        ledger.account("bonus:ceo")
