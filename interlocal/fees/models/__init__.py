from interlocal.fees.models.invoices import FeeInvoice, FeeLine
from interlocal.fees.models.ledger import (
    Account,
    AccountKind,
    EntryKind,
    JournalEntry,
    LedgerPeriod,
    Posting,
)
from interlocal.fees.models.payments import Allocation, Payment

__all__ = [
    "Account",
    "AccountKind",
    "Allocation",
    "EntryKind",
    "FeeInvoice",
    "FeeLine",
    "JournalEntry",
    "LedgerPeriod",
    "Payment",
    "Posting",
]
