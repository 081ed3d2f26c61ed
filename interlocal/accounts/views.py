from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from interlocal.accounts import services
from interlocal.accounts.forms import ApiKeyForm
from interlocal.accounts.queries import api_keys_visible_to, key_organizations
from interlocal.core.ui import require_perm, signed_in_user


@require_perm("apikey:manage")
def api_keys(request: HttpRequest) -> HttpResponse:
    organizations = key_organizations(request.user)
    form = ApiKeyForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        chosen = request.POST.get("organization")
        org = (
            next((o for o in organizations if str(o.pk) == chosen), None)
            if chosen
            else (organizations[0] if organizations else None)
        )
        if org is None:
            raise PermissionDenied("you cannot manage API keys for that organization")
        try:
            issued = services.issue_api_key(
                actor=signed_in_user(request),
                organization=org,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = ApiKeyForm()
    return render(
        request,
        "accounts/api_keys.html",
        {
            "form": form,
            "issued": issued,
            "organizations": organizations,
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
