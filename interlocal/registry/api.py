"""``/api/v1/`` endpoints of the registry: the directory is public; registering needs a key."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from interlocal.accounts.models import ApiScope
from interlocal.core.api import ErrorOut, LazyRows, refused
from interlocal.core.api_auth import ApiKeyAuth, require_scope
from interlocal.registry import queries, services
from interlocal.registry.models import Agency
from interlocal.registry.schemas import (
    AgencyDetailOut,
    AgencyOut,
    RegistrationIn,
    RegistrationOut,
    SupplierOut,
)

router = Router(tags=["registry"])


class AgencyFilters(Schema):
    q: str = ""
    state: str = ""
    type: str = ""
    participating: bool | None = None


def _agency_dict(agency: Agency) -> dict[str, Any]:
    return {
        "id": agency.pk,
        "name": agency.name,
        "agency_type": agency.agency_type,
        "special_district_function": agency.special_district_function,
        "state": agency.state.postal,
        "county": agency.county.name if agency.county else None,
        "census_id": agency.census_id,
        "population": agency.population,
        "enrollment": agency.enrollment,
        "participating": agency.is_participating,
        "participating_since": agency.participating_since,
        "participation_route": agency.participation_route,
        "url": reverse("registry:agency_detail", args=[agency.pk]),
    }


@router.get("/agencies", response=list[AgencyOut], summary="Search the agency universe")
@paginate(PageNumberPagination, page_size=50)
def list_agencies(request: HttpRequest, filters: Query[AgencyFilters]) -> list[dict[str, Any]]:
    participating = (
        "" if filters.participating is None else ("yes" if filters.participating else "no")
    )
    qs = queries.search_agencies(
        viewer=request.user,
        q=filters.q,
        state=filters.state,
        agency_type=filters.type,
        participating=participating,
    )
    return LazyRows(qs, _agency_dict)  # type: ignore[return-value]


@router.get(
    "/agencies/{agency_id}", response={200: AgencyDetailOut, 404: ErrorOut}, summary="One agency"
)
def get_agency(request: HttpRequest, agency_id: int) -> dict[str, Any]:
    agency = get_object_or_404(
        Agency.objects.visible_to(request.user).select_related("state", "county"), pk=agency_id
    )
    return _agency_dict(agency) | {
        "nces_id": agency.nces_id,
        "ipeds_id": agency.ipeds_id,
        "ein": agency.ein,
        "city": agency.city,
        "website": agency.website,
        "parent_id": agency.parent_id,
        "aliases": [a.name for a in agency.aliases.all()],
        "domains": [d.domain for d in agency.domains.all()],
    }


@router.get("/suppliers", response=list[SupplierOut], summary="Suppliers and certifications")
@paginate(PageNumberPagination, page_size=50)
def list_suppliers(request: HttpRequest, q: str = "", certification: str = "") -> Any:
    today = timezone.localdate()
    qs = queries.search_suppliers(viewer=request.user, q=q, certification=certification)

    def to_dict(s: Any) -> dict[str, Any]:
        return {
            "id": s.pk,
            "legal_name": s.legal_name,
            "dba": s.dba,
            "uei": s.uei,
            "hq_state": s.hq_state.postal if s.hq_state else None,
            "business_size": s.business_size,
            "certifications": [
                {
                    "kind": c.kind,
                    "certifying_body": c.certifying_body,
                    "number": c.number,
                    "valid_from": c.valid_from,
                    "valid_to": c.valid_to,
                    "counting": c.counts_on(today),
                }
                for c in s.certifications.all()
            ],
        }

    return LazyRows(qs.prefetch_related("certifications"), to_dict)


@router.post(
    "/registrations",
    auth=ApiKeyAuth(),
    response={201: RegistrationOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Register an agency (needs scope registrations:write)",
    description=(
        "Records a pending registration and mails the contact a confirmation link; the agency "
        "participates once the contact confirms an address at a verified domain of the agency, "
        "or when the program office approves it."
    ),
)
def create_registration(request: HttpRequest, payload: RegistrationIn) -> Any:
    require_scope(request, ApiScope.REGISTRATIONS_WRITE)
    req = services.RegistrationRequest(**payload.dict())
    try:
        registration = services.submit_registration(actor=None, req=req)
    except ValidationError as exc:
        return refused(exc, "the registration")
    registration.refresh_from_db()
    return Status(
        201,
        {
            "id": registration.pk,
            "status": registration.status,
            "agency_id": registration.agency_id,
            "agency_name": registration.agency_name,
            "auto_approved": registration.auto_approved,
            "terms_version": registration.terms_version,
            "email_confirmed": registration.email_confirmed_at is not None,
        },
    )
