"""Category codes: the shipped program scheme and loading UNSPSC from the real UNGM export."""

import csv

import pytest
from django.core.management import CommandError, call_command

from interlocal.core.models import AuditEvent, CategoryCode

pytestmark = pytest.mark.django_db


def test_the_program_scheme_ships_as_a_tree():
    office = CategoryCode.objects.get(scheme="IL", code="1010")
    assert office.title == "Office supplies"
    assert office.parent.code == "10"
    assert CategoryCode.objects.filter(scheme="IL", parent__isnull=True).count() == 9


@pytest.mark.external_data
def test_the_ungm_unspsc_export_loads_with_its_tree(shared_data):
    path = shared_data / "unspsc_ungm_subset" / "ungm_unspsc.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    args = [
        "import_category_codes",
        str(path),
        "--scheme",
        "UNSPSC",
        "--code-column",
        "Code",
        "--title-column",
        "Title",
        "--key-column",
        "Key",
        "--parent-column",
        "Parent key",
    ]
    with pytest.raises(CommandError, match="orphans-as-roots"):
        call_command(*args)
    assert not CategoryCode.objects.filter(scheme="UNSPSC").exists()
    args.append("--orphans-as-roots")
    call_command(*args)
    # 17 codes are listed more than once (19 extra rows, same titles): one code each
    distinct = {r["Code"] for r in rows}
    assert len(rows) - len(distinct) == 19
    assert CategoryCode.objects.filter(scheme="UNSPSC").count() == len(distinct)
    keys = {r["Key"] for r in rows}
    roots = {r["Code"] for r in rows if r["Parent key"].strip() not in keys}
    assert CategoryCode.objects.filter(scheme="UNSPSC", parent__isnull=True).count() == len(roots)
    # the subset lacks the parents of 18 codes: refused by default, at the top when asked
    assert len({r["Code"] for r in rows if r["Parent key"] and r["Parent key"] not in keys}) == 18
    # a commodity hangs under its class, found by the file's own keys
    by_key = {r["Key"]: r for r in rows}
    leaf = next(r for r in rows if len(r["Code"]) == 8 and r["Parent key"] in keys)
    stored = CategoryCode.objects.get(scheme="UNSPSC", code=leaf["Code"])
    assert stored.parent.code == by_key[leaf["Parent key"]]["Code"]
    # a second run changes nothing
    call_command(*args)
    counts = AuditEvent.objects.filter(verb="category.import").order_by("seq").last().after
    assert counts["created"] == counts["updated"] == counts["reparented"] == 0


def test_a_file_with_an_unknown_parent_writes_nothing(tmp_path):
    bad = tmp_path / "codes.csv"
    bad.write_text("code,title,parent\n1,Tools,\n2,Hammers,9\n2,Mallets,1\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_category_codes", str(bad), "--scheme", "X")
    assert "line 3: parent 9 is not in the file" in str(refused.value)
    assert "line 4: code 2 repeats line 3 with another title" in str(refused.value)
    assert not CategoryCode.objects.filter(scheme="X").exists()
