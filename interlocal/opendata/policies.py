"""Who may read the open data: everyone, signed in or not. Only public records are in it."""

import rules

from interlocal.core.permissions import everyone

rules.add_perm("opendata:view", everyone)
