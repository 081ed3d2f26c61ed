"""The official OCDS 1.1.5 schemas, offline: the package schemas ``$ref`` the release schema by
its https URL, so the local files are registered under their ids (no network is used)."""

import datetime
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

# jsonschema checks "date-time" and "uri" only with optional packages the project does not
# install; these checks hold our output to the same formats.
checker = FormatChecker(formats=())


@checker.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.datetime.fromisoformat(value)
    return True


@checker.checks("uri", raises=ValueError)
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError(f"{value!r} is not an absolute http(s) URL")
    return True


def schema_dir(shared_data: Path) -> Path:
    return shared_data / "ocds_schema_1_1_5"


def load(shared_data: Path, name: str) -> dict[str, Any]:
    return json.loads((schema_dir(shared_data) / name).read_text(encoding="utf-8"))


def validator(shared_data: Path, package: str) -> Draft4Validator:
    """``package`` is "release-package" or "record-package"."""
    resources = []
    for name in ("release-schema.json", "versioned-release-validation-schema.json"):
        contents = load(shared_data, name)
        resources.append((contents["id"], Resource.from_contents(contents, DRAFT4)))
    registry: Registry = Registry().with_resources(resources)
    return Draft4Validator(
        load(shared_data, f"{package}-schema.json"), registry=registry, format_checker=checker
    )


def errors(shared_data: Path, package: str, data: dict[str, Any]) -> list[str]:
    found = validator(shared_data, package).iter_errors(data)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]
