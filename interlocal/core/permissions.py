"""Role predicates every app's ``policies.py`` builds its named permissions from."""

from typing import Any

import rules

from interlocal.accounts.roles import OrgKind, Role


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


@rules.predicate(name=f"has_role:{Role.AUDITOR}")
def is_auditor(user: Any) -> bool:
    """An auditor of the program: the role counts only in the program office.

    ``ROLES_BY_KIND`` already refuses the role elsewhere; this holds as well for a membership
    row written around it (a fixture, a database edit), because the auditor reads the
    program-wide queue and audit trail.
    """
    return bool(
        user is not None
        and user.is_authenticated
        and any(
            m.role == Role.AUDITOR and m.organization.kind == OrgKind.PROGRAM_OFFICE
            for m in user.active_memberships
        )
    )


@rules.predicate
def is_officer_of_lead_agency(user: Any, obj: Any = None) -> bool:
    """An officer of the lead agency of ``obj`` (a solicitation or an agreement: anything with
    ``lead_agency_id``). Without an object, a view's guard before it has loaded one, the role
    alone answers; the service asks again with the object."""
    if user is None or not user.is_authenticated:
        return False
    if obj is None:
        return bool(is_lead_agency_officer(user))
    agency_id = getattr(obj, "lead_agency_id", None)
    return any(o.agency_id == agency_id for o in user.organizations_with(Role.LEAD_AGENCY_OFFICER))


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


def require(actor: Any, permission: str, obj: Any = None) -> None:
    """The check every service makes before it writes.

    rules' own test: Django's ``has_perm()`` would let any superuser past every rule.
    """
    from django.core.exceptions import PermissionDenied

    if actor is None or not rules.has_perm(permission, actor, obj):
        raise PermissionDenied(f"you do not have permission '{permission}'")
