"""Money and rates in templates, from integer cents and basis points (never floats)."""

from django import template

from interlocal.core.money import format_usd

register = template.Library()


@register.filter
def usd(cents: int | None) -> str:
    """'$1,234.56' from cents; empty for None."""
    return "" if cents is None else format_usd(int(cents))


@register.filter
def percent(basis_points: int | None) -> str:
    """'2%' or '1.25%' from basis points."""
    if basis_points is None:
        return ""
    whole, rest = divmod(int(basis_points), 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"
