"""Fee invoices: one per accepted sales report, its fee traceable line by line."""

from django.db import models
from django.db.models import Q

from interlocal.agreements.models import Agreement, FeeSchedule
from interlocal.fees.models.ledger import JournalEntry
from interlocal.registry.models import Supplier
from interlocal.reporting.models import SalesLine, SalesReport


class FeeInvoice(models.Model):
    """The administrative fee a supplier owes on one accepted report.

    ``fee_exact_cbp`` is the exact fee in cent-basis-points (cents x basis points: divide by
    10,000 for cents), the sum of its lines'; ``fee_cents`` is that sum rounded once, half up, to
    the cent (``core.money``), and ``add_on_cents`` the part of it that is state add-ons. A
    report corrected later has its invoice reversed (``reversal``) and replaced by the new
    version's (``replaced_by``); nothing of an invoice changes after it is issued except those
    two links, set once."""

    number = models.CharField(max_length=40, unique=True)
    report = models.OneToOneField(SalesReport, on_delete=models.PROTECT, related_name="fee_invoice")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="fee_invoices")
    sales_period = models.CharField(max_length=6)
    issued_on = models.DateField()
    due_on = models.DateField()
    line_count = models.PositiveIntegerField()
    sales_cents = models.BigIntegerField(help_text="Sales of the report's facts.")
    base_cents = models.BigIntegerField(help_text="The fee base: the sales the rates apply to.")
    fee_exact_cbp = models.BigIntegerField()
    fee_cents = models.BigIntegerField()
    add_on_cents = models.BigIntegerField(default=0)
    entry = models.OneToOneField(
        JournalEntry, null=True, on_delete=models.PROTECT, related_name="invoice"
    )  # set in the transaction that issues the invoice, once its lines are summed
    reversal = models.OneToOneField(
        JournalEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_invoice",
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["supplier", "sales_period"])]

    def __str__(self) -> str:
        return self.number


class FeeLine(models.Model):
    """The fee of one sales line: ``base_cents`` x ``rate_bps`` (the schedule's rate or tier,
    plus ``add_on_bps`` for the agency's state) = ``fee_cbp`` cent-basis-points, exactly.
    ``schedule`` is the fee schedule in effect on the invoice date; empty when none was, and the
    program's default rate applied."""

    invoice = models.ForeignKey(FeeInvoice, on_delete=models.PROTECT, related_name="lines")
    line = models.OneToOneField(SalesLine, on_delete=models.PROTECT, related_name="fee")
    schedule = models.ForeignKey(
        FeeSchedule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    base_cents = models.BigIntegerField()
    rate_bps = models.PositiveIntegerField()
    add_on_bps = models.PositiveIntegerField(default=0)
    fee_cbp = models.BigIntegerField()

    class Meta:
        ordering = ["invoice", "line"]
        constraints = [
            models.CheckConstraint(
                name="fee_line_exact",
                condition=Q(fee_cbp=models.F("base_cents") * models.F("rate_bps")),
            ),
            models.CheckConstraint(
                name="fee_line_add_on_within_rate",
                condition=Q(add_on_bps__lte=models.F("rate_bps")),
            ),
        ]
