from django import forms
from django.contrib import admin

from interlocal.accounts.models import ApiKey, Membership, Organization, User
from interlocal.core.admin import AuditedModelAdmin, AuditedTabularInline, ReadOnlyAdmin


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organization", "role"]

    def _post_clean(self) -> None:
        # Membership.clean reads the organization; when it is missing or unknown the field
        # already carries the error, and the model check would fail with an exception.
        if self.has_error("organization"):
            return
        super()._post_clean()  # type: ignore[misc]  # Django's hook, not in the stubs


class MembershipInline(AuditedTabularInline):
    """Roles are assigned here. ``Membership.clean`` refuses a role the organization's kind
    cannot hold (a supplier has no buyers); the inline form runs it and shows its message."""

    model = Membership
    form = MembershipForm
    extra = 0
    raw_id_fields = ["organization"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    list_display = ["email", "full_name", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "title", "phone", "is_active"]
    inlines = [MembershipInline]


@admin.register(Organization)
class OrganizationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["agency", "supplier", "sponsor"]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    """Keys are issued and revoked on the API-keys page (shown once, audited)."""

    list_display = ["name", "organization", "prefix", "scopes", "last_used_at", "revoked_at"]
    exclude = ["secret_hash"]
