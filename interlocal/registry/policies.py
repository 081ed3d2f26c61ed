import rules

from interlocal.core.permissions import everyone, is_overseer, is_program_admin

rules.add_perm("agency:view", everyone)
rules.add_perm("agency:enroll", is_program_admin)
rules.add_perm("supplier:view", everyone)
rules.add_perm("registration:submit", everyone)
rules.add_perm("registration:view_queue", is_overseer)
rules.add_perm("registration:decide", is_program_admin)
rules.add_perm("registry:import", is_program_admin)
rules.add_perm("certification:evidence", is_overseer)
