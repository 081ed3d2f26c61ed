"""Release packages and record packages: the files and responses we publish.

``publishedDate`` is the last change to what the package contains (OCDS: "if this package is
generated on demand, this date should reflect the date of the last change to the underlying
contents"), so the same data always gives the same bytes.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings

from interlocal.opendata.ocds import codes, links
from interlocal.opendata.ocds.merge import compile_releases
from interlocal.opendata.ocds.process import Process
from interlocal.opendata.ocds.timeline import last_change, releases
from interlocal.opendata.ocds.values import iso


def _metadata(uri: str, published: datetime.datetime, paged: bool = False) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "uri": uri,
        "version": codes.VERSION,
        "extensions": [*codes.EXTENSIONS, *([codes.PAGINATION] if paged else [])],
        "publishedDate": iso(published),
        "publisher": {"name": settings.PROGRAM_NAME, "uri": links.absolute("/")},
    }
    # The data's licence is the program's decision; published only when it has made one.
    if license_url := settings.OCDS_LICENSE:
        metadata["license"] = license_url
    metadata["publicationPolicy"] = links.publication_policy()
    return metadata


def _published(processes: list[Process], as_of: datetime.datetime) -> datetime.datetime:
    return max((last_change(p) for p in processes), default=as_of)


def release_package(
    processes: list[Process],
    *,
    uri: str,
    as_of: datetime.datetime,
    paged: bool = False,
    next_url: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Every release of these processes, process by process, each process oldest first. A
    feed page (``paged``) declares the pagination extension, whose ``links.next`` it may carry.

    An empty list of processes gives an empty ``releases`` array: the package schema asks for
    at least one release, but a feed page past the last change has none to give.
    """
    package = _metadata(uri, _published(processes, as_of), paged=paged)
    package["releases"] = []
    for process in processes:
        package["releases"] += releases(process)
        if progress:
            progress(1)
    if next_url:
        package["links"] = {"next": next_url}
    return package


def record(process: Process) -> dict[str, Any]:
    """All of a process's releases, embedded, and the compiled release (its current state)."""
    built = releases(process)
    return {"ocid": process.ocid, "releases": built, "compiledRelease": compile_releases(built)}


def record_package(
    processes: list[Process],
    *,
    uri: str,
    as_of: datetime.datetime,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    package = _metadata(uri, _published(processes, as_of))
    package["records"] = []
    for process in processes:
        package["records"].append(record(process))
        if progress:
            progress(1)
    return package
