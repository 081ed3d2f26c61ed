"""Rule files and edited rule text: every problem named by file, line, rule and field."""

import shutil
from pathlib import Path

import pytest

from interlocal.eligibility.files import (
    RULES_DIR,
    RuleFileError,
    parse_rule_text,
    read_rule_directory,
    read_rule_file,
    rule_body,
    rule_text,
)
from interlocal.eligibility.schema import Rule

GOOD = """\
rules:
  - rule_id: TX-TEST-1
    title: Test authority
    summary: A rule for tests.
    jurisdiction: {layer: state, state: TX}
    applies_to: {agency_types: [county], categories: [goods]}
    authority: [{cite: "Test Code §1"}]
    conditions:
      lead_agency_public_body: true
    effect: satisfies_competitive_bidding
    verification: {status: unverified, note: "confirm with counsel"}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        read_rule_file(path)
    return [str(p) for p in caught.value.problems]


def test_every_shipped_file_is_valid_and_holds_ten_states_and_the_federal_overlay() -> None:
    # given the shipped rule files / when they are read
    loaded = read_rule_directory()
    # then they validate, and cover at least ten states plus the federal-funds overlay
    states = {item.rule.jurisdiction.state for item in loaded} - {None}
    assert len(states) >= 10
    assert any(item.rule.jurisdiction.layer == "federal_overlay" for item in loaded)


def test_every_shipped_rule_is_unverified_until_counsel_reviews_it() -> None:
    for item in read_rule_directory():
        assert item.rule.verification.status == "unverified", item.rule.rule_id
        assert item.rule.verification.note.startswith("confirm with counsel")


def test_an_unknown_key_is_refused_with_file_line_rule_field_and_the_allowed_keys(
    tmp_path: Path,
) -> None:
    # given a condition misspelt in a rule file
    path = write(tmp_path, "tx.yaml", GOOD.replace("lead_agency_public_body", "lead_agency_publik"))
    # when it is read / then the error names the file, line, rule and field, and lists the keys
    [problem] = problems_of(path)
    assert problem.startswith("tx.yaml line 9: rule TX-TEST-1: conditions.lead_agency_publik:")
    assert "unknown field 'lead_agency_publik'" in problem
    assert "lead_agency_public_body" in problem  # among the allowed keys


def test_a_value_outside_the_vocabulary_says_which_values_are_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, "tx.yaml", GOOD.replace("[county]", "[county, cty]"))
    [problem] = problems_of(path)
    assert "applies_to.agency_types[1]" in problem
    assert "'cty' is not an agency type; use one of: county, municipality" in problem


def test_an_amount_written_as_a_float_is_refused(tmp_path: Path) -> None:
    # given an amount YAML reads as a float (cents cannot be held exactly)
    text = GOOD.replace("categories: [goods]}", "categories: [goods], amount: {over: 250000.50}}")
    [problem] = problems_of(write(tmp_path, "tx.yaml", text))
    assert "applies_to.amount.over" in problem and "quoted text" in problem


def test_a_rule_in_the_wrong_state_file_is_refused(tmp_path: Path) -> None:
    [problem] = problems_of(write(tmp_path, "ca.yaml", GOOD))
    assert "jurisdiction.state" in problem and "move the rule to tx.yaml" in problem


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    [problem] = problems_of(write(tmp_path, "tx.yaml", GOOD + "  - rule_id: [unclosed\n"))
    assert problem.startswith("tx.yaml line") and "not valid YAML" in problem


def test_a_reviewed_rule_needs_a_reviewer_and_a_date(tmp_path: Path) -> None:
    text = GOOD.replace("status: unverified", "status: reviewed")
    [problem] = problems_of(write(tmp_path, "tx.yaml", text))
    assert "verification" in problem and "reviewed_by and reviewed_on" in problem


def test_a_citation_must_name_an_authority_of_the_rule(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    effect:",
        '    condition_citations: {lead_agency_public_body: ["Other §9"]}\n    effect:',
    )
    [problem] = problems_of(write(tmp_path, "tx.yaml", text))
    assert "cites 'Other §9', which is not in authority" in problem


def test_a_rule_id_must_start_with_its_state(tmp_path: Path) -> None:
    [problem] = problems_of(write(tmp_path, "tx.yaml", GOOD.replace("TX-TEST-1", "CA-TEST-1")))
    assert "rule_id must start with 'TX-'" in problem


def test_a_directory_reports_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    # given two files with problems and one good file
    write(tmp_path, "tx.yaml", GOOD.replace("[county]", "[cty]"))
    write(tmp_path, "ok.yaml", GOOD.replace("state: TX}", "state: TX, locality: x}"))
    write(tmp_path, "xx.yaml", GOOD.replace("TX-TEST-1", "TX-TEST-2").replace("[goods]", "[food]"))
    # when the directory is read
    with pytest.raises(RuleFileError) as caught:
        read_rule_directory(tmp_path)
    # then one error lists every problem, each with its file and line
    text = str(caught.value)
    assert "tx.yaml line 6" in text and "xx.yaml line 6" in text and "'food'" in text


def test_the_same_rule_id_in_two_files_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "tx.yaml", GOOD)
    write(tmp_path, "texas-extra.yaml", GOOD)
    with pytest.raises(RuleFileError) as caught:
        read_rule_directory(tmp_path)
    assert "rule ids must be unique" in str(caught.value)


def test_the_stored_text_of_a_rule_reads_back_to_the_same_rule() -> None:
    # given every shipped rule / when it is written as the office will see it and read again
    for item in read_rule_directory():
        again = parse_rule_text(rule_text(item.rule))
        # then nothing is lost
        assert rule_body(again) == rule_body(item.rule)


def test_an_edit_with_problems_reports_them_by_line_and_field() -> None:
    text = rule_text(read_rule_directory()[0].rule).replace("categories:", "kategories:", 1)
    with pytest.raises(RuleFileError) as caught:
        parse_rule_text(text)
    messages = [p.in_text() for p in caught.value.problems]
    assert any(m.startswith("Line ") and "applies_to.kategories" in m for m in messages)
    assert any("applies_to.categories" in m and "missing" in m for m in messages)


def test_copies_of_the_shipped_files_validate_on_their_own(tmp_path: Path) -> None:
    # the loader tests rely on copying the directory
    for path in RULES_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    assert len(read_rule_directory(tmp_path)) == len(read_rule_directory())
    assert all(isinstance(item.rule, Rule) for item in read_rule_directory(tmp_path))
