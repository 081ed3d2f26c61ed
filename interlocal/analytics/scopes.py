"""Whose figures a page shows, and who may ask for them (decision 0019).

A *scope* is a slice of the program's facts: the whole program, a supplier's agreements, a
sponsor's constituency (the agency types it represents) or one agency's purchases. Everyone
may read the whole program's aggregates; agency-level figures of the whole program only the
program office and auditors, unless the program publishes them (``ANALYTICS_PUBLISH_AGENCIES``).
A supplier's representatives read their agreements down to the agency; a sponsor's viewers
their constituency down to the agency; an agency's people their own purchases, beside
aggregates of their peers (same state and type) and never another agency's figures.

The scope travels in the query string as ``scope=program``, ``supplier:<id>``,
``sponsor:<id>`` or ``agency:<id>``; ``scopes_for(user)`` lists the ones a person may choose.
"""

import dataclasses
from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied

from interlocal.accounts.roles import Role


@dataclasses.dataclass(frozen=True)
class Scope:
    key: str
    label: str
    agreement_ids: frozenset[int] | None = None
    agency_types: frozenset[str] | None = None
    agency_id: int | None = None
    agency_level: bool = False

    @property
    def kind(self) -> str:
        return self.key.split(":")[0]

    @property
    def is_program(self) -> bool:
        return self.key == "program"


def sees_all(user: Any) -> bool:
    return bool(rules.has_perm("analytics:view_all", user))


def program_scope(user: Any) -> Scope:
    return Scope(
        "program",
        "The whole program",
        agency_level=sees_all(user) or settings.ANALYTICS_PUBLISH_AGENCIES,
    )


def build(key: str) -> Scope | None:
    """The scope a key names, or None when it names nothing."""
    from interlocal.agreements.models import Agreement
    from interlocal.registry.models import Agency, Sponsor, Supplier

    kind, _, ident = key.partition(":")
    if not ident.isdigit():
        return None
    pk = int(ident)
    if kind == "supplier":
        supplier = Supplier.objects.filter(pk=pk).first()
        if supplier is None:
            return None
        ids = frozenset(Agreement.objects.filter(supplier=supplier).values_list("pk", flat=True))
        return Scope(key, f"{supplier}'s agreements", agreement_ids=ids, agency_level=True)
    if kind == "sponsor":
        sponsor = Sponsor.objects.filter(pk=pk).first()
        if sponsor is None:
            return None
        return Scope(
            key,
            f"{sponsor.acronym}'s constituency",
            agency_types=frozenset(sponsor.represents),
            agency_level=True,
        )
    if kind == "agency":
        agency = Agency.objects.filter(pk=pk).select_related("state").first()
        if agency is None:
            return None
        return Scope(key, str(agency), agency_id=pk, agency_level=True)
    return None


def own_keys(user: Any) -> list[str]:
    """The slices that are a person's own: their supplier's, sponsor's or agency's."""
    if user is None or not user.is_authenticated:
        return []
    keys = [
        f"supplier:{o.supplier_id}"
        for o in user.organizations_with(Role.SUPPLIER_REP)
        if o.supplier_id is not None
    ]
    keys += [
        f"sponsor:{o.sponsor_id}"
        for o in user.organizations_with(Role.SPONSOR_VIEWER)
        if o.sponsor_id is not None
    ]
    # anyone acting for an agency, whatever the role, reads its purchases
    keys += [
        f"agency:{m.organization.agency_id}"
        for m in user.active_memberships
        if m.organization.agency_id is not None
    ]
    return list(dict.fromkeys(keys))


def scopes_for(user: Any) -> list[Scope]:
    """The scopes ``user`` may choose from, the whole program first."""
    built = (build(key) for key in own_keys(user))
    return [program_scope(user), *(s for s in built if s is not None)]


def default_scope(user: Any) -> Scope:
    """What a person sees first: their own slice if they have one, else the program."""
    choices = scopes_for(user)
    return choices[1] if len(choices) > 1 and not sees_all(user) else choices[0]


def scope_named(user: Any, key: str | None) -> Scope:
    """The scope ``key`` if ``user`` may read it; their default when no key is given. The
    program office and auditors may read any slice."""
    if not key:
        return default_scope(user)
    if key == "program":
        return program_scope(user)
    if key in own_keys(user) or sees_all(user):
        scope = build(key)
        if scope is not None:
            return scope
    if build(key) is None and not key.partition(":")[2].isdigit():
        raise PermissionDenied(
            f"'{key}' is not a scope: write program, supplier:<id>, sponsor:<id> or agency:<id>"
        )
    raise PermissionDenied("these figures are not yours to read")
