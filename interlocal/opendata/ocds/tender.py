"""Tender-stage release bodies: the notice, its addenda, answered questions, documents and
advertisements, the opening, and a cancellation.

Each function returns only what its event made public (a release is a delta; the compiled
release merges them). Nothing about proposals appears before ``opened_at``: the opening
release is the first to name a tenderer.
"""

from typing import Any

from interlocal.opendata.ocds import codes, links, parties
from interlocal.opendata.ocds.process import Process, Step
from interlocal.opendata.ocds.values import iso, value
from interlocal.solicitations.models import Addendum, Advertisement, Question, Status
from interlocal.solicitations.models import SolicitationDocument as Document

SUBMISSION_DETAILS = (
    "Proposals are submitted through the program's website and stay sealed until they are "
    "opened, after the due time."
)
BUYER_CATEGORIES = (
    "Every eligible U.S. public agency (state and local governments, special districts, public "
    "schools, colleges and universities) and 501(c)(3) non-profit that registers with the "
    "program, where the law that governs it allows cooperative purchasing."
)


def _tender(process: Process, **fields: Any) -> dict[str, Any]:
    return {"tender": {"id": process.solicitation.number, **fields}}


def document(process: Process, doc: Document) -> dict[str, Any]:
    published = max(doc.uploaded_at, process.published_at)  # drafts' documents wait for the notice
    entry: dict[str, Any] = {"id": f"document-{doc.pk}"}
    if doc.kind in codes.SOLICITATION_DOCUMENT_TYPE:
        entry["documentType"] = codes.SOLICITATION_DOCUMENT_TYPE[doc.kind]
    entry |= {
        "title": doc.title,
        "url": links.solicitation_document(process.solicitation, doc),
        "datePublished": iso(published),
    }
    if media_type := links.media_type(doc.file.name or ""):
        entry["format"] = media_type
    return entry | {"language": "en"}


def _items(process: Process) -> list[dict[str, Any]]:
    """One item per category: a master agreement has no fixed quantities, only a scope."""
    items = []
    for category in sorted(process.solicitation.categories.all(), key=lambda c: (c.scheme, c.code)):
        scheme = codes.CLASSIFICATION_SCHEME.get(category.scheme, category.scheme)
        items.append(
            {
                "id": f"{scheme}-{category.code}",
                "description": category.title,
                "classification": {
                    "scheme": scheme,
                    "id": category.code,
                    "description": category.title,
                },
            }
        )
    return items


def tender_release(process: Process, _: None, step: Step) -> dict[str, Any]:
    s = process.solicitation
    criteria = sorted(s.criteria.all(), key=lambda c: (c.position, c.pk))
    tender: dict[str, Any] = {
        "title": s.title,
        "description": s.description,
        "status": "active",
        "procuringEntity": parties.agency_reference(s.lead_agency),
        "items": _items(process),
    }
    if s.estimated_national_volume_cents is not None:
        tender["value"] = value(s.estimated_national_volume_cents)
    tender |= {
        "procurementMethod": "open",
        "procurementMethodDetails": (
            f"{s.get_method_display()}, open to every supplier; establishes cooperative "
            "purchasing master agreements that participating agencies use without a "
            "solicitation of their own"
        ),
        "mainProcurementCategory": codes.PROCUREMENT_CATEGORY[s.scope],
        "awardCriteria": codes.AWARD_CRITERIA[s.method],
    }
    if criteria:
        tender["awardCriteriaDetails"] = "; ".join(f"{c.name}: {c.weight}%" for c in criteria)
    tender |= {
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": SUBMISSION_DETAILS,
        "tenderPeriod": {"startDate": iso(process.published_at)},
    }
    if process.original_due_at is not None:
        tender["tenderPeriod"]["endDate"] = iso(process.original_due_at)
    at_notice = [d for d in process.documents if d.uploaded_at <= process.published_at]
    documents = [document(process, d) for d in at_notice]
    if documents:
        tender["documents"] = documents
    # Techniques extension: how OCDS marks the first stage of a framework agreement.
    tender["techniques"] = {
        "hasFrameworkAgreement": True,
        "frameworkAgreement": {
            "buyerCategories": BUYER_CATEGORIES,
            "description": s.cooperative_clause,
        },
    }
    # Participating agencies are not listed as buyers: all eligible agencies may use the
    # agreement (OCDS framework guidance); the lead agency buys under it too.
    lead = parties.agency_party(s.lead_agency, ["buyer", "procuringEntity"])
    return {"parties": [lead], **_tender(process, **tender)}


def addendum_release(process: Process, addendum: Addendum, step: Step) -> dict[str, Any]:
    amendment: dict[str, Any] = {
        "id": str(addendum.number),
        "date": iso(max(addendum.issued_at, process.published_at)),
        "description": f"Addendum {addendum.number}: {addendum.title}\n\n{addendum.body}",
    }
    if step.previous_id:
        amendment["amendsReleaseID"] = step.previous_id
    amendment["releaseID"] = step.release_id
    fields: dict[str, Any] = {}
    if addendum.new_due_at is not None:
        fields["tenderPeriod"] = {"endDate": iso(addendum.new_due_at)}
    return _tender(process, **fields, amendments=[amendment])


def enquiry_release(process: Process, question: Question, step: Step) -> dict[str, Any]:
    """Enquiries extension. Who asked is never published: every proposer gets the same
    answer without knowing its competitors' questions."""
    assert question.answered_at is not None
    enquiry = {
        "id": str(question.pk),
        "date": iso(max(question.asked_at, process.published_at)),
        "description": question.text,
        "answer": question.answer,
        "dateAnswered": iso(max(question.answered_at, process.published_at)),
    }
    return _tender(process, hasEnquiries=True, enquiries=[enquiry])


def document_release(process: Process, doc: Document, step: Step) -> dict[str, Any]:
    return _tender(process, documents=[document(process, doc)])


def advertisement_release(process: Process, ad: Advertisement, step: Step) -> dict[str, Any]:
    """The legal notice, which many state laws require: where and when it ran."""
    url = ad.reference if ad.reference.startswith(("https://", "http://")) else ""
    entry: dict[str, Any] = {
        "id": f"advertisement-{ad.pk}",
        "documentType": "tenderNotice",
        "title": f"Advertisement in {ad.medium}",
    }
    if ad.reference and not url:
        entry["description"] = ad.reference
    entry |= {
        "url": url or links.solicitation_page(process.solicitation),
        "datePublished": iso(process.advertisement_moment(ad)),
        "language": "en",
    }
    return _tender(process, documents=[entry])


def opening_release(process: Process, _: None, step: Step) -> dict[str, Any]:
    """The public opening: who proposed. Prices and scores stay with the evaluation."""
    s = process.solicitation
    assert s.opened_at is not None
    tenderers = process.tenderers
    fields: dict[str, Any] = {"numberOfTenderers": len(tenderers)}
    if tenderers:
        fields["tenderers"] = [parties.supplier_reference(t) for t in tenderers]
    moment = max(s.opened_at, process.published_at)
    listed = [parties.supplier_party(t, process.supplier_roles(t, moment)) for t in tenderers]
    return ({"parties": listed} if listed else {}) | _tender(process, **fields)


def cancellation_release(process: Process, _: None, step: Step) -> dict[str, Any]:
    s = process.solicitation
    assert s.cancelled_at is not None
    # OCDS "unsuccessful": nobody proposed. Otherwise the lead agency withdrew the process.
    unsuccessful = s.opened_at is not None and not process.tenderers
    reason = {
        "id": "cancellation",
        "documentType": "cancellationDetails",
        "title": "Reason for cancellation",
        "description": s.cancel_reason or "No reason recorded.",
        "url": links.solicitation_page(s),
        "datePublished": iso(max(s.cancelled_at, process.published_at)),
        "language": "en",
    }
    status = "unsuccessful" if unsuccessful else codes.TENDER_STATUS[Status.CANCELLED]
    return _tender(process, status=status, documents=[reason])
