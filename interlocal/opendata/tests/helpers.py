"""Reading the packages in tests."""

from typing import Any

from interlocal.opendata import feed
from interlocal.opendata.ocds.merge import compile_releases
from interlocal.opendata.ocds.process import Process
from interlocal.opendata.ocds.timeline import releases
from interlocal.opendata.tests.world import AS_OF


def process(number: str, as_of=AS_OF) -> Process:
    found = feed.find_process(f"ocds-test01-{number}", as_of)
    assert found is not None, number
    return found


def releases_of(number: str, as_of=AS_OF) -> list[dict[str, Any]]:
    return releases(process(number, as_of))


def compiled(number: str, as_of=AS_OF) -> dict[str, Any]:
    return compile_releases(releases_of(number, as_of))


def by_key(number: str, key: str, as_of=AS_OF) -> dict[str, Any]:
    wanted = f"ocds-test01-{number}-{key}"
    return next(r for r in releases_of(number, as_of) if r["id"] == wanted)


def party(release: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in release["parties"] if p["name"] == name)
