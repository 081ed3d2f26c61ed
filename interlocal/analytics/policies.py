"""Who sees which analytics (decision 0019).

Everyone, signed in or not, reads the whole program's aggregate pages (``analytics:view``).
The program office and auditors read every slice, agency-level figures included
(``analytics:view_all``). Anyone else reads the slices that are their own, by membership: a
supplier's representatives its agreements, a sponsor's viewers its constituency, an agency's
people its purchases (``scopes``)."""

import rules

from interlocal.core.permissions import everyone, is_overseer

rules.add_perm("analytics:view", everyone)
rules.add_perm("analytics:view_all", is_overseer)
