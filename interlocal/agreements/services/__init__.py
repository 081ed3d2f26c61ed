"""Every write to master agreements. Each function is atomic, checks permission, and writes its
audit event in the same transaction."""

from interlocal.agreements.services.terms import (
    FeeTerms,
    add_document,
    amend,
    create_agreements_for_award,
    exercise_renewal,
    set_fee_schedule,
    term_end,
)

__all__ = [
    "FeeTerms",
    "add_document",
    "amend",
    "create_agreements_for_award",
    "exercise_renewal",
    "set_fee_schedule",
    "term_end",
]
