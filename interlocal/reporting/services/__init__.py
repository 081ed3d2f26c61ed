"""Every write to sales reporting. Each function is atomic, checks permission, and writes its
audit event in the same transaction."""

from interlocal.reporting.services.obligations import (
    obligation_for,
    open_obligations,
    send_reminders,
)
from interlocal.reporting.services.processing import (
    accept_report,
    move,
    process_report,
    recover_stalled,
)
from interlocal.reporting.services.review import decide_customer
from interlocal.reporting.services.submission import submit_report

__all__ = [
    "accept_report",
    "decide_customer",
    "move",
    "obligation_for",
    "open_obligations",
    "process_report",
    "recover_stalled",
    "send_reminders",
    "submit_report",
]
