"""The HTML forms of the solicitation pages.

Forms check the shape of what is typed (a date parses, a weight is a number); the services
decide whether it is allowed, and their messages are put back on the form that was sent
(``core.forms.add_service_errors``). Laid out as the services are:

- ``common``: date, time and file inputs, US time zones
- ``drafting``: the notice board's filters, the draft, its criteria, documents, advertisements
- ``bidding``: addenda, questions and answers, proposals
- ``evaluation``: the Board's vote, the committee, declarations, scores, the award
"""

from interlocal.solicitations.forms.bidding import (
    AddendumForm,
    AnswerForm,
    ProposalForm,
    QuestionForm,
)
from interlocal.solicitations.forms.common import (
    TIME_ZONE_NAMES,
    time_zone_choices,
)
from interlocal.solicitations.forms.drafting import (
    DRAFT_ERROR_ALIASES,
    MAX_CRITERIA,
    SUGGESTED_CRITERIA,
    AdvertisementForm,
    CriterionForm,
    DocumentForm,
    NoticeFilterForm,
    SolicitationForm,
    TemplateStartForm,
    criteria_formset,
    criteria_of,
    lead_agency_choices,
    weights_total,
)
from interlocal.solicitations.forms.evaluation import (
    AppointForm,
    AwardForm,
    CancelForm,
    DeclarationForm,
    RecommendForm,
    ScoreSheetForm,
    VoteForm,
    evaluator_choices,
    evaluators,
)

__all__ = [
    "DRAFT_ERROR_ALIASES",
    "MAX_CRITERIA",
    "SUGGESTED_CRITERIA",
    "TIME_ZONE_NAMES",
    "AddendumForm",
    "AdvertisementForm",
    "AnswerForm",
    "AppointForm",
    "AwardForm",
    "CancelForm",
    "CriterionForm",
    "DeclarationForm",
    "DocumentForm",
    "NoticeFilterForm",
    "ProposalForm",
    "QuestionForm",
    "RecommendForm",
    "ScoreSheetForm",
    "SolicitationForm",
    "TemplateStartForm",
    "VoteForm",
    "criteria_formset",
    "criteria_of",
    "evaluator_choices",
    "evaluators",
    "lead_agency_choices",
    "time_zone_choices",
    "weights_total",
]
