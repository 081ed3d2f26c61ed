"""Two distribution runs of one quarter started at once: exactly one posts. In real
transactions, in its own module (``flushable_audit_table``)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections

from interlocal.fees.models import DistributionRun, JournalEntry, RunStatus
from interlocal.fees.services import distribution


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("flushable_audit_table")
def test_two_runs_started_at_once_post_exactly_once(collected, office, second) -> None:
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def run_the_quarter() -> None:
        try:
            barrier.wait()
            run = distribution.prepare("2026Q3", actor=office)
            outcomes.append(distribution.approve(run, actor=second))
        except (ValidationError, OperationalError) as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_the_quarter) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    posted = [o for o in outcomes if isinstance(o, DistributionRun)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert (len(posted), len(refused)) == (1, 1), outcomes
    assert DistributionRun.objects.filter(period="2026Q3", status=RunStatus.POSTED).count() == 1
    assert DistributionRun.objects.count() == 1
    assert JournalEntry.objects.filter(kind="distribution").count() == 1
    if connection.vendor == "postgresql":
        # the second waits for the first's commit, then sees the posted run
        assert isinstance(refused[0], ValidationError)
        assert "2026Q3" in str(refused[0]) and "already" in str(refused[0])
    else:
        # SQLite's in-memory test database (shared cache) refuses a second writer at once
        # rather than waiting as the file database does; either way, nothing of it was written
        assert "locked" in str(refused[0]) or "already" in str(refused[0])
