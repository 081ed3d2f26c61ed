"""Agencies and suppliers as OCDS organizations.

Party ids are ours and never change (``{OCDS_PREFIX}-agency-{pk}``): a party appears in many
releases over the years, and an id built from a registered identifier would change the day an
EIN is added, leaving the same organization twice in a compiled release. Registered
identifiers go in ``identifier`` and ``additionalIdentifiers`` instead.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from interlocal.opendata.ocds.codes import EIN_SCHEME, ROLE_ORDER, UEI_SCHEME
from interlocal.registry.models import Agency, Supplier

COUNTRY = "United States"


def agency_id(agency: Agency) -> str:
    return f"{settings.OCDS_PREFIX}-agency-{agency.pk}"


def supplier_id(supplier: Supplier) -> str:
    return f"{settings.OCDS_PREFIX}-supplier-{supplier.pk}"


def agency_reference(agency: Agency) -> dict[str, str]:
    return {"id": agency_id(agency), "name": agency.name}


def supplier_reference(supplier: Supplier) -> dict[str, str]:
    return {"id": supplier_id(supplier), "name": str(supplier)}


def _ordered(roles: Iterable[str]) -> list[str]:
    return sorted(set(roles), key=ROLE_ORDER.index)


def _drop_empty(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value}


def agency_party(agency: Agency, roles: Iterable[str]) -> dict[str, Any]:
    """The lead agency. Its EIN is public in the directory and has an org-id list (US-EIN);
    the Census government ID has none, so it is published without a scheme."""
    party: dict[str, Any] = agency_reference(agency)
    if agency.ein:
        party["identifier"] = {"scheme": EIN_SCHEME, "id": agency.ein, "legalName": agency.name}
    if agency.census_id:
        party["additionalIdentifiers"] = [{"id": agency.census_id, "legalName": agency.name}]
    address = _drop_empty(
        {
            "streetAddress": agency.street,
            "locality": agency.city,
            "region": agency.state.postal,
            "postalCode": agency.zip_code,
            "countryName": COUNTRY,
        }
    )
    party["address"] = address
    if agency.website:
        party["contactPoint"] = {"url": agency.website}
    party["roles"] = _ordered(roles)
    return party


def supplier_party(supplier: Supplier, roles: Iterable[str]) -> dict[str, Any]:
    """A supplier, identified by its SAM.gov UEI (org-id list US-SAM). Its EIN is not published:
    the registry does not publish suppliers' EINs either."""
    party: dict[str, Any] = supplier_reference(supplier)
    if supplier.uei:
        party["identifier"] = {
            "scheme": UEI_SCHEME,
            "id": supplier.uei,
            "legalName": supplier.legal_name,
        }
    address = {"countryName": COUNTRY}
    if supplier.hq_state_id:
        address = {"region": supplier.hq_state.postal, **address}  # type: ignore[union-attr]
    party["address"] = address
    if supplier.website:
        party["contactPoint"] = {"url": supplier.website}
    party["roles"] = _ordered(roles)
    return party
