"""Emails about solicitations, sent only after the deciding transaction commits."""

from django.urls import reverse

from interlocal.accounts.models import User
from interlocal.accounts.queries import emails_of
from interlocal.accounts.roles import Role
from interlocal.core.notify import absolute, send_after_commit
from interlocal.solicitations.models import (
    Addendum,
    AddendumAcknowledgement,
    Proposal,
    Solicitation,
)


def _link(s: Solicitation) -> str:
    return absolute(reverse("solicitations:detail", args=[s.pk]))


def _supplier_emails(supplier_ids: set[int]) -> set[str]:
    return emails_of(Role.SUPPLIER_REP, supplier_id__in=supplier_ids)


def _proposer_emails(s: Solicitation) -> set[str]:
    return _supplier_emails(set(s.proposals.values_list("supplier_id", flat=True)))


def _interested_emails(s: Solicitation) -> set[str]:
    """Suppliers known to be preparing a proposal: they proposed, asked a question or
    acknowledged an earlier addendum."""
    suppliers = set(s.proposals.values_list("supplier_id", flat=True))
    suppliers |= set(s.questions.values_list("supplier_id", flat=True))
    suppliers |= set(
        AddendumAcknowledgement.objects.filter(addendum__solicitation=s).values_list(
            "supplier_id", flat=True
        )
    )
    return _supplier_emails(suppliers)


def _lead_officer_emails(s: Solicitation) -> set[str]:
    return emails_of(Role.LEAD_AGENCY_OFFICER, agency=s.lead_agency)


def proposal_received(proposal: Proposal, actor: User) -> None:
    s = proposal.solicitation
    send_after_commit(
        actor.email,
        f"Proposal received: {s.number}",
        f"Your proposal to {s.number} {s.title} was received at "
        f"{proposal.submitted_at.astimezone(s.zone):%Y-%m-%d %H:%M:%S %Z}.\n\n"
        f"Receipt: {proposal.receipt}\n\nIt stays sealed until the public opening after "
        f"{s.due_local:%Y-%m-%d %H:%M %Z}. Keep the receipt: it is the SHA-256 of what you "
        f"sent, and the opening record shows the same value.\n\n{_link(s)}\n",
    )


def addendum_issued(addendum: Addendum) -> None:
    s = addendum.solicitation
    send_after_commit(
        _interested_emails(s),
        f"Addendum {addendum.number} to {s.number}",
        f"Addendum {addendum.number} — {addendum.title} — was issued to {s.number} {s.title}. "
        f"Acknowledge it in the portal before you submit or resubmit your proposal.\n\n"
        f"{_link(s)}\n",
    )


def review_approved(s: Solicitation) -> None:
    send_after_commit(
        _lead_officer_emails(s),
        f"{s.number} approved by the Advisory Board",
        f"The Advisory Board approved {s.number} {s.title}. You may now publish it.\n\n"
        f"{_link(s)}\n",
    )


def award_made(s: Solicitation) -> None:
    send_after_commit(
        _proposer_emails(s),
        f"Award of {s.number}",
        f"{s.number} {s.title} has been awarded. The award, the evaluation summary and the "
        f"scores are published on the solicitation's page:\n\n{_link(s)}\n\nThank you for "
        f"your proposal.\n",
    )


def cancelled(s: Solicitation) -> None:
    send_after_commit(
        _proposer_emails(s),
        f"{s.number} cancelled",
        f"{s.number} {s.title} was cancelled, for this reason:\n\n    {s.cancel_reason}\n\n"
        f"{_link(s)}\n",
    )
