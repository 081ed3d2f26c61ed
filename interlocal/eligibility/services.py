"""Every change to the eligibility rules: loading the shipped files and the office's edits.

Both add a rule version (never change one) and write an audit event in the same transaction.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from interlocal.accounts.models import User
from interlocal.core import audit
from interlocal.core.permissions import require
from interlocal.eligibility.files import (
    RULES_DIR,
    LoadedRule,
    RuleFileError,
    parse_rule_text,
    read_rule_directory,
    rule_body,
)
from interlocal.eligibility.loader import OFFICE_EDIT, SyncReport, content_hash, sync_rule_files
from interlocal.eligibility.models import RuleVersion

LOAD_NOTE = "Loaded from the shipped rule files"


@transaction.atomic
def load_rule_files(
    *,
    actor: User | None,
    directory: Path = RULES_DIR,
    replace_office_edits: bool = False,
) -> SyncReport:
    """Add a version for each shipped rule that is new or changed. ``actor`` is None when the
    command line runs it (the operator's shell is the authority); a signed-in caller needs
    ``eligibility:edit_rules``. A file with a problem loads nothing."""
    if actor is not None:
        require(actor, "eligibility:edit_rules")
    loaded = read_rule_directory(directory)

    def record(version: RuleVersion, item: LoadedRule) -> None:
        audit.record(
            actor=actor,
            verb="eligibility_rule.loaded",
            obj=version,
            after={"version": version.version, "file": item.source, "body": version.body},
            reason=LOAD_NOTE,
            actor_label="manage.py load_eligibility_rules",
        )

    return sync_rule_files(
        RuleVersion,
        loaded,
        note=LOAD_NOTE,
        replace_office_edits=replace_office_edits,
        on_added=record,
    )


@transaction.atomic
def edit_rule(*, actor: User, rule_id: str, text: str, note: str) -> RuleVersion:
    """The program office's edit: the YAML of one rule, validated by the same schema as the
    files, saved as the next version with the office's reason."""
    require(actor, "eligibility:edit_rules")
    current = (
        RuleVersion.objects.select_for_update().filter(rule_id=rule_id).order_by("-version").first()
    )
    if current is None:
        raise ValidationError({"text": [f"there is no rule {rule_id} to edit"]})
    errors: dict[str, list[str]] = {}
    if not note.strip():
        errors["note"] = ["Say why the rule changes; the note is kept with the version."]
    body: dict[str, object] = {}
    try:
        rule = parse_rule_text(text)
    except RuleFileError as exc:
        errors["text"] = [p.in_text() for p in exc.problems]
    else:
        body = rule_body(rule)
        if rule.rule_id != rule_id:
            errors["text"] = [f"rule_id must stay {rule_id}; a new rule is added as a file"]
        elif content_hash(body) == current.content_hash:
            errors["text"] = ["Nothing in the rule changed, so no version was added."]
    if errors:
        raise ValidationError(errors)
    version = RuleVersion.objects.create(
        rule_id=rule_id,
        version=current.version + 1,
        body=body,
        source_text=text.replace("\r\n", "\n").strip() + "\n",
        content_hash=content_hash(body),
        source=OFFICE_EDIT,
        state=rule.jurisdiction.state or "",
        layer=rule.jurisdiction.layer,
        title=rule.title,
        note=note.strip(),
        edited_by=actor,
    )
    audit.record(
        actor=actor,
        verb="eligibility_rule.edited",
        obj=version,
        before={"version": current.version, "body": current.body},
        after={"version": version.version, "body": version.body},
        reason=version.note,
    )
    return version
