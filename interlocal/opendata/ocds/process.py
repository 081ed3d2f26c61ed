"""One contracting process — a published solicitation and its master agreements — as the
builders see it: loaded once (``opendata.queries.load_processes``), read as of a moment.

Every moment here is when something became public record. Date-only facts (an effective date,
a renewal) happen at the start of that day in the lead agency's time zone, and never before the
release they follow: a renewal cannot be published before its agreement.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings

from interlocal.agreements.models import Agreement, AgreementDocument, Amendment, RenewalOption
from interlocal.opendata.ocds.values import start_of_day
from interlocal.registry.models import Supplier
from interlocal.solicitations.models import (
    Addendum,
    Advertisement,
    Proposal,
    Question,
    Solicitation,
    SolicitationDocument,
)


def ocid_for(number: str) -> str:
    """A process's ocid: the program's registered prefix and the solicitation number."""
    return f"{settings.OCDS_PREFIX}-{number}"


def number_from_ocid(ocid: str) -> str | None:
    prefix = f"{settings.OCDS_PREFIX}-"
    return ocid.removeprefix(prefix) if ocid.startswith(prefix) else None


@dataclass
class Process:
    solicitation: Solicitation
    as_of: datetime.datetime
    addenda: list[Addendum] = field(default_factory=list)
    enquiries: list[Question] = field(default_factory=list)
    documents: list[SolicitationDocument] = field(default_factory=list)
    advertisements: list[Advertisement] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    # The closing date as first published (``history.original_deadlines``); None if unknown.
    original_due_at: datetime.datetime | None = None

    @classmethod
    def of(
        cls,
        solicitation: Solicitation,
        as_of: datetime.datetime,
        original_due_at: datetime.datetime | None,
    ) -> "Process":
        """From a solicitation loaded by ``opendata.queries`` (no further queries)."""
        return cls(
            solicitation=solicitation,
            as_of=as_of,
            original_due_at=original_due_at,
            addenda=list(solicitation.addenda.all()),
            # Questions are private until answered, and published without who asked.
            enquiries=[q for q in solicitation.questions.all() if q.answered_at and q.answer],
            documents=list(solicitation.documents.all()),
            advertisements=list(solicitation.advertisements.all()),
            proposals=list(solicitation.proposals.all()),
            agreements=sorted(solicitation.agreements.all(), key=lambda a: a.number),
        )

    @property
    def ocid(self) -> str:
        return ocid_for(self.solicitation.number)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return self.solicitation.zone

    @property
    def published_at(self) -> datetime.datetime:
        assert self.solicitation.published_at is not None  # only published ones are loaded
        return self.solicitation.published_at

    # --- who took part: sealed until the opening, awarded from the award -------------------

    @cached_property
    def tenderers(self) -> list[Supplier]:
        """Suppliers with a current proposal; public only from ``opened_at``."""
        current = [p for p in self.proposals if p.status == Proposal.Status.SUBMITTED]
        return sorted({p.supplier for p in current}, key=lambda s: s.pk)

    @cached_property
    def awarded(self) -> list[Supplier]:
        won = [p for p in self.proposals if p.award == Proposal.Award.AWARDED]
        return sorted({p.supplier for p in won}, key=lambda s: s.pk)

    def supplier_roles(self, supplier: Supplier, moment: datetime.datetime) -> list[str]:
        s = self.solicitation
        roles = []
        if s.opened_at and s.opened_at <= moment and supplier in self.tenderers:
            roles.append("tenderer")
        awarded = s.awarded_at and s.awarded_at <= moment and supplier in self.awarded
        contracted = any(
            a.supplier_id == supplier.pk and self.contract_moment(a) <= moment
            for a in self.agreements
        )
        if awarded or contracted:
            roles.append("supplier")
        return roles

    # --- when each agreement fact became public --------------------------------------------

    def contract_moment(self, agreement: Agreement) -> datetime.datetime:
        """Agreements are written in the award's transaction, just before ``awarded_at``: they
        are published with the award, not a few microseconds ahead of it."""
        moments = [agreement.created_at, self.published_at]
        if self.solicitation.awarded_at:
            moments.append(self.solicitation.awarded_at)
        return max(moments)

    def effective_moment(self, agreement: Agreement) -> datetime.datetime:
        return start_of_day(agreement.effective_on, self.zone)

    def renewal_moment(self, agreement: Agreement, option: RenewalOption) -> datetime.datetime:
        assert option.exercised_on is not None
        return max(start_of_day(option.exercised_on, self.zone), self.contract_moment(agreement))

    def amendment_moment(self, agreement: Agreement, amendment: Amendment) -> datetime.datetime:
        return max(amendment.approved_at, self.contract_moment(agreement))

    def document_moment(
        self, agreement: Agreement, document: AgreementDocument
    ) -> datetime.datetime:
        return max(document.uploaded_at, self.contract_moment(agreement))

    def end_moment(self, agreement: Agreement) -> tuple[str, datetime.datetime]:
        """("termination" | "expiry", when the agreement stops being in force)."""
        if agreement.terminated_on and agreement.terminated_on <= agreement.expires_on:
            day, kind = agreement.terminated_on, "termination"
        else:
            day, kind = agreement.expires_on + datetime.timedelta(days=1), "expiry"
        return kind, max(start_of_day(day, self.zone), self.contract_moment(agreement))

    def advertisement_moment(self, advertisement: Advertisement) -> datetime.datetime:
        moments = [start_of_day(advertisement.published_on, self.zone), self.published_at]
        if advertisement.proof is not None:
            moments.append(advertisement.proof.uploaded_at)
        return max(moments)

    def local_day(self, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(self.zone).date()

    def award_id(self, supplier: Supplier) -> str:
        return f"award-{supplier.pk}"


@dataclass(frozen=True)
class Step:
    """Where a release sits in its process: its id, and the id of the release before it (what
    an amendment amends)."""

    release_id: str
    previous_id: str | None
