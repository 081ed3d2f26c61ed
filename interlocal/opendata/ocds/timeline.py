"""The releases of a contracting process, as events: when each became public, its tags, and
the function that writes its body.

A release id is ``{ocid}-{key}``, where the key names the event ("addendum-2",
"contract-RFP-2026-001-01-amendment-1"), so rebuilding the data gives the same ids; a release
exists once its moment has passed (``Process.as_of``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interlocal.agreements.models import Agreement
from interlocal.opendata.ocds import contracts, tender
from interlocal.opendata.ocds.codes import TAG_ORDER
from interlocal.opendata.ocds.process import Process, Step
from interlocal.opendata.ocds.values import iso

Builder = Callable[[Process, Any, Step], dict[str, Any]]


@dataclass(frozen=True)
class Event:
    moment: datetime.datetime
    key: str
    tags: tuple[str, ...]
    build: Builder
    subject: Any = None


class _Events(list[Event]):
    def add(
        self, moment: datetime.datetime, key: str, tags: str, build: Builder, subject: Any = None
    ) -> None:
        self.append(Event(moment, key, tuple(tags.split()), build, subject))


def _tender_events(p: Process) -> _Events:
    s = p.solicitation
    notice = p.published_at
    found = _Events()
    found.add(notice, "tender", "tender", tender.tender_release)
    for addendum in p.addenda:
        moment = max(addendum.issued_at, notice)
        found.add(
            moment,
            f"addendum-{addendum.number}",
            "tenderAmendment",
            tender.addendum_release,
            addendum,
        )
    for question in p.enquiries:
        assert question.answered_at is not None
        moment = max(question.answered_at, notice)
        found.add(
            moment, f"enquiry-{question.pk}", "tenderUpdate", tender.enquiry_release, question
        )
    for doc in p.documents:
        if doc.uploaded_at > notice:  # the others are in the notice itself
            found.add(
                doc.uploaded_at, f"document-{doc.pk}", "tenderUpdate", tender.document_release, doc
            )
    for ad in p.advertisements:
        moment = p.advertisement_moment(ad)
        found.add(
            moment, f"advertisement-{ad.pk}", "tenderUpdate", tender.advertisement_release, ad
        )
    if s.opened_at:
        found.add(max(s.opened_at, notice), "opening", "tenderUpdate", tender.opening_release)
    if s.cancelled_at:
        moment = max(s.cancelled_at, notice)
        found.add(moment, "cancellation", "tenderCancellation", tender.cancellation_release)
    return found


def _agreement_events(p: Process, agreement: Agreement, with_award: bool) -> _Events:
    key = f"contract-{agreement.number}"
    published = p.contract_moment(agreement)
    found = _Events()
    if not with_award:
        # An agreement of a supplier the award did not name carries its own award.
        tags = "contract" if agreement.supplier in p.awarded else "award contract"
        found.add(published, key, tags, contracts.contract_release, agreement)
    if p.effective_moment(agreement) > published:
        moment = p.effective_moment(agreement)
        found.add(
            moment, f"{key}-effective", "contractUpdate", contracts.effective_release, agreement
        )
    for option in agreement.renewal_options.all():
        if option.exercised_on:
            moment = p.renewal_moment(agreement, option)
            found.add(
                moment,
                f"{key}-renewal-{option.sequence}",
                "contractUpdate",
                contracts.renewal_release,
                (agreement, option),
            )
    for amendment in agreement.amendments.all():
        found.add(
            p.amendment_moment(agreement, amendment),
            f"{key}-amendment-{amendment.number}",
            "contractAmendment",
            contracts.amendment_release,
            (agreement, amendment),
        )
    for doc in agreement.documents.all():
        if doc.uploaded_at > published:  # the others are in the contract release
            found.add(
                p.document_moment(agreement, doc),
                f"{key}-document-{doc.pk}",
                "contractUpdate",
                contracts.document_release,
                (agreement, doc),
            )
    kind, moment = p.end_moment(agreement)
    found.add(moment, f"{key}-{kind}", "contractTermination", contracts.end_release, agreement)
    return found


def events(p: Process) -> list[Event]:
    """Every event of the process that has happened by ``p.as_of``, in release order."""
    s = p.solicitation
    found = _tender_events(p)
    at_award: list[Agreement] = []
    if s.awarded_at:
        at_award = [a for a in p.agreements if p.contract_moment(a) == s.awarded_at]
        tags = "award contract" if at_award else "award"
        found.add(s.awarded_at, "award", tags, contracts.award_release, at_award)
    for agreement in p.agreements:
        found += _agreement_events(p, agreement, with_award=agreement in at_award)
    happened = [e for e in found if e.moment <= p.as_of]
    return sorted(happened, key=lambda e: (e.moment, TAG_ORDER.index(e.tags[0]), e.key))


def releases(p: Process) -> list[dict[str, Any]]:
    """The process's releases, oldest first."""
    built = []
    previous = None
    for event in events(p):
        release_id = f"{p.ocid}-{event.key}"
        body = event.build(p, event.subject, Step(release_id, previous))
        built.append(
            {
                "ocid": p.ocid,
                "id": release_id,
                "date": iso(event.moment),
                "tag": sorted(event.tags, key=TAG_ORDER.index),
                "initiationType": "tender",
                **body,
                "language": "en",
            }
        )
        previous = release_id
    return built


def last_change(p: Process) -> datetime.datetime:
    """When the process last changed in public: its newest release, or a later correction of
    a row (``modified_at``) that rewrites what older releases say."""
    moments = [e.moment for e in events(p)]
    corrections = [p.solicitation.modified_at, *(a.modified_at for a in p.agreements)]
    return max(moments + [m for m in corrections if m <= p.as_of])
