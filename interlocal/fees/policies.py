"""Who may do what with the fee ledger. The program office runs it; auditors read it; a
supplier's representatives read their own supplier's invoices, payments and statement."""

import rules

from interlocal.core.permissions import everyone, is_overseer, is_program_admin
from interlocal.reporting.policies import represents_supplier_of

rules.add_perm("fees:view", is_overseer)
rules.add_perm("fees:close_period", is_program_admin)
rules.add_perm("fees:record_payment", is_program_admin)
# Delinquency notices go out in the program office's name: sent by it alone, read by auditors
# (``fees:view``).
rules.add_perm("fees:send_notice", is_program_admin)
# The supplier portal: a representative's own supplier (the invoice, payment or supplier as
# the object; without one, the role answers and the view scopes the rows).
rules.add_perm("fees:view_own", represents_supplier_of)
# Distribution: policies, approved costs and runs are the program office's; a run prepared by
# one program administrator is approved by another (the service checks the two-person rule).
rules.add_perm("fees:manage_policy", is_program_admin)
rules.add_perm("fees:record_cost", is_program_admin)
rules.add_perm("fees:prepare_distribution", is_program_admin)
rules.add_perm("fees:approve_distribution", is_program_admin)
# Transparency: what was collected and what each recipient received, and on what basis, is
# public (decision 0018): the pages, their CSV and PDF, and the API need no sign-in.
rules.add_perm("transparency:view", everyone)
