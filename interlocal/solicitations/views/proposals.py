"""Sealed proposals: a supplier submits (or resubmits) one; its documents are read only through
the sealing service."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from interlocal.core.ui import acting_user, require_perm, signed_in_user
from interlocal.solicitations import services
from interlocal.solicitations.forms import ProposalForm
from interlocal.solicitations.models import (
    AddendumAcknowledgement,
    Proposal,
    ProposalDocument,
    Status,
)
from interlocal.solicitations.views.common import (
    detail_url,
    load,
    refusal_page,
    refusal_text,
    run_service,
    supplier_for,
)


@require_perm("proposal:submit")
def submit_proposal(request: HttpRequest, pk: int) -> HttpResponseBase:
    s = load(request, pk)
    user = signed_in_user(request)
    supplier = supplier_for(user)
    if supplier is None:
        raise PermissionDenied("only a supplier's representative submits a proposal")
    form = ProposalForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = run_service(
            form,
            lambda: services.submit_proposal(
                s,
                actor=user,
                technical=form.cleaned_data["technical"],
                price_file=form.cleaned_data["price_file"],
                others=form.cleaned_data["others"],
            ),
        )
        status = outcome.status
        if outcome.ok:
            proposal = outcome.value
            received = proposal.submitted_at.astimezone(s.zone)
            messages.success(
                request,
                f"Your proposal was received at {received:%H:%M:%S %Z} on "
                f"{received:%Y-%m-%d}. Receipt (SHA-256): {proposal.receipt}. It stays sealed "
                f"until the opening.",
            )
            return redirect(detail_url(s, "proposals"))
    acknowledged = set(
        AddendumAcknowledgement.objects.filter(
            addendum__solicitation=s, supplier=supplier
        ).values_list("addendum_id", flat=True)
    )
    return render(
        request,
        "solicitations/proposal_form.html",
        {
            "s": s,
            "form": form,
            "supplier": supplier,
            "receiving": s.status == Status.PUBLISHED and not s.is_past_due(),
            "current": Proposal.objects.visible_to(user)
            .filter(solicitation=s, supplier=supplier, status=Proposal.Status.SUBMITTED)
            .first(),
            "unacknowledged": [a for a in s.addenda.all() if a.pk not in acknowledged],
        },
        status=status,
    )


@require_perm("solicitation:view")
def proposal_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A proposal's file, only through the sealing service: refused to everyone but its
    supplier before the opening, and every read by someone else is audited after it."""
    user = acting_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    document = get_object_or_404(
        ProposalDocument.objects.select_related("proposal__solicitation"), pk=pk
    )
    try:
        handle = services.read_proposal_document(document, actor=user)
    except PermissionDenied as exc:
        return refusal_page(request, refusal_text(exc))
    return FileResponse(handle, as_attachment=True, filename=document.original_name)
