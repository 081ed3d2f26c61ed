"""Which supplier certifications count for which diversity class (decision 0019).

A line counts in a class when its supplier held a *verified* certification of one of the
class's kinds on the line's invoice date. The classes overlap by design: a service-disabled
veteran-owned small business counts as diverse and as small.

- **diverse**: ownership certifications (minority, woman, disadvantaged, veteran, service-disabled
  veteran, disability, LGBT) and HUBZone;
- **small**: certifications that require meeting a small-business size standard (SBE, DBE,
  VOSB, SDVOSB, HUBZone: each certifying program requires it);
- **local**: a local-business certification issued by a city, county or state program.
"""

import datetime
from collections.abc import Iterable

from interlocal.registry.models import Certification, CertificationKind

K = CertificationKind

CLASSES: dict[str, tuple[str, ...]] = {
    "diverse": (K.MBE, K.WBE, K.DBE, K.VOSB, K.SDVOSB, K.HUBZONE, K.DOBE, K.LGBTBE),
    "small": (K.SBE, K.DBE, K.VOSB, K.SDVOSB, K.HUBZONE),
    "local": (K.LOCAL,),
}

LABELS = {
    "diverse": "Certified diverse suppliers",
    "small": "Certified small businesses",
    "local": "Certified local businesses",
}

Window = tuple[datetime.date, datetime.date]


def windows(supplier_ids: Iterable[int]) -> dict[int, dict[str, list[Window]]]:
    """Each supplier's days in force, by class: the verified certifications' validity windows."""
    out: dict[int, dict[str, list[Window]]] = {}
    rows = Certification.objects.filter(
        supplier_id__in=list(supplier_ids),
        verification_status=Certification.Verification.VERIFIED,
    ).values_list("supplier_id", "kind", "valid_from", "valid_to")
    for supplier_id, kind, start, end in rows:
        for name, kinds in CLASSES.items():
            if kind in kinds:
                out.setdefault(supplier_id, {}).setdefault(name, []).append((start, end))
    return out


def condition(column: str, spans: list[Window]) -> tuple[str, list[datetime.date]]:
    """A SQL condition true when ``column`` (a date) falls in one of ``spans``, and its
    parameters; false when there are none."""
    if not spans:
        return "1 = 0", []
    sql = " OR ".join(f"{column} BETWEEN %s AND %s" for _ in spans)
    return f"({sql})", [day for span in spans for day in span]
