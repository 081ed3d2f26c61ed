"""Reporting quarters as a type: Quarter(2026, 3) <-> '2026Q3'."""

import dataclasses
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlocal.core.periods import Quarter

# Four-digit years: the written form is YYYYQn (years outside 1000-9998 are not reporting periods;
# 9999Q4 has no next quarter inside datetime.date).
years = st.integers(min_value=1900, max_value=2998)
quarters = st.builds(Quarter, year=years, number=st.integers(min_value=1, max_value=4))
days = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2998, 12, 31))


@given(quarter=quarters)
def test_a_quarter_reads_back_what_it_writes(quarter: Quarter) -> None:
    text = str(quarter)
    assert text == f"{quarter.year}Q{quarter.number}"
    assert Quarter.parse(text) == quarter


@pytest.mark.parametrize(
    "text", ["2026Q3", "2026q3", " 2026Q3 ", "2026 Q3", "2026-Q3", "2026 - q3", "2026Q3\n"]
)
def test_parse_accepts_the_usual_spellings(text: str) -> None:
    assert Quarter.parse(text) == Quarter(2026, 3)
    assert str(Quarter.parse(text)) == "2026Q3"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026",
        "2026Q0",
        "2026Q5",
        "26Q3",
        "20261Q3",
        "Q3 2026",
        "2026Q3x",
        "2026Q33",
        "2026 Q 3",
        "2026/Q3",
        "2026-3",
        "2026Q-1",
        "third quarter 2026",
    ],
)
def test_parse_refuses_anything_else_and_shows_the_form(text: str) -> None:
    with pytest.raises(ValueError, match="is not a quarter; write it like 2026Q3") as caught:
        Quarter.parse(text)
    assert f"'{text}'" in str(caught.value)  # names what it could not read


@pytest.mark.parametrize("number", [0, 5, -1, 13])
def test_a_quarter_number_outside_1_to_4_is_refused(number: int) -> None:
    with pytest.raises(ValueError, match=f"quarter number must be 1-4, not {number}"):
        Quarter(2026, number)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 1, 1), Quarter(2026, 1)),
        (datetime.date(2026, 3, 31), Quarter(2026, 1)),
        (datetime.date(2026, 4, 1), Quarter(2026, 2)),
        (datetime.date(2026, 6, 30), Quarter(2026, 2)),
        (datetime.date(2026, 7, 1), Quarter(2026, 3)),
        (datetime.date(2026, 9, 30), Quarter(2026, 3)),
        (datetime.date(2026, 10, 1), Quarter(2026, 4)),
        (datetime.date(2026, 12, 31), Quarter(2026, 4)),
        (datetime.date(2024, 2, 29), Quarter(2024, 1)),
    ],
)
def test_containing_puts_each_boundary_day_in_its_quarter(
    day: datetime.date, expected: Quarter
) -> None:
    assert Quarter.containing(day) == expected


def test_containing_accepts_a_datetime() -> None:
    # datetime is a date; a timestamp's calendar day decides the quarter
    assert Quarter.containing(datetime.datetime(2026, 9, 30, 23, 59)) == Quarter(2026, 3)


@given(day=days)
def test_every_day_lies_between_its_quarters_first_and_last_day(day: datetime.date) -> None:
    quarter = Quarter.containing(day)
    assert quarter.first_day <= day <= quarter.last_day


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (Quarter(2026, 1), datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        (Quarter(2026, 2), datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        (Quarter(2026, 3), datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        (Quarter(2026, 4), datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        (Quarter(1999, 4), datetime.date(1999, 10, 1), datetime.date(1999, 12, 31)),
    ],
)
def test_first_and_last_day(quarter: Quarter, first: datetime.date, last: datetime.date) -> None:
    assert quarter.first_day == first
    assert quarter.last_day == last


@pytest.mark.parametrize(
    ("year", "q1_days"),
    [(2024, 91), (2023, 90), (2000, 91), (1900, 90), (2100, 90)],
)
def test_the_first_quarter_of_a_leap_year_has_91_days(year: int, q1_days: int) -> None:
    q1 = Quarter(year, 1)
    assert (q1.last_day - q1.first_day).days + 1 == q1_days
    assert q1.last_day == datetime.date(year, 3, 31)
    # the other quarters do not depend on leap years: 91, 92, 92 days
    lengths = [(Quarter(year, n).last_day - Quarter(year, n).first_day).days + 1 for n in (2, 3, 4)]
    assert lengths == [91, 92, 92]


@given(quarter=quarters)
def test_quarters_tile_the_calendar(quarter: Quarter) -> None:
    # the day after a quarter's last day is the first day of the next quarter
    assert quarter.last_day + datetime.timedelta(days=1) == quarter.next().first_day
    assert quarter.first_day.day == 1
    assert Quarter.containing(quarter.first_day) == quarter
    assert Quarter.containing(quarter.last_day) == quarter


def test_next_and_previous_wrap_at_the_year_end() -> None:
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == Quarter(2026, 4)
    assert Quarter(2026, 2).next() == Quarter(2026, 3)
    assert Quarter(2026, 3).previous() == Quarter(2026, 2)


@given(quarter=st.builds(Quarter, year=st.integers(1901, 2998), number=st.integers(1, 4)))
def test_next_and_previous_are_inverse_and_move_one_step(quarter: Quarter) -> None:
    assert quarter.next().previous() == quarter
    assert quarter.previous().next() == quarter
    assert quarter.previous() < quarter < quarter.next()
    four_on = quarter.next().next().next().next()
    assert four_on == Quarter(quarter.year + 1, quarter.number)


def test_quarters_sort_by_year_then_number() -> None:
    unsorted = [Quarter(2026, 1), Quarter(2025, 4), Quarter(2026, 3), Quarter(2025, 1)]
    assert sorted(unsorted) == [
        Quarter(2025, 1),
        Quarter(2025, 4),
        Quarter(2026, 1),
        Quarter(2026, 3),
    ]
    assert Quarter(2025, 4) < Quarter(2026, 1)
    assert max(unsorted) == Quarter(2026, 3)


@given(a=quarters, b=quarters)
def test_quarter_order_is_calendar_order(a: Quarter, b: Quarter) -> None:
    assert (a < b) == (a.first_day < b.first_day)
    assert (a == b) == (a.first_day == b.first_day)


def test_quarters_are_values() -> None:
    # equal quarters are interchangeable as dict keys (rollups are keyed by quarter)
    totals = {Quarter.parse("2026q3"): 1}
    assert totals[Quarter(2026, 3)] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        Quarter(2026, 3).number = 4  # type: ignore[misc]


@pytest.mark.parametrize("year", [999, 1899, 3000, 9999])
def test_years_outside_the_program_range_are_refused(year: int) -> None:
    with pytest.raises(ValueError, match="outside 1900-2999"):
        Quarter(year, 1)
