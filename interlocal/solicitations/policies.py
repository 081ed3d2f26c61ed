"""Who may do what to a solicitation. Predicates take the solicitation as the object; without
one (a view's guard before it has loaded the object) they answer for the role alone, and the
service asks again with the object."""

from typing import Any

import rules

from interlocal.core.permissions import (
    everyone,
    is_advisory_member,
    is_lead_agency_officer,
    is_officer_of_lead_agency,
    is_overseer,
    is_program_admin,
    is_supplier_rep,
)


@rules.predicate
def is_committee_member(user: Any, solicitation: Any = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if solicitation is None:
        return bool(user.committee_seats.exists())
    return solicitation.committee.filter(user=user).exists()


manages = is_program_admin | is_officer_of_lead_agency

rules.add_perm("solicitation:view", everyone)
rules.add_perm("solicitation:draft", is_lead_agency_officer | is_program_admin)
rules.add_perm("solicitation:manage", manages)
rules.add_perm("solicitation:review", is_advisory_member)
rules.add_perm("solicitation:ask", is_supplier_rep)
rules.add_perm("solicitation:answer", manages)
rules.add_perm("proposal:submit", is_supplier_rep)
rules.add_perm("proposal:open", manages)
rules.add_perm("evaluation:score", is_committee_member)
rules.add_perm("evaluation:view", manages | is_overseer | is_committee_member)
