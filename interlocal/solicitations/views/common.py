"""Helpers every solicitation view shares: loading through the scope, who the viewer acts for,
and turning a service's refusal into what the page shows."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from interlocal.core.forms import add_service_errors
from interlocal.registry.models import Supplier
from interlocal.solicitations import services
from interlocal.solicitations.models import Solicitation
from interlocal.solicitations.models.solicitation import SolicitationQuerySet


def visible(request: HttpRequest) -> SolicitationQuerySet:
    return Solicitation.objects.visible_to(request.user)


def load(request: HttpRequest, pk: int) -> Solicitation:
    """The solicitation, if this person may see it (a draft is a 404 to the public)."""
    return get_object_or_404(
        visible(request).select_related("lead_agency__state", "created_by", "opened_by"), pk=pk
    )


def supplier_for(user: Any) -> Supplier | None:
    """The supplier a signed-in representative acts for, else None."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return services.supplier_of(user)
    except PermissionDenied:
        return None


def refusal_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "you may not do this"


def refusal_page(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    """A refusal that has no form to go back to, with the service's reason."""
    return render(request, "solicitations/refused.html", {"message": message}, status=status)


def detail_url(s: Solicitation, anchor: str = "") -> str:
    url = reverse("solicitations:detail", args=[s.pk])
    return f"{url}#{anchor}" if anchor else url


def agreement_url(agreement: Any) -> str:
    """The master agreement's page; empty while the agreements app has no such page."""
    try:
        return reverse("agreements:detail", args=[agreement.pk])
    except NoReverseMatch:
        return ""


@dataclass
class Outcome:
    """What a service call gave a form: its result when it succeeded, else the HTTP status of
    the page that shows the refusal."""

    ok: bool
    value: Any = None
    status: int = 200


def run_service(
    form: forms.Form, action: Callable[[], Any], *, aliases: dict[str, str] | None = None
) -> Outcome:
    """Run a service for a form: a refusal's messages go on the form's fields (the service
    wrote nothing: each is one transaction); a permission refusal answers 403."""
    try:
        return Outcome(True, action())
    except ValidationError as exc:
        add_service_errors(form, exc, aliases=aliases)
        return Outcome(False)
    except PermissionDenied as exc:
        form.add_error(None, refusal_text(exc))
        return Outcome(False, status=403)


def attempt(
    request: HttpRequest,
    s: Solicitation,
    *,
    key: str,
    form: forms.Form,
    action: Callable[[], Any],
    success: Callable[[Any], str],
    anchor: str,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """Run a service with a form's data: on success say so and go back to the solicitation;
    on refusal show the page again with the form and the service's message (the service
    wrote nothing: each is one transaction)."""
    from interlocal.solicitations.views.page import working_page

    if form.is_valid():
        outcome = run_service(form, action, aliases=aliases)
        if outcome.ok:
            messages.success(request, success(outcome.value))
            return redirect(detail_url(s, anchor))
        return working_page(request, s, bound={key: form}, status=outcome.status)
    return working_page(request, s, bound={key: form})
