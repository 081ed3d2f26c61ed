"""The evaluation: appointing the committee, each member's conflict-of-interest declaration and
scores, and the evaluation report."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from interlocal.accounts.models import User
from interlocal.core.forms import add_service_errors
from interlocal.core.ui import require_perm, signed_in_user
from interlocal.solicitations import queries, services
from interlocal.solicitations.forms import (
    AppointForm,
    DeclarationForm,
    ScoreSheetForm,
)
from interlocal.solicitations.models import CommitteeMember, Proposal, Score, Solicitation, Status
from interlocal.solicitations.queries import may_see_evaluation, public_tabulation
from interlocal.solicitations.views.common import (
    attempt,
    detail_url,
    load,
    refusal_page,
    refusal_text,
    run_service,
)


@require_perm("solicitation:manage")
@require_POST
def appoint(request: HttpRequest, pk: int) -> HttpResponse:
    s = load(request, pk)
    user = signed_in_user(request)
    form = AppointForm(
        request.POST,
        prefix="appoint",
        lead_agency_id=s.lead_agency_id,
        exclude=s.committee.values_list("user_id", flat=True),
    )
    return attempt(
        request,
        s,
        key="appoint",
        form=form,
        action=lambda: services.appoint_member(s, form.cleaned_data["user"], actor=user),
        success=lambda m: (
            f"{m.user} is appointed to the evaluation committee. They sign a "
            f"conflict-of-interest declaration before they see any proposal."
        ),
        anchor="evaluation",
    )


def _seat(s: Solicitation, user: User) -> CommitteeMember:
    seat = s.committee.filter(user=user).select_related("declaration").first()
    if seat is None:
        raise PermissionDenied("you are not on this solicitation's evaluation committee")
    return seat


@require_perm("evaluation:score")
def declare(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A committee member's conflict-of-interest declaration, signed once before any proposal
    is shown."""
    s = load(request, pk)
    user = signed_in_user(request)
    try:
        seat = _seat(s, user)
    except PermissionDenied as exc:
        return refusal_page(request, refusal_text(exc))
    declaration = getattr(seat, "declaration", None)
    form = DeclarationForm(request.POST or None) if declaration is None else None
    status = 200
    if form is not None and request.method == "POST" and form.is_valid():
        outcome = run_service(
            form,
            lambda: services.declare(
                s,
                actor=user,
                has_conflict=form.cleaned_data["has_conflict"],
                statement=form.cleaned_data["statement"],
                signed_name=form.cleaned_data["signed_name"],
            ),
        )
        status = outcome.status
        if outcome.ok:
            signed = outcome.value
            if signed.has_conflict:
                messages.success(
                    request,
                    "Your declaration is signed. You declared a conflict, so you are recused: "
                    "you will not see or score the proposals.",
                )
                return redirect(detail_url(s, "evaluation"))
            messages.success(request, "Your declaration is signed. You may now read and score.")
            return redirect("solicitations:score", pk=s.pk)
    return render(
        request,
        "solicitations/declaration.html",
        {
            "s": s,
            "seat": seat,
            "declaration": declaration,
            "form": form,
            "proposers": public_tabulation(s),
        },
        status=status,
    )


@require_perm("evaluation:score")
def score(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The member's scoring grid: every proposal on every criterion, 0 to 10."""
    s = load(request, pk)
    user = signed_in_user(request)
    try:
        seat = _seat(s, user)
    except PermissionDenied as exc:
        return refusal_page(request, refusal_text(exc))
    declaration = getattr(seat, "declaration", None)
    if declaration is None:
        messages.info(request, "Sign the conflict-of-interest declaration before you score.")
        return redirect("solicitations:declare", pk=s.pk)
    if declaration.has_conflict:
        return refusal_page(request, "you declared a conflict of interest and are recused")
    proposals = list(
        Proposal.objects.visible_to(user)
        .filter(solicitation=s, status=Proposal.Status.SUBMITTED)
        .select_related("supplier")
        .prefetch_related("documents")
        .order_by("supplier__legal_name")
    )
    criteria = list(s.criteria.all())
    existing = {
        (sc.proposal_id, sc.criterion_id): sc
        for sc in Score.objects.filter(member=seat, proposal__in=proposals)
    }
    form = ScoreSheetForm(
        request.POST or None, proposals=proposals, criteria=criteria, existing=existing
    )
    scoring = s.status == Status.EVALUATION
    status = 200
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            # One sheet, one decision: a refused cell leaves every other cell unsaved too.
            with transaction.atomic():
                for proposal, criterion, points, comment in changes:
                    services.score(proposal, criterion, actor=user, points=points, comment=comment)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"points": ""})
            form.add_error(None, refusal_text(exc))
        except PermissionDenied as exc:
            form.add_error(None, refusal_text(exc))
            status = 403
        else:
            messages.success(
                request,
                f"Saved {len(changes)} score{'s' if len(changes) != 1 else ''}."
                if changes
                else "Nothing changed.",
            )
            return redirect("solicitations:score", pk=s.pk)
    expected = len(proposals) * len(criteria)
    return render(
        request,
        "solicitations/score.html",
        {
            "s": s,
            "form": form,
            "scoring": scoring,
            "scored": len(existing),
            "expected": expected,
        },
        status=status,
    )


@require_perm("solicitation:view")
def evaluation(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The evaluation report: criteria averages, each member's total, the total and the rank.
    Public with the award (it is part of the due-diligence packet); before, for the lead agency,
    the program office, auditors and cleared committee members."""
    s = load(request, pk)
    if not may_see_evaluation(request.user, s):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return refusal_page(
            request,
            "the evaluation is published with the award; until then only the lead agency, the "
            "program office and the cleared committee members see it",
        )
    report = None if s.is_sealed else queries.evaluation_report(s)
    table = []
    if report is not None:
        table = [
            (
                row,
                [row.criterion_average.get(c.pk) for c in report.criteria],
                [row.member_totals.get(m.pk) for m in report.members],
            )
            for row in report.rows
        ]
    return render(
        request,
        "solicitations/evaluation.html",
        {
            "s": s,
            "report": report,
            "table": table,
            "gaps": report.gaps if report is not None and s.status == Status.EVALUATION else [],
        },
    )
