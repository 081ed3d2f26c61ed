"""Role predicates every app's ``policies.py`` builds its named permissions from."""

from typing import Any

import rules

from interlocal.accounts.roles import Role


def _role(role: str) -> Any:
    @rules.predicate(name=f"has_role:{role}")
    def predicate(user: Any) -> bool:
        return bool(user is not None and user.is_authenticated and user.has_role(role))

    return predicate


is_program_admin = _role(Role.PROGRAM_ADMIN)
is_lead_agency_officer = _role(Role.LEAD_AGENCY_OFFICER)
is_buyer = _role(Role.BUYER)
is_supplier_rep = _role(Role.SUPPLIER_REP)
is_sponsor_viewer = _role(Role.SPONSOR_VIEWER)
is_advisory_member = _role(Role.ADVISORY_MEMBER)
is_auditor = _role(Role.AUDITOR)


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated)


@rules.predicate
def acts_for_an_organization(user: Any) -> bool:
    """Holds a role other than read-only auditor somewhere."""
    return bool(user is not None and user.is_authenticated and user.roles - {Role.AUDITOR})


everyone = rules.always_allow
# Read-only oversight: the auditor may read what the program office reads, never change it.
is_overseer = is_program_admin | is_auditor
