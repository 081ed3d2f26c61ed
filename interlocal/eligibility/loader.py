"""The shipped rule files into rule versions: only a rule whose content changed gets a version.

Shared by the data migration (historical model, nothing audited: no one has acted yet) and the
``load_eligibility_rules`` command (through ``services.load_rule_files``, audited), so a fresh
database and an upgraded one end up with the same versions.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from interlocal.eligibility.files import LoadedRule, rule_body, rule_text

FILE = "file"
OFFICE_EDIT = "office_edit"


@dataclass(frozen=True)
class Latest:
    version: int
    source: str
    content_hash: str
    file_hash: str | None  # of the latest version that came from a file


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Rules the office edited whose shipped file has since changed: left for the office to
    # reconcile (their edit stays current) unless the loader is told to replace them.
    conflicts: list[str] = field(default_factory=list)


def content_hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sync_rule_files(
    model: Any,
    loaded: list[LoadedRule],
    *,
    note: str,
    replace_office_edits: bool = False,
    on_added: Callable[[Any, LoadedRule], None] | None = None,
) -> SyncReport:
    """Add a version for every new or changed rule. ``model`` is ``RuleVersion`` (or the
    migration's historical copy of it); the caller holds the transaction."""
    latest = _latest(model)
    report = SyncReport()
    for item in loaded:
        rule = item.rule
        body = rule_body(rule)
        digest = content_hash(body)
        current = latest.get(rule.rule_id)
        if current is not None and digest in (current.content_hash, current.file_hash):
            report.unchanged.append(rule.rule_id)
            continue
        if current is not None and current.source == OFFICE_EDIT and not replace_office_edits:
            report.conflicts.append(rule.rule_id)
            continue
        version = model.objects.create(
            rule_id=rule.rule_id,
            version=current.version + 1 if current else 1,
            body=body,
            source_text=rule_text(rule),
            content_hash=digest,
            source=FILE,
            source_file=item.source,
            state=rule.jurisdiction.state or "",
            layer=rule.jurisdiction.layer,
            title=rule.title,
            note=note,
        )
        report.added.append(rule.rule_id)
        if on_added is not None:
            on_added(version, item)
    return report


def _latest(model: Any) -> dict[str, Latest]:
    latest: dict[str, Latest] = {}
    rows = model.objects.order_by("rule_id", "version").values_list(
        "rule_id", "version", "source", "content_hash"
    )
    for rule_id, version, source, digest in rows:
        before = latest.get(rule_id)
        file_hash = digest if source == FILE else (before.file_hash if before else None)
        latest[rule_id] = Latest(version, source, digest, file_hash)
    return latest
