"""The program office's distribution pages: the runs, a quarter previewed, prepared, approved
by a second program administrator or withdrawn; approved program costs; the policies.

Reading needs ``fees:view`` (office and auditors); every action is a service call that checks
its own permission (``fees:prepare_distribution``, ``fees:approve_distribution``,
``fees:record_cost``, ``fees:manage_policy``) and the two-person rule."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interlocal.core.forms import add_service_errors
from interlocal.core.money import format_usd
from interlocal.core.periods import Quarter
from interlocal.core.ui import paginate, require_perm, signed_in_user
from interlocal.fees import forms
from interlocal.fees.models import (
    Allocation,
    DistributionPolicy,
    DistributionRun,
    ProgramCost,
    RunStatus,
)
from interlocal.fees.services import distribution
from interlocal.registry.models import Sponsor


def _quarter(period: str) -> Quarter:
    try:
        return Quarter.parse(period)
    except ValueError:
        raise Http404(f"{period!r} is not a quarter; write it as 2026Q3") from None


def _next_to_distribute() -> Quarter | None:
    """The first ended quarter after the last prepared or posted run (the quarter of the first
    collection when none was ever run)."""
    last_ended = Quarter.containing(timezone.localdate()).previous()
    live = (
        DistributionRun.objects.exclude(status=RunStatus.WITHDRAWN)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    if live is None:  # the quarter of the first collection
        first = (
            Allocation.objects.order_by("entry__booked_on")
            .values_list("entry__booked_on", flat=True)
            .first()
        )
        return min(Quarter.containing(first), last_ended) if first else None
    following = Quarter.parse(live).next()
    return following if following <= last_ended else None


@require_perm("fees:view")
def index(request: HttpRequest) -> HttpResponse:
    runs = DistributionRun.objects.select_related("policy", "prepared_by", "approved_by")
    annotated = runs.annotate(distributed=Sum("shares__amount_cents")).order_by("-period", "-pk")
    page = paginate(request, annotated, 20)
    try:
        policy: DistributionPolicy | None = distribution.policy_in_effect(timezone.localdate())
    except ValidationError:
        policy = None
    context = {
        "current": "distribution",
        "page": page,
        "policy": policy,
        "method": distribution.method_text(policy) if policy else [],
        "next_quarter": _next_to_distribute(),
        "waiting": DistributionRun.objects.filter(status=RunStatus.PREPARED).first(),
    }
    return render(request, "fees/distribution/index.html", context)


def _period_page(
    request: HttpRequest, quarter: Quarter, *, error: str = "", status: int = 200, **extra: Any
) -> HttpResponse:
    runs = list(
        DistributionRun.objects.filter(period=str(quarter)).select_related(
            "policy", "prepared_by", "approved_by", "entry"
        )
    )
    live = next((r for r in runs if r.status != RunStatus.WITHDRAWN), None)
    plan, refusal = None, ""
    if live is None:
        try:
            plan = distribution.preview(str(quarter))
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
    user = request.user
    policy = live.policy if live else (plan.policy if plan else None)
    context = {
        "current": "distribution",
        "quarter": quarter,
        "run": live,
        "shares": list(live.shares.select_related("sponsor", "account")) if live else [],
        "withdrawn": [r for r in runs if r.status == RunStatus.WITHDRAWN],
        "plan": plan,
        "weights": [(k, int(v)) for k, v in distribution.cents_by_type(plan.weights).items()]
        if plan
        else [],
        "refusal": refusal,
        "error": error,
        "prepared_by_you": bool(live and live.prepared_by_id == getattr(user, "pk", None)),
        "withdraw_form": extra.get("withdraw_form") or forms.WithdrawForm(),
        "method": distribution.method_text(policy) if policy else [],
    }
    return render(request, "fees/distribution/period.html", context, status=status)


@require_perm("fees:view")
def period(request: HttpRequest, period: str) -> HttpResponse:
    return _period_page(request, _quarter(period))


def _act(request: HttpRequest, quarter: Quarter, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _period_page(request, quarter, error=message, status=422)
    messages.success(request, done)
    return redirect("fees:distribution_period", period=str(quarter))


@require_perm("fees:prepare_distribution")
@require_POST
def prepare(request: HttpRequest, period: str) -> HttpResponse:
    quarter = _quarter(period)
    actor = signed_in_user(request)
    return _act(
        request,
        quarter,
        lambda: distribution.prepare(str(quarter), actor=actor),
        f"The {quarter} run is prepared. Another program administrator approves it.",
    )


def _live(quarter: Quarter) -> DistributionRun:
    return get_object_or_404(
        DistributionRun.objects.exclude(status=RunStatus.WITHDRAWN), period=str(quarter)
    )


@require_perm("fees:approve_distribution")
@require_POST
def approve(request: HttpRequest, period: str) -> HttpResponse:
    quarter = _quarter(period)
    run, actor = _live(quarter), signed_in_user(request)
    return _act(
        request,
        quarter,
        lambda: distribution.approve(run, actor=actor),
        f"The {quarter} run is approved and posted to the ledger.",
    )


@require_perm("fees:prepare_distribution")
@require_POST
def withdraw(request: HttpRequest, period: str) -> HttpResponse:
    quarter = _quarter(period)
    run, actor = _live(quarter), signed_in_user(request)
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        return _period_page(
            request, quarter, error="Say why the run is withdrawn.", status=422, withdraw_form=form
        )
    reason = form.cleaned_data["reason"]
    return _act(
        request,
        quarter,
        lambda: distribution.withdraw(run, actor=actor, reason=reason),
        f"The {quarter} run is withdrawn; the quarter can be prepared again.",
    )


# --------------------------------------------------------------------------- costs


@require_perm("fees:view")
def costs(request: HttpRequest) -> HttpResponse:
    status = 200
    form = forms.CostForm(initial={"period": str(Quarter.containing(timezone.localdate()))})
    if request.method == "POST":
        form = forms.CostForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                cost = distribution.record_cost(
                    period=data["period"],
                    category=data["category"],
                    description=data["description"],
                    amount_cents=data["amount"],
                    approval=data["approval"],
                    actor=signed_in_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"{format_usd(cost.amount_cents)} of {cost.category} recorded for "
                    f"{cost.period}.",
                )
                return redirect("fees:costs")
        status = 422
    by_quarter = (
        ProgramCost.objects.values("period").annotate(total=Sum("amount_cents")).order_by("-period")
    )
    page = paginate(request, by_quarter, 12)
    shown = [row["period"] for row in page]
    items = ProgramCost.objects.filter(period__in=shown).order_by("-period", "category", "pk")
    grouped: dict[str, list[ProgramCost]] = {}
    for item in items:
        grouped.setdefault(item.period, []).append(item)
    context = {
        "current": "costs",
        "form": form,
        "page": page,
        "rows": [(row, grouped.get(row["period"], [])) for row in page],
    }
    return render(request, "fees/distribution/costs.html", context, status=status)


# --------------------------------------------------------------------------- policies


@require_perm("fees:view")
def policies(request: HttpRequest) -> HttpResponse:
    found = DistributionPolicy.objects.annotate(run_count=Count("runs")).order_by("-effective_from")
    context = {
        "current": "policies",
        "policies": [(p, distribution.method_text(p), p.run_count) for p in found],
        "end_form": forms.EndPolicyForm(),
    }
    return render(request, "fees/distribution/policies.html", context)


@require_perm("fees:manage_policy")
def new_policy(request: HttpRequest) -> HttpResponse:
    sponsors = Sponsor.objects.filter(is_active=True).order_by("acronym")
    status = 200
    form = forms.PolicyForm(sponsors=sponsors)
    if request.method == "POST":
        form = forms.PolicyForm(request.POST, sponsors=sponsors)
        if form.is_valid():
            data = form.cleaned_data
            try:
                policy = distribution.create_policy(
                    name=data["name"],
                    effective_from=data["effective_from"],
                    administration_cap_bps=data["administration_cap"],
                    foundation_bps=data["foundation"],
                    shares=form.shares(),
                    note=data["note"],
                    actor=signed_in_user(request),
                )
            except ValidationError as exc:
                # the shares' refusals belong to the sponsors' table as a whole
                elsewhere = add_service_errors(form, exc, aliases={"shares": ""})
                for problems in elsewhere.values():
                    form.add_error(None, problems)
            else:
                messages.success(
                    request, f"“{policy.name}” is in effect from {policy.effective_from}."
                )
                return redirect("fees:policies")
        status = 422
    return render(
        request,
        "fees/distribution/policy_form.html",
        {"current": "policies", "form": form},
        status=status,
    )


@require_perm("fees:manage_policy")
@require_POST
def end_policy(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(DistributionPolicy, pk=pk)
    form = forms.EndPolicyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the last day the policy is in effect.")
        return redirect("fees:policies")
    try:
        distribution.end_policy(
            policy, form.cleaned_data["last_day"], actor=signed_in_user(request)
        )
    except ValidationError as exc:
        messages.error(request, f"“{policy.name}” was not changed: {' '.join(exc.messages)}")
    else:
        messages.success(request, f"“{policy.name}” ends on {form.cleaned_data['last_day']}.")
    return redirect(reverse("fees:policies"))
