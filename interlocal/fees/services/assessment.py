"""Fee assessment: the fee of every line of an accepted report, and its invoice.

One ``INSERT ... SELECT`` computes each fact line's fee from the agreement's fee schedule in
effect on its invoice date (decision 0017):

- the fee base: on ``net_invoiced`` only sales count (credits and returns are 0); on
  ``invoiced_less_returns`` and ``cash_received`` every line counts with its sign (a supplier
  on a cash basis reports the cash it received as its lines);
- the rate: the schedule's, or the tier reached by the agreement year's cumulative fee base
  *before* the line (lines in invoice-date and line order, after what earlier invoices of that
  agreement year assessed);
- plus the add-on of the buying agency's state, if the schedule has one;
- no schedule in effect: the program's default, 200 bp on ``net_invoiced``.

A line's fee is exact: ``base_cents x rate_bps`` cent-basis-points. The invoice's fee is their
sum rounded once, half up, to the cent; the state add-ons are each rounded the same way and the
administrative fee is the rest, so the parts always make the whole.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum

from interlocal.agreements.models import Agreement, FeeBase, FeeSchedule, FeeTier, StateAddOn
from interlocal.agreements.models.fees import DEFAULT_RATE_BPS
from interlocal.core import audit
from interlocal.core.money import round_cbp
from interlocal.core.periods import Quarter, add_months
from interlocal.fees.models import EntryKind, FeeInvoice, FeeLine
from interlocal.fees.services import ledger, payments
from interlocal.reporting.models import SalesReport

# The schedule of a line's invoice date is a CASE over the few schedules that overlap the
# quarter ({schedule}, {rate}, {net_only}: see _by_day), not a join: a million range lookups
# cost more than the rest of the statement. The agency (for its state) is joined only when a
# schedule has state add-ons ({add_on_join}).
FEE_LINE_SQL = """
INSERT INTO fees_feeline (invoice_id, line_id, schedule_id, base_cents, rate_bps, add_on_bps,
                          fee_cbp)
SELECT %(invoice)s, x.id, x.schedule_id, x.base, x.rate + x.add_on, x.add_on,
       x.base * (x.rate + x.add_on)
FROM (
    SELECT y.id, y.schedule_id, y.base, y.add_on, {tier_rate} AS rate
    FROM (
        SELECT z.*, {cumulative} AS cum
        FROM (
            SELECT l.id, l.line, l.invoice_date, {schedule} AS schedule_id, {rate} AS rate,
                   CASE WHEN {net_only} = 1 AND l.order_type <> 'sale' THEN 0
                        ELSE l.extended_cents END AS base,
                   {add_on} AS add_on,
                   CASE WHEN l.invoice_date >= %(boundary)s THEN 1 ELSE 0 END AS year_no
            FROM reporting_salesline l {add_on_join}
            WHERE l.report_id = %(report)s AND l.agency_id IS NOT NULL
        ) z
    ) y
) x
"""
ADD_ON_JOIN = (
    "JOIN registry_agency ag ON ag.id = l.agency_id LEFT JOIN agreements_stateaddon a "
    "ON a.schedule_id = {schedule} AND a.state_id = ag.state_id"
)
# With tiers: the base of the agreement year before the line, and the tier it reached.
CUMULATIVE = (
    "CASE WHEN z.year_no = 1 THEN %(prior1)s ELSE %(prior0)s END + COALESCE(SUM(z.base) OVER ("
    "PARTITION BY z.year_no ORDER BY z.invoice_date, z.line "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)"
)
TIER_RATE = (
    "CASE WHEN y.schedule_id IN ({tiered}) THEN COALESCE((SELECT t.rate_bps FROM "
    "agreements_feetier t WHERE t.schedule_id = y.schedule_id AND t.from_cents <= y.cum "
    "ORDER BY t.from_cents DESC LIMIT 1), y.rate) ELSE y.rate END"
)


def agreement_year(agreement: Agreement, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The agreement year holding ``day``: from an anniversary of the agreement's effective
    date to the day before the next (29 February counts as 28 February in other years)."""
    start = agreement.effective_on
    years = day.year - start.year
    if add_months(start, 12 * years) > day:
        years -= 1
    first = add_months(start, 12 * years)
    return first, add_months(start, 12 * (years + 1)) - datetime.timedelta(days=1)


def assess(
    report: SalesReport,
    *,
    previous: SalesReport | None,
    booked_on: datetime.date | None = None,
    actor: Any = None,
) -> FeeInvoice | None:
    """Invoice the fee of an accepted ``report`` and reverse the invoice of the version it
    supersedes (``previous``), inside the caller's transaction. A report with no fact lines (no
    sales, or every customer rejected) gets no invoice."""
    booked_on = booked_on or datetime.date.today()
    old = FeeInvoice.objects.filter(report=previous).first() if previous is not None else None
    if old is not None and old.entry is not None and old.reversal_id is None:
        old.reversal = ledger.reverse(
            old.entry, booked_on, f"Reversal of {old.number}: {report} replaces it", actor=actor
        )
        old.save(update_fields=["reversal"])
        payments.refund_to_credit(old, booked_on, actor=actor)
    invoice = _invoice(report, booked_on, actor)
    if old is not None:
        old.replaced_by = invoice
        old.save(update_fields=["replaced_by"])
    payments.apply_credit(report.obligation.agreement.supplier_id, booked_on, actor=actor)
    return invoice


def _invoice(report: SalesReport, booked_on: datetime.date, actor: Any) -> FeeInvoice | None:
    facts = report.lines.filter(agency__isnull=False).aggregate(
        n=Count("id"), s=Sum("extended_cents")
    )
    if not facts["n"]:
        return None
    obligation = report.obligation
    agreement = Agreement.objects.get(pk=obligation.agreement_id)
    invoice = FeeInvoice.objects.create(
        number=f"FI-{obligation.period}-{report.pk:07d}",
        report=report,
        agreement=agreement,
        supplier_id=agreement.supplier_id,
        sales_period=obligation.period,
        issued_on=booked_on,
        due_on=booked_on + datetime.timedelta(days=settings.FEE_INVOICE_DUE_DAYS),
        line_count=0,
        sales_cents=0,
        base_cents=0,
        fee_exact_cbp=0,
        fee_cents=0,
    )
    with_add_ons = _write_lines(invoice, report, agreement, Quarter.parse(obligation.period))
    totals = FeeLine.objects.filter(invoice=invoice).aggregate(
        n=Count("id"), base=Sum("base_cents"), cbp=Sum("fee_cbp")
    )
    add_ons = _add_ons(invoice) if with_add_ons else []
    fee_cents = round_cbp(int(totals["cbp"] or 0))
    add_on_cents = {state: round_cbp(cbp) for state, cbp in add_ons}
    receivable = ledger.receivable(agreement.supplier_id)
    legs = [
        (receivable, ledger.account(ledger.FEES_BILLED), fee_cents - sum(add_on_cents.values()))
    ]
    legs += [
        (receivable, ledger.account(f"state-add-on:{state}"), cents)
        for state, cents in sorted(add_on_cents.items())
    ]
    if fee_cents or any(add_on_cents.values()):  # else an invoice of $0.00, nothing to post
        invoice.entry = ledger.post(
            EntryKind.INVOICE,
            booked_on,
            f"{invoice.number}: administrative fee on {agreement.number} {obligation.period}",
            legs,
            actor=actor,
        )
    invoice.line_count = int(totals["n"])
    invoice.sales_cents = int(facts["s"] or 0)
    invoice.base_cents = int(totals["base"] or 0)
    invoice.fee_exact_cbp = int(totals["cbp"] or 0)
    invoice.fee_cents = fee_cents
    invoice.add_on_cents = sum(add_on_cents.values())
    invoice.save()
    audit.record(
        actor=actor,
        actor_label="" if actor else "fee assessment (report accepted)",
        verb="fees.invoice",
        obj=invoice,
        after={
            "report": report.pk,
            "lines": invoice.line_count,
            "base_cents": invoice.base_cents,
            "fee_exact_cbp": invoice.fee_exact_cbp,
            "fee_cents": invoice.fee_cents,
            "add_on_cents": invoice.add_on_cents,
        },
    )
    return invoice


def _add_ons(invoice: FeeInvoice) -> list[tuple[str, int]]:
    """The exact add-on of each state on the invoice, in cent-basis-points."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT st.postal, SUM(f.base_cents * f.add_on_bps) FROM fees_feeline f "
            "JOIN reporting_salesline l ON l.id = f.line_id "
            "JOIN registry_agency ag ON ag.id = l.agency_id "
            "JOIN core_state st ON st.id = ag.state_id "
            "WHERE f.invoice_id = %s AND f.add_on_bps > 0 GROUP BY st.postal ORDER BY st.postal",
            [invoice.pk],
        )
        return [(postal, int(cbp)) for postal, cbp in cursor.fetchall()]


def _write_lines(
    invoice: FeeInvoice, report: SalesReport, agreement: Agreement, quarter: Quarter
) -> bool:
    """Insert the report's fee lines; whether any schedule of them has state add-ons."""
    overlapping = list(
        FeeSchedule.objects.filter(agreement=agreement, effective_from__lte=quarter.last_day)
        .exclude(effective_to__lt=quarter.first_day)
        .order_by("effective_from")
    )
    ids = [s.pk for s in overlapping]
    tiered = sorted(
        set(FeeTier.objects.filter(schedule_id__in=ids).values_list("schedule_id", flat=True))
    )
    with_add_ons = StateAddOn.objects.filter(schedule_id__in=ids).exists()
    # The quarter meets at most two agreement years: the second starts at ``boundary``.
    first_year = agreement_year(agreement, quarter.first_day)
    boundary = first_year[1] + datetime.timedelta(days=1)
    params: dict[str, Any] = {"invoice": invoice.pk, "report": report.pk, "boundary": boundary}
    for n, schedule in enumerate(overlapping):
        params[f"from{n}"] = schedule.effective_from
        params[f"to{n}"] = schedule.effective_to or quarter.last_day
    net = FeeBase.NET_INVOICED.value
    schedule_sql = _by_day(ids, "CAST(NULL AS BIGINT)")
    parts = {
        "schedule": schedule_sql,
        "rate": _by_day([s.rate_bps for s in overlapping], str(DEFAULT_RATE_BPS)),
        "net_only": _by_day([int(s.fee_base == net) for s in overlapping], "1"),
        "add_on": "COALESCE(a.add_on_bps, 0)" if with_add_ons else "0",
        "add_on_join": ADD_ON_JOIN.format(schedule=schedule_sql) if with_add_ons else "",
        "cumulative": "0",
        "tier_rate": "y.rate",
    }
    if tiered:
        years = [first_year, agreement_year(agreement, boundary)]
        params["prior0"], params["prior1"] = (_assessed_base(agreement, invoice, *y) for y in years)
        parts["cumulative"] = CUMULATIVE
        parts["tier_rate"] = TIER_RATE.format(tiered=", ".join(str(int(t)) for t in tiered))
    with connection.cursor() as cursor:
        cursor.execute(FEE_LINE_SQL.format(**parts), params)
    return with_add_ons


def _by_day(values: list[int], otherwise: str) -> str:
    """A CASE giving, for the line's invoice date, the value of the schedule in effect (the
    n-th of the quarter's schedules, whose dates are the parameters fromN and toN)."""
    if not values:
        return otherwise
    whens = " ".join(
        f"WHEN l.invoice_date BETWEEN %(from{n})s AND %(to{n})s THEN {int(value)}"
        for n, value in enumerate(values)
    )
    return f"CASE {whens} ELSE {otherwise} END"


def _assessed_base(
    agreement: Agreement, invoice: FeeInvoice, first: datetime.date, last: datetime.date
) -> int:
    """The fee base already assessed in an agreement year, on invoices still standing."""
    total = (
        FeeLine.objects.filter(
            invoice__agreement=agreement,
            invoice__replaced_by__isnull=True,
            line__invoice_date__range=(first, last),
        )
        .exclude(invoice=invoice)
        .aggregate(s=Sum("base_cents"))["s"]
    )
    return int(total or 0)
