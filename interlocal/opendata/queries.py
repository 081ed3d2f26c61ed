"""Reads for the open data: which processes are public, loading them whole, and when each
last changed (the feed's order).

Only solicitations published at some time are public (``Solicitation.objects.public()``);
drafts, and drafts cancelled before publication, never appear.
"""

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Prefetch, QuerySet

from interlocal.agreements.models import Agreement, AgreementDocument, Amendment, RenewalOption
from interlocal.opendata.ocds.history import original_deadlines
from interlocal.opendata.ocds.process import Process, ocid_for
from interlocal.opendata.ocds.values import start_of_day
from interlocal.solicitations.models import (
    Addendum,
    Advertisement,
    Proposal,
    Question,
    Solicitation,
    SolicitationDocument,
)
from interlocal.solicitations.models.solicitation import SolicitationQuerySet


def public(as_of: datetime.datetime) -> SolicitationQuerySet:
    return Solicitation.objects.public().filter(published_at__lte=as_of)


PROCESS_PREFETCH: list[str | Prefetch[Any, Any, Any]] = [
    "categories",
    "criteria",
    "addenda",
    "questions",
    "documents",
    Prefetch("advertisements", queryset=Advertisement.objects.select_related("proof")),
    Prefetch("proposals", queryset=Proposal.objects.select_related("supplier__hq_state")),
    Prefetch(
        "agreements",
        queryset=Agreement.objects.select_related("supplier__hq_state").prefetch_related(
            "renewal_options", "amendments", "documents"
        ),
    ),
]


def load_processes(numbers: Iterable[str] | None, as_of: datetime.datetime) -> list[Process]:
    """The public processes with these solicitation numbers (all when None), in a fixed number
    of queries however many there are."""
    queryset = public(as_of)
    if numbers is not None:
        queryset = queryset.filter(number__in=list(numbers))
    solicitations = list(
        queryset.select_related("lead_agency__state").prefetch_related(*PROCESS_PREFETCH)
    )
    deadlines = original_deadlines(solicitations)
    return [Process.of(s, as_of, deadlines[s.pk]) for s in solicitations]


def load_process(number: str, as_of: datetime.datetime) -> Process | None:
    found = load_processes([number], as_of)
    return found[0] if found else None


@dataclass(frozen=True)
class FeedKey:
    """A public process in the feed's order: by when it last changed, then ocid."""

    modified: datetime.datetime
    ocid: str
    number: str
    title: str


def _latest(
    moments: Iterable[datetime.datetime | None], as_of: datetime.datetime
) -> list[datetime.datetime]:
    return [m for m in moments if m is not None and m <= as_of]


def feed_keys(as_of: datetime.datetime) -> list[FeedKey]:
    """Every public process with the moment it last changed, oldest change first.

    Computed from a handful of aggregate queries rather than by building each process: the
    same moments ``timeline.last_change`` takes from the releases (a test holds them equal).
    Raw timestamps do here: a release's date is its timestamp clamped up to the release it
    follows, and that release's date is in the maximum too, so the maximum is the same.
    """
    rows = list(
        public(as_of).values_list(
            "pk",
            "number",
            "title",
            "time_zone",
            "modified_at",
            "published_at",
            "opened_at",
            "awarded_at",
            "cancelled_at",
        )
    )
    moments: dict[int, list[datetime.datetime]] = defaultdict(list)
    zones = {}
    for pk, _, _, zone_name, *stamps in rows:
        moments[pk] += _latest(stamps, as_of)
        zones[pk] = zoneinfo.ZoneInfo(zone_name)

    def add_max(queryset: QuerySet[Any], field: str, path: str = "solicitation_id") -> None:
        per_process = queryset.filter(**{f"{field}__lte": as_of}).values_list(path)
        for pk, latest in per_process.annotate(latest=Max(field)).order_by():
            if pk in zones:
                moments[pk].append(latest)

    add_max(Addendum.objects.all(), "issued_at")
    add_max(Question.objects.exclude(answer=""), "answered_at")  # private until answered
    add_max(SolicitationDocument.objects.all(), "uploaded_at")
    add_max(Amendment.objects.all(), "approved_at", "agreement__solicitation_id")
    add_max(AgreementDocument.objects.all(), "uploaded_at", "agreement__solicitation_id")

    def add_days(pk: int | None, day: datetime.date | None) -> None:
        if pk in zones and day is not None:
            moments[pk] += _latest([start_of_day(day, zones[pk])], as_of)

    for pk, published_on in Advertisement.objects.values_list("solicitation_id", "published_on"):
        add_days(pk, published_on)
    renewals = RenewalOption.objects.filter(exercised_on__isnull=False)
    for pk, exercised_on in renewals.values_list("agreement__solicitation_id", "exercised_on"):
        add_days(pk, exercised_on)
    agreements = Agreement.objects.filter(solicitation__isnull=False).values_list(
        "solicitation_id",
        "modified_at",
        "created_at",
        "effective_on",
        "expires_on",
        "terminated_on",
    )
    for pk, modified, created, effective_on, expires_on, terminated_on in agreements:
        if pk not in zones:
            continue
        moments[pk] += _latest([modified, created], as_of)
        add_days(pk, effective_on)
        ended = terminated_on is not None and terminated_on <= expires_on
        add_days(pk, terminated_on if ended else expires_on + datetime.timedelta(days=1))

    keys = [
        FeedKey(max(moments[pk]), ocid_for(number), number, title) for pk, number, title, *_ in rows
    ]
    return sorted(keys, key=lambda key: (key.modified, key.ocid))
