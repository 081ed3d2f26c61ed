import rules

from interlocal.core.permissions import everyone, is_overseer, is_signed_in

rules.add_perm("site:view", everyone)
rules.add_perm("dashboard:view", is_signed_in)
rules.add_perm("audit:view", is_overseer)
