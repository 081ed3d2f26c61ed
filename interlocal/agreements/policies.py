"""Who may change a master agreement. As in solicitations, predicates answer for the role
without an object and for the agreement's lead agency with one."""

from typing import Any

import rules

from interlocal.accounts.roles import Role
from interlocal.core.permissions import (
    everyone,
    is_lead_agency_officer,
    is_overseer,
    is_program_admin,
)


@rules.predicate
def is_officer_of_agreement_lead(user: Any, agreement: Any = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if agreement is None:
        return bool(is_lead_agency_officer(user))
    agency_id = getattr(agreement, "lead_agency_id", None)
    return any(o.agency_id == agency_id for o in user.organizations_with(Role.LEAD_AGENCY_OFFICER))


rules.add_perm("agreement:view", everyone)
rules.add_perm("agreement:manage", is_program_admin | is_officer_of_agreement_lead)
rules.add_perm("agreement:price_file", is_program_admin | is_officer_of_agreement_lead)
rules.add_perm("agreement:fee_schedule", is_program_admin)
rules.add_perm("agreement:pipeline", is_overseer | is_lead_agency_officer)
