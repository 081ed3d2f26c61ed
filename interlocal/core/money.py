"""Money: integer cents in the database, ``Decimal`` in Python, decimal strings in JSON.

Rounding mode: ROUND_HALF_UP to the cent, applied once per invoice (never per line) by the
caller; this module never rounds implicitly. Rates are basis points (200 bp = 2%).
"""

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_GROUPED = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")
ROUNDING = ROUND_HALF_UP


class MoneyError(ValueError):
    """A value that cannot be read as an amount of money."""


def parse_amount(text: str | int | Decimal) -> Decimal:
    """Read '$1,234.56', '(12.00)' (negative), '1234.5' or an int of dollars into a Decimal.

    Floats are refused: they cannot carry cents exactly.
    """
    if isinstance(text, float):
        raise MoneyError("floats cannot represent cents exactly; pass a string or Decimal")
    if isinstance(text, Decimal | int):
        value = Decimal(text)
        if not value.is_finite():
            raise MoneyError(f"{text} is not a finite amount")
        return value
    if not isinstance(text, str):
        raise MoneyError(f"expected an amount as text, got {type(text).__name__}")
    cleaned = text.strip().replace("$", "").replace(" ", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = cleaned[1:-1]
        if cleaned.startswith(("-", "+")):
            raise MoneyError(f"'{text}' is negative twice; write (12.00) or -12.00")
    if not cleaned:
        raise MoneyError("empty amount; enter a number such as 1234.56")
    if "," in cleaned:
        if not _GROUPED.match(cleaned):
            raise MoneyError(
                f"'{text}' has commas that are not thousands separators; write 1,234.56 "
                "(a comma every three digits, a point before the cents)"
            )
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise MoneyError(f"'{text}' is not an amount; enter a number such as 1234.56") from None
    if not value.is_finite():
        raise MoneyError(f"'{text}' is not a finite amount")
    return -value if negative else value


def round_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUNDING)


def to_cents(amount: Decimal) -> int:
    """Whole cents of an amount that must already be exact to the cent."""
    if amount != amount.quantize(CENT):
        raise MoneyError(f"{amount} has fractions of a cent; round it first with round_cents()")
    return int(amount * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def decimal_text(cents: int) -> str:
    """Cents as a decimal string for a spreadsheet or JSON: 123456 -> '1234.56' (a database's
    numeric sum is taken as whole cents too)."""
    return str(from_cents(int(cents)))


def format_usd(cents: int) -> str:
    """'$1,234.56' from 123456 cents, in integer arithmetic at any size."""
    sign = "-" if cents < 0 else ""
    dollars, remainder = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{remainder:02d}"


def apply_rate(cents: int, basis_points: int) -> Decimal:
    """Exact (unrounded) amount in dollars of ``basis_points`` of ``cents``."""
    return Decimal(cents) * Decimal(basis_points) / Decimal(1_000_000)


def round_cbp(cbp: int) -> int:
    """Whole cents of an exact amount in cent-basis-points (cents x basis points, the unit a
    fee is exact in: 10,000 cbp = 1 cent), rounded once, half up."""
    return to_cents(round_cents(Decimal(cbp) / Decimal(1_000_000)))


def round_e8(amount_e8: int) -> int:
    """Whole cents of an exact amount in hundred-millionths of a dollar (a price in
    ten-thousandths times a quantity in ten-thousandths), rounded once, half up."""
    return to_cents(round_cents(Decimal(amount_e8) / Decimal(100_000_000)))


def allocate(total_cents: int, weights: Sequence[int]) -> list[int]:
    """Split ``total_cents`` in proportion to ``weights`` by largest remainder.

    The parts always sum to the total; ties go to the earlier weight, so the result is stable.
    """
    if not weights:
        raise MoneyError("allocate needs at least one weight")
    if any(w < 0 for w in weights):
        raise MoneyError("weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise MoneyError("weights must not all be zero")
    sign = -1 if total_cents < 0 else 1
    total = abs(total_cents)
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    short = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:short]:
        floors[i] += 1
    return [sign * part for part in floors]
