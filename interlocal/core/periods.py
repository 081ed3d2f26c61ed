"""Reporting quarters as a type: ``Quarter(2026, 3)`` prints and parses as ``2026Q3``."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 2999:
            raise ValueError(f"year {self.year} is outside 1900-2999; write it like 2026Q3")
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1-4, not {self.number}")

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(f"'{text}' is not a quarter; write it like 2026Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        month = 3 * self.number
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def next(self) -> "Quarter":
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> "Quarter":
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (Jan 31 + 1
    month = Feb 28 or 29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
