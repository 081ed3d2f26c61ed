"""The life of a sales report, as data.

``TRANSITIONS`` is every move a report (a version) can make: from which statuses, to which.
:func:`interlocal.reporting.services.move` is the only code that changes
``SalesReport.status``, and it keeps the obligation's status in step.
"""

from dataclasses import dataclass

from interlocal.reporting.models import ReportStatus as S


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    label: str


TRANSITIONS: dict[str, Transition] = {
    "start": Transition(frozenset({S.SUBMITTED}), S.PROCESSING, "Processing started"),
    # A processing job that died (the process was killed) is started again from the file.
    "restart": Transition(frozenset({S.PROCESSING}), S.SUBMITTED, "Processing restarted"),
    "fail": Transition(frozenset({S.PROCESSING}), S.VALIDATION_FAILED, "Validation failed"),
    "hold": Transition(frozenset({S.PROCESSING}), S.IN_REVIEW, "Waiting for review"),
    "accept": Transition(frozenset({S.PROCESSING, S.IN_REVIEW}), S.ACCEPTED, "Accepted"),
    "supersede": Transition(frozenset({S.ACCEPTED}), S.SUPERSEDED, "Superseded by a correction"),
    # A newer version filed while an older one waits for review replaces it: only the latest
    # filing may still become the quarter's facts.
    "withdraw": Transition(frozenset({S.IN_REVIEW}), S.SUPERSEDED, "Replaced by a newer version"),
}
