from django.contrib import admin

from interlocal.accounts.models import ApiKey, Membership, Organization, User
from interlocal.core.admin import AuditedModelAdmin, ReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
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
