"""The program office's back office: Django admin, limited to program administrators, with every
change written to the audit trail like any other service."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest

from interlocal.core import audit
from interlocal.core.admin_site import is_program_admin as _is_program_admin
from interlocal.core.models import AuditEvent, County, State
from interlocal.core.ui import signed_in_user


def _plain(obj: Model) -> dict[str, Any]:
    return {
        k: (v.pk if isinstance(v, Model) else v)
        for k, v in model_to_dict(obj).items()
        if not isinstance(v, list | QuerySet)
    }


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes are audit events (admin runs them in a
    transaction, so the event commits with the change). Bulk delete is off: one event each."""

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_program_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_program_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_program_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_program_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_program_admin(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = _plain(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=signed_in_user(request),
            verb=f"admin.{'change' if change else 'add'}",
            obj=obj,
            before=before,
            after=_plain(obj),
            reason="Django admin",
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = _plain(obj)
        audit.record(
            actor=signed_in_user(request),
            verb="admin.delete",
            obj=obj,
            before=before,
            reason="Django admin",
        )
        super().delete_model(request, obj)


class ReadOnlyAdmin(AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "occurred_at", "actor_label", "verb", "object_type", "object_repr"]
    list_filter = ["verb", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id", "request_id"]


@admin.register(State)
class StateAdmin(ReadOnlyAdmin):
    list_display = ["name", "postal", "fips", "kind"]


@admin.register(County)
class CountyAdmin(ReadOnlyAdmin):
    list_display = ["name", "state", "fips"]
    list_filter = ["state"]
    search_fields = ["name", "fips"]
