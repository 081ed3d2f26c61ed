"""Every write of the fees app: the ledger, fee assessment, payments."""

from interlocal.fees.services import bank, ledger, payments
from interlocal.fees.services.assessment import assess

__all__ = ["assess", "bank", "ledger", "payments"]
