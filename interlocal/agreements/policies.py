"""Who may change a master agreement. As in solicitations, predicates answer for the role
without an object and for the agreement's lead agency with one."""

import rules

from interlocal.core.permissions import (
    everyone,
    is_lead_agency_officer,
    is_officer_of_lead_agency,
    is_overseer,
    is_program_admin,
)

rules.add_perm("agreement:view", everyone)
rules.add_perm("agreement:manage", is_program_admin | is_officer_of_lead_agency)
rules.add_perm("agreement:price_file", is_program_admin | is_officer_of_lead_agency)
rules.add_perm("agreement:fee_schedule", is_program_admin)
rules.add_perm("agreement:pipeline", is_overseer | is_lead_agency_officer)
