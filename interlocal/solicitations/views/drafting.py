"""Drafting: a new solicitation (blank or from a prior one), editing the draft, its documents
and the record of its advertisement."""

from collections.abc import Callable, Iterable
from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from interlocal.accounts.models import User
from interlocal.accounts.roles import Role
from interlocal.core.forms import add_service_errors
from interlocal.core.ui import require_perm, signed_in_user
from interlocal.solicitations import services
from interlocal.solicitations.forms import (
    DRAFT_ERROR_ALIASES,
    SUGGESTED_CRITERIA,
    AdvertisementForm,
    DocumentForm,
    SolicitationForm,
    TemplateStartForm,
    criteria_formset,
    criteria_of,
    lead_agency_choices,
    weights_total,
)
from interlocal.solicitations.models import Solicitation, Status
from interlocal.solicitations.services.drafting import default_time_zone
from interlocal.solicitations.views.common import (
    attempt,
    detail_url,
    load,
    refusal_text,
    run_service,
    visible,
)


def _draft_page(
    request: HttpRequest,
    *,
    form: SolicitationForm,
    formset: Any,
    criteria_errors: list[str],
    solicitation: Solicitation | None = None,
    status: int = 200,
) -> HttpResponse:
    typed = [f["weight"].value() for f in formset.forms]
    return render(
        request,
        "solicitations/form.html",
        {
            "form": form,
            "formset": formset,
            "criteria_errors": criteria_errors,
            **_weights(str(w) for w in typed if w not in (None, "")),
            "solicitation": solicitation,
            "templates": []
            if solicitation
            else visible(request)
            .public()
            .exclude(status=Status.CANCELLED)
            .order_by("-published_at")[:100],
        },
        status=status,
    )


def _save(
    form: SolicitationForm,
    formset: Any,
    write: Callable[[services.SolicitationTerms], Solicitation],
) -> tuple[Solicitation | None, list[str], int]:
    """Validate the form and run ``write(terms)``; the service's refusals go on the form."""
    if not (form.is_valid() and formset.is_valid()):
        return None, [], 200
    try:
        return write(form.terms(criteria_of(formset))), [], 200
    except ValidationError as exc:
        return (
            None,
            add_service_errors(form, exc, aliases=DRAFT_ERROR_ALIASES).get("criteria", []),
            200,
        )
    except PermissionDenied as exc:
        form.add_error(None, refusal_text(exc))
        return None, [], 403


@require_perm("solicitation:draft")
def create(request: HttpRequest) -> HttpResponseBase:
    """A new draft. ``?template=<pk>`` starts from a prior published solicitation instead."""
    user = signed_in_user(request)
    agencies = lead_agency_choices(user)
    ask = user.has_role(Role.PROGRAM_ADMIN)
    if request.GET.get("template"):
        return _start_from_template(request, user, agencies, ask)
    form = SolicitationForm(request.POST or None, agencies=agencies, ask_agency=ask)
    if form.fixed_agency is not None and not form.is_bound:
        form.initial["time_zone"] = default_time_zone(form.fixed_agency)
    formset = criteria_formset(
        request.POST or None, initial=None if request.method == "POST" else SUGGESTED_CRITERIA
    )
    status, criteria_errors = 200, list[str]()
    if request.method == "POST":

        def write(terms: services.SolicitationTerms) -> Solicitation:
            agency = form.chosen_agency()
            if agency is None:
                raise ValidationError({"lead_agency": "choose the lead agency"})
            return services.create_solicitation(terms, actor=user, lead_agency=agency)

        created, criteria_errors, status = _save(form, formset, write)
        if created is not None:
            messages.success(
                request,
                f"Draft {created.number} saved. Add its documents, then send it to the "
                f"Advisory Board.",
            )
            return redirect(detail_url(created))
    return _draft_page(
        request, form=form, formset=formset, criteria_errors=criteria_errors, status=status
    )


def _start_from_template(
    request: HttpRequest, user: User, agencies: Any, ask: bool
) -> HttpResponse:
    prior = get_object_or_404(
        visible(request).select_related("lead_agency__state"), pk=request.GET["template"]
    )
    form = TemplateStartForm(request.POST or None, agencies=agencies, ask_agency=ask)
    status = 200
    if request.method == "POST" and form.is_valid():
        agency = form.chosen_agency()

        def start() -> Solicitation:
            if agency is None:
                raise ValidationError({"lead_agency": "choose the lead agency"})
            return services.start_from_template(
                prior,
                actor=user,
                lead_agency=agency,
                number=form.cleaned_data["number"],
                due_local=form.due_local(),
            )

        outcome = run_service(form, start, aliases={"due_local": "due_date"})
        status = outcome.status
        if outcome.ok:
            created = outcome.value
            messages.success(
                request,
                f"Draft {created.number} started from {prior.number}. Review every section — "
                f"title, scope, criteria, time zone — before you send it to the Advisory Board.",
            )
            return redirect("solicitations:edit", pk=created.pk)
    return render(
        request,
        "solicitations/from_template.html",
        {"form": form, "prior": prior, "criteria": list(prior.criteria.all())},
        status=status,
    )


@require_perm("solicitation:manage")
def edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    s = load(request, pk)
    user = signed_in_user(request)
    if not rules.has_perm("solicitation:manage", user, s):
        raise PermissionDenied("only the lead agency's officers and the program office edit it")
    if s.status != Status.DRAFT:
        messages.error(
            request,
            f"{s.number} is {s.get_status_display().lower()}: only a draft can be edited. "
            f"After publication the terms change by addendum.",
        )
        return redirect(detail_url(s))
    terms = services.terms_of(s)
    form = SolicitationForm(request.POST or None, initial=SolicitationForm.initial_from(terms))
    formset = criteria_formset(
        request.POST or None,
        initial=[
            {"name": c.name, "weight": c.weight, "description": c.description}
            for c in terms.criteria
        ],
    )
    status, criteria_errors = 200, list[str]()
    if request.method == "POST":

        def write(terms: services.SolicitationTerms) -> Solicitation:
            services.update_draft(s, terms, actor=user)
            return s

        saved, criteria_errors, status = _save(form, formset, write)
        if saved is not None:
            messages.success(request, f"Draft {s.number} saved.")
            return redirect(detail_url(s))
    return _draft_page(
        request,
        form=form,
        formset=formset,
        criteria_errors=criteria_errors,
        solicitation=s,
        status=status,
    )


@require_perm("solicitation:draft")
def weights_total_fragment(request: HttpRequest) -> HttpResponse:
    """The running total of the criteria weights, refreshed by htmx as they are typed."""
    values = [
        str(v)
        for k, v in request.GET.items()
        if k.startswith("criteria-") and k.endswith("-weight")
    ]
    return render(request, "solicitations/_weights_total.html", _weights(values))


def _weights(values: Iterable[str]) -> dict[str, int | None]:
    total = weights_total(values)
    gap = None if total is None else 100 - total
    return {"total": total, "short": gap, "over": None if gap is None else -gap}


@require_perm("solicitation:manage")
@require_POST
def add_document(request: HttpRequest, pk: int) -> HttpResponse:
    s = load(request, pk)
    user = signed_in_user(request)
    form = DocumentForm(
        request.POST, request.FILES, prefix="document", terms_fixed=s.status != Status.DRAFT
    )
    return attempt(
        request,
        s,
        key="document",
        form=form,
        action=lambda: services.add_document(
            s,
            actor=user,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        ),
        success=lambda doc: f"Document added: {doc.title} (SHA-256 {doc.sha256[:12]}…).",
        anchor="documents",
    )


@require_perm("solicitation:manage")
@require_POST
def advertise(request: HttpRequest, pk: int) -> HttpResponse:
    s = load(request, pk)
    user = signed_in_user(request)
    form = AdvertisementForm(request.POST, request.FILES, prefix="ad")
    return attempt(
        request,
        s,
        key="advertisement",
        form=form,
        action=lambda: services.record_advertisement(
            s,
            actor=user,
            medium=form.cleaned_data["medium"],
            published_on=form.cleaned_data["published_on"],
            reference=form.cleaned_data["reference"],
            proof=form.cleaned_data["proof"],
        ),
        success=lambda ad: f"Advertisement recorded: {ad}.",
        anchor="advertisements",
        aliases={"kind": "proof", "file": "proof"},
    )
