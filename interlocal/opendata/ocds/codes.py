"""Our codes → OCDS 1.1.5 codelist codes, as data. docs/open-data.md prints these tables."""

from interlocal.agreements.models import AgreementDocument, AgreementStatus
from interlocal.solicitations.models import Method, Scope, Status
from interlocal.solicitations.models.solicitation import DocumentKind

VERSION = "1.1"

# Extensions used beyond the core schema (declared in every package, as OCDS asks). The core
# schema allows additional properties, so data using them still validates against it.
TECHNIQUES = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/"
    "master/extension.json"
)
ENQUIRIES = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/"
    "master/extension.json"
)
PAGINATION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/"
    "master/extension.json"
)
EXTENSIONS = [TECHNIQUES, ENQUIRIES]  # every package; feed pages add PAGINATION (links.next)

# tenderStatus. Drafts and Advisory Board review are never published, so have no code.
TENDER_STATUS: dict[str, str] = {
    Status.PUBLISHED: "active",
    Status.CLOSED: "active",
    Status.EVALUATION: "active",
    Status.AWARD_RECOMMENDED: "active",  # a recommendation is not an award until approved
    Status.AWARD_APPROVED: "active",
    Status.AWARDED: "complete",
    Status.CANCELLED: "cancelled",  # "unsuccessful" when no proposal was received
}

# contractStatus. OCDS has no "expired": its "terminated" is a contract that "has come to a
# close", by completion or early end.
CONTRACT_STATUS: dict[str, str] = {
    AgreementStatus.PENDING: "pending",
    AgreementStatus.ACTIVE: "active",
    AgreementStatus.EXPIRED: "terminated",
    AgreementStatus.TERMINATED: "terminated",
}

PROCUREMENT_CATEGORY: dict[str, str] = {
    Scope.GOODS: "goods",
    Scope.SERVICES: "services",
    Scope.PUBLIC_WORKS: "works",
}

# awardCriteria: an RFP is scored on weighted criteria; an IFB goes to the lowest responsive,
# responsible bid.
AWARD_CRITERIA: dict[str, str] = {
    Method.RFP: "ratedCriteria",
    Method.SEALED_BID: "priceOnly",
}

# documentType; a kind without a fitting code is published without one.
SOLICITATION_DOCUMENT_TYPE: dict[str, str] = {
    DocumentKind.SOLICITATION: "biddingDocuments",
    DocumentKind.SPECIFICATION: "technicalSpecifications",
    DocumentKind.PRICING_FORM: "biddingDocuments",
    DocumentKind.ADVERTISEMENT_PROOF: "tenderNotice",
    DocumentKind.EVALUATION_REPORT: "evaluationReports",
    DocumentKind.AWARD_NOTICE: "awardNotice",
}
AGREEMENT_DOCUMENT_TYPE: dict[str, str] = {
    AgreementDocument.Kind.EXECUTED_AGREEMENT: "contractSigned",
    AgreementDocument.Kind.INSURANCE: "contractGuarantees",
}

# itemClassificationScheme is an open codelist: UNSPSC, NAICS... pass through unchanged. The
# program's own category scheme is stored as "IL", which would read as Israel's country code.
CLASSIFICATION_SCHEME: dict[str, str] = {"IL": "INTERLOCAL"}

# Organization identifier schemes from org-id.guide. The Census of Governments ID has no
# org-id list, so it goes in additionalIdentifiers without a scheme (docs/open-data.md).
EIN_SCHEME = "US-EIN"
UEI_SCHEME = "US-SAM"

# releaseTag order, so a release's tags come out in one order whatever produced them.
TAG_ORDER = [
    "tender",
    "tenderAmendment",
    "tenderUpdate",
    "tenderCancellation",
    "award",
    "awardUpdate",
    "contract",
    "contractUpdate",
    "contractAmendment",
    "contractTermination",
]
ROLE_ORDER = ["buyer", "procuringEntity", "supplier", "tenderer"]
