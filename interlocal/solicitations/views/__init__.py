"""The solicitation pages. Every view is thin: it reads through the ``visible_to`` scopes,
writes through ``solicitations.services``, and shows a service's refusal on the form it came
from (nothing is saved then: each service is one transaction).

- ``notices``: the public notice board, its feed, the solicitation's page, its documents
- ``page``: what the solicitation's page shows to whom (the working page by role and status)
- ``drafting``: new drafts, from scratch or from a prior solicitation; editing; documents
- ``actions``: transitions, the Advisory Board's vote, addenda, questions and answers
- ``proposals``: submitting a sealed proposal and reading its documents
- ``evaluation``: the committee, declarations, scoring and the evaluation report
"""

from interlocal.solicitations.views.actions import (
    acknowledge,
    answer,
    ask,
    issue_addendum,
    transition,
    vote,
    withdraw,
)
from interlocal.solicitations.views.drafting import (
    add_document,
    advertise,
    create,
    edit,
    weights_total_fragment,
)
from interlocal.solicitations.views.evaluation import appoint, declare, evaluation, score
from interlocal.solicitations.views.notices import detail, document, feed, index
from interlocal.solicitations.views.proposals import proposal_document, submit_proposal

__all__ = [
    "acknowledge",
    "add_document",
    "advertise",
    "answer",
    "appoint",
    "ask",
    "create",
    "declare",
    "detail",
    "document",
    "edit",
    "evaluation",
    "feed",
    "index",
    "issue_addendum",
    "proposal_document",
    "score",
    "submit_proposal",
    "transition",
    "vote",
    "weights_total_fragment",
    "withdraw",
]
