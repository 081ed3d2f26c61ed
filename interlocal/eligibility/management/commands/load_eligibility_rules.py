"""manage.py load_eligibility_rules — add versions for the shipped rule files that changed."""

from pathlib import Path
from typing import Annotated

import typer
from django.core.management.base import CommandError
from django_typer.management import TyperCommand

from interlocal.core.cli import command_console
from interlocal.eligibility.files import RULES_DIR, RuleFileError
from interlocal.eligibility.services import load_rule_files


class Command(TyperCommand):
    help = (
        "Load the eligibility rule files as new rule versions (audited). A rule whose content is "
        "unchanged adds nothing; a file with a problem loads nothing."
    )

    def handle(
        self,
        directory: Annotated[Path, typer.Option(help="Directory of *.yaml rule files")] = RULES_DIR,
        replace_office_edits: Annotated[
            bool,
            typer.Option(
                help="Load a changed file even over the program office's own edit of that rule"
            ),
        ] = False,
    ) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        try:
            report = load_rule_files(
                actor=None, directory=directory, replace_office_edits=replace_office_edits
            )
        except RuleFileError as exc:
            raise CommandError(f"No rules were loaded; fix these and run again:\n{exc}") from exc
        out = command_console(self.stdout)
        out.print(
            f"{len(report.added)} rule version(s) added, {len(report.unchanged)} unchanged"
            + (f": {', '.join(report.added)}" if report.added else "")
        )
        for rule_id in report.conflicts:
            out.print(
                f"[yellow]{rule_id}: the shipped file changed, but the program office edited "
                "this rule; its edit stays in force. Compare the two and edit the rule, or run "
                "again with --replace-office-edits.[/yellow]"
            )
