import datetime

from ninja import Schema


class CriterionIO(Schema):
    name: str
    weight: int
    description: str = ""


class SolicitationIn(Schema):
    number: str
    title: str
    scope: str
    method: str = "rfp"
    description: str
    due_local: datetime.datetime
    time_zone: str = ""
    category_codes: list[str]
    cooperative_clause: str = ""
    estimated_national_volume: str = ""
    criteria: list[CriterionIO]
    lead_agency_id: int | None = None


class AddendumOut(Schema):
    number: int
    title: str
    body: str
    issued_at: datetime.datetime
    new_due_at: datetime.datetime | None


class AnswerOut(Schema):
    question: str
    answer: str
    answered_at: datetime.datetime


class SolicitationOut(Schema):
    id: int
    number: str
    title: str
    status: str
    lead_agency_id: int
    lead_agency: str
    scope: str
    method: str
    categories: list[str]
    due_at: datetime.datetime
    time_zone: str
    published_at: datetime.datetime | None
    opened_at: datetime.datetime | None
    awarded_at: datetime.datetime | None
    url: str


class SolicitationDetailOut(SolicitationOut):
    description: str
    cooperative_clause: str
    estimated_national_volume: str | None
    criteria: list[CriterionIO]
    addenda: list[AddendumOut]
    answers: list[AnswerOut]
    cancel_reason: str
    available_transitions: list[str]
    agreements: list[str]


class TransitionIn(Schema):
    name: str
    reason: str = ""
    proposal_ids: list[int] = []
    memo: str = ""
    effective_on: datetime.date | None = None
    initial_term_months: int = 36
    renewal_months: list[int] = [12, 12]


class ProposalOut(Schema):
    id: int
    supplier: str
    status: str
    submitted_at: datetime.datetime
    receipt: str
    award: str
    documents: list[str]


class VoteIn(Schema):
    choice: str  # approve, return or abstain
    comment: str = ""


class VoteOut(Schema):
    round: int
    subject: str
    choice: str
    outcome: str
    status: str


class AppointIn(Schema):
    email: str


class DeclarationIn(Schema):
    has_conflict: bool
    statement: str = ""
    signed_name: str


class ScoreIn(Schema):
    proposal_id: int
    criterion: str  # the criterion's name
    points: int
    comment: str = ""


class ScoresIn(Schema):
    scores: list[ScoreIn]


class ReportRowOut(Schema):
    rank: int
    proposal_id: int
    supplier: str
    total: str
    criterion_average: dict[str, str]


class EvaluationOut(Schema):
    complete: bool
    gaps: list[str]
    rows: list[ReportRowOut]
