"""Figures of the fee ledger in templates: exact fees, rates, entry kinds; who may act."""

from typing import Any

import rules
from django import template

from interlocal.fees import queries
from interlocal.fees.models import EntryKind

register = template.Library()


@register.filter
def cents_e4(cbp: int | None) -> str:
    """An exact fee in cents to four decimals from cent-basis-points: 15000 -> '1.5000'."""
    return "" if cbp is None else queries.cents_e4(int(cbp))


@register.filter
def bps(value: int | None) -> str:
    """Basis points as written on a fee schedule: '200 bp'."""
    return "" if value is None else f"{int(value):,} bp"


@register.filter
def entry_kind(kind: str) -> str:
    """'payment' -> 'Payment received'."""
    try:
        return str(EntryKind(kind).label)
    except ValueError:
        return kind


@register.filter
def may(user: Any, permission: str) -> bool:
    """``user|may:"fees:record_payment"``: rules' own test, as the views ask it (Django's
    ``has_perm`` would let a superuser past every rule)."""
    return bool(rules.has_perm(permission, user))


@register.filter
def percent(value: int | None) -> str:
    """Basis points as a percentage: 3500 -> '35.00%'."""
    from interlocal.fees.services.distribution import percent as as_percent

    return "" if value is None else as_percent(int(value))


@register.filter
def words(value: Any) -> str:
    """A code in words: 'school_district' -> 'school district'; a list is joined by commas."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v).replace("_", " ") for v in value)
    return str(value).replace("_", " ")
