"""Loading a classification scheme (a program's own, or UNSPSC where licensed) as data."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from interlocal.core import audit
from interlocal.core.models import CategoryCode


@dataclass(frozen=True)
class CategoryRow:
    line: int
    key: str
    parent_key: str
    code: str
    title: str


def read_category_file(
    path: Path,
    *,
    code_column: str = "code",
    title_column: str = "title",
    parent_column: str = "parent",
    key_column: str = "",
) -> list[CategoryRow]:
    """Rows of a CSV of codes. A parent is named by its code, or by ``key_column`` when the
    file links rows by a key of its own (as the UNGM UNSPSC export does)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        wanted = [c for c in (code_column, title_column, parent_column, key_column) if c]
        missing = [c for c in wanted if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(
                f"{path.name}: no column {', '.join(missing)}; the header has "
                f"{', '.join(reader.fieldnames or [])}"
            )
        return [
            CategoryRow(
                line=number,
                key=(row[key_column] if key_column else row[code_column]).strip(),
                parent_key=row[parent_column].strip(),
                code=row[code_column].strip(),
                title=" ".join(row[title_column].split()),
            )
            for number, row in enumerate(reader, start=2)
        ]


def _errors(rows: list[CategoryRow], *, orphans_as_roots: bool) -> list[str]:
    errors = []
    keys: dict[str, int] = {}
    codes: dict[str, CategoryRow] = {}
    for row in rows:
        if not row.code or not row.title:
            errors.append(f"line {row.line}: a code and a title are required")
        first = codes.get(row.code)
        # Real exports list a few codes twice under two keys (UNGM: 17 of 13,317) with the same
        # title: one code, listed twice. The same code with another title is a real conflict.
        if first is not None and first.title != row.title:
            errors.append(
                f"line {row.line}: code {row.code} repeats line {first.line} with another "
                f"title ('{row.title}' / '{first.title}')"
            )
        if row.key in keys and not (first and first.key == row.key):
            errors.append(f"line {row.line}: key {row.key} repeats line {keys[row.key]}")
        codes.setdefault(row.code, row)
        keys.setdefault(row.key, row.line)
    if not orphans_as_roots:
        errors += [
            f"line {row.line}: parent {row.parent_key} is not in the file (a subset of a "
            f"scheme may lack it: import with --orphans-as-roots to put such codes at the top)"
            for row in rows
            if row.parent_key and row.parent_key not in keys
        ]
    return errors


@transaction.atomic
def import_category_codes(
    rows: list[CategoryRow], *, scheme: str, orphans_as_roots: bool = False
) -> dict[str, int]:
    """Create or update every code of ``scheme`` in one transaction; nothing on any error.
    ``orphans_as_roots`` places codes whose parent the file lacks at the top of the tree."""
    if errors := _errors(rows, orphans_as_roots=orphans_as_roots):
        raise ValidationError(errors[:50])
    existing = {c.code: c for c in CategoryCode.objects.filter(scheme=scheme)}
    updated = repeated = 0
    first_rows: dict[str, CategoryRow] = {}
    fresh: list[CategoryCode] = []
    for row in rows:
        if row.code in first_rows:  # a repeated listing: its key names the same code
            repeated += 1
            continue
        first_rows[row.code] = row
        code = existing.get(row.code)
        if code is None:
            code = CategoryCode(scheme=scheme, code=row.code, title=row.title)
            fresh.append(code)
        elif code.title != row.title:
            code.title = row.title
            code.save(update_fields=["title"])
            updated += 1
        existing[row.code] = code
    CategoryCode.objects.bulk_create(fresh, batch_size=1000)
    created = len(fresh)
    by_key = {row.key: existing[row.code] for row in rows}
    moved = []
    for row in first_rows.values():
        code, parent = by_key[row.key], by_key.get(row.parent_key)
        if code.parent_id != (parent.pk if parent else None):
            code.parent = parent
            moved.append(code)
    CategoryCode.objects.bulk_update(moved, ["parent"], batch_size=1000)
    counts = {
        "rows": len(rows),
        "created": created,
        "updated": updated,
        "reparented": len(moved),
        "repeated_listings": repeated,
        "orphans": sum(
            1 for r in first_rows.values() if r.parent_key and r.parent_key not in by_key
        ),
    }
    audit.record(
        actor=None,
        actor_label="operator: manage.py import_category_codes",
        verb="category.import",
        object_type="core.categorycode",
        object_repr=f"scheme {scheme}",
        after=counts,
    )
    return counts
