"""The program office's back office: Django admin, limited to program administrators, with every
change written to the audit trail like any other service."""

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.forms.models import BaseModelFormSet, model_to_dict
from django.http import HttpRequest

from interlocal.core import audit
from interlocal.core.admin_site import is_program_admin as _is_program_admin
from interlocal.core.models import AuditEvent, County, State
from interlocal.core.ui import signed_in_user

_REASON = "Django admin"


def _plain(obj: Model) -> dict[str, Any]:
    return {
        k: (v.pk if isinstance(v, Model) else v.name if isinstance(v, FieldFile) else v)
        for k, v in model_to_dict(obj).items()
        if not isinstance(v, list | QuerySet)
    }


class AuditedInline(admin.options.InlineModelAdmin):
    """An inline for program administrators only. Our roles never grant Django's model
    permissions, so without this every inline is silently hidden from the program office.
    Its saves are audited by :meth:`AuditedModelAdmin.save_formset`; use it only inside an
    ``AuditedModelAdmin``."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_program_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_program_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_program_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_program_admin(request)


class AuditedTabularInline(AuditedInline, admin.TabularInline):
    pass


class AuditedStackedInline(AuditedInline, admin.StackedInline):
    pass


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes, its inlines' included, are audit events (admin
    runs them in a transaction, so the events commit with the change). Bulk delete is off: one
    event each. A subclass may list its own ``actions``; ``delete_selected`` stays off."""

    actions: Sequence[Any] | None = None

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

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
        if change and not form.has_changed():
            return  # only inline rows were edited: no change to save or record
        before = _plain(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=signed_in_user(request),
            verb=f"admin.{'change' if change else 'add'}",
            obj=obj,
            before=before,
            after=_plain(obj),
            reason=_REASON,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = _plain(obj)
        audit.record(
            actor=signed_in_user(request),
            verb="admin.delete",
            obj=obj,
            before=before,
            reason=_REASON,
        )
        super().delete_model(request, obj)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseModelFormSet, change: bool
    ) -> None:
        """Save an inline formset with one audit event per added, changed or deleted row.

        The rows' stored values are read before the save: the forms' instances already carry
        the new values, and a deleted row loses its primary key when it is deleted.
        """
        model = formset.model
        assert model is not None  # an inline formset is always built for a model
        stored = [
            f.instance
            for f in formset.initial_forms
            if f.instance.pk is not None and f.has_changed()
        ]
        before = {
            obj.pk: _plain(obj)
            for obj in model._default_manager.filter(pk__in=[o.pk for o in stored])
        }
        pk_of = {id(obj): obj.pk for obj in stored}
        super().save_formset(request, form, formset, change)
        actor = signed_in_user(request)
        for obj in formset.deleted_objects:
            pk = pk_of[id(obj)]
            audit.record(
                actor=actor,
                verb="admin.delete",
                obj=obj,
                object_id=str(pk),
                before=before.get(pk),
                reason=_REASON,
            )
        for obj, _fields in formset.changed_objects:
            audit.record(
                actor=actor,
                verb="admin.change",
                obj=obj,
                before=before.get(obj.pk),
                after=_plain(obj),
                reason=_REASON,
            )
        for obj in formset.new_objects:
            audit.record(actor=actor, verb="admin.add", obj=obj, after=_plain(obj), reason=_REASON)


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
