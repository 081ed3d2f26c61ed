from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from interlocal.core.admin import AuditedModelAdmin, AuditedTabularInline, ReadOnlyAdmin
from interlocal.core.ui import signed_in_user
from interlocal.registry import services
from interlocal.registry.models import (
    AdvisoryBoardMember,
    Agency,
    AgencyAlias,
    AgencyDomain,
    Certification,
    ExemptOrganization,
    Foundation,
    FoundationBoardSeat,
    Registration,
    Sponsor,
    Supplier,
)
from interlocal.registry.normalise import normalise_domain, normalise_name

# Enrolment from the back office is for a handful of signed paper forms at a time; a
# "select all 90,000" slip must not enrol the agency universe in one request.
ENROL_LIMIT = 200


def _stamp_verified_at(formset: Any, *, trigger: str, is_verified: Callable[[Any], bool]) -> None:
    """Set ``verified_at`` on the rows whose ``trigger`` field changed in this submission: now
    when the row became verified, cleared when it stopped being verified. Staff cannot type it."""
    now = timezone.now()
    deleted = set(map(id, formset.deleted_forms))
    for form in formset.forms:
        if id(form) in deleted or trigger not in form.changed_data:
            continue
        form.instance.verified_at = now if is_verified(form.instance) else None


class DomainForm(forms.ModelForm):
    class Meta:
        model = AgencyDomain
        fields = ["domain", "verified"]

    def clean_domain(self) -> str:
        # Stored as registrants' addresses are matched: 'https://www.HarmonCounty.gov/' and
        # 'clerk@harmoncounty.gov' both mean harmoncounty.gov.
        typed = self.cleaned_data["domain"]
        clean = normalise_domain(typed)
        if "." not in clean:
            raise ValidationError(f"'{typed}' is not a domain such as harmoncounty.gov")
        other = (
            AgencyDomain.objects.filter(domain=clean)
            .exclude(pk=self.instance.pk)
            .select_related("agency__state")
            .first()
        )
        if other is not None:
            raise ValidationError(f"{clean} is already a domain of {other.agency}")
        return clean


class DomainInline(AuditedTabularInline):
    model = AgencyDomain
    form = DomainForm
    extra = 0
    readonly_fields = ["verified_at"]


class AliasForm(forms.ModelForm):
    class Meta:
        model = AgencyAlias
        fields = ["name", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["source"].initial = AgencyAlias.Source.PROGRAM_OFFICE

    def clean_name(self) -> str:
        # Aliases are unique by their normalised form, which is not a form field, so Django's
        # own unique check cannot see it: without this a duplicate would fail at the database.
        name = self.cleaned_data["name"]
        taken = (
            AgencyAlias.objects.filter(
                agency_id=self.instance.agency_id, search_name=normalise_name(name)
            )
            .exclude(pk=self.instance.pk)
            .first()
        )
        if self.instance.agency_id is not None and taken is not None:
            raise ValidationError(f"'{taken.name}' is already an alias of this agency")
        return name


class AliasFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            name = form.cleaned_data.get("name")
            if not name:
                continue
            key = normalise_name(name)
            if key in seen:
                raise ValidationError(f"'{name}' is listed twice")
            seen.add(key)


class AliasInline(AuditedTabularInline):
    model = AgencyAlias
    form = AliasForm
    formset = AliasFormSet
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["name", "agency_type", "state", "county", "census_id", "participating_since"]
    list_filter = ["agency_type", "participation_route", "state"]
    search_fields = ["name", "census_id", "ein", "nces_id", "ipeds_id"]
    raw_id_fields = ["parent", "county"]
    readonly_fields = ["participating_since", "participation_route"]
    inlines = [DomainInline, AliasInline]
    list_select_related = ["state", "county__state"]
    show_full_result_count = False
    actions = ["enrol_selected"]

    @admin.action(permissions=["change"], description="Enrol selected agencies as participants")
    def enrol_selected(self, request: HttpRequest, queryset: QuerySet[Agency]) -> None:
        if queryset.count() > ENROL_LIMIT:
            self.message_user(
                request,
                f"Select at most {ENROL_LIMIT} agencies to enrol at a time; nothing was changed.",
                messages.ERROR,
            )
            return
        actor = signed_in_user(request)
        enrolled: list[str] = []
        skipped: list[str] = []
        # One transaction for the batch: a failure part-way leaves no agency enrolled.
        with transaction.atomic():
            for agency in queryset.select_related("state").order_by("name", "pk"):
                if agency.is_participating:
                    skipped.append(str(agency))
                    continue
                try:
                    services.enroll_agency(
                        actor=actor, agency=agency, reason="enrolled from the back office"
                    )
                except ValidationError:
                    # enrolled by someone else since the page was loaded
                    skipped.append(str(agency))
                    continue
                enrolled.append(str(agency))
        if enrolled:
            self.message_user(
                request, f"Enrolled {len(enrolled)}: {', '.join(enrolled)}.", messages.SUCCESS
            )
        if skipped:
            self.message_user(
                request,
                f"Skipped {len(skipped)} already participating: {', '.join(skipped)}.",
                messages.WARNING,
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is AgencyDomain:
            _stamp_verified_at(formset, trigger="verified", is_verified=lambda d: d.verified)
        super().save_formset(request, form, formset, change)


class CertificationInline(AuditedTabularInline):
    model = Certification
    extra = 0
    readonly_fields = ["verified_at"]


@admin.register(Supplier)
class SupplierAdmin(AuditedModelAdmin):
    list_display = ["legal_name", "dba", "uei", "hq_state", "business_size"]
    search_fields = ["legal_name", "dba", "uei", "ein"]
    inlines = [CertificationInline]
    list_select_related = ["hq_state"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Certification:
            _stamp_verified_at(
                formset,
                trigger="verification_status",
                is_verified=lambda c: c.verification_status == Certification.Verification.VERIFIED,
            )
        super().save_formset(request, form, formset, change)


@admin.register(Sponsor)
class SponsorAdmin(AuditedModelAdmin):
    list_display = ["name", "acronym", "is_managing_sponsor", "is_active"]


class BoardSeatInline(AuditedTabularInline):
    model = FoundationBoardSeat
    extra = 0


@admin.register(Foundation)
class FoundationAdmin(AuditedModelAdmin):
    inlines = [BoardSeatInline]


@admin.register(AdvisoryBoardMember)
class AdvisoryBoardMemberAdmin(AuditedModelAdmin):
    list_display = ["person_name", "agency", "title", "term_start", "term_end"]
    raw_id_fields = ["agency", "user"]
    list_select_related = ["agency__state"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    """Decisions go through the registration queue (services with their own audit events)."""

    list_display = ["created_at", "agency_name", "contact_email", "status", "auto_approved"]
    list_filter = ["status", "auto_approved"]
    search_fields = ["contact_email", "proposed_name", "agency__name"]
    list_select_related = ["agency__state", "proposed_state"]


@admin.register(ExemptOrganization)
class ExemptOrganizationAdmin(ReadOnlyAdmin):
    list_display = ["ein", "name", "state_postal", "subsection", "status"]
    search_fields = ["ein", "name"]
    list_filter = ["subsection", "status"]
