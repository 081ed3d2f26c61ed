"""Every write to solicitations. Each function is atomic, checks permission, and writes its
audit event in the same transaction."""

from interlocal.solicitations.services.bidding import (
    acknowledge_addendum,
    answer_question,
    ask_question,
    issue_addendum,
    read_proposal_document,
    submit_proposal,
    supplier_of,
    withdraw_proposal,
)
from interlocal.solicitations.services.drafting import (
    Criterion,
    SolicitationTerms,
    add_document,
    create_solicitation,
    record_advertisement,
    start_from_template,
    terms_of,
    update_draft,
)
from interlocal.solicitations.services.evaluation import appoint_member, declare, score
from interlocal.solicitations.services.transitions import AwardTerms, cast_vote, transition

__all__ = [
    "AwardTerms",
    "Criterion",
    "SolicitationTerms",
    "acknowledge_addendum",
    "add_document",
    "answer_question",
    "appoint_member",
    "ask_question",
    "cast_vote",
    "create_solicitation",
    "declare",
    "issue_addendum",
    "read_proposal_document",
    "record_advertisement",
    "score",
    "start_from_template",
    "submit_proposal",
    "supplier_of",
    "terms_of",
    "transition",
    "update_draft",
    "withdraw_proposal",
]
