"""The analytics rollups: the accepted sales facts summed at the grains the program's reports
read, kept up to date by ``services.rollups.refresh`` in the transaction that accepts (or
supersedes) a quarter's report. Nothing here is entered by hand and nothing is rebuilt on a
request: every row can be recomputed from the accepted lines (``rollups.rebuild``), and the
tests check that the two agree.

Money is integer: cents, fees in cent-basis-points (as on ``fees.FeeLine``), and price savings
in hundred-millionths of a dollar (``_e8``: a price in ten-thousandths times a quantity in
ten-thousandths), so that no line's saving is rounded before it is summed.

Each row carries the agency's state and type as they were when the row was computed (decision
0019): a reclassified agency moves in the rollups when ``manage.py rebuild_analytics`` runs.
"""

from django.db import models

from interlocal.agreements.models import Agreement
from interlocal.core.models import State
from interlocal.core.periods import Quarter
from interlocal.registry.models import Agency, AgencyType, Supplier


class Measures(models.Model):
    """The sums every rollup keeps. ``priced_cents`` is the sales on lines whose list price and
    contract price are both known (the coverage of ``savings_e8``); ``diverse_cents``,
    ``small_cents`` and ``local_cents`` the sales on lines whose supplier held a verified
    certification of that class on the invoice date (``analytics.certified``)."""

    lines = models.PositiveIntegerField(default=0)
    sales_cents = models.BigIntegerField(default=0)
    fee_cbp = models.BigIntegerField(default=0)
    priced_cents = models.BigIntegerField(default=0)
    savings_e8 = models.BigIntegerField(default=0)
    diverse_cents = models.BigIntegerField(default=0)
    small_cents = models.BigIntegerField(default=0)
    local_cents = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


#: The measures in the order ``services.rollups.insert_agency_sums`` writes them.
MEASURES = [
    "lines",
    "sales_cents",
    "fee_cbp",
    "priced_cents",
    "savings_e8",
    "diverse_cents",
    "small_cents",
    "local_cents",
]


class AgencyQuarter(Measures):
    """What one agency bought under one agreement in one quarter (the report's period)."""

    period = models.CharField(max_length=6)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+", db_index=False)
    agency_type = models.CharField(max_length=24, choices=AgencyType.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period", "agency"], name="one_agency_quarter"
            )
        ]
        indexes = [
            # drill-down nation -> state -> type -> agency, and a quarter's distinct buyers
            models.Index(fields=["period", "state", "agency_type"]),
            # an agency's own purchases; its first purchase and active years
            models.Index(fields=["agency", "period"]),
            models.Index(fields=["supplier", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.agreement_id} {self.period}"


class SegmentQuarter(Measures):
    """An agreement's quarter by the buyers' state and type: ``agencies`` bought, of which
    ``first_uses`` for the first time under this agreement (each one a solicitation it did not
    have to run)."""

    period = models.CharField(max_length=6)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+", db_index=False)
    agency_type = models.CharField(max_length=24, choices=AgencyType.choices)
    agencies = models.PositiveIntegerField(default=0)
    first_uses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period", "state", "agency_type"], name="one_segment_quarter"
            )
        ]
        indexes = [models.Index(fields=["period", "state", "agency_type"])]


class StateQuarter(Measures):
    """The whole program's quarter by state and agency type: ``agencies`` bought under any
    agreement (each counted once), ``first_buyers`` of them for the first time ever;
    ``first_uses``, agencies' first uses of an agreement (the sum of the segments')."""

    period = models.CharField(max_length=6)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+", db_index=False)
    agency_type = models.CharField(max_length=24, choices=AgencyType.choices)
    agencies = models.PositiveIntegerField(default=0)
    first_buyers = models.PositiveIntegerField(default=0)
    first_uses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "state", "agency_type"], name="one_state_quarter"
            )
        ]


#: The first quarter a ``quarters`` string has a character for.
EPOCH = Quarter(1970, 1)


def quarter_index(period: str) -> int:
    """Where a quarter's character is in a ``quarters`` string (0 for 1970Q1)."""
    q = Quarter.parse(period)
    if q < EPOCH:
        raise ValueError(f"{period} is before {EPOCH}, the first quarter the analytics hold")
    return (q.year - EPOCH.year) * 4 + q.number - 1


class Activity(models.Model):
    """What a buyer's rows share: its first quarter, its state and type, and ``quarters``, one
    character per quarter from 1970Q1 ("1" bought, "0" or nothing did not), so that "bought at
    least once in this span" is a substring test on one row per buyer instead of a distinct
    count over its purchases."""

    first_period = models.CharField(max_length=6)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+", db_index=False)
    agency_type = models.CharField(max_length=24, choices=AgencyType.choices)
    quarters = models.TextField(default="", blank=True)

    class Meta:
        abstract = True

    def bought_in(self, period: str) -> bool:
        i = quarter_index(period)
        return self.quarters[i : i + 1] == "1"


class AgreementBuyer(Activity):
    """An agency that bought under an agreement: when first (each first use is a
    solicitation it did not have to run) and in which quarters."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="one_agreement_buyer")
        ]
        indexes = [
            models.Index(fields=["agreement", "first_period"]),
            # the first uses of a span, by state and type
            models.Index(fields=["first_period", "state", "agency_type"]),
        ]


class Buyer(Activity):
    """An agency that bought under any agreement: its first quarter is its cohort."""

    agency = models.OneToOneField(
        Agency, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["first_period"])]


class RetentionCell(models.Model):
    """How many agencies of a type whose first purchase fell in ``cohort`` bought again in
    ``year``: the cohort retention table (``year == cohort`` is the cohort's size)."""

    cohort = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()
    agency_type = models.CharField(max_length=24, choices=AgencyType.choices)
    agencies = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "year", "agency_type"], name="one_retention_cell"
            )
        ]
