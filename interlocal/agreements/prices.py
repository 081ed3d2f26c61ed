"""Reading prices: which price file, and which price for an item, is in effect on a day.

Versions of an agreement's price file never overlap (``services.pricing`` ends one the day
before the next begins), so at most one is in effect on any day. These reads answer for the
price file only: whether the agreement itself is active that day is ``Agreement.status()``.
"""

import datetime

from django.utils import timezone

from interlocal.agreements.models import Agreement, PriceFile, PriceItem


def current_price_file(agreement: Agreement, day: datetime.date | None = None) -> PriceFile | None:
    """The version in effect on ``day`` (today by default), or None before the first one."""
    day = day or timezone.localdate()
    return (
        PriceFile.objects.filter(agreement=agreement).in_effect_on(day).order_by("-version").first()
    )


def price_in_effect(agreement: Agreement, sku: str, day: datetime.date) -> PriceItem | None:
    """The item ``sku`` of the version in effect on ``day``, or None (no version, or the item
    is not in it). SKUs match ignoring surrounding spaces and, as at import, case."""
    in_effect = PriceFile.objects.filter(agreement=agreement).in_effect_on(day)
    items = PriceItem.objects.filter(price_file__in=in_effect).select_related("price_file")
    wanted = " ".join(sku.split())
    # The exact match uses the (price_file, sku) unique index; the case-insensitive fallback
    # only runs when a caller spells the SKU differently from the file.
    return items.filter(sku=wanted).first() or items.filter(sku__iexact=wanted).first()
