"""The change feed and the record lookup, shared by the pages, the API and the command.

The feed pages through public processes by when each last changed, oldest first, then by
ocid. ``links.next`` carries a cursor — the last process's change time (to the microsecond)
and ocid — rather than a page number: a page number shifts when a process changes while a
harvester is reading, and skips the one that slid back across the page boundary. A page
holds every release of its processes; releases never change id, so harvesters keep one copy
of each.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from interlocal.opendata import queries
from interlocal.opendata.ocds import links, packages
from interlocal.opendata.ocds.process import Process, number_from_ocid
from interlocal.opendata.ocds.values import cursor_time, parse_since

PAGE_SIZE = 25  # processes per page; a process has a few dozen releases at most


class FeedError(ValueError):
    """A query parameter the feed cannot use; the message says what to send instead."""


@dataclass(frozen=True)
class Cursor:
    since: datetime.datetime | None = None
    after: str = ""  # ocid of the last process already read at ``since``

    @classmethod
    def parse(cls, since: str | None, after: str | None, page: str | None = None) -> "Cursor":
        if page is not None:
            raise FeedError(
                "this feed is not paged by number: follow links.next, which continues from "
                "the last process read ('since' and 'after')"
            )
        if after and not since:
            raise FeedError("'after' continues from 'since'; send both, as in links.next")
        if not since:
            return cls()
        try:
            return cls(parse_since(since), after or "")
        except ValueError:
            raise FeedError(
                f"'since' must be an ISO 8601 date-time such as 2026-05-01T00:00:00Z, not '{since}'"
            ) from None

    def admits(self, key: queries.FeedKey) -> bool:
        if self.since is None:
            return True
        if self.after:
            return (key.modified, key.ocid) > (self.since, self.after)
        return key.modified >= self.since


def feed_package(
    cursor: Cursor, *, as_of: datetime.datetime, api: bool = False, page_size: int | None = None
) -> dict[str, Any]:
    page_size = page_size or PAGE_SIZE
    keys = [key for key in queries.feed_keys(as_of) if cursor.admits(key)]
    page, more = keys[:page_size], len(keys) > page_size
    loaded = {
        p.solicitation.number: p for p in queries.load_processes([k.number for k in page], as_of)
    }
    processes = [loaded[k.number] for k in page]
    next_url = None
    if more:
        last = page[-1]
        next_url = links.feed(api=api, since=cursor_time(last.modified), after=last.ocid)
    params = {"since": cursor_time(cursor.since) if cursor.since else "", "after": cursor.after}
    return packages.release_package(
        processes, uri=links.feed(api=api, **params), as_of=as_of, paged=True, next_url=next_url
    )


def find_process(ocid: str, as_of: datetime.datetime) -> Process | None:
    number = number_from_ocid(ocid)
    return queries.load_process(number, as_of) if number else None


def record_package(
    process: Process, *, as_of: datetime.datetime, api: bool = False
) -> dict[str, Any]:
    uri = links.record(process.ocid, api=api)
    return packages.record_package([process], uri=uri, as_of=as_of)


def everything(as_of: datetime.datetime) -> list[Process]:
    """Every public process, in feed order (for the bulk export)."""
    loaded = {p.solicitation.number: p for p in queries.load_processes(None, as_of)}
    return [loaded[k.number] for k in queries.feed_keys(as_of)]
