"""Reads about solicitations: public notices, the evaluation's completeness and its report."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import rules

from interlocal.core.permissions import is_overseer
from interlocal.solicitations.models import (
    CommitteeMember,
    EvaluationCriterion,
    Proposal,
    Score,
    Solicitation,
    Status,
)

TWO_PLACES = Decimal("0.01")


def scoring_members(s: Solicitation) -> list[CommitteeMember]:
    """Members who declared no conflict: the ones whose scores count."""
    return list(
        s.committee.select_related("user", "declaration").filter(declaration__has_conflict=False)
    )


def evaluation_gaps(s: Solicitation) -> list[str]:
    """What still stands between the evaluation and a recommendation (empty when complete)."""
    gaps = []
    undeclared = s.committee.filter(declaration__isnull=True).select_related("user")
    gaps += [f"{m.user} has not signed the conflict-of-interest declaration" for m in undeclared]
    members = scoring_members(s)
    if not members:
        gaps.append("no committee member without a conflict has been appointed")
    proposals = list(s.proposals.filter(status=Proposal.Status.SUBMITTED))
    criteria = list(s.criteria.all())
    expected = len(proposals) * len(criteria)
    counts: dict[int, int] = defaultdict(int)
    for member_id in Score.objects.filter(member__in=members, proposal__in=proposals).values_list(
        "member_id", flat=True
    ):
        counts[member_id] += 1
    gaps += [
        f"{m.user} has scored {counts[m.pk]} of {expected} (proposal, criterion) pairs"
        for m in members
        if counts[m.pk] < expected
    ]
    return gaps


@dataclass
class ReportRow:
    proposal: Proposal
    criterion_average: dict[int, Decimal] = field(default_factory=dict)  # criterion id -> 0..10
    member_totals: dict[int, Decimal] = field(default_factory=dict)  # member id -> 0..100
    total: Decimal = Decimal(0)
    rank: int = 0


@dataclass
class EvaluationReport:
    criteria: list[EvaluationCriterion]
    members: list[CommitteeMember]
    rows: list[ReportRow]
    gaps: list[str]

    @property
    def complete(self) -> bool:
        return not self.gaps


def evaluation_report(s: Solicitation) -> EvaluationReport:
    """Totals and ranking: each member's weighted total is Σ points x weight ÷ 10 (out of 100);
    a proposal's total is the mean over members; equal totals share a rank."""
    criteria = list(s.criteria.all())
    members = scoring_members(s)
    proposals = list(
        s.proposals.filter(status=Proposal.Status.SUBMITTED).select_related("supplier")
    )
    weights = {c.pk: c.weight for c in criteria}
    points: dict[tuple[int, int, int], int] = {
        (sc.proposal_id, sc.member_id, sc.criterion_id): sc.points
        for sc in Score.objects.filter(member__in=members, proposal__in=proposals)
    }
    rows = []
    for proposal in proposals:
        row = ReportRow(proposal)
        for member in members:
            total = sum(
                (Decimal(points.get((proposal.pk, member.pk, c.pk), 0)) * weights[c.pk] / 10)
                for c in criteria
            )
            row.member_totals[member.pk] = Decimal(total).quantize(TWO_PLACES)
        for criterion in criteria:
            given = [
                points[(proposal.pk, m.pk, criterion.pk)]
                for m in members
                if (proposal.pk, m.pk, criterion.pk) in points
            ]
            if given:
                row.criterion_average[criterion.pk] = (Decimal(sum(given)) / len(given)).quantize(
                    TWO_PLACES
                )
        if members:
            row.total = (sum(row.member_totals.values(), Decimal(0)) / len(members)).quantize(
                TWO_PLACES
            )
        rows.append(row)
    rows.sort(key=lambda r: (-r.total, str(r.proposal.supplier)))
    for i, row in enumerate(rows):
        row.rank = rows[i - 1].rank if i and row.total == rows[i - 1].total else i + 1
    return EvaluationReport(criteria, members, rows, gaps=evaluation_gaps(s))


def may_see_evaluation(user: Any, s: Solicitation) -> bool:
    """The evaluation report is public with the award. Before it: the lead agency, the program
    office and auditors, committee members cleared by a no-conflict declaration (a recused
    member sees no more of the evaluation than the public), and the Advisory Board while it
    reviews the award recommendation."""
    if s.status == Status.AWARDED:
        return True
    # The Advisory Board votes on the award recommendation: it reads what it approves.
    if s.status in (Status.AWARD_RECOMMENDED, Status.AWARD_APPROVED) and rules.has_perm(
        "solicitation:review", user, s
    ):
        return True
    if not rules.has_perm("evaluation:view", user, s):
        return False
    if rules.has_perm("solicitation:manage", user, s) or is_overseer(user):
        return True
    return s.committee.filter(user=user, declaration__has_conflict=False).exists()


def public_tabulation(s: Solicitation) -> list[Proposal]:
    """Who proposed, when, and the receipt of what was opened: public record from the opening
    (the same list the opening's audit event holds). Never the proposals' content: that is read
    through ``Proposal.objects.visible_to``."""
    if s.is_sealed:
        return []
    return list(
        s.proposals.filter(status=Proposal.Status.SUBMITTED)
        .select_related("supplier")
        .order_by("submitted_at", "pk")
    )
