"""Payments: recorded by hand or from the bank's file, applied to invoices oldest first.

A payment posts one entry: cash debited; each invoice it pays credits the supplier's
receivable; whatever is left over credits the supplier's credit account, applied to its next
invoices as they are issued (``apply_credit``). An invoice reversed by a correction gives back
what had been paid on it to the supplier's credit, which then pays the correction.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from interlocal.core import audit
from interlocal.core.permissions import require
from interlocal.fees.models import Allocation, EntryKind, FeeInvoice, Payment
from interlocal.fees.services import ledger
from interlocal.registry.models import Supplier


def with_outstanding(invoices: QuerySet[FeeInvoice]) -> QuerySet[Any]:
    """Invoices annotated with ``paid_cents`` and ``outstanding_cents`` (what is still owed on
    them: nothing on a reversed invoice once its payments have moved on)."""
    paid = (
        Allocation.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(s=Sum("amount_cents"))
        .values("s")
    )
    return invoices.annotate(
        paid_cents=Coalesce(Subquery(paid, output_field=IntegerField()), Value(0))
    ).annotate(
        # a reversed invoice no longer charges its fee
        outstanding_cents=Case(
            When(reversal__isnull=True, then=F("fee_cents") - F("paid_cents")),
            default=Value(0) - F("paid_cents"),
        )
    )


def open_invoices(supplier_id: int) -> list[FeeInvoice]:
    """The supplier's standing invoices with something left to pay, oldest due first."""
    standing = FeeInvoice.objects.filter(supplier_id=supplier_id, replaced_by__isnull=True)
    return list(
        with_outstanding(standing)
        .filter(outstanding_cents__gt=0)
        .order_by("due_on", "issued_on", "pk")
    )


def credit_balance(supplier_id: int) -> int:
    """What the program holds for the supplier from overpayments, in cents (0 or more)."""
    return -ledger.balance(f"credit:supplier:{int(supplier_id)}")


@dataclass(frozen=True)
class Applied:
    invoice: FeeInvoice
    cents: int


def _plan(supplier_id: int, cents: int, invoices: Sequence[FeeInvoice] | None) -> list[Applied]:
    """How ``cents`` pay the invoices given (in that order) or the open ones oldest first."""
    if invoices is None:
        targets = open_invoices(supplier_id)
    else:
        ids = [i.pk for i in invoices]
        found = {i.pk: i for i in with_outstanding(FeeInvoice.objects.filter(pk__in=ids))}
        targets = [found[pk] for pk in ids]
        for invoice in targets:
            if invoice.supplier_id != supplier_id:
                raise ValidationError(f"invoice {invoice.number} is not this supplier's")
            if invoice.replaced_by_id is not None:
                raise ValidationError(
                    f"invoice {invoice.number} was replaced by a correction; pay its "
                    "replacement instead"
                )
    plan, left = [], cents
    for invoice in targets:
        part = min(left, max(0, invoice.outstanding_cents))  # type: ignore[attr-defined]
        if part:
            plan.append(Applied(invoice, part))
            left -= part
    return plan


@transaction.atomic
def record_payment(
    supplier: Supplier,
    *,
    actor: Any,
    amount_cents: int,
    received_on: datetime.date,
    reference: str,
    method: str = Payment.Method.ACH,
    invoices: Sequence[FeeInvoice] | None = None,
    note: str = "",
    source: str = "",
) -> Payment:
    """Record a payment and apply it: to ``invoices`` in the order given, or to the
    supplier's open invoices oldest first; the rest becomes the supplier's credit. ``actor``
    None is the operator at the command line."""
    if actor is not None:  # None: the operator at the command line (manage.py import_payments)
        require(actor, "fees:record_payment", supplier)
    if amount_cents <= 0:
        raise ValidationError(
            {"amount": "a payment is a positive amount; record a refund as a credit instead"}
        )
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": "give the bank's or the check's reference"})
    if Payment.objects.filter(supplier=supplier, reference=reference).exists():
        raise ValidationError(
            {"reference": f"a payment with reference {reference!r} is already recorded"}
        )
    if method not in Payment.Method.values:
        raise ValidationError({"method": f"choose one of: {', '.join(Payment.Method.values)}"})
    plan = _plan(supplier.pk, amount_cents, invoices)
    applied = sum(a.cents for a in plan)
    cash, receivable = ledger.account(ledger.CASH), ledger.receivable(supplier.pk)
    credit = ledger.account(f"credit:supplier:{supplier.pk}")
    entry = ledger.post(
        EntryKind.PAYMENT,
        received_on,
        f"Payment {reference} from {supplier}",
        [(cash, receivable, applied), (cash, credit, amount_cents - applied)],
        actor=actor,
    )
    payment = Payment.objects.create(
        supplier=supplier,
        received_on=received_on,
        amount_cents=amount_cents,
        method=method,
        reference=reference,
        note=note[:300],
        source=source[:200],
        entry=entry,
        created_by=ledger.person(actor),
    )
    Allocation.objects.bulk_create(
        Allocation(invoice=a.invoice, payment=payment, amount_cents=a.cents, entry=entry)
        for a in plan
    )
    audit.record(
        actor=actor,
        verb="fees.payment",
        obj=payment,
        after={
            "supplier": supplier.pk,
            "amount_cents": amount_cents,
            "received_on": received_on,
            "applied": {a.invoice.number: a.cents for a in plan},
            "credit_cents": amount_cents - applied,
        },
    )
    return payment


def apply_credit(supplier_id: int, booked_on: datetime.date, *, actor: Any = None) -> int:
    """Apply the supplier's credit to its open invoices, oldest first, inside the caller's
    transaction; returns the cents applied."""
    available = credit_balance(supplier_id)
    if available <= 0:
        return 0
    plan = _plan(supplier_id, available, None)
    applied = sum(a.cents for a in plan)
    if not applied:
        return 0
    entry = ledger.post(
        EntryKind.CREDIT,
        booked_on,
        f"Credit applied to {', '.join(a.invoice.number for a in plan)}",
        [
            (
                ledger.account(f"credit:supplier:{int(supplier_id)}"),
                ledger.receivable(supplier_id),
                applied,
            )
        ],
        actor=actor,
    )
    Allocation.objects.bulk_create(
        Allocation(invoice=a.invoice, payment=None, amount_cents=a.cents, entry=entry) for a in plan
    )
    return applied


def refund_to_credit(invoice: FeeInvoice, booked_on: datetime.date, *, actor: Any = None) -> int:
    """What was paid on a reversed invoice goes back to the supplier's credit (a negative
    allocation on the invoice); returns the cents."""
    paid = int(
        Allocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount_cents"))["s"] or 0
    )
    if paid <= 0:
        return 0
    entry = ledger.post(
        EntryKind.CREDIT,
        booked_on,
        f"Paid on {invoice.number}, reversed: back to the supplier's credit",
        [
            (
                ledger.receivable(invoice.supplier_id),
                ledger.account(f"credit:supplier:{invoice.supplier_id}"),
                paid,
            )
        ],
        actor=actor,
    )
    Allocation.objects.create(invoice=invoice, payment=None, amount_cents=-paid, entry=entry)
    return paid


def aging(on: datetime.date, supplier_id: int | None = None) -> list[dict[str, Any]]:
    """Outstanding fees by supplier and days past due on ``on``: not yet due, 0-30, 31-60,
    61-90, 90+ (cents)."""
    standing = FeeInvoice.objects.filter(replaced_by__isnull=True, issued_on__lte=on)
    if supplier_id is not None:
        standing = standing.filter(supplier_id=supplier_id)
    rows: dict[int, dict[str, Any]] = {}
    for invoice in (
        with_outstanding(standing).filter(outstanding_cents__gt=0).select_related("supplier")
    ):
        row = rows.setdefault(
            invoice.supplier_id,
            {"supplier": invoice.supplier, **{b: 0 for b in BUCKETS}, "total": 0},
        )
        row[bucket(on, invoice.due_on)] += invoice.outstanding_cents
        row["total"] += invoice.outstanding_cents
    return sorted(rows.values(), key=lambda r: (-r["total"], r["supplier"].legal_name))


BUCKETS = ("not yet due", "0-30", "31-60", "61-90", "90+")


def bucket(on: datetime.date, due_on: datetime.date) -> str:
    late = (on - due_on).days
    if late < 0:
        return "not yet due"
    if late <= 30:
        return "0-30"
    if late <= 60:
        return "31-60"
    if late <= 90:
        return "61-90"
    return "90+"
