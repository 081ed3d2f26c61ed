"""Reads of the fee ledger: who sees which invoices, the invoice list and its totals, an
invoice traced from its lines to the ledger, aging, delinquency, and a supplier's statement of
account. Every amount is integer cents (a line's exact fee in cent-basis-points)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from interlocal.accounts.queries import emails_of
from interlocal.accounts.roles import Role
from interlocal.core.models import AuditEvent
from interlocal.core.periods import Quarter
from interlocal.core.permissions import is_overseer
from interlocal.fees.models import (
    Account,
    Allocation,
    EntryKind,
    FeeInvoice,
    FeeLine,
    JournalEntry,
    Payment,
    Posting,
)
from interlocal.fees.services.payments import with_outstanding
from interlocal.registry.models import Supplier
from interlocal.reporting.models import supplier_ids

#: An invoice's status: ``reversed`` (a correction replaced it), ``paid`` (nothing left to pay),
#: ``overdue`` (something left after its due date) or ``open`` (something left, not yet due).
#: The ``open`` filter lists every invoice with something left to pay, overdue ones included.
STATUSES = ("open", "overdue", "paid", "reversed")
#: A supplier is delinquent with an invoice this many days past due (aging's 31-60 and later).
DELINQUENT_DAYS = 31
NOTICE_VERB = "fees.delinquency_notice"

_REVERSED = Q(reversal__isnull=False) | Q(replaced_by__isnull=False)


# --------------------------------------------------------------------------- scopes


def invoices(user: Any) -> QuerySet[FeeInvoice]:
    """The invoices ``user`` may read: every one for the program office and auditors, a
    supplier representative's own supplier's, none for anyone else."""
    if user is None or not user.is_authenticated:
        return FeeInvoice.objects.none()
    if is_overseer(user):
        return FeeInvoice.objects.all()
    return own_invoices(user)


def own_invoices(user: Any) -> QuerySet[FeeInvoice]:
    """The invoices of the suppliers ``user`` represents (the supplier portal)."""
    if user is None or not user.is_authenticated:
        return FeeInvoice.objects.none()
    return FeeInvoice.objects.filter(supplier_id__in=supplier_ids(user))


def own_suppliers(user: Any) -> QuerySet[Supplier]:
    if user is None or not user.is_authenticated:
        return Supplier.objects.none()
    return Supplier.objects.filter(pk__in=supplier_ids(user))


# --------------------------------------------------------------------------- the invoice list


def with_status(qs: QuerySet[FeeInvoice], today: datetime.date) -> QuerySet[Any]:
    """Invoices with ``paid_cents``, ``outstanding_cents`` and ``status`` (see
    :data:`STATUSES`) on ``today``."""
    return with_outstanding(qs).annotate(
        status=Case(
            When(_REVERSED, then=Value("reversed")),
            When(outstanding_cents__lte=0, then=Value("paid")),
            When(due_on__lt=today, then=Value("overdue")),
            default=Value("open"),
            output_field=CharField(),
        )
    )


def filter_invoices(
    qs: QuerySet[FeeInvoice],
    today: datetime.date,
    *,
    supplier: int | None = None,
    period: str = "",
    status: str = "",
) -> QuerySet[Any]:
    """``qs`` with their status, filtered; refused (ValueError, with what to write) on a period
    that is not a quarter or an unknown status."""
    if status and status not in STATUSES:
        raise ValueError(f"status is one of: {', '.join(STATUSES)}")
    if period:
        qs = qs.filter(sales_period=str(Quarter.parse(period)))
    if supplier is not None:
        qs = qs.filter(supplier_id=supplier)
    listed = with_status(qs, today)
    if status == "reversed":
        listed = listed.filter(_REVERSED)
    elif status:
        listed = listed.exclude(_REVERSED)
        if status == "paid":
            listed = listed.filter(outstanding_cents__lte=0)
        else:
            listed = listed.filter(outstanding_cents__gt=0)
        if status == "overdue":
            listed = listed.filter(due_on__lt=today)
    return listed


def invoice_totals(listed: QuerySet[Any]) -> dict[str, int]:
    """Count, sales, fee, paid and outstanding of the invoices listed, in one query. The fee
    is of the invoices still standing: a reversed invoice no longer charges its fee."""
    totals = listed.order_by().aggregate(
        sales=Coalesce(Sum("sales_cents"), 0),
        fee=Coalesce(Sum("fee_cents", filter=~_REVERSED), 0),
        paid=Coalesce(Sum("paid_cents"), 0),
        outstanding=Coalesce(Sum("outstanding_cents"), 0),
    )
    return {key: int(value) for key, value in totals.items()}


def invoiced_suppliers(qs: QuerySet[FeeInvoice]) -> QuerySet[Supplier]:
    """The suppliers with an invoice in ``qs``, for the list's filter."""
    return Supplier.objects.filter(pk__in=qs.values("supplier_id")).order_by("legal_name")


def invoiced_periods(qs: QuerySet[FeeInvoice]) -> list[str]:
    return list(
        qs.order_by("-sales_period").values_list("sales_period", flat=True).distinct()[:200]
    )


# --------------------------------------------------------------------------- one invoice


def invoice_of(qs: QuerySet[FeeInvoice], pk: int, today: datetime.date) -> Any:
    """One invoice of ``qs`` with its status, supplier, agreement and report; None if it is
    not there (or not the reader's)."""
    return (
        with_status(qs.filter(pk=pk), today)
        .select_related("supplier", "agreement", "report__obligation", "replaced_by")
        .first()
    )


def replaces(invoice: FeeInvoice) -> FeeInvoice | None:
    """The invoice this one replaced (a correction's predecessor), if any."""
    return FeeInvoice.objects.filter(replaced_by=invoice).first()


def allocations_of(invoice: FeeInvoice) -> list[Allocation]:
    return list(
        invoice.allocations.select_related("payment", "entry").order_by("entry__booked_on", "pk")
    )


@dataclass
class EntryTrace:
    """A journal entry touching the invoice and its postings."""

    entry: JournalEntry
    role: str  # what the entry is to the invoice
    postings: list[Posting] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return sum(p.amount_cents for p in self.postings)


def entries_of(invoice: FeeInvoice, allocations: Iterable[Allocation]) -> list[EntryTrace]:
    """The entries of the invoice (its issue, its reversal, the payments and credits applied to
    it), each with its postings, in booking order: two queries."""
    roles: dict[int, str] = {}
    if invoice.entry_id:
        roles[invoice.entry_id] = "issued"
    if invoice.reversal_id:
        roles[invoice.reversal_id] = "reversed"
    for allocation in allocations:
        if allocation.payment_id:
            what = f"payment {allocation.payment.reference}"  # type: ignore[union-attr]
        elif allocation.amount_cents < 0:
            what = "paid back to the supplier's credit"
        else:
            what = "credit applied"
        roles.setdefault(allocation.entry_id, what)
    traces = {
        e.pk: EntryTrace(e, roles[e.pk])
        for e in JournalEntry.objects.filter(pk__in=roles).order_by("booked_on", "pk")
    }
    postings = Posting.objects.filter(entry_id__in=roles).select_related("debit", "credit")
    for posting in postings.order_by("entry_id", "pk"):
        traces[posting.entry_id].postings.append(posting)
    return list(traces.values())


def lines_of(invoice: FeeInvoice) -> QuerySet[FeeLine]:
    """The invoice's fee lines in the order of the supplier's file, each with its sales line,
    agency and schedule."""
    return (
        FeeLine.objects.filter(invoice=invoice)
        .select_related("line__agency__state", "schedule")
        .order_by("line_id")
    )


def cents_e4(cbp: int) -> str:
    """An exact fee in cents to four decimals, from cent-basis-points: 15000 -> '1.5000'."""
    sign = "-" if cbp < 0 else ""
    cents, rest = divmod(abs(int(cbp)), 10_000)
    return f"{sign}{cents:,}.{rest:04d}"


# --------------------------------------------------------------------------- payments


def payments_of(supplier_id: int) -> QuerySet[Payment]:
    """A supplier's payments, latest first, each with the invoices it paid."""
    return (
        Payment.objects.filter(supplier_id=supplier_id)
        .prefetch_related("allocations__invoice")
        .order_by("-received_on", "-pk")
    )


def with_credit(listed: Iterable[Payment]) -> list[Payment]:
    """Payments (their allocations prefetched) with ``credit_cents``: the part no invoice took
    when it was recorded, which went to the supplier's credit."""
    rows = list(listed)
    for p in rows:
        applied = sum(a.amount_cents for a in p.allocations.all())
        p.credit_cents = p.amount_cents - applied  # type: ignore[attr-defined]
    return rows


def recent_payments(limit: int = 10) -> list[Payment]:
    return list(
        Payment.objects.select_related("supplier")
        .prefetch_related("allocations__invoice")
        .order_by("-created_at", "-pk")[:limit]
    )


# --------------------------------------------------------------------------- aging


def aging_totals(rows: list[dict[str, Any]], buckets: Iterable[str]) -> dict[str, int]:
    keys = [*buckets, "total"]
    return {key: sum(int(r[key]) for r in rows) for key in keys}


# --------------------------------------------------------------------------- delinquency


def delinquent_invoices(today: datetime.date, supplier_id: int | None = None) -> QuerySet[Any]:
    """Standing invoices with something left to pay :data:`DELINQUENT_DAYS` or more days after
    their due date, oldest due first."""
    cutoff = today - datetime.timedelta(days=DELINQUENT_DAYS)
    standing = FeeInvoice.objects.filter(
        replaced_by__isnull=True, reversal__isnull=True, due_on__lte=cutoff
    )
    if supplier_id is not None:
        standing = standing.filter(supplier_id=supplier_id)
    return (
        with_outstanding(standing)
        .filter(outstanding_cents__gt=0)
        .select_related("supplier", "agreement")
        .order_by("due_on", "pk")
    )


def last_notices(supplier_ids: Iterable[int]) -> dict[int, datetime.datetime]:
    """When a delinquency notice last went to each supplier (from the audit trail)."""
    rows = (
        AuditEvent.objects.filter(
            verb=NOTICE_VERB,
            object_type="registry.supplier",
            object_id__in=[str(pk) for pk in supplier_ids],
        )
        .values("object_id")
        .annotate(last=Max("occurred_at"))
    )
    return {int(r["object_id"]): r["last"] for r in rows}


def delinquent_suppliers(today: datetime.date) -> list[dict[str, Any]]:
    """Every supplier with an invoice 31+ days past due: how many, how much, the oldest due
    date and when a notice last went out; most owed first."""
    rows: dict[int, dict[str, Any]] = {}
    for invoice in delinquent_invoices(today):
        row = rows.setdefault(
            invoice.supplier_id,
            {"supplier": invoice.supplier, "invoices": 0, "cents": 0, "oldest_due": invoice.due_on},
        )
        row["invoices"] += 1
        row["cents"] += invoice.outstanding_cents
        row["oldest_due"] = min(row["oldest_due"], invoice.due_on)
    sent = last_notices(rows)
    for supplier_id, row in rows.items():
        row["days"] = (today - row["oldest_due"]).days
        row["last_sent"] = sent.get(supplier_id)
    return sorted(rows.values(), key=lambda r: (-r["cents"], r["supplier"].legal_name))


@dataclass
class OverdueInvoice:
    invoice: Any
    days_past_due: int

    @property
    def outstanding_cents(self) -> int:
        return int(self.invoice.outstanding_cents)


@dataclass
class Notice:
    """A delinquency notice: what a supplier owes 31+ days past due on ``today``."""

    supplier: Supplier
    today: datetime.date
    invoices: list[OverdueInvoice]
    other_open_cents: int  # owed on invoices not yet 31 days past due
    credit_cents: int  # overpayments the program holds, already applied where it could be
    recipients: list[str]
    last_sent: datetime.datetime | None

    @property
    def total_cents(self) -> int:
        return sum(i.outstanding_cents for i in self.invoices)


def notice(supplier: Supplier, today: datetime.date) -> Notice:
    from interlocal.fees.services.payments import credit_balance, open_invoices

    overdue = [
        OverdueInvoice(invoice, (today - invoice.due_on).days)
        for invoice in delinquent_invoices(today, supplier.pk)
    ]
    listed = {o.invoice.pk for o in overdue}
    other = sum(
        i.outstanding_cents  # type: ignore[attr-defined]
        for i in open_invoices(supplier.pk)
        if i.pk not in listed and i.issued_on <= today
    )
    return Notice(
        supplier=supplier,
        today=today,
        invoices=overdue,
        other_open_cents=other,
        credit_cents=credit_balance(supplier.pk),
        recipients=sorted(emails_of(Role.SUPPLIER_REP, supplier=supplier)),
        last_sent=last_notices([supplier.pk]).get(supplier.pk),
    )


# --------------------------------------------------------------------------- statement


def statement_span(text: str, today: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """The days of a statement: a quarter (``2026Q3``), a year (``2026``) or, empty, the
    quarter of ``today``. Refused (ValueError) otherwise."""
    text = text.strip().upper()
    if not text:
        quarter = Quarter.containing(today)
        return quarter.first_day, quarter.last_day, str(quarter)
    if text.isdigit() and len(text) == 4:
        year = int(text)
        if not 1900 <= year <= 2999:
            raise ValueError(f"year {year} is outside 1900-2999")
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31), text
    try:
        quarter = Quarter.parse(text)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a quarter or a year; write it like 2026Q3 or 2026"
        ) from None
    return quarter.first_day, quarter.last_day, str(quarter)


@dataclass
class StatementRow:
    """One entry of the statement: what it did to the supplier's balance."""

    booked_on: datetime.date
    kind: str  # invoice, payment, reversal, write_off
    reference: str  # the invoice number or the payment's reference
    description: str
    charge_cents: int
    credit_cents: int
    balance_cents: int
    invoice_id: int | None = None


@dataclass
class Statement:
    """A supplier's account over ``start``..``end``. A balance is what the supplier owes: the
    fees receivable less the credit the program holds for it (negative: in the supplier's
    favour). Moves between its credit and its invoices change nothing it owes and are not
    lines here (each invoice lists them)."""

    supplier: Supplier
    start: datetime.date
    end: datetime.date
    label: str
    opening_cents: int
    rows: list[StatementRow]
    receivable_cents: int  # owed on invoices at the end
    credit_held_cents: int  # credit held at the end

    @property
    def invoiced_cents(self) -> int:
        return sum(r.charge_cents for r in self.rows)

    @property
    def paid_cents(self) -> int:
        return sum(r.credit_cents for r in self.rows if r.kind == EntryKind.PAYMENT)

    @property
    def credited_cents(self) -> int:
        return sum(r.credit_cents for r in self.rows if r.kind != EntryKind.PAYMENT)

    @property
    def closing_cents(self) -> int:
        return self.opening_cents + self.invoiced_cents - self.paid_cents - self.credited_cents


def _accounts_of(supplier_id: int) -> dict[str, int]:
    """The ids of the supplier's receivable and credit accounts (absent until first used)."""
    codes = {
        f"receivable:supplier:{supplier_id}": "receivable",
        f"credit:supplier:{supplier_id}": "credit",
    }
    return {
        codes[code]: pk
        for pk, code in Account.objects.filter(code__in=codes).values_list("pk", "code")
    }


def _sums(postings: QuerySet[Posting], **sides: Q) -> dict[str, int]:
    found = postings.aggregate(
        **{name: Coalesce(Sum("amount_cents", filter=q), 0) for name, q in sides.items()}
    )
    return {name: int(value) for name, value in found.items()}


def _described(
    entry: JournalEntry, invoice: FeeInvoice | None, payment: tuple[str, str] | None
) -> tuple[str, str]:
    """A statement line's reference and what it was, as the supplier reads it."""
    if invoice is not None and entry.kind == EntryKind.INVOICE:
        return invoice.number, f"{invoice.agreement.number}, {invoice.sales_period} sales"
    if invoice is not None and entry.kind == EntryKind.REVERSAL:
        replaced = invoice.replaced_by
        why = f"; {replaced.number}, of the corrected report, replaces it" if replaced else ""
        return invoice.number, f"{invoice.agreement.number}, {invoice.sales_period} reversed{why}"
    if payment is not None:
        reference, method = payment
        return reference, method
    return "", entry.memo


def statement(
    supplier: Supplier, start: datetime.date, end: datetime.date, label: str
) -> Statement:
    """The supplier's statement of account: the balance before ``start``, each invoice,
    payment, reversal and write-off booked from ``start`` to ``end``, and the balance after.
    Six queries, whatever the number of entries."""
    accounts = _accounts_of(supplier.pk)
    ids = list(accounts.values())
    if not ids:  # nothing ever invoiced or paid
        return Statement(supplier, start, end, label, 0, [], 0, 0)
    receivable, credit = accounts.get("receivable", 0), accounts.get("credit", 0)
    mine = Q(debit_id__in=ids) | Q(credit_id__in=ids)
    # Postings between the supplier's two accounts are credit applied or given back: no change
    # to what it owes.
    touching = Posting.objects.filter(mine).exclude(debit_id__in=ids, credit_id__in=ids)
    before = _sums(
        touching.filter(entry__booked_on__lt=start),
        d=Q(debit_id__in=ids),
        c=Q(credit_id__in=ids),
    )
    at_end = _sums(
        Posting.objects.filter(mine, entry__booked_on__lte=end),
        rd=Q(debit_id=receivable),
        rc=Q(credit_id=receivable),
        cd=Q(debit_id=credit),
        cc=Q(credit_id=credit),
    )
    effects: dict[int, int] = {}
    entries: dict[int, JournalEntry] = {}
    period = touching.filter(entry__booked_on__gte=start, entry__booked_on__lte=end)
    for posting in period.select_related("entry").order_by("entry__booked_on", "entry_id", "pk"):
        sign = 1 if posting.debit_id in ids else -1
        effects[posting.entry_id] = effects.get(posting.entry_id, 0) + sign * posting.amount_cents
        entries[posting.entry_id] = posting.entry
    by_entry: dict[int, FeeInvoice] = {}
    for found in FeeInvoice.objects.filter(
        Q(entry_id__in=entries) | Q(reversal_id__in=entries)
    ).select_related("agreement", "replaced_by"):
        for entry_id in (found.entry_id, found.reversal_id):
            if entry_id in entries:
                by_entry[entry_id] = found
    paid = {
        entry_id: (reference, Payment.Method(method).label)
        for entry_id, reference, method in Payment.objects.filter(entry_id__in=entries).values_list(
            "entry_id", "reference", "method"
        )
    }
    opening = before["d"] - before["c"]
    balance, rows = opening, []
    for entry_id, entry in entries.items():
        effect = effects[entry_id]
        balance += effect
        invoice = by_entry.get(entry_id)
        reference, description = _described(entry, invoice, paid.get(entry_id))
        rows.append(
            StatementRow(
                booked_on=entry.booked_on,
                kind=entry.kind,
                reference=reference,
                description=description,
                charge_cents=max(effect, 0),
                credit_cents=max(-effect, 0),
                balance_cents=balance,
                invoice_id=invoice.pk if invoice else None,
            )
        )
    return Statement(
        supplier=supplier,
        start=start,
        end=end,
        label=label,
        opening_cents=opening,
        rows=rows,
        receivable_cents=at_end["rd"] - at_end["rc"],
        credit_held_cents=at_end["cc"] - at_end["cd"],
    )
