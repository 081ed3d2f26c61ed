"""Who sees which analytics (decision 0019).

The program office and auditors see everything. A supplier's representatives see their own
agreements; an agency's people its own purchases and savings, beside aggregates of its peers;
a sponsor's viewers its constituency (the agency types it represents). Everyone, signed in or
not, sees the program-wide aggregate pages. ``queries.lens_for`` turns the same roles into
the filter every read applies."""

import rules

from interlocal.core.permissions import (
    everyone,
    is_buyer,
    is_overseer,
    is_sponsor_viewer,
    is_supplier_rep,
)

rules.add_perm("analytics:view", everyone)
rules.add_perm("analytics:view_program", is_overseer)
rules.add_perm("analytics:view_supplier", is_supplier_rep)
rules.add_perm("analytics:view_agency", is_buyer)
rules.add_perm("analytics:view_sponsor", is_sponsor_viewer)
