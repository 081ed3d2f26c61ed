"""Pages: the public rules and their history, the office's edit, and the verdict pages."""

from dataclasses import dataclass
from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from interlocal.agreements.models import Agreement
from interlocal.core.models import State
from interlocal.core.ui import require_perm, signed_in_user
from interlocal.eligibility import queries, services
from interlocal.eligibility.forms import RuleEditForm, VerdictQueryForm
from interlocal.eligibility.models import RuleVersion
from interlocal.eligibility.schema import Rule
from interlocal.eligibility.verdict import Verdict
from interlocal.eligibility.vocabulary import DUTIES, EFFECTS, EVIDENCE, LAYERS, SCOPES
from interlocal.eligibility.wording import describe, kinds
from interlocal.registry.models import Agency


@dataclass(frozen=True)
class RuleRow:
    version: RuleVersion
    rule: Rule

    @property
    def covers(self) -> str:
        return kinds(self.rule.applies_to.agency_types).capitalize()

    @property
    def categories(self) -> str:
        return ", ".join(SCOPES[c].lower() for c in self.rule.applies_to.categories).capitalize()


@require_perm("eligibility:view")
def rule_list(request: HttpRequest) -> HttpResponse:
    versions = list(queries.current_versions(request.user))
    names = {s.postal: s.name for s in State.objects.all()}
    overlays = [RuleRow(v, Rule.model_validate(v.body)) for v in versions if not v.state]
    by_state: dict[str, list[RuleRow]] = {}
    for v in versions:
        if v.state:
            by_state.setdefault(v.state, []).append(RuleRow(v, Rule.model_validate(v.body)))
    groups = [(names.get(postal, postal), postal, rows) for postal, rows in by_state.items()]
    groups.sort(key=lambda group: group[0])
    return render(
        request,
        "eligibility/rule_list.html",
        {
            "overlays": overlays,
            "groups": groups,
            "states_without_rules": len(names) - len(by_state),
            "can_edit": rules.has_perm("eligibility:edit_rules", request.user),
        },
    )


@require_perm("eligibility:view")
def rule_detail(request: HttpRequest, rule_id: str) -> HttpResponse:
    history = list(queries.rule_history(rule_id, request.user))
    if not history:
        raise Http404(f"no eligibility rule {rule_id}")
    return _rule_page(request, history[0], history)


@require_perm("eligibility:view")
def rule_version(request: HttpRequest, rule_id: str, version: int) -> HttpResponse:
    history = list(queries.rule_history(rule_id, request.user))
    shown = next((v for v in history if v.version == version), None)
    if shown is None:
        raise Http404(f"no version {version} of {rule_id}")
    return _rule_page(request, shown, history)


def _rule_page(
    request: HttpRequest, shown: RuleVersion, history: list[RuleVersion]
) -> HttpResponse:
    rule = Rule.model_validate(shown.body)
    return render(
        request,
        "eligibility/rule_detail.html",
        {
            "shown": shown,
            "rule": rule,
            "layer": LAYERS[rule.jurisdiction.layer],
            "conditions": describe(rule),
            "covers": kinds(rule.applies_to.agency_types).capitalize(),
            "categories": ", ".join(SCOPES[c].lower() for c in rule.applies_to.categories),
            "effect": EFFECTS[rule.effect],
            "duties": [DUTIES[d] for d in rule.buyer_duties],
            "evidence": [EVIDENCE[e] for e in rule.evidence_required],
            "history": history,
            "is_current": shown.pk == history[0].pk,
            "can_edit": rules.has_perm("eligibility:edit_rules", request.user),
        },
    )


@require_perm("eligibility:edit_rules")
def rule_edit(request: HttpRequest, rule_id: str) -> HttpResponse:
    current = queries.rule_history(rule_id, request.user).first()
    if current is None:
        raise Http404(f"no eligibility rule {rule_id}")
    form = RuleEditForm(request.POST or None, initial={"text": current.source_text})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.edit_rule(
                actor=signed_in_user(request),
                rule_id=rule_id,
                text=form.cleaned_data["text"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, f"Saved {rule_id} as version {version.version}.")
            return redirect("eligibility:rule_detail", rule_id=rule_id)
    return render(request, "eligibility/rule_edit.html", {"current": current, "form": form})


@require_perm("eligibility:view")
def agreement_verdict(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable verdict for a governing body's packet."""
    context = _verdict_context(request, pk)
    return render(request, "eligibility/verdict_page.html", context)


@require_perm("eligibility:view")
def agreement_verdict_partial(request: HttpRequest, pk: int) -> HttpResponse:
    """The verdict fragment the agreement page swaps in (htmx) when the buyer adds details."""
    context = _verdict_context(request, pk)
    return render(request, "eligibility/_verdict.html", context)


def _verdict_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    agreement = get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related(
            "lead_agency__state", "supplier", "solicitation"
        ),
        pk=pk,
    )
    form = VerdictQueryForm(request.GET)
    verdict: Verdict | None = None
    agency: Agency | None = None
    if form.is_valid():
        data = form.cleaned_data
        if data["agency"]:
            agency = get_object_or_404(
                Agency.objects.visible_to(request.user).select_related("state"), pk=data["agency"]
            )
        else:
            agency = queries.buyer_agency(request.user)
        if agency is not None:
            verdict = queries.verdict_for(
                agency,
                agreement,
                on=data["on"] or timezone.localdate(),
                amount_cents=data["amount"],
                scope=data["scope"] or None,
                federal_funds=data["federal_funds"],
            )
    return {"agreement": agreement, "agency": agency, "form": form, "verdict": verdict}
