"""The universe importers as the program office runs them: manage.py commands on real files."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from interlocal.core.models import AuditEvent
from interlocal.registry.eligibility_evidence import check_501c3
from interlocal.registry.ingest.census import parse_census_file
from interlocal.registry.ingest.irs import parse_irs_file
from interlocal.registry.models import Agency, ExemptOrganization
from interlocal.registry.services import import_governments
from interlocal.registry.services.imports import import_exempt_org_files, import_exempt_orgs

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


def test_special_district_function_codes_64_and_09(tmp_path) -> None:
    # given special districts with Census function codes 64 and 09 (real names from the 2016 file)
    path = write(
        tmp_path,
        "districts.csv",
        CSV_HEADER + "05401601400000,4,CORCORAN IRRIGATION DISTRICT,06,031,64\n"
        "05405441400000,4,TULARE CO SCHOOLS SELF INSURANCE AUTH,06,107,09\n",
    )
    # when they are imported
    run("import_governments", str(path), *MAP)
    # then 64 is irrigation, and 09 (schools' insurance pools, not building authorities) is other
    functions = dict(Agency.objects.values_list("census_id", "special_district_function"))
    assert functions == {"05401601400000": "irrigation", "05405441400000": "other"}


# --------------------------------------------------------------------------- IRS extracts

IRS_HEADER = (
    "EIN,NAME,STREET,CITY,STATE,ZIP,GROUP,SUBSECTION,AFFILIATION,CLASSIFICATION,RULING,"
    "DEDUCTIBILITY,FOUNDATION,ACTIVITY,ORGANIZATION,STATUS,TAX_PERIOD,ASSET_CD,INCOME_CD,"
    "FILING_REQ_CD,PF_FILING_REQ_CD,ACCT_PD,ASSET_AMT,INCOME_AMT,REVENUE_AMT,NTEE_CD,SORT_NAME\n"
)


def irs_line(ein: str, name: str, state: str = "DE", subsection: str = "03") -> str:
    return (
        f"{ein},{name},1 MAIN ST,DOVER,{state},19901,0000,{subsection},3,1000,201603,"
        "1,15,000000000,1,01,201712,1,0,02,0,12,1,0,0,A20,\n"
    )


def irs_file(tmp_path: Path, name: str, *lines: str) -> Path:
    return write(tmp_path, name, IRS_HEADER + "".join(lines))


JULY = datetime.date(2026, 7, 3)
AUGUST = datetime.date(2026, 8, 4)


def test_organization_missing_from_a_newer_state_file_is_delisted_then_relisted(tmp_path) -> None:
    # given Delaware's file listing two charities, and Rhode Island's listing one
    first = irs_file(
        tmp_path,
        "eo_de.csv",
        irs_line("010000001", "STAYING CHARITY"),
        irs_line("010000002", "REVOKED CHARITY"),
    )
    ri = irs_file(tmp_path, "eo_ri.csv", irs_line("050000001", "RI CHARITY", state="RI"))
    import_exempt_orgs(actor=None, rows=parse_irs_file(first), source="eo_de.csv", today=JULY)
    import_exempt_orgs(actor=None, rows=parse_irs_file(ri), source="eo_ri.csv", today=JULY)
    assert check_501c3("010000002").ok

    # when a newer Delaware file no longer lists the second one (the IRS revoked it)
    newer = irs_file(tmp_path, "eo_de.csv", irs_line("010000001", "STAYING CHARITY"))
    summary = import_exempt_orgs(
        actor=None, rows=parse_irs_file(newer), source="eo_de.csv", today=AUGUST
    )

    # then it is delisted on the import day and refused with that date; others are untouched
    assert (summary.delisted, summary.relisted, summary.unchanged) == (1, 0, 1)
    delisted = dict(ExemptOrganization.objects.values_list("ein", "delisted_on"))
    assert delisted == {"010000001": None, "010000002": AUGUST, "050000001": None}
    verdict = check_501c3("01-0000002")
    assert not verdict.ok
    assert "no longer listed in the IRS file imported on August 4, 2026" in verdict.message
    assert "current IRS determination letter" in verdict.message
    event = AuditEvent.objects.filter(verb="registry.import_exempt_orgs").latest("id")
    assert (event.after["delisted"], event.after["delisted_on"]) == (1, "2026-08-04")

    # and when a later file lists it again, the mark is cleared and it counts again
    again = irs_file(
        tmp_path,
        "eo_de.csv",
        irs_line("010000001", "STAYING CHARITY"),
        irs_line("010000002", "REVOKED CHARITY"),
    )
    summary = import_exempt_orgs(actor=None, rows=parse_irs_file(again), source="eo_de.csv")
    assert (summary.delisted, summary.relisted, summary.updated) == (0, 1, 1)
    assert ExemptOrganization.objects.get(ein="010000002").delisted_on is None
    assert check_501c3("010000002").ok
    assert (
        AuditEvent.objects.filter(verb="registry.import_exempt_orgs").latest("id").after["relisted"]
        == 1
    )


def test_delisting_leaves_demo_evidence_alone(tmp_path) -> None:
    # given the demo seeder's evidence for a Delaware non-profit (source 'demo', never in a file)
    ExemptOrganization.objects.create(
        ein="990000001",
        name="DEMO FOOD BANK",
        state_postal="DE",
        subsection="03",
        status="01",
        source="demo",
    )
    # when a real Delaware file is imported
    path = irs_file(tmp_path, "eo_de.csv", irs_line("010000001", "REAL CHARITY"))
    summary = import_exempt_orgs(actor=None, rows=parse_irs_file(path), source="eo_de.csv")
    # then the demo organization is not "no longer listed": it was never listed
    assert summary.delisted == 0
    assert check_501c3("990000001").ok


def test_seeded_demo_non_profits_still_pass_after_an_irs_import(tmp_path) -> None:
    # given a seeded demo program
    call_command("seed_demo", "--scale", "small", "--seed", "7", stdout=StringIO())
    demo = ExemptOrganization.objects.filter(source="demo").exclude(state_postal="").first()
    assert demo is not None
    # when an IRS file for a demo non-profit's state is imported
    path = irs_file(
        tmp_path, "eo_xx.csv", irs_line("010000001", "REAL CHARITY", state=demo.state_postal)
    )
    run("import_exempt_orgs", str(path))
    # then the demo evidence still backs the demo registrations
    assert not ExemptOrganization.objects.filter(source="demo", delisted_on__isnull=False).exists()
    assert check_501c3(demo.ein).ok


def test_one_bad_file_among_several_imports_nothing(tmp_path) -> None:
    # given two good state files and a third with a bad EIN on line 3
    good_de = irs_file(tmp_path, "eo_de.csv", irs_line("010000001", "DE CHARITY"))
    good_ri = irs_file(tmp_path, "eo_ri.csv", irs_line("050000001", "RI CHARITY", state="RI"))
    bad_vt = irs_file(
        tmp_path,
        "eo_vt.csv",
        irs_line("030000001", "VT CHARITY", state="VT"),
        irs_line("3000002", "SHORT EIN", state="VT"),
    )
    # when they are imported in one command
    with pytest.raises(CommandError) as info:
        run("import_exempt_orgs", str(good_de), str(good_ri), str(bad_vt))
    # then the message names the bad file and its line, and nothing at all was imported
    message = str(info.value)
    assert "nothing changed" in message and "because eo_vt.csv has problems" in message
    assert "in eo_vt.csv" in message and "line 3, field 'EIN'" in message
    assert ExemptOrganization.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="registry.import_exempt_orgs").exists()


def test_every_bad_file_is_reported_in_one_run(tmp_path) -> None:
    bad_de = irs_file(tmp_path, "eo_de.csv", irs_line("01", "DE CHARITY"))
    good_ri = irs_file(tmp_path, "eo_ri.csv", irs_line("050000001", "RI CHARITY", state="RI"))
    bad_vt = irs_file(tmp_path, "eo_vt.csv", irs_line("030000001", "", state="VT"))

    with pytest.raises(CommandError) as info:
        run("import_exempt_orgs", str(bad_de), str(good_ri), str(bad_vt))

    message = str(info.value)
    assert "because eo_de.csv, eo_vt.csv have problems" in message
    assert "line 2, field 'EIN'" in message and "line 2, field 'NAME'" in message
    assert ExemptOrganization.objects.count() == 0


def test_good_files_are_imported_together_with_one_audit_event_each(tmp_path) -> None:
    de = irs_file(tmp_path, "eo_de.csv", irs_line("010000001", "DE CHARITY"))
    ri = irs_file(tmp_path, "eo_ri.csv", irs_line("050000001", "RI LODGE", "RI", "08"))

    out = run("import_exempt_orgs", str(de), str(ri))

    assert "eo_de.csv: 1 created" in out and "eo_ri.csv: 1 created" in out
    assert ExemptOrganization.objects.count() == 2
    events = AuditEvent.objects.filter(verb="registry.import_exempt_orgs")
    assert sorted(events.values_list("object_repr", flat=True)) == ["eo_de.csv", "eo_ri.csv"]


def test_two_files_for_the_same_state_are_refused(tmp_path) -> None:
    de = irs_file(tmp_path, "eo_de.csv", irs_line("010000001", "DE CHARITY"))
    de_again = irs_file(tmp_path, "eo_de_june.csv", irs_line("010000002", "OTHER DE CHARITY"))

    with pytest.raises(CommandError) as info:
        run("import_exempt_orgs", str(de), str(de_again))

    assert "also in eo_de.csv" in str(info.value) and "nothing changed" in str(info.value)
    assert ExemptOrganization.objects.count() == 0


def test_failure_in_a_later_file_rolls_back_the_earlier_ones(tmp_path, monkeypatch) -> None:
    # given two parsed files, and an audit write that fails for the second one
    de = parse_irs_file(irs_file(tmp_path, "eo_de.csv", irs_line("010000001", "DE CHARITY")))
    ri = parse_irs_file(
        irs_file(tmp_path, "eo_ri.csv", irs_line("050000001", "RI CHARITY", state="RI"))
    )
    from interlocal.core import audit

    real_record = audit.record

    def record(**kwargs):
        if kwargs["object_repr"] == "eo_ri.csv":
            raise RuntimeError("disk full")
        return real_record(**kwargs)

    monkeypatch.setattr(audit, "record", record)
    # when they are imported together
    with pytest.raises(RuntimeError):
        import_exempt_org_files(actor=None, files=[("eo_de.csv", de), ("eo_ri.csv", ri)])
    # then the first file's rows are gone too
    assert ExemptOrganization.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="registry.import_exempt_orgs").exists()


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
    # the 44 function-64 units (irrigation districts, Arizona's "... IWDD") are irrigation
    irrigation = Agency.objects.filter(special_district_function="irrigation")
    assert irrigation.count() == 44
    assert irrigation.filter(name__contains="IWDD").count() == 4
    assert not Agency.objects.filter(name__contains="IWDD").exclude(
        special_district_function="irrigation"
    )


@pytest.mark.external_data
def test_real_irs_extract_imports_and_backs_eligibility(shared_data) -> None:
    from interlocal.registry.eligibility_evidence import check_501c3

    out = run("import_exempt_orgs", str(shared_data / "irs_eo_bmf_2020_07_sample" / "eo_de.csv"))
    assert ExemptOrganization.objects.count() == 7483
    assert "eo_de.csv: 7,483 created, 0 updated, 0 unchanged, 0 no longer listed" in out
    charity = ExemptOrganization.objects.filter(subsection="03", status="01").first()
    other = ExemptOrganization.objects.exclude(subsection="03").first()
    assert check_501c3(charity.ein).ok
    assert not check_501c3(other.ein).ok
