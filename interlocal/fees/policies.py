"""Who may do what with the fee ledger. The program office runs it; auditors read it."""

import rules

from interlocal.core.permissions import is_overseer, is_program_admin

rules.add_perm("fees:view", is_overseer)
rules.add_perm("fees:close_period", is_program_admin)
rules.add_perm("fees:record_payment", is_program_admin)
