"""Award- and contract-stage release bodies: one award per awarded supplier, one contract per
master agreement, and what happens to each agreement afterwards (in force, renewed, amended,
ended).

OCDS's framework guidance models the first stage with awards only. We also publish each
master agreement as a contract, because it is a signed instrument with its own term, renewals
and amendments that participating agencies rely on; it carries no value, so nobody adds it up
as spending (docs/decisions/0011-ocds.md).
"""

import datetime
from typing import Any

from interlocal.agreements.models import Agreement, AgreementDocument, Amendment, RenewalOption
from interlocal.opendata.ocds import codes, links, parties
from interlocal.opendata.ocds.history import agreement_terms_at
from interlocal.opendata.ocds.process import Process, Step
from interlocal.opendata.ocds.values import end_of_day, iso, start_of_day
from interlocal.registry.models import Supplier
from interlocal.solicitations.models import Status


def _status(process: Process, agreement: Agreement, moment: datetime.datetime) -> str:
    return codes.CONTRACT_STATUS[agreement.status(today=process.local_day(moment))]


def _document(process: Process, agreement: Agreement, doc: AgreementDocument) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": f"document-{doc.pk}"}
    if doc.kind in codes.AGREEMENT_DOCUMENT_TYPE:
        entry["documentType"] = codes.AGREEMENT_DOCUMENT_TYPE[doc.kind]
    entry |= {
        "title": doc.title,
        "url": links.agreement_document(agreement, doc),
        "datePublished": iso(process.document_moment(agreement, doc)),
    }
    if media_type := links.media_type(doc.file.name or ""):
        entry["format"] = media_type
    return entry | {"language": "en"}


def _longest_term(agreement: Agreement, expires_on: datetime.date) -> datetime.date:
    return max(agreement.final_expiry_on, expires_on)


def award(process: Process, supplier: Supplier, moment: datetime.datetime) -> dict[str, Any]:
    """A supplier's place on the framework. Its period is the initial term, extendable up to
    ``maxExtentDate`` by the renewal options."""
    s = process.solicitation
    entry: dict[str, Any] = {
        "id": process.award_id(supplier),
        "title": f"{s.title}: {supplier}",
        "status": "active",
        "date": iso(moment),
        "suppliers": [parties.supplier_reference(supplier)],
    }
    agreement = next((a for a in process.agreements if a.supplier_id == supplier.pk), None)
    if agreement is not None:
        zone = process.zone
        entry["contractPeriod"] = {
            "startDate": iso(start_of_day(agreement.effective_on, zone)),
            "endDate": iso(end_of_day(agreement.initial_term_ends_on, zone)),
            "maxExtentDate": iso(end_of_day(agreement.final_expiry_on, zone)),
        }
    return entry


def contract(process: Process, agreement: Agreement, moment: datetime.datetime) -> dict[str, Any]:
    """The master agreement as it stood when it was published."""
    terms = agreement_terms_at(process, agreement, moment)
    zone = process.zone
    entry: dict[str, Any] = {
        "id": agreement.number,
        "awardID": process.award_id(agreement.supplier),
        "title": terms.title,
    }
    if terms.description:
        entry["description"] = terms.description
    entry |= {
        "status": _status(process, agreement, moment),
        "period": {
            "startDate": iso(start_of_day(agreement.effective_on, zone)),
            "endDate": iso(end_of_day(terms.expires_on, zone)),
            "maxExtentDate": iso(end_of_day(_longest_term(agreement, terms.expires_on), zone)),
        },
    }
    published = [
        _document(process, agreement, d)
        for d in agreement.documents.all()
        if process.document_moment(agreement, d) <= moment
    ]
    if published:
        entry["documents"] = published
    return entry


def _with_suppliers(
    process: Process, suppliers: list[Supplier], moment: datetime.datetime
) -> dict[str, Any]:
    listed = [parties.supplier_party(s, process.supplier_roles(s, moment)) for s in suppliers]
    return {"parties": listed} if listed else {}


def award_release(process: Process, agreements: list[Agreement], step: Step) -> dict[str, Any]:
    """The award, with the agreements written in the same transaction."""
    s = process.solicitation
    assert s.awarded_at is not None
    moment = s.awarded_at
    suppliers = sorted(
        {*process.awarded, *(a.supplier for a in agreements)}, key=lambda supplier: supplier.pk
    )
    body = _with_suppliers(process, suppliers, moment)
    # No more suppliers join the framework after the award: the tender is complete.
    body["tender"] = {"id": s.number, "status": codes.TENDER_STATUS[Status.AWARDED]}
    body["awards"] = [award(process, supplier, moment) for supplier in suppliers]
    if agreements:
        body["contracts"] = [contract(process, a, moment) for a in agreements]
    return body


def contract_release(process: Process, agreement: Agreement, step: Step) -> dict[str, Any]:
    """An agreement published after the award (or without one in this system)."""
    moment = process.contract_moment(agreement)
    body: dict[str, Any] = {}
    if agreement.supplier not in process.awarded:
        body = _with_suppliers(process, [agreement.supplier], moment)
        body["awards"] = [award(process, agreement.supplier, moment)]
    body["contracts"] = [contract(process, agreement, moment)]
    return body


def _update(process: Process, agreement: Agreement, **fields: Any) -> dict[str, Any]:
    # The schema requires awardID on every contract object, even in an update.
    award_id = process.award_id(agreement.supplier)
    return {"contracts": [{"id": agreement.number, "awardID": award_id, **fields}]}


def effective_release(process: Process, agreement: Agreement, step: Step) -> dict[str, Any]:
    moment = process.effective_moment(agreement)
    return _update(process, agreement, status=_status(process, agreement, moment))


def renewal_release(
    process: Process, subject: tuple[Agreement, RenewalOption], step: Step
) -> dict[str, Any]:
    """A renewal option exercised: the same agreement, a later end."""
    agreement, option = subject
    return _update(
        process, agreement, period={"endDate": iso(end_of_day(option.ends_on, process.zone))}
    )


def amendment_release(
    process: Process, subject: tuple[Agreement, Amendment], step: Step
) -> dict[str, Any]:
    agreement, amendment = subject
    changes = amendment.changes
    fields: dict[str, Any] = {}
    if "title" in changes:
        fields["title"] = changes["title"][1]
    if "description" in changes:
        fields["description"] = changes["description"][1] or None  # null removes it in OCDS
    if "expires_on" in changes:
        new_end = datetime.date.fromisoformat(str(changes["expires_on"][1]))
        fields["period"] = {"endDate": iso(end_of_day(new_end, process.zone))}
    entry: dict[str, Any] = {
        "id": str(amendment.number),
        "date": iso(process.amendment_moment(agreement, amendment)),
        "description": amendment.summary,
        "rationale": amendment.reason,
    }
    if step.previous_id:
        entry["amendsReleaseID"] = step.previous_id
    entry["releaseID"] = step.release_id
    fields["amendments"] = [entry]
    if amendment.document:
        fields["documents"] = [
            {
                "id": f"amendment-{amendment.number}",
                "title": f"Amendment {amendment.number}: {amendment.summary}",
                "url": links.agreement_page(agreement),
                "datePublished": entry["date"],
                "language": "en",
            }
        ]
    return _update(process, agreement, **fields)


def document_release(
    process: Process, subject: tuple[Agreement, AgreementDocument], step: Step
) -> dict[str, Any]:
    agreement, doc = subject
    return _update(process, agreement, documents=[_document(process, agreement, doc)])


def end_release(process: Process, agreement: Agreement, step: Step) -> dict[str, Any]:
    """Expired or terminated: OCDS calls both "terminated" (the contract came to a close)."""
    _, moment = process.end_moment(agreement)
    return _update(process, agreement, status=_status(process, agreement, moment))
