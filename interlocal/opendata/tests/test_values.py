"""Money as OCDS numbers, dates as RFC 3339."""

import datetime
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlocal.opendata.ocds.values import MAX_EXACT_CENTS, amount, iso, parse_since


@given(st.integers(min_value=-MAX_EXACT_CENTS + 1, max_value=MAX_EXACT_CENTS - 1))
def test_every_amount_is_written_exactly_to_the_cent(cents: int) -> None:
    written = json.dumps({"amount": amount(cents)})
    assert Decimal(json.loads(written, parse_float=Decimal)["amount"]) == Decimal(cents) / 100


def test_whole_dollars_are_integers_and_cents_have_no_trailing_zero() -> None:
    assert json.dumps(amount(2_500_000_000)) == "25000000"
    assert json.dumps(amount(1250)) == "12.5"
    assert json.dumps(amount(-1)) == "-0.01"


def test_an_amount_too_large_to_be_exact_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        amount(MAX_EXACT_CENTS)


def test_dates_are_utc_to_the_second() -> None:
    chicago = datetime.datetime(
        2025, 7, 1, 0, 0, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
    )
    assert iso(chicago) == "2025-07-01T05:00:00Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01T00:00:00Z", datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)),
        ("2026-01-01T00:00:00", datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)),
        # An unescaped "+" in a query string arrives as a space.
        ("2026-01-01T06:00:00 06:00", datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)),
    ],
)
def test_since_is_read_leniently(text, expected) -> None:
    assert parse_since(text) == expected
