"""What a processed sales report holds: its problems, its customers (each matched to an
agency of the registry) and its lines, which become the sales facts once it is accepted."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from interlocal.agreements.models import Agreement
from interlocal.registry.models import Agency
from interlocal.reporting.models.reports import SalesReport


class Severity(models.TextChoices):
    ERROR = "error", "Error (blocks acceptance)"
    WARNING = "warning", "Warning"


class ReportProblem(models.Model):
    """One problem found in a report: the line (the row number the supplier sees in its file),
    the column by the file's own header, a code and a message that says what to do."""

    report = models.ForeignKey(SalesReport, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=100)
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.CharField(max_length=500)
    value = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["report", "line", "id"]
        indexes = [models.Index(fields=["report", "severity", "line"])]

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class MatchMethod(models.TextChoices):
    """How a customer of a report was matched to an agency, in the order they are tried."""

    EXPLICIT_ID = "explicit_id", "Agency or Census ID in the file"
    ALIAS = "alias", "Known alias"
    EXACT = "exact", "Same name in the state"
    FUZZY = "fuzzy", "Close name in the state"
    DECIDED = "decided", "Picked by the program office"
    CREATED = "created", "New agency created by the program office"
    REJECTED = "rejected", "Rejected by the program office"
    UNMATCHED = "unmatched", "Waiting for review"


AUTOMATIC_METHODS = (
    MatchMethod.EXPLICIT_ID,
    MatchMethod.ALIAS,
    MatchMethod.EXACT,
    MatchMethod.FUZZY,
)


class ReportCustomer(models.Model):
    """A distinct customer of one report as the supplier wrote it (name, address, state, ZIP,
    identifier) and the agency it resolves to. A department resolves to its government: the
    part of the name that named the department is kept in ``department``.

    Unmatched customers are the program office's review queue; ``candidates`` holds the best
    suggestions as [agency id, score] pairs, best first."""

    report = models.ForeignKey(SalesReport, on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2)
    zip_code = models.CharField(max_length=10, blank=True)
    identifier = models.CharField(max_length=20, blank=True)
    key = models.CharField(max_length=200, help_text="The normalised name it was matched by.")
    department = models.CharField(max_length=200, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    sales_cents = models.BigIntegerField(default=0)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=12, choices=MatchMethod.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "-sales_cents", "name"]
        indexes = [models.Index(fields=["method", "report"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"

    @property
    def needs_review(self) -> bool:
        return self.method == MatchMethod.UNMATCHED


class OrderType(models.TextChoices):
    SALE = "sale", "Sale"
    CREDIT = "credit", "Credit"
    RETURN = "return", "Return"


class SalesLineQuerySet(models.QuerySet["SalesLine"]):
    def facts(self) -> "SalesLineQuerySet":
        """The sales facts: lines of accepted reports resolved to an agency."""
        return self.filter(report__status="accepted", agency__isnull=False)


class SalesLine(models.Model):
    """One invoice line of a report. Lines are written once, when the report is processed;
    once it is accepted they are immutable (database triggers refuse updates and deletes) and
    a correction supersedes them through a new version.

    Money is integer: amounts in cents; unit and list prices in ten-thousandths of a dollar
    (``_e4``), because consumables are priced below the cent ($0.0450 a sheet).
    """

    # Only report needs an index, and (report, line) below serves it.
    report = models.ForeignKey(
        SalesReport, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    line = models.PositiveIntegerField(help_text="Row number in the supplier's file.")
    customer = models.ForeignKey(ReportCustomer, on_delete=models.PROTECT, related_name="lines")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    invoice_date = models.DateField()
    invoice_number = models.CharField(max_length=60)
    po_number = models.CharField(max_length=60, blank=True)
    order_type = models.CharField(max_length=6, choices=OrderType.choices)
    sku = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    category_code = models.CharField(max_length=20, blank=True)
    quantity = models.DecimalField(max_digits=16, decimal_places=4)
    unit = models.CharField(max_length=40, blank=True)
    unit_price_e4 = models.BigIntegerField()
    list_price_e4 = models.BigIntegerField(null=True, blank=True)
    contract_price_e4 = models.BigIntegerField(
        null=True, blank=True, help_text="Contract price in effect on the invoice date."
    )
    extended_cents = models.BigIntegerField()
    tax_cents = models.BigIntegerField(default=0)
    freight_cents = models.BigIntegerField(default=0)
    exception = models.CharField(
        max_length=24, blank=True, help_text="Price-integrity exception code, if any."
    )

    objects = SalesLineQuerySet.as_manager()

    class Meta:
        ordering = ["report", "line"]
        # Only what the write path needs: a report's lines in order (facts, review, fees) and
        # a customer's lines (review decisions). Each secondary index costs the bulk load of a
        # million-line report several seconds (measured: docs/performance.md); reads by agency
        # or date go to the analytics rollups maintained when a report is accepted.
        indexes = [models.Index(fields=["report", "line"])]
        constraints = [
            models.CheckConstraint(
                name="credit_lines_are_negative",
                condition=Q(order_type="sale") | Q(extended_cents__lte=0),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} line {self.line}"
