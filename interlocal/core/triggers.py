"""Database guards written as triggers, one set of statements per database vendor.

The migrations that make tables append-only (audit events, accepted sales lines, the fee
ledger) each write their SQLite and PostgreSQL statements; :func:`guard_operation` turns them
into the one ``RunPython`` that installs or removes the set for the database at hand.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import migrations


def run_for_vendor(by_vendor: Mapping[str, Sequence[str]]) -> Callable[[Any, Any], None]:
    """A ``RunPython`` function executing the statements written for the database's vendor
    (none for another vendor)."""

    def run(apps: Any, schema_editor: Any) -> None:
        for statement in by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


def guard_operation(
    sqlite: tuple[Sequence[str], Sequence[str]], postgresql: tuple[Sequence[str], Sequence[str]]
) -> migrations.RunPython:
    """Install (forwards) or remove (backwards) guards: each argument is (install, remove)."""
    return migrations.RunPython(
        run_for_vendor({"sqlite": sqlite[0], "postgresql": postgresql[0]}),
        run_for_vendor({"sqlite": sqlite[1], "postgresql": postgresql[1]}),
    )
