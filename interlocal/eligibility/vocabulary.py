"""The closed words a rule file may use, with the plain-English labels every page prints.

A rule names duties and evidence by key (``due_diligence_file``), never by free text, so the same
item reads the same on every verdict, checklist and API answer, and a typo in a rule file is an
error instead of a new, unlabelled duty. A new word is a code change reviewed here.
"""

from interlocal.registry.models import AgencyType
from interlocal.solicitations.models import Method, Scope

LAYERS: dict[str, str] = {
    "federal_overlay": "Federal-funds overlay",
    "state": "State law",
    "program": "Program requirement",
    "local": "Local rule",
}

# Layers whose rules add conditions on top of the state authority instead of being one.
CUMULATIVE_LAYERS = frozenset({"federal_overlay", "program", "local"})

EFFECTS: dict[str, str] = {
    "satisfies_competitive_bidding": (
        "A purchase made this way satisfies your own competitive bidding requirement"
    ),
    "authorizes_cooperative_purchase": (
        "Allows your agency to use the contract; your own purchasing rules still apply"
    ),
    "adds_requirements": "Adds requirements to the purchase; it does not authorize it by itself",
}

AGENCY_TYPES: dict[str, str] = {choice.value: str(choice.label) for choice in AgencyType}
# "Public body" for a lead agency: every agency type except the private non-profits.
NOT_PUBLIC_BODIES = frozenset({AgencyType.NONPROFIT.value, AgencyType.PRIVATE_COLLEGE.value})

SCOPES: dict[str, str] = {choice.value: str(choice.label) for choice in Scope}
METHODS: dict[str, str] = {choice.value: str(choice.label) for choice in Method}
LOCATIONS: dict[str, str] = {
    "in_state": "a lead agency in your state",
    "out_of_state": "a lead agency in another state",
}

CONDITIONS: dict[str, str] = {
    "agreement_in_force": "Master agreement in force",
    "amount": "Purchase amount",
    "lead_agency_public_body": "Lead agency is a public body",
    "lead_agency_types": "Kind of lead agency",
    "lead_agency_location": "Where the lead agency is",
    "cooperative_clause_required": "Cooperative purchasing clause",
    "competitive_methods": "Competitive method of award",
    "advertisement_required": "Solicitation advertised or posted",
    "governing_body_approval": "Approval by your governing body",
    "external_approval": "Approval by a state office",
    "max_age_days": "Age of the master agreement",
    "not_above_state_contract_price": "Not above the state contract price",
}

DUTIES: dict[str, str] = {
    "due_diligence_file": "Keep a due-diligence file for this purchase with the evidence listed",
    "interlocal_agreement": (
        "Sign the written interlocal or cooperative purchasing agreement with the lead agency or "
        "program, approved the way your law and policies require"
    ),
    "designate_representative": (
        "Designate a person to act for your agency in all matters relating to the program"
    ),
    "pay_supplier_as_agreed": (
        "Pay for your orders as the cooperative agreement provides (to the supplier directly)"
    ),
    "supplier_quality_and_delivery": (
        "Be responsible for the supplier's compliance on quality of items and delivery terms for "
        "your orders, to the extent the cooperative agreement provides"
    ),
    "file_or_post_agreement": (
        "Before the interlocal agreement takes effect, file it with your county auditor or list "
        "it by subject on your agency's website"
    ),
    "compare_state_contract_price": (
        "Compare the price with the state contract price for the same goods and keep the comparison"
    ),
    "follow_local_procurement_policy": "Follow your own written procurement policy and procedures",
    "purchase_within_contract_terms": (
        "Buy only the awarded goods and services, at the contract's terms, conditions and prices"
    ),
    "system_identifier_on_orders": (
        "Put the cooperative system identifier on every purchase order, contract and voucher"
    ),
    "check_exclusions": (
        "Check before buying that the supplier is not suspended or debarred (SAM.gov exclusions)"
    ),
    "record_procurement_history": (
        "Keep records of the procurement history: the method, the contract type, why the "
        "supplier was chosen and the basis of the price"
    ),
}

EVIDENCE: dict[str, str] = {
    "solicitation": "The solicitation (RFP or invitation for bids) as issued",
    "addenda": "Every addendum to the solicitation",
    "advertisement_proof": "Proof the solicitation was advertised or posted: where and when",
    "evaluation_summary": "The evaluation report or bid tabulation",
    "award": "The lead agency's award decision or notice",
    "executed_agreement": "The executed master agreement and its amendments",
    "price_file": "The contract prices in effect on the purchase date",
    "interlocal_agreement": "The signed interlocal or cooperative purchasing agreement",
    "governing_body_approval": "Minutes or resolution of your governing body approving it",
    "local_authorization": "Your local law, rule or resolution authorizing best-value awards",
    "external_approval": "The written approval of the state office named in the rule",
    "price_comparison": "Your comparison with the state contract price for the same goods",
    "cost_price_analysis": "Your independent estimate and cost or price analysis",
    "equivalence_determination": (
        "Your written determination that the lead agency's process was substantially equivalent "
        "to the methods your code allows"
    ),
    "cost_effectiveness_determination": (
        "Your determination that this is the most cost-effective way to buy"
    ),
    "federal_contract_provisions": (
        "The federally required contract provisions (2 CFR 200.327 and Appendix II) on the order"
    ),
}

# Evidence the program itself can hold for an agreement; the rest the buyer produces.
PROGRAM_EVIDENCE = frozenset(
    {
        "solicitation",
        "addenda",
        "advertisement_proof",
        "evaluation_summary",
        "award",
        "executed_agreement",
        "price_file",
    }
)
