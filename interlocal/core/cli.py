"""Rich progress bars and summary tables shared by the management commands."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console(stderr=True)


@contextmanager
def progress_bar(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """Yields ``advance(n)``; draws a bar on a terminal, stays quiet in logs and tests."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def counts_table(title: str, counts: Mapping[str, int], label: str) -> Table:
    table = Table(title=title)
    table.add_column(label)
    table.add_column("count", justify="right")
    for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(str(key), f"{value:,}")
    table.add_row("total", f"{sum(counts.values()):,}", style="bold")
    return table


def command_console(stdout: object) -> Console:
    """A rich console writing to a management command's stdout (so call_command captures it)."""
    return Console(file=stdout, width=100)  # type: ignore[arg-type]
