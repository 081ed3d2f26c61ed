"""Money and time in the shapes OCDS wants."""

import datetime
import zoneinfo
from decimal import Decimal
from typing import Any

from interlocal.core.money import from_cents

# Below 10**15 cents (ten trillion dollars) every amount has at most 15 significant digits,
# which a binary double holds exactly enough for its shortest repr to be the 2-decimal value.
MAX_EXACT_CENTS = 10**15


def amount(cents: int) -> int | float:
    """Dollars as a JSON number, from integer cents.

    OCDS's ``Value.amount`` is a JSON number, and the standard library can only write numbers
    from ints and floats. Whole dollars become an int (exact at any size). Other amounts become
    the nearest double, whose shortest representation — what ``json`` writes — is exactly the
    amount to the cent (12.5 for $12.50: a number has no trailing zeros). Beyond the bound that
    guarantee ends, so the amount is refused rather than published wrong.
    """
    if abs(cents) >= MAX_EXACT_CENTS:
        raise ValueError(f"{cents} cents is too large to publish exactly as a JSON number")
    dollars: Decimal = from_cents(cents)
    if cents % 100 == 0:
        return int(dollars)
    number = float(dollars)
    if Decimal(repr(number)) != dollars:  # the guarantee above, checked on every amount
        raise ValueError(f"{dollars} does not survive the conversion to a JSON number")
    return number


def value(cents: int) -> dict[str, Any]:
    return {"amount": amount(cents), "currency": "USD"}


def iso(moment: datetime.datetime) -> str:
    """RFC 3339 in UTC to the second, as OCDS examples write dates."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def start_of_day(day: datetime.date, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """A date-only fact (an effective date) happens at the start of that day where the lead
    agency is."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def end_of_day(day: datetime.date, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The last instant a term ending on ``day`` is in force, to the second."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)


def parse_since(text: str) -> datetime.datetime:
    """``?since=``: an ISO 8601 date-time; one without a zone is taken as UTC."""
    moment = datetime.datetime.fromisoformat(text.strip().replace(" ", "+"))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def cursor_time(moment: datetime.datetime) -> str:
    """A modification time in a next link: to the microsecond, so no process is skipped."""
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
