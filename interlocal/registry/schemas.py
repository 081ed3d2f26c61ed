from datetime import date

from ninja import Schema


class StateOut(Schema):
    postal: str
    name: str
    fips: str


class AgencyOut(Schema):
    id: int
    name: str
    agency_type: str
    special_district_function: str
    state: str
    county: str | None
    census_id: str | None
    population: int | None
    enrollment: int | None
    participating: bool
    participating_since: date | None
    participation_route: str
    url: str


class AgencyDetailOut(AgencyOut):
    nces_id: str | None
    ipeds_id: str | None
    ein: str
    city: str
    website: str
    parent_id: int | None
    aliases: list[str]
    domains: list[str]


class CertificationOut(Schema):
    kind: str
    certifying_body: str
    number: str
    valid_from: date
    valid_to: date
    counting: bool


class SupplierOut(Schema):
    id: int
    legal_name: str
    dba: str
    uei: str | None
    hq_state: str | None
    business_size: str
    certifications: list[CertificationOut]


class RegistrationIn(Schema):
    agency_id: int | None = None
    proposed_name: str = ""
    proposed_type: str = ""
    proposed_state: str = ""
    proposed_city: str = ""
    ein: str = ""
    contact_name: str
    contact_title: str = ""
    contact_email: str
    contact_phone: str = ""
    signed_name: str
    accepted_terms: bool


class RegistrationOut(Schema):
    id: int
    status: str
    agency_id: int | None
    agency_name: str
    auto_approved: bool
    terms_version: str
    email_confirmed: bool
