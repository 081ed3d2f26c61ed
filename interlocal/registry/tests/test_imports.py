"""The universe importers as the program office runs them: manage.py commands on real files."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from interlocal.core.models import AuditEvent
from interlocal.registry.ingest.census import parse_census_file
from interlocal.registry.models import Agency, ExemptOrganization
from interlocal.registry.services import import_governments

pytestmark = pytest.mark.django_db

CSV_HEADER = "GOVT_ID,KIND,LEGAL_NAME,ST,CTY,POP\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


MAP = [
    "--map",
    "census_id=GOVT_ID",
    "--map",
    "type_code=KIND",
    "--map",
    "name=LEGAL_NAME",
    "--map",
    "fips_state=ST",
    "--map",
    "fips_county=CTY",
    "--map",
    "population=POP",
]


def test_csv_with_mapped_columns_upserts_by_census_id(tmp_path) -> None:
    # given a CSV from another system, with its own column names, a BOM and CRLF endings
    path = write(
        tmp_path,
        "units.csv",
        "\ufeff"
        + CSV_HEADER.replace("\n", "\r\n")
        + "44100100100000,1,ANDERSON,48,001,58000\r\n"
        + "44201234500000,2,PALESTINE,48,001,18500\r\n",
    )
    # when it is imported twice, the second time with a changed population
    out = run("import_governments", str(path), *MAP)
    assert "2 created" in out
    path.write_text(
        CSV_HEADER + "44100100100000,1,ANDERSON,48,001,59000\n"
        "44201234500000,2,PALESTINE,48,001,18500\n"
    )
    out = run("import_governments", str(path), *MAP)
    # then nothing is duplicated, one row is updated, and each run is one audit event
    assert "0 created, 1 updated, 1 unchanged" in out
    county = Agency.objects.get(census_id="44100100100000")
    assert (county.name, county.agency_type, county.population) == (
        "Anderson County",
        "county",
        59000,
    )
    assert county.county is not None and county.county.fips == "48001"
    assert AuditEvent.objects.filter(verb="registry.import_governments").count() == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("44100100100000,1,ANDERSON,99,001,1\n", "line 2, field"),
        ("44100100100000,1,ANDERSON,48,001,1\n44100100100000,1,ANDERSON,48,001,1\n", "line 3"),
        ("44100100100000,9,ANDERSON,48,001,1\n", "line 2"),
    ],
    ids=["unknown-state", "duplicate-id", "bad-type"],
)
def test_bad_rows_are_named_and_nothing_is_imported(tmp_path, body, expected) -> None:
    good = "44201234500000,2,PALESTINE,48,001,18500\n"
    path = write(tmp_path, "bad.csv", CSV_HEADER + body + good)
    with pytest.raises(CommandError) as info:
        run("import_governments", str(path), *MAP)
    assert "nothing changed" in str(info.value) and expected in str(info.value)
    assert Agency.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_wrong_encoding_is_refused_with_the_line(tmp_path) -> None:
    path = write(
        tmp_path,
        "latin.csv",
        CSV_HEADER + "44201234500000,2,CAÑON CITY,48,001,1\n",
        encoding="cp1252",
    )
    with pytest.raises(CommandError) as info:
        run("import_governments", str(path), *MAP)
    assert "line 2" in str(info.value) and "UTF-8" in str(info.value)
    assert Agency.objects.count() == 0


def test_missing_mapped_column_names_what_exists(tmp_path) -> None:
    path = write(tmp_path, "cols.csv", "ID,NAME\n1,X\n")
    with pytest.raises(CommandError) as info:
        run("import_governments", str(path), *MAP)
    assert "GOVT_ID" in str(info.value)


def test_failure_mid_import_rolls_everything_back(tmp_path, monkeypatch) -> None:
    path = write(tmp_path, "units.csv", CSV_HEADER + "44100100100000,1,ANDERSON,48,001,1\n")
    rows = parse_census_file(
        path,
        mapping={
            "census_id": "GOVT_ID",
            "type_code": "KIND",
            "name": "LEGAL_NAME",
            "fips_state": "ST",
            "fips_county": "CTY",
            "population": "POP",
        },
    )

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("interlocal.core.audit.record", explode)
    with pytest.raises(RuntimeError):
        import_governments(actor=None, rows=rows, source="units.csv")
    assert Agency.objects.count() == 0


def test_a_buyer_cannot_import(personas, tmp_path) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_governments(actor=personas["buyer"], rows=[], source="x")


@pytest.mark.external_data
def test_real_census_unit_file_imports_with_its_counts(shared_data) -> None:
    path = shared_data / "census_aspep_2016_units" / "16empid.txt"
    out = run("import_governments", str(path))
    counts = {
        t: Agency.objects.filter(agency_type=t).count()
        for t in (
            "county",
            "municipality",
            "township",
            "special_district",
            "school_district",
            "state_agency",
        )
    }
    assert counts == {
        "county": 1393,
        "municipality": 2978,
        "township": 578,
        "special_district": 3113,
        "school_district": 2462,
        "state_agency": 50,
    }
    assert "10,574 created" in out
    # idempotent: the same file again changes nothing
    assert "0 created, 0 updated, 10,574 unchanged" in run("import_governments", str(path))
    baldwin = Agency.objects.get(census_id="01100200200000")
    assert baldwin.name == "Baldwin County" and baldwin.county.fips == "01003"
    fire = Agency.objects.filter(
        agency_type="special_district", special_district_function="fire_protection"
    )
    assert fire.filter(name__icontains="fire").count() > 0.9 * fire.count()


@pytest.mark.external_data
def test_real_irs_extract_imports_and_backs_eligibility(shared_data) -> None:
    from interlocal.registry.eligibility_evidence import check_501c3

    run("import_exempt_orgs", str(shared_data / "irs_eo_bmf_2020_07_sample" / "eo_de.csv"))
    assert ExemptOrganization.objects.count() == 7483
    charity = ExemptOrganization.objects.filter(subsection="03", status="01").first()
    other = ExemptOrganization.objects.exclude(subsection="03").first()
    assert check_501c3(charity.ein).ok
    assert not check_501c3(other.ein).ok
