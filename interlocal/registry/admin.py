from django.contrib import admin

from interlocal.core.admin import AuditedModelAdmin, ReadOnlyAdmin
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


class DomainInline(admin.TabularInline):
    model = AgencyDomain
    extra = 0


class AliasInline(admin.TabularInline):
    model = AgencyAlias
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["name", "agency_type", "state", "county", "census_id", "participating_since"]
    list_filter = ["agency_type", "participation_route", "state"]
    search_fields = ["name", "census_id", "ein", "nces_id", "ipeds_id"]
    raw_id_fields = ["parent", "county"]
    readonly_fields = ["participating_since", "participation_route"]
    inlines = [DomainInline, AliasInline]
    list_select_related = ["state", "county"]
    show_full_result_count = False


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


@admin.register(Supplier)
class SupplierAdmin(AuditedModelAdmin):
    list_display = ["legal_name", "dba", "uei", "hq_state", "business_size"]
    search_fields = ["legal_name", "dba", "uei", "ein"]
    inlines = [CertificationInline]


@admin.register(Sponsor)
class SponsorAdmin(AuditedModelAdmin):
    list_display = ["name", "acronym", "is_managing_sponsor", "is_active"]


class BoardSeatInline(admin.TabularInline):
    model = FoundationBoardSeat
    extra = 0


@admin.register(Foundation)
class FoundationAdmin(AuditedModelAdmin):
    inlines = [BoardSeatInline]


@admin.register(AdvisoryBoardMember)
class AdvisoryBoardMemberAdmin(AuditedModelAdmin):
    list_display = ["person_name", "agency", "title", "term_start", "term_end"]
    raw_id_fields = ["agency", "user"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    """Decisions go through the registration queue (services with their own audit events)."""

    list_display = ["created_at", "agency_name", "contact_email", "status", "auto_approved"]
    list_filter = ["status", "auto_approved"]
    search_fields = ["contact_email", "proposed_name", "agency__name"]


@admin.register(ExemptOrganization)
class ExemptOrganizationAdmin(ReadOnlyAdmin):
    list_display = ["ein", "name", "state_postal", "subsection", "status"]
    search_fields = ["ein", "name"]
    list_filter = ["subsection", "status"]
