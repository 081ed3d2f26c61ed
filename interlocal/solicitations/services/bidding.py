"""While a solicitation is open: addenda and their acknowledgement, questions and answers, and
sealed proposals."""

import datetime
import hashlib
import zoneinfo
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.accounts.roles import Role
from interlocal.core import audit
from interlocal.core.files import check_document
from interlocal.core.permissions import require
from interlocal.registry.models import Supplier
from interlocal.solicitations import notifications
from interlocal.solicitations.models import (
    Addendum,
    AddendumAcknowledgement,
    Proposal,
    ProposalDocument,
    Question,
    Solicitation,
    Status,
)


def _require_open(s: Solicitation, what: str) -> None:
    if s.status != Status.PUBLISHED:
        raise ValidationError(
            f"{s.number} is {s.get_status_display().lower()}; {what} only while it is published"
        )


def supplier_of(actor: User) -> Supplier:
    """The supplier a representative acts for (the first, when they represent several)."""
    for organization in actor.organizations_with(Role.SUPPLIER_REP):
        if organization.supplier is not None:
            return organization.supplier
    raise PermissionDenied("only a supplier's representative can do this")


@transaction.atomic
def issue_addendum(
    solicitation: Solicitation,
    *,
    actor: User,
    title: str,
    body: str,
    new_due_local: datetime.datetime | None = None,
) -> Addendum:
    s = Solicitation.objects.locked(solicitation.pk)
    require(actor, "solicitation:manage", s)
    _require_open(s, "addenda are issued")
    if not title.strip() or not body.strip():
        raise ValidationError({"body": "give the addendum a title and say what changes"})
    if s.is_past_due():
        raise ValidationError("the due time has passed; close the solicitation instead")
    new_due = None
    if new_due_local is not None:
        new_due = new_due_local.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(s.time_zone))
        if new_due <= timezone.now():
            raise ValidationError({"new_due_local": "the new closing date must be still to come"})
    number = (s.addenda.aggregate(n=Max("number"))["n"] or 0) + 1
    addendum = Addendum.objects.create(
        solicitation=s,
        number=number,
        title=title.strip(),
        body=body.strip(),
        issued_by=actor,
        new_due_at=new_due,
        previous_due_at=s.due_at if new_due is not None else None,
    )
    before_due = s.due_at
    if new_due is not None:
        s.due_at = new_due
    s.modified_at = timezone.now()
    s.save(update_fields=["due_at", "modified_at"])
    audit.record(
        actor=actor,
        verb="solicitation.addendum",
        obj=s,
        before={"due_at": before_due},
        after={"addendum": number, "title": addendum.title, "due_at": s.due_at},
    )
    notifications.addendum_issued(addendum)
    return addendum


@transaction.atomic
def acknowledge_addendum(addendum: Addendum, *, actor: User) -> AddendumAcknowledgement:
    require(actor, "proposal:submit")
    supplier = supplier_of(actor)
    _require_open(Solicitation.objects.locked(addendum.solicitation_id), "addenda are acknowledged")
    acknowledgement, created = AddendumAcknowledgement.objects.get_or_create(
        addendum=addendum, supplier=supplier, defaults={"acknowledged_by": actor}
    )
    if created:
        audit.record(
            actor=actor,
            verb="solicitation.acknowledge_addendum",
            obj=addendum.solicitation,
            after={"addendum": addendum.number, "supplier": str(supplier)},
        )
    return acknowledgement


@transaction.atomic
def ask_question(solicitation: Solicitation, *, actor: User, text: str) -> Question:
    solicitation = Solicitation.objects.locked(solicitation.pk)
    require(actor, "solicitation:ask", solicitation)
    _require_open(solicitation, "questions are taken")
    if solicitation.is_past_due():
        raise ValidationError("the due time has passed; questions are closed")
    if not text.strip():
        raise ValidationError({"text": "write your question"})
    question = Question.objects.create(
        solicitation=solicitation, supplier=supplier_of(actor), asked_by=actor, text=text.strip()
    )
    audit.record(
        actor=actor, verb="solicitation.question", obj=solicitation, after={"question": question.pk}
    )
    return question


@transaction.atomic
def answer_question(question: Question, *, actor: User, answer: str) -> Question:
    solicitation = Solicitation.objects.locked(question.solicitation_id)
    require(actor, "solicitation:answer", solicitation)
    if solicitation.status not in (Status.PUBLISHED, Status.CLOSED):
        raise ValidationError("questions are answered while the solicitation is published")
    if not answer.strip():
        raise ValidationError({"answer": "write the answer"})
    before = {"answer": question.answer}
    question.answer = answer.strip()
    question.answered_at = timezone.now()
    question.answered_by = actor
    question.save()
    audit.record(
        actor=actor,
        verb="solicitation.answer",
        obj=solicitation,
        before=before,
        after={"question": question.pk, "answer": question.answer},
    )
    return question


def _receipt(hashes: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


@transaction.atomic
def submit_proposal(
    solicitation: Solicitation,
    *,
    actor: User,
    technical: File,
    price_file: File,
    others: Sequence[File] | None = None,
) -> Proposal:
    """Receive a sealed proposal. The deadline is the server's clock, read inside the
    transaction; a resubmission supersedes the supplier's earlier proposal."""
    now = timezone.now()
    s = Solicitation.objects.locked(solicitation.pk)
    require(actor, "proposal:submit", s)
    supplier = supplier_of(actor)
    _require_open(s, "proposals are received")
    if now >= s.due_at:
        raise ValidationError(
            f"proposals were due at {s.due_local:%Y-%m-%d %H:%M %Z}; this one arrived at "
            f"{now.astimezone(s.zone):%Y-%m-%d %H:%M:%S %Z} and is refused as late"
        )
    missing = s.addenda.exclude(acknowledgements__supplier=supplier).values_list(
        "number", flat=True
    )
    if missing:
        numbers = ", ".join(str(n) for n in missing)
        raise ValidationError(f"acknowledge addendum {numbers} before submitting your proposal")
    documents = [
        (ProposalDocument.Kind.TECHNICAL, check_document(technical, field="technical")),
        (ProposalDocument.Kind.PRICE_FILE, check_document(price_file, field="price_file")),
        *[(ProposalDocument.Kind.OTHER, check_document(f, field="others")) for f in others or []],
    ]
    superseded = list(
        s.proposals.filter(supplier=supplier, status=Proposal.Status.SUBMITTED).values_list(
            "pk", flat=True
        )
    )
    s.proposals.filter(pk__in=superseded).update(status=Proposal.Status.SUPERSEDED)
    proposal = Proposal.objects.create(
        solicitation=s,
        supplier=supplier,
        submitted_by=actor,
        submitted_at=now,
        receipt=_receipt([checked.sha256 for _, checked in documents]),
    )
    for kind, checked in documents:
        document = ProposalDocument(
            proposal=proposal,
            kind=kind,
            original_name=checked.name,
            sha256=checked.sha256,
            size=checked.size,
        )
        document.file.save(checked.name, checked.file, save=False)
        document.save()
    # The event names the receipt, never the content: the trail is readable by auditors before
    # the opening, and the proposal is not.
    audit.record(
        actor=actor,
        verb="proposal.submit",
        obj=proposal,
        after={"receipt": proposal.receipt, "documents": len(documents), "superseded": superseded},
    )
    notifications.proposal_received(proposal, actor)
    return proposal


@transaction.atomic
def withdraw_proposal(proposal: Proposal, *, actor: User) -> None:
    s = Solicitation.objects.locked(proposal.solicitation_id)
    require(actor, "proposal:submit", s)
    proposal = Proposal.objects.get(pk=proposal.pk)
    if proposal.supplier != supplier_of(actor):
        raise PermissionDenied("a proposal is withdrawn only by its own supplier")
    _require_open(s, "proposals are withdrawn")
    if s.is_past_due():
        raise ValidationError("the due time has passed; a proposal can no longer be withdrawn")
    if proposal.status != Proposal.Status.SUBMITTED:
        raise ValidationError("this proposal is not current")
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.save(update_fields=["status"])
    audit.record(actor=actor, verb="proposal.withdraw", obj=proposal, after={"status": "withdrawn"})


@transaction.atomic
def read_proposal_document(document: ProposalDocument, *, actor: User) -> File:
    """The file of a proposal document, for whom the sealing scope allows; reads after the
    opening are audited, so the trail shows who looked at which proposal."""
    proposal = document.proposal
    if not Proposal.objects.visible_to(actor).filter(pk=proposal.pk).exists():
        if proposal.solicitation.is_sealed:
            raise PermissionDenied(
                "proposals are sealed until the opening; nobody can read them before"
            )
        raise PermissionDenied("you may not read this proposal")
    own = proposal.supplier_id in {
        o.supplier_id for o in actor.organizations_with(Role.SUPPLIER_REP)
    }
    if not own:
        audit.record(
            actor=actor,
            verb="proposal.read",
            obj=proposal,
            after={"document": document.original_name, "sha256": document.sha256},
        )
    document.file.open("rb")
    return document.file
