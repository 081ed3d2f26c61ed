from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from interlocal.accounts import services
from interlocal.accounts.forms import ApiKeyForm
from interlocal.accounts.models import scopes_for
from interlocal.accounts.queries import api_keys_visible_to, key_organizations
from interlocal.core.ui import require_perm, signed_in_user


@require_perm("apikey:manage")
def api_keys(request: HttpRequest) -> HttpResponse:
    organizations = key_organizations(request.user)
    chosen = request.POST.get("organization") or request.GET.get("organization")
    if chosen:
        organization = next((o for o in organizations if str(o.pk) == chosen), None)
        if organization is None:
            raise PermissionDenied("you cannot manage API keys for that organization")
    else:
        organization = organizations[0] if organizations else None
    allowed = scopes_for(organization) if organization is not None else []
    form = ApiKeyForm(request.POST or None, scopes=allowed)
    issued = None
    if request.method == "POST" and organization is not None and form.is_valid():
        try:
            issued = services.issue_api_key(
                actor=signed_in_user(request),
                organization=organization,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = ApiKeyForm(scopes=allowed)
    return render(
        request,
        "accounts/api_keys.html",
        {
            "form": form,
            "issued": issued,
            "organizations": organizations,
            "organization": organization,
            "no_scopes": (
                services.no_scopes_available(organization)
                if organization is not None and not allowed
                else ""
            ),
            "keys": api_keys_visible_to(request.user),
        },
    )


@require_perm("apikey:manage")
@require_POST
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(api_keys_visible_to(request.user), pk=pk)
    services.revoke_api_key(
        actor=signed_in_user(request),
        key=key,
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, f"Revoked {key}. Requests with it are now refused.")
    return redirect("accounts:api_keys")
