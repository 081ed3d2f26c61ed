from interlocal.registry.models.agencies import (
    Agency,
    AgencyAlias,
    AgencyDomain,
    AgencyType,
    ExemptOrganization,
    ParticipationRoute,
    SpecialDistrictFunction,
)
from interlocal.registry.models.governance import (
    AdvisoryBoardMember,
    Foundation,
    FoundationBoardSeat,
    Sponsor,
)
from interlocal.registry.models.registrations import Registration
from interlocal.registry.models.suppliers import Certification, CertificationKind, Supplier

__all__ = [
    "AdvisoryBoardMember",
    "Agency",
    "AgencyAlias",
    "AgencyDomain",
    "AgencyType",
    "Certification",
    "CertificationKind",
    "ExemptOrganization",
    "Foundation",
    "FoundationBoardSeat",
    "ParticipationRoute",
    "Registration",
    "SpecialDistrictFunction",
    "Sponsor",
    "Supplier",
]
