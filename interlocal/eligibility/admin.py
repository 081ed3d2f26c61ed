"""Rule versions in the back office, read-only: rules change through the edit page (audited,
one new version each), never by editing a stored version."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from interlocal.core.admin_site import is_program_admin
from interlocal.eligibility.models import RuleVersion


@admin.register(RuleVersion)
class RuleVersionAdmin(admin.ModelAdmin):
    list_display = ["rule_id", "version", "state", "layer", "source", "created_at", "edited_by"]
    list_filter = ["state", "layer", "source"]
    search_fields = ["rule_id", "title", "note"]
    readonly_fields = [f.name for f in RuleVersion._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_program_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
