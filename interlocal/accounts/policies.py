import rules

from interlocal.core.permissions import acts_for_an_organization

# Anyone acting for an organization (every role but the read-only auditor) manages that
# organization's API keys; the program office manages every organization's.
rules.add_perm("apikey:manage", acts_for_an_organization)
