"""Who may do what with sales reports. A supplier's representative files and reads the
reports of its own agreements; the program office reviews, matches and accepts; auditors read.
Predicates answer for the role without an object, and for the agreement's supplier with one."""

from typing import Any

import rules

from interlocal.core.permissions import (
    everyone,
    is_overseer,
    is_program_admin,
    is_supplier_rep,
)


@rules.predicate
def represents_supplier_of(user: Any, obj: Any = None) -> bool:
    """A representative of the supplier holding ``obj`` (an agreement, an obligation or a
    report), or of ``obj`` itself (a supplier). Without an object the role alone answers; the
    service or view asks again with it."""
    if user is None or not user.is_authenticated:
        return False
    if obj is None:
        return bool(is_supplier_rep(user))
    from interlocal.registry.models import Supplier
    from interlocal.reporting.models import ReportObligation, SalesReport, supplier_ids

    if isinstance(obj, Supplier):
        return obj.pk in supplier_ids(user)
    if isinstance(obj, SalesReport):
        obj = obj.obligation
    if isinstance(obj, ReportObligation):
        obj = obj.agreement
    return getattr(obj, "supplier_id", None) in supplier_ids(user)


rules.add_perm("salesreport:view", is_overseer | represents_supplier_of)
rules.add_perm("salesreport:submit", is_program_admin | represents_supplier_of)
rules.add_perm("salesreport:review", is_program_admin)
rules.add_perm("salesreport:accept", is_program_admin)
rules.add_perm("salesreport:office", is_overseer)
rules.add_perm("salesreport:template", everyone)
# Price integrity across agencies and the data-quality trend: the supplier's own figures, or
# every supplier's for the program office and auditors. Agencies and the public see neither.
rules.add_perm("salesreport:dispersion", is_overseer | represents_supplier_of)
rules.add_perm("salesreport:quality", is_overseer | represents_supplier_of)
