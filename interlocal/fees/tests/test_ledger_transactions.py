"""The ledger in real transactions (its own module: after a ``transaction=True`` test the
append-only guards stay lifted until the module ends, see ``flushable_audit_table``)."""

import datetime

import pytest

from interlocal.fees.models import EntryKind
from interlocal.fees.services import ledger

DAY = datetime.date(2026, 5, 5)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("flushable_audit_table")
def test_posting_outside_a_transaction_is_refused() -> None:
    cash, billed = ledger.account(ledger.CASH), ledger.account(ledger.FEES_BILLED)
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        ledger.post(EntryKind.PAYMENT, DAY, "m", [(cash, billed, 1)])
