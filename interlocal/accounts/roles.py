"""The roles a person can hold in an organization, and which organization kinds grant them."""

from django.db import models


class Role(models.TextChoices):
    PROGRAM_ADMIN = "program_admin", "Program administrator"
    LEAD_AGENCY_OFFICER = "lead_agency_officer", "Lead-agency officer"
    BUYER = "buyer", "Buyer"
    SUPPLIER_REP = "supplier_rep", "Supplier representative"
    SPONSOR_VIEWER = "sponsor_viewer", "Sponsor viewer"
    ADVISORY_MEMBER = "advisory_member", "Advisory Board member"
    AUDITOR = "auditor", "Auditor (read-only)"


class OrgKind(models.TextChoices):
    PROGRAM_OFFICE = "program_office", "Program office"
    AGENCY = "agency", "Agency"
    SUPPLIER = "supplier", "Supplier"
    SPONSOR = "sponsor", "Sponsor"


# A role only makes sense in some kinds of organization (a supplier has no buyers). The auditor
# audits the program: it reads the program-wide registration queue and audit trail, so it is
# held only in the program office (an agency's own auditor would see every other agency).
ROLES_BY_KIND: dict[str, set[str]] = {
    OrgKind.PROGRAM_OFFICE: {Role.PROGRAM_ADMIN, Role.AUDITOR},
    OrgKind.AGENCY: {Role.BUYER, Role.LEAD_AGENCY_OFFICER, Role.ADVISORY_MEMBER},
    OrgKind.SUPPLIER: {Role.SUPPLIER_REP},
    OrgKind.SPONSOR: {Role.SPONSOR_VIEWER, Role.ADVISORY_MEMBER},
}
