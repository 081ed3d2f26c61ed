"""Who may read and who may change the eligibility rules."""

import rules

from interlocal.core.permissions import everyone, is_program_admin

# Rules, their history and verdicts are public: a buyer, its counsel and a supplier read the
# same law, and anonymous visitors can check an agreement before registering.
rules.add_perm("eligibility:view", everyone)
# Editing the law the program applies is the program office's job (auditors read, never write).
rules.add_perm("eligibility:edit_rules", is_program_admin)
