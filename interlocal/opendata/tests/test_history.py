"""Values as they stood: the original closing date, and what happens when no record of it is
left."""

import pytest

from interlocal.opendata.ocds.history import original_deadlines
from interlocal.opendata.tests.helpers import by_key, process
from interlocal.opendata.tests.world import at
from interlocal.solicitations.models import Addendum

pytestmark = pytest.mark.django_db


def test_the_original_deadline_is_the_one_the_first_moving_addendum_replaced(world) -> None:
    assert process("RFP-2025-014").original_due_at == at("2025-03-14T22:00:00")
    assert original_deadlines([world.cancelled]) == {world.cancelled.pk: world.cancelled.due_at}


def test_without_a_record_of_it_the_original_deadline_is_left_out_not_guessed(world) -> None:
    # An addendum that moved the date without recording the one it replaced (an import of old
    # records): the closing date the notice had is unknown, so the tender release gives none;
    # the addendum gives the new one.
    Addendum.objects.create(
        solicitation=world.sealed,
        number=1,
        title="Closing date extended",
        body="Now due in 2031.",
        issued_at=at("2026-10-10T15:00:00"),
        new_due_at=at("2031-01-15T22:00:00"),
    )
    assert original_deadlines([world.sealed]) == {world.sealed.pk: None}
    assert "endDate" not in by_key("RFP-2026-010", "tender")["tender"]["tenderPeriod"]
    assert by_key("RFP-2026-010", "addendum-1")["tender"]["tenderPeriod"] == {
        "endDate": "2031-01-15T22:00:00Z"
    }
