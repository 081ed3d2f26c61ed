"""The solicitation state machine, as data.

``TRANSITIONS`` is the whole life of a solicitation: from which states each transition may be
taken, where it leads and which named permission it needs. ``services.transition`` is the only
code that changes ``Solicitation.status``. Three transitions are the Advisory Board's decisions:
only the vote tally takes them (``BY_VOTE``).
"""

from dataclasses import dataclass

from interlocal.solicitations.models import Status


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    permission: str
    label: str


OPEN_STATES = frozenset(
    {
        Status.DRAFT,
        Status.ADVISORY_REVIEW,
        Status.PUBLISHED,
        Status.CLOSED,
        Status.EVALUATION,
        Status.AWARD_RECOMMENDED,
        Status.AWARD_APPROVED,
    }
)

TRANSITIONS: dict[str, Transition] = {
    "submit_for_review": Transition(
        frozenset({Status.DRAFT}),
        Status.ADVISORY_REVIEW,
        "solicitation:manage",
        "Send to the Advisory Board",
    ),
    "return_to_draft": Transition(
        frozenset({Status.ADVISORY_REVIEW}),
        Status.DRAFT,
        "solicitation:review",
        "Returned by the Advisory Board with comments",
    ),
    "publish": Transition(
        frozenset({Status.ADVISORY_REVIEW}),
        Status.PUBLISHED,
        "solicitation:manage",
        "Publish the notice",
    ),
    "close": Transition(
        frozenset({Status.PUBLISHED}),
        Status.CLOSED,
        "proposal:open",
        "Close and open the proposals",
    ),
    "begin_evaluation": Transition(
        frozenset({Status.CLOSED}),
        Status.EVALUATION,
        "solicitation:manage",
        "Begin the evaluation",
    ),
    "recommend_award": Transition(
        frozenset({Status.EVALUATION}),
        Status.AWARD_RECOMMENDED,
        "solicitation:manage",
        "Recommend the award",
    ),
    "approve_award": Transition(
        frozenset({Status.AWARD_RECOMMENDED}),
        Status.AWARD_APPROVED,
        "solicitation:review",
        "Award approved by the Advisory Board",
    ),
    "return_award": Transition(
        frozenset({Status.AWARD_RECOMMENDED}),
        Status.EVALUATION,
        "solicitation:review",
        "Award recommendation returned by the Advisory Board",
    ),
    "award": Transition(
        frozenset({Status.AWARD_APPROVED}),
        Status.AWARDED,
        "solicitation:manage",
        "Award the master agreements",
    ),
    "cancel": Transition(OPEN_STATES, Status.CANCELLED, "solicitation:manage", "Cancel"),
}

BY_VOTE = frozenset({"return_to_draft", "approve_award", "return_award"})


def available(status: str) -> list[str]:
    """Transitions a person (not the vote tally) may take from ``status``."""
    return [
        name
        for name, transition in TRANSITIONS.items()
        if status in transition.sources and name not in BY_VOTE
    ]
