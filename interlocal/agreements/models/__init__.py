from interlocal.agreements.models.agreement import (
    Agreement,
    AgreementDocument,
    AgreementStatus,
    Amendment,
    ExpiryNotice,
    RenewalOption,
)
from interlocal.agreements.models.fees import FeeBase, FeeSchedule, FeeTier, StateAddOn
from interlocal.agreements.models.pricing import PriceFile, PriceItem

__all__ = [
    "Agreement",
    "AgreementDocument",
    "AgreementStatus",
    "Amendment",
    "ExpiryNotice",
    "FeeBase",
    "FeeSchedule",
    "FeeTier",
    "PriceFile",
    "PriceItem",
    "RenewalOption",
    "StateAddOn",
]
