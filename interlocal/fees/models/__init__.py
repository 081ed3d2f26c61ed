from interlocal.fees.models.distribution import (
    DistributionPolicy,
    DistributionRun,
    DistributionShare,
    PolicyShare,
    ProgramCost,
    Recipient,
    RunStatus,
)
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
    "DistributionPolicy",
    "DistributionRun",
    "DistributionShare",
    "EntryKind",
    "FeeInvoice",
    "FeeLine",
    "JournalEntry",
    "LedgerPeriod",
    "Payment",
    "PolicyShare",
    "Posting",
    "ProgramCost",
    "Recipient",
    "RunStatus",
]
