"""The evaluation committee: appointment, conflict-of-interest declarations and scores."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.core import audit
from interlocal.core.permissions import require
from interlocal.solicitations.models import (
    CommitteeMember,
    ConflictDeclaration,
    EvaluationCriterion,
    Proposal,
    Score,
    Solicitation,
    Status,
)

APPOINTABLE = frozenset({Status.PUBLISHED, Status.CLOSED, Status.EVALUATION})


@transaction.atomic
def appoint_member(solicitation: Solicitation, user: User, *, actor: User) -> CommitteeMember:
    solicitation = Solicitation.objects.locked(solicitation.pk)
    require(actor, "solicitation:manage", solicitation)
    if solicitation.status not in APPOINTABLE:
        raise ValidationError("the committee is appointed between publication and evaluation")
    at_an_agency = any(m.organization.kind == OrgKind.AGENCY for m in user.active_memberships)
    if not user.is_active or not at_an_agency or user.has_role(Role.SUPPLIER_REP):
        # Evaluators are public purchasing staff: people who act for an agency, never for a
        # supplier, a sponsor or the program office that administers the award.
        raise ValidationError(
            {"user": f"{user} cannot evaluate: only active staff of a public agency can"}
        )
    member, created = CommitteeMember.objects.get_or_create(
        solicitation=solicitation, user=user, defaults={"appointed_by": actor}
    )
    if not created:
        raise ValidationError({"user": f"{user} is already on the committee"})
    audit.record(
        actor=actor, verb="evaluation.appoint", obj=solicitation, after={"member": user.email}
    )
    return member


def _seat(solicitation: Solicitation, actor: User) -> CommitteeMember:
    member = solicitation.committee.filter(user=actor).first()
    if member is None:
        raise PermissionDenied("you are not on this solicitation's evaluation committee")
    return member


@transaction.atomic
def declare(
    solicitation: Solicitation,
    *,
    actor: User,
    has_conflict: bool,
    statement: str,
    signed_name: str,
) -> ConflictDeclaration:
    """Signed once, before any proposal is shown. A conflict recuses the member."""
    member = _seat(solicitation, actor)
    if hasattr(member, "declaration"):
        raise ValidationError("you have already signed your declaration for this solicitation")
    if not signed_name.strip():
        raise ValidationError({"signed_name": "type your full name as your signature"})
    if has_conflict and not statement.strip():
        raise ValidationError({"statement": "describe the conflict"})
    declaration = ConflictDeclaration.objects.create(
        member=member,
        has_conflict=has_conflict,
        statement=statement.strip() or "I have no financial or personal interest in any proposer.",
        signed_name=signed_name.strip(),
    )
    audit.record(
        actor=actor,
        verb="evaluation.declare",
        obj=solicitation,
        after={"has_conflict": has_conflict, "signed_name": declaration.signed_name},
    )
    return declaration


@transaction.atomic
def score(
    proposal: Proposal,
    criterion: EvaluationCriterion,
    *,
    actor: User,
    points: int,
    comment: str = "",
) -> Score:
    solicitation = Solicitation.objects.locked(proposal.solicitation_id)
    require(actor, "evaluation:score", solicitation)
    member = _seat(solicitation, actor)
    if solicitation.status != Status.EVALUATION:
        raise ValidationError("proposals are scored while the solicitation is in evaluation")
    declaration = getattr(member, "declaration", None)
    if declaration is None:
        raise ValidationError(
            "sign the conflict-of-interest declaration before seeing or scoring any proposal"
        )
    if declaration.has_conflict:
        raise PermissionDenied("you declared a conflict of interest and are recused")
    if criterion.solicitation_id != solicitation.pk:
        raise ValidationError("this criterion belongs to another solicitation")
    if proposal.status != Proposal.Status.SUBMITTED:
        raise ValidationError("this proposal is not current")
    if not 0 <= points <= Score.MAX:
        raise ValidationError({"points": f"score from 0 to {Score.MAX}"})
    existing = Score.objects.filter(member=member, proposal=proposal, criterion=criterion).first()
    before = {"points": existing.points} if existing else None
    row, _ = Score.objects.update_or_create(
        member=member,
        proposal=proposal,
        criterion=criterion,
        defaults={"points": points, "comment": comment.strip(), "scored_at": timezone.now()},
    )
    audit.record(
        actor=actor,
        verb="evaluation.score",
        obj=proposal,
        before=before,
        after={"criterion": criterion.name, "points": points},
    )
    return row
