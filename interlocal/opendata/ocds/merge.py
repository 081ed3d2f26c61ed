"""Compiling a record's releases into its compiled release, by the OCDS 1.1 merge rules.

The ``ocdsmerge`` package implements these rules in full; it is not a dependency of the
project, so this module implements them for the data we publish and is tested against the
Open Contracting Partnership's own compiled example:

* releases are applied oldest first (a stable sort, so the order we list them in breaks ties);
* a release's ``id``, ``date`` and ``tag`` are not merged (``omitWhenMerged``);
* ``null`` removes a field;
* objects merge field by field;
* arrays of objects merge item by item, matched on ``id`` (identifier merge), except those
  the schema marks ``wholeListMerge``, which are replaced, like arrays of strings (tags,
  roles) and other values.
"""

import copy
from typing import Any

OMIT_WHEN_MERGED = frozenset({"id", "date", "tag"})
# The release schema's wholeListMerge fields (1.1.5); tested against the schema file.
WHOLE_LIST_MERGE = frozenset({"additionalIdentifiers", "additionalClassifications"})


def _is_identified_list(key: str, value: list[Any]) -> bool:
    return key not in WHOLE_LIST_MERGE and bool(value) and all(isinstance(v, dict) for v in value)


def _merge_list(existing: list[Any], incoming: list[dict[str, Any]]) -> list[Any]:
    merged = list(existing)
    positions = {
        item["id"]: i for i, item in enumerate(merged) if isinstance(item, dict) and "id" in item
    }
    for item in incoming:
        if "id" in item and item["id"] in positions:
            target = merged[positions[item["id"]]] = copy.deepcopy(merged[positions[item["id"]]])
            _merge_object(target, item)
        else:
            # An object without an id can match nothing: it is a new item.
            fresh: dict[str, Any] = {}
            _merge_object(fresh, item)
            if "id" in item:
                positions[item["id"]] = len(merged)
            merged.append(fresh)
    return merged


def _merge_object(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = {}
            _merge_object(current, value)
        elif isinstance(value, list) and _is_identified_list(key, value):
            current = target.get(key)
            target[key] = _merge_list(current if isinstance(current, list) else [], value)
        else:
            target[key] = copy.deepcopy(value)
        if isinstance(target.get(key), dict) and not target[key] and value is not None:
            # An object whose every field was nulled is removed with them.
            del target[key]


def compile_releases(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one process's releases (at least one)."""
    if not releases:
        raise ValueError("a compiled release needs at least one release")
    ordered = sorted(releases, key=lambda release: release["date"])
    merged: dict[str, Any] = {}
    for release in ordered:
        _merge_object(merged, {k: v for k, v in release.items() if k not in OMIT_WHEN_MERGED})
    ocid, date = ordered[-1]["ocid"], ordered[-1]["date"]
    merged.pop("ocid", None)
    # The id ocdsmerge gives a compiled release: unique, and stable while nothing changes.
    return {"ocid": ocid, "id": f"{ocid}-{date}", "date": date, "tag": ["compiled"], **merged}
