"""Values as they stood before later changes, for releases that describe the past.

A release is a statement made at its date; rebuilding it tomorrow must give the same statement.
Rows hold current values, so earlier ones are recovered from the changes recorded since:
an agreement's amendments keep ``{field: [before, after]}`` and each exercised renewal option
knows the term it extended; an addendum that moved the closing date keeps the one it replaced.
"""

import datetime
from dataclasses import dataclass

from interlocal.agreements.models import Agreement
from interlocal.opendata.ocds.process import Process
from interlocal.solicitations.models import Solicitation


def original_deadlines(solicitations: list[Solicitation]) -> dict[int, datetime.datetime | None]:
    """The closing date each notice was published with: the due date the first addendum that
    moved it replaced, or the current one when none did."""
    result: dict[int, datetime.datetime | None] = {}
    for s in solicitations:
        moves = sorted((a for a in s.addenda.all() if a.new_due_at), key=lambda a: a.number)
        result[s.pk] = moves[0].previous_due_at if moves else s.due_at
    return result


@dataclass(frozen=True)
class Terms:
    title: str
    description: str
    expires_on: datetime.date


def _date(value: object) -> datetime.date:
    # Amendment changes are stored JSON-safe: dates as ISO strings.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def agreement_terms_at(process: Process, agreement: Agreement, moment: datetime.datetime) -> Terms:
    """The agreement's published terms as they stood at ``moment``: the current ones, with every
    later renewal and amendment undone, newest first."""
    later: list[tuple[datetime.datetime, int, dict[str, list[object]]]] = []
    for option in agreement.renewal_options.all():
        if option.exercised_on and process.renewal_moment(agreement, option) > moment:
            previous_end = option.starts_on - datetime.timedelta(days=1)
            later.append(
                (process.renewal_moment(agreement, option), 0, {"expires_on": [previous_end]})
            )
    for amendment in agreement.amendments.all():
        if process.amendment_moment(agreement, amendment) > moment:
            later.append((process.amendment_moment(agreement, amendment), 1, amendment.changes))
    values: dict[str, object] = {
        "title": agreement.title,
        "description": agreement.description,
        "expires_on": agreement.expires_on,
    }
    for _, _, changes in sorted(later, key=lambda change: change[:2], reverse=True):
        for name, pair in changes.items():
            if name in values and pair:
                values[name] = pair[0]
    return Terms(
        title=str(values["title"]),
        description=str(values["description"] or ""),
        expires_on=_date(values["expires_on"]),
    )
