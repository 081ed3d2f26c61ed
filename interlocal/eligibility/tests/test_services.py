"""Loading the shipped files and the office's edits: new versions only, each audited."""

import shutil
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from interlocal.core.models import AuditEvent
from interlocal.eligibility import queries, services
from interlocal.eligibility.files import RULES_DIR, RuleFileError, read_rule_directory, rule_body
from interlocal.eligibility.models import RuleVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    for path in RULES_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def current(rule_id: str) -> RuleVersion:
    return RuleVersion.objects.current().get(rule_id=rule_id)


def test_a_fresh_database_has_every_shipped_rule_as_version_1() -> None:
    # given the database the migrations built
    versions = {v.rule_id: v for v in RuleVersion.objects.current()}
    # then each shipped rule is there, as written in its file
    shipped = read_rule_directory()
    assert set(versions) == {item.rule.rule_id for item in shipped}
    for item in shipped:
        version = versions[item.rule.rule_id]
        assert (version.version, version.source, version.source_file) == (1, "file", item.source)
        assert version.body == rule_body(item.rule)


def test_loading_unchanged_files_adds_no_version_and_no_event() -> None:
    # when the loader runs again over the same files
    report = services.load_rule_files(actor=None)
    # then nothing is added
    assert report.added == [] and report.conflicts == []
    assert len(report.unchanged) == RuleVersion.objects.count()
    assert not AuditEvent.objects.filter(verb="eligibility_rule.loaded").exists()


def test_a_changed_file_adds_one_audited_version_and_keeps_the_old(rules_copy: Path) -> None:
    # given a release that corrects one rule's title
    edit(rules_copy / "tx.yaml", "Texas cooperative purchasing program participation", "Texas CPP")
    # when it is loaded
    report = services.load_rule_files(actor=None, directory=rules_copy)
    # then that rule alone gets version 2, audited; version 1 is still there
    assert report.added == ["TX-LGC-271.102"]
    new = current("TX-LGC-271.102")
    assert (new.version, new.title, new.source_file) == (2, "Texas CPP", "tx.yaml")
    assert RuleVersion.objects.get(rule_id="TX-LGC-271.102", version=1).title.startswith("Texas co")
    event = AuditEvent.objects.get(verb="eligibility_rule.loaded")
    assert (event.object_id, event.after["version"], event.after["file"]) == (
        str(new.pk),
        2,
        "tx.yaml",
    )
    assert event.actor_label == "manage.py load_eligibility_rules"


def test_a_problem_in_any_file_loads_nothing(rules_copy: Path) -> None:
    edit(rules_copy / "tx.yaml", "Texas cooperative purchasing program participation", "Texas CPP")
    edit(rules_copy / "wa.yaml", "advertisement_required: true", "advertisment_required: true")
    before = RuleVersion.objects.count()
    with pytest.raises(RuleFileError) as caught:
        services.load_rule_files(actor=None, directory=rules_copy)
    assert "wa.yaml line" in str(caught.value) and "advertisment_required" in str(caught.value)
    assert RuleVersion.objects.count() == before


def test_the_office_edit_stays_in_force_when_its_file_changes_until_told(
    personas, rules_copy: Path
) -> None:
    # given the office edited a rule, and a new release changes the same rule's file
    admin = personas["program_admin"]
    text = current("TX-GOV-791").source_text.replace("unverified", "unverified", 1)
    services.edit_rule(
        actor=admin,
        rule_id="TX-GOV-791",
        text=text.replace("notes: Public works", "notes: Our note. Public works"),
        note="local note",
    )
    edit(rules_copy / "tx.yaml", "notes: Public works are left out", "notes: Public works are out")
    # when the files are loaded / then the office's edit is kept and the conflict reported
    report = services.load_rule_files(actor=None, directory=rules_copy)
    assert report.conflicts == ["TX-GOV-791"] and report.added == []
    assert current("TX-GOV-791").source == "office_edit"
    # and when the operator chooses the file, it becomes version 3
    report = services.load_rule_files(actor=None, directory=rules_copy, replace_office_edits=True)
    assert report.added == ["TX-GOV-791"]
    assert (current("TX-GOV-791").version, current("TX-GOV-791").source) == (3, "file")


def test_an_office_edit_survives_reloading_unchanged_files(personas) -> None:
    version = services.edit_rule(
        actor=personas["program_admin"],
        rule_id="OR-OAR-137-046-0400",
        text=current("OR-OAR-137-046-0400").source_text.replace(
            "Oregon cooperative procurement", "Oregon cooperative procurements"
        ),
        note="plural",
    )
    assert services.load_rule_files(actor=None).added == []
    assert current("OR-OAR-137-046-0400").pk == version.pk


def test_an_edit_adds_an_audited_version_and_the_old_one_stays_readable(personas) -> None:
    # given the rule as shipped
    admin = personas["program_admin"]
    old = current("WA-RCW-39.34.030")
    text = old.source_text.replace(
        "status: unverified",
        "status: reviewed\n  reviewed_by: Jane Counsel, program counsel\n"
        "  reviewed_on: '2026-02-01'",
    )
    # when the office records counsel's review
    new = services.edit_rule(
        actor=admin, rule_id="WA-RCW-39.34.030", text=text, note="Reviewed by program counsel"
    )
    # then it is version 2, by the admin, with the note and an audit event of the change
    assert (new.version, new.source, new.edited_by, new.note) == (
        2,
        "office_edit",
        admin,
        "Reviewed by program counsel",
    )
    assert new.body["verification"]["status"] == "reviewed"
    event = AuditEvent.objects.get(verb="eligibility_rule.edited")
    assert (event.actor, event.reason, event.object_id) == (admin, new.note, str(new.pk))
    assert (event.before["version"], event.after["version"]) == (1, 2)
    assert event.before["body"]["verification"]["status"] == "unverified"
    # and version 1 is unchanged, while verdicts now use version 2
    old.refresh_from_db()
    assert old.body["verification"]["status"] == "unverified"
    [wa] = [r for r in queries.current_rules() if r.rule.rule_id == "WA-RCW-39.34.030"]
    assert (wa.version, wa.rule.verification.reviewed_by) == (2, "Jane Counsel, program counsel")


@pytest.mark.parametrize("role", ["buyer", "auditor", "lead_agency_officer", "supplier_rep"])
def test_only_the_program_office_edits_rules(personas, role: str) -> None:
    text = current("TX-GOV-791").source_text
    with pytest.raises(PermissionDenied):
        services.edit_rule(actor=personas[role], rule_id="TX-GOV-791", text=text, note="x")
    with pytest.raises(PermissionDenied):
        services.load_rule_files(actor=personas[role])


@pytest.mark.parametrize(
    ("change", "note", "field", "message"),
    [
        (
            ("effect: satisfies", "effect: satisfy"),
            "n",
            "text",
            "'satisfy_competitive_bidding' is not an effect",
        ),
        (("rule_id: TX-GOV-791", "rule_id: TX-GOV-792"), "n", "text", "rule_id must stay"),
        (("", ""), "n", "text", "Nothing in the rule changed"),
        (("notes: Public", "notes: Truly public"), "  ", "note", "Say why the rule changes"),
        (
            ("  lead_agency_public_body: true", "  lead_agency_public_body: yes please"),
            "n",
            "text",
            "Line ",
        ),
    ],
)
def test_a_bad_edit_is_refused_field_by_field_and_saves_nothing(
    personas, change, note, field, message
) -> None:
    text = current("TX-GOV-791").source_text.replace(*change) if change[0] else None
    text = text or current("TX-GOV-791").source_text
    with pytest.raises(ValidationError) as caught:
        services.edit_rule(
            actor=personas["program_admin"], rule_id="TX-GOV-791", text=text, note=note
        )
    assert any(message in m for m in caught.value.message_dict[field])
    assert current("TX-GOV-791").version == 1


def test_stored_versions_are_never_changed() -> None:
    version = current("TX-GOV-791")
    version.note = "rewritten"
    with pytest.raises(ValueError, match="never changed"):
        version.save()


def test_the_command_reports_what_it_loaded(rules_copy: Path) -> None:
    from io import StringIO

    out = StringIO()
    call_command("load_eligibility_rules", stdout=out)
    assert "0 rule version(s) added" in out.getvalue()
    edit(rules_copy / "ny.yaml", "New York — purchasing", "New York, purchasing")
    out = StringIO()
    call_command("load_eligibility_rules", "--directory", str(rules_copy), stdout=out)
    assert "1 rule version(s) added" in out.getvalue() and "NY-GML-103.16" in out.getvalue()
