import rules

from interlocal.core.permissions import has_any_membership, is_auditor, is_program_admin

# Any member except a read-only auditor manages their own organization's API keys; the
# program office manages every organization's.
rules.add_perm("apikey:manage", (has_any_membership & ~is_auditor) | is_program_admin)
