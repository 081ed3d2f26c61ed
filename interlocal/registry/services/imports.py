"""Bulk imports into the agency universe: Census government units and the IRS exempt
organizations file. Each import is one transaction with one audit event per file: a bad file
changes nothing, and several IRS files given together are imported all or not at all."""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.core import audit
from interlocal.core.models import County, State
from interlocal.registry.ingest.census import GovernmentRow
from interlocal.registry.ingest.errors import IngestError, RowProblem
from interlocal.registry.ingest.irs import ExemptOrgRow, check_states_disjoint
from interlocal.registry.models import Agency, AgencyType, ExemptOrganization
from interlocal.registry.models import SpecialDistrictFunction as Fn
from interlocal.registry.normalise import normalise_name

BATCH = 2000
Progress = Callable[[int], None]

# Census government type code -> agency type (Census of Governments classification).
CENSUS_TYPES = {
    0: AgencyType.STATE_AGENCY,
    1: AgencyType.COUNTY,
    2: AgencyType.MUNICIPALITY,
    3: AgencyType.TOWNSHIP,
    4: AgencyType.SPECIAL_DISTRICT,
    5: AgencyType.SCHOOL_DISTRICT,
}

# For special districts the unit file's population field holds the Census government
# function code instead. Codes per the Census Bureau's government function classification,
# checked against the unit names in the 2016 ASPEP unit file (52 = library systems, 63 =
# levee/flood control, 64 = irrigation districts such as "CORCORAN IRRIGATION DISTRICT" and
# Arizona's "… IWDD" irrigation water delivery districts, 88 = soil conservation, 98 = water
# and sewer boards...). Code 09 is "education (school building authorities)" in the
# classification, but every 09 unit in the real file is a schools' insurance pool or council of
# governments ("TULARE CO SCHOOLS SELF INSURANCE AUTH", "STARK COUNTY SCHOOLS COUNCIL"), none
# a building authority, so 09 stays "other" rather than claiming SCHOOL_BUILDING.
CENSUS_FUNCTIONS = {
    1: Fn.AIRPORT,
    2: Fn.CEMETERY,
    9: Fn.OTHER,
    24: Fn.FIRE_PROTECTION,
    32: Fn.HEALTH,
    40: Fn.HOSPITAL,
    44: Fn.ROAD,
    45: Fn.ROAD,
    50: Fn.HOUSING,
    51: Fn.DRAINAGE,
    52: Fn.LIBRARY,
    59: Fn.NATURAL_RESOURCES,
    61: Fn.PARKS_RECREATION,
    63: Fn.FLOOD_CONTROL,
    64: Fn.IRRIGATION,
    77: Fn.HOSPITAL,
    80: Fn.SEWER,
    81: Fn.SOLID_WASTE,
    87: Fn.PORT,
    88: Fn.SOIL_WATER_CONSERVATION,
    91: Fn.WATER,
    92: Fn.UTILITY,
    93: Fn.UTILITY,
    94: Fn.TRANSIT,
    97: Fn.WATER,
    98: Fn.WATER_SEWER,
}


@dataclass
class ImportSummary:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # IRS files only: organizations of the file's states the file no longer lists (delisted),
    # and previously delisted ones it lists again (relisted; also counted as updated).
    delisted: int = 0
    relisted: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    by_state: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "delisted": self.delisted,
            "relisted": self.relisted,
            "by_type": dict(sorted(self.by_type.items())),
            "by_state": dict(sorted(self.by_state.items())),
        }


def _require_import(actor: User | None) -> None:
    # actor None is the operator at the command line (manage.py), who already has the server.
    if actor is not None and not actor.has_perm("registry:import"):
        raise PermissionDenied("only the program office imports the agency universe")


def _government_fields(
    row: GovernmentRow, states: dict[str, State], counties: dict[str, County]
) -> dict[str, object]:
    agency_type = CENSUS_TYPES[row.type_code]
    population = enrollment = None
    function = ""
    if agency_type == AgencyType.SPECIAL_DISTRICT:
        function = CENSUS_FUNCTIONS.get(row.population or -1, Fn.OTHER)
    elif agency_type == AgencyType.SCHOOL_DISTRICT:
        enrollment = row.population
    else:
        population = row.population
    county = counties.get(row.fips_state + row.fips_county) if row.fips_county else None
    name = row.display_name
    return {
        "name": name,
        "search_name": normalise_name(name),
        "agency_type": agency_type,
        "special_district_function": function,
        "state_id": states[row.fips_state].pk,
        "county_id": county.pk if county else None,
        "population": population,
        "enrollment": enrollment,
    }


def _problems_for_unknown(rows: Sequence[GovernmentRow], states: dict[str, State]) -> None:
    problems = [
        RowProblem(
            row.line,
            "fips_state",
            row.fips_state,
            f"state FIPS code '{row.fips_state}' is not loaded; run migrations first",
        )
        for row in rows
        if row.fips_state not in states
    ]
    problems += [
        RowProblem(
            row.line,
            "type_code",
            str(row.type_code),
            "U.S. government units are not program participants; remove the line",
        )
        for row in rows
        if row.type_code not in CENSUS_TYPES
    ]
    if problems:
        raise IngestError(problems)


# One upserted row: natural key, field values (by attname), and its labels for the summary.
UpsertRow = tuple[str, dict[str, object], str, str]


def _upsert(
    model: type[Agency] | type[ExemptOrganization],
    key_field: str,
    rows: Sequence[UpsertRow],
    summary: ImportSummary,
    progress: Progress | None,
) -> None:
    """Create what is new and update what changed, by natural key, in batches."""
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        existing = model.objects.in_bulk([key for key, *_ in chunk], field_name=key_field)
        creates: list = []
        updates: list = []
        for key, values, kind, state in chunk:
            obj = existing.get(key)
            if obj is None:
                creates.append(model(**{key_field: key}, **values))
            elif any(getattr(obj, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(obj, field, value)
                updates.append(obj)
            else:
                summary.unchanged += 1
            summary.by_type[kind] += 1
            summary.by_state[state] += 1
        model.objects.bulk_create(creates, batch_size=BATCH)
        if updates:
            model.objects.bulk_update(updates, list(chunk[0][1]), batch_size=BATCH)
        summary.created += len(creates)
        summary.updated += len(updates)
        if progress:
            progress(len(chunk))


@transaction.atomic
def import_governments(
    *,
    actor: User | None,
    rows: Sequence[GovernmentRow],
    source: str,
    progress: Progress | None = None,
) -> ImportSummary:
    """Upsert government units by Census ID. Running it twice changes nothing the second time."""
    _require_import(actor)
    states = {s.fips: s for s in State.objects.all()}
    counties = {c.fips: c for c in County.objects.all()}
    _problems_for_unknown(rows, states)
    summary = ImportSummary(source=source)
    upserts = [
        (
            row.census_id,
            _government_fields(row, states, counties),
            CENSUS_TYPES[row.type_code],
            states[row.fips_state].postal,
        )
        for row in rows
    ]
    _upsert(Agency, "census_id", upserts, summary, progress)
    audit.record(
        actor=actor,
        actor_label="operator: manage.py import_governments",
        verb="registry.import_governments",
        object_type="registry.agency",
        object_repr=source[:300],
        after=summary.as_dict(),
    )
    return summary


# registry/demo/seed.py writes the demo non-profits' evidence with this source. Those rows were
# never in an IRS file, so no IRS file can "no longer list" them: delisting leaves them alone.
DEMO_SOURCE = "demo"


def import_exempt_orgs(
    *,
    actor: User | None,
    rows: Iterable[ExemptOrgRow],
    source: str,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportSummary:
    """Import one IRS EO BMF extract file (see :func:`import_exempt_org_files`)."""
    return import_exempt_org_files(
        actor=actor, files=[(source, list(rows))], progress=progress, today=today
    )[0]


@transaction.atomic
def import_exempt_org_files(
    *,
    actor: User | None,
    files: Sequence[tuple[str, Sequence[ExemptOrgRow]]],
    progress: Progress | None = None,
    today: date | None = None,
) -> list[ImportSummary]:
    """Upsert IRS EO BMF extracts by EIN, all files in one transaction, one audit event each.

    A newer extract replaces an organization's status. An extract covers whole states, and the
    IRS drops revoked organizations from it, so every organization of a file's states that the
    file does not list is marked delisted on ``today`` (the import day); one the file lists
    again has the mark cleared. Two files for the same state in one batch are refused.
    """
    _require_import(actor)
    check_states_disjoint(files)
    day = today or timezone.localdate()
    summaries = []
    # Every file is upserted before any delisting, so an organization that moved from one
    # file's state to another's is updated to its new state, not delisted from the old one.
    for source, rows in files:
        summary = ImportSummary(source=source)
        summary.relisted = _count_delisted([row.ein for row in rows])
        _upsert(ExemptOrganization, "ein", _exempt_org_upserts(rows, source), summary, progress)
        summaries.append(summary)
    for (source, rows), summary in zip(files, summaries, strict=True):
        summary.delisted = _delist_missing(rows, day)
        audit.record(
            actor=actor,
            actor_label="operator: manage.py import_exempt_orgs",
            verb="registry.import_exempt_orgs",
            object_type="registry.exemptorganization",
            object_repr=source[:300],
            after={**summary.as_dict(), "delisted_on": day.isoformat()},
        )
    return summaries


def _exempt_org_upserts(rows: Sequence[ExemptOrgRow], source: str) -> list[UpsertRow]:
    return [
        (
            row.ein,
            {
                "name": row.name,
                "city": row.city,
                "state_postal": row.state,
                "subsection": row.subsection,
                "status": row.status,
                "ruling": row.ruling,
                "ntee_code": row.ntee_cd,
                "source": source[:200],
                "delisted_on": None,  # listed in this file, so no longer delisted
            },
            f"501(c)({int(row.subsection)})" if row.subsection.isdigit() else row.subsection,
            row.state,
        )
        for row in rows
    ]


def _count_delisted(eins: Sequence[str]) -> int:
    return sum(
        ExemptOrganization.objects.filter(
            ein__in=eins[start : start + BATCH], delisted_on__isnull=False
        ).count()
        for start in range(0, len(eins), BATCH)
    )


def _delist_missing(rows: Sequence[ExemptOrgRow], day: date) -> int:
    """Mark the organizations of the file's states that the file does not list; return how many."""
    listed = {row.ein for row in rows}
    candidates = (
        ExemptOrganization.objects.filter(
            state_postal__in={row.state for row in rows}, delisted_on__isnull=True
        )
        .exclude(source=DEMO_SOURCE)
        .values_list("pk", "ein")
    )
    # The set difference is taken here, not in SQL: a state file has up to ~200,000 EINs,
    # more than a NOT IN list should carry.
    gone = [pk for pk, ein in candidates.iterator(chunk_size=BATCH) if ein not in listed]
    for start in range(0, len(gone), BATCH):
        ExemptOrganization.objects.filter(pk__in=gone[start : start + BATCH]).update(
            delisted_on=day
        )
    return len(gone)
