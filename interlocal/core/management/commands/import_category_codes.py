"""manage.py import_category_codes FILE --scheme NAME — load a classification scheme."""

from pathlib import Path
from typing import Annotated

import typer
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django_typer.management import TyperCommand

from interlocal.core.categories import import_category_codes, read_category_file
from interlocal.core.cli import command_console


class Command(TyperCommand):
    help = (
        "Load purchase category codes from a CSV (code, title, parent). Use it to load UNSPSC "
        "when the program holds a licence, e.g. the UNGM export: --scheme UNSPSC --code-column "
        "Code --title-column Title --key-column Key --parent-column 'Parent key'. Re-running "
        "updates titles and parents; nothing is written if any row is wrong."
    )

    def handle(
        self,
        file: Annotated[Path, typer.Argument(help="CSV file")],
        scheme: Annotated[str, typer.Option(help="Scheme name, e.g. UNSPSC")],
        code_column: Annotated[str, typer.Option()] = "code",
        title_column: Annotated[str, typer.Option()] = "title",
        parent_column: Annotated[str, typer.Option()] = "parent",
        key_column: Annotated[str, typer.Option(help="When parents are named by a key")] = "",
        orphans_as_roots: Annotated[
            bool, typer.Option(help="Put codes whose parent the file lacks at the top")
        ] = False,
    ) -> None:
        if not file.exists():
            raise CommandError(f"{file} does not exist")
        try:
            rows = read_category_file(
                file,
                code_column=code_column,
                title_column=title_column,
                parent_column=parent_column,
                key_column=key_column,
            )
            counts = import_category_codes(rows, scheme=scheme, orphans_as_roots=orphans_as_roots)
        except ValidationError as exc:
            raise CommandError("nothing was imported:\n" + "\n".join(exc.messages)) from exc
        command_console(self.stdout).print(
            f"{scheme}: {counts['rows']} codes — {counts['created']} created, "
            f"{counts['updated']} updated, {counts['reparented']} re-parented, "
            f"{counts['repeated_listings']} repeated listings merged, {counts['orphans']} codes "
            f"without their parent placed at the top"
        )
