"""Posting to the ledger: the only way entries are written.

``post`` takes (debit, credit, cents) legs, drops zero legs, turns a negative leg round (a
negative fee credits the receivable), and refuses an entry into a closed period, all inside the
caller's transaction. Accounts are found or opened by code (``account``)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from interlocal.core import audit
from interlocal.core.models import State
from interlocal.core.periods import Quarter
from interlocal.fees.models import (
    Account,
    AccountKind,
    EntryKind,
    JournalEntry,
    LedgerPeriod,
    Posting,
)
from interlocal.registry.models import Sponsor, Supplier

CASH = "cash"
FEES_BILLED = "fees:billed"
ADMINISTRATION = "distribution:administration"
FOUNDATION = "distribution:foundation"
WRITE_OFF = "write-off"
FIXED = {
    CASH: ("Cash (the program's fee account)", AccountKind.ASSET),
    FEES_BILLED: ("Administrative fees billed", AccountKind.INCOME),
    ADMINISTRATION: ("Program administration: approved costs funded", AccountKind.LIABILITY),
    FOUNDATION: ("Foundation reserve", AccountKind.LIABILITY),
    WRITE_OFF: ("Fees written off", AccountKind.EXPENSE),
}


@dataclass(frozen=True)
class Leg:
    debit: Account
    credit: Account
    cents: int


def person(actor: Any) -> Any:
    """Who to record as having written a row: the signed-in ``actor``, or nobody for the
    operator at the command line (actor None)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def account(code: str) -> Account:
    """The account of ``code``, opened the first time it is used."""
    found = Account.objects.filter(code=code).first()
    if found is not None:
        return found
    fields: dict[str, Any]
    if code in FIXED:
        name, kind = FIXED[code]
        fields = {"name": name, "kind": kind}
    else:
        prefix, _, key = code.rpartition(":")
        if prefix == "receivable:supplier":
            supplier = Supplier.objects.get(pk=int(key))
            fields = {"name": f"Fees receivable: {supplier}", "kind": AccountKind.ASSET}
            fields["supplier"] = supplier
        elif prefix == "credit:supplier":
            supplier = Supplier.objects.get(pk=int(key))
            fields = {"name": f"Supplier credit: {supplier}", "kind": AccountKind.LIABILITY}
            fields["supplier"] = supplier
        elif prefix == "payable:sponsor":
            sponsor = Sponsor.objects.get(pk=int(key))
            fields = {
                "name": f"Distribution payable: {sponsor.acronym}",
                "kind": AccountKind.LIABILITY,
            }
            fields["sponsor"] = sponsor
        elif prefix == "state-add-on":
            state = State.objects.get(postal=key)
            fields = {
                "name": f"State add-on payable: {state.postal}",
                "kind": AccountKind.LIABILITY,
            }
            fields["state"] = state
        else:
            raise ValueError(f"no account of code {code!r} in the chart")
    return Account.objects.get_or_create(code=code, defaults=fields)[0]


def receivable(supplier_id: int) -> Account:
    return account(f"receivable:supplier:{int(supplier_id)}")


def open_period(day: datetime.date) -> LedgerPeriod:
    """The ledger period of ``day``, locked for this transaction; refused when closed."""
    period = str(Quarter.containing(day))
    LedgerPeriod.objects.get_or_create(period=period)
    found = LedgerPeriod.objects.select_for_update().get(period=period)
    if found.closed_at is not None:
        raise ValidationError(
            f"the ledger period {period} is closed; book the entry on a day of an open period "
            "(a correction of a closed quarter posts into the current one)"
        )
    return found


def post(
    kind: str,
    booked_on: datetime.date,
    memo: str,
    legs: Iterable[tuple[Account, Account, int]],
    *,
    actor: Any = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Write one entry of ``legs`` (debit, credit, cents); legs of 0 are left out and a
    negative one is posted the other way round. Refused when nothing is left to post."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post() must be called inside transaction.atomic()")
    rows = []
    for debit, credit, cents in legs:
        if cents < 0:
            debit, credit, cents = credit, debit, -cents
        if cents:
            rows.append(Leg(debit, credit, int(cents)))
    if not rows:
        raise ValidationError(f"nothing to post for {memo!r}: every amount is zero")
    period = open_period(booked_on)
    entry = JournalEntry.objects.create(
        kind=kind,
        booked_on=booked_on,
        period=period.period,
        memo=memo[:300],
        reverses=reverses,
        created_by=person(actor),
    )
    Posting.objects.bulk_create(
        Posting(entry=entry, debit=leg.debit, credit=leg.credit, amount_cents=leg.cents)
        for leg in rows
    )
    return entry


def reverse(
    entry: JournalEntry, booked_on: datetime.date, memo: str, *, actor: Any = None
) -> JournalEntry:
    """The entry that undoes ``entry``: the same postings the other way round."""
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(f"entry #{entry.pk} is already reversed")
    legs = [
        (p.credit, p.debit, p.amount_cents)
        for p in entry.postings.select_related("debit", "credit")
    ]
    return post(EntryKind.REVERSAL, booked_on, memo, legs, actor=actor, reverses=entry)


def balances(prefix: str = "", *, through: str | None = None) -> dict[str, int]:
    """Debits minus credits of every account whose code starts with ``prefix``, in cents
    (positive for an asset with a balance), over every period or through one quarter: two
    grouped queries, whatever the number of accounts."""
    postings = Posting.objects.all()
    if through is not None:
        postings = postings.filter(entry__period__lte=through)
    totals: dict[str, int] = {}
    for side, sign in (("debit", 1), ("credit", -1)):
        grouped = (
            postings.filter(**{f"{side}__code__startswith": prefix})
            .values_list(f"{side}__code")
            .annotate(s=Sum("amount_cents"))
        )
        for code, cents in grouped:
            totals[code] = totals.get(code, 0) + sign * int(cents)
    return totals


def balance(code: str, *, through: str | None = None) -> int:
    """The balance of one account (see :func:`balances`); 0 for an account never used."""
    return balances(code, through=through).get(code, 0)


@transaction.atomic
def close_period(period: str, *, actor: Any) -> LedgerPeriod:
    """Close a quarter of the ledger: from now on nothing posts into it."""
    from interlocal.core.permissions import require

    require(actor, "fees:close_period", None)
    quarter = Quarter.parse(period)
    if quarter >= Quarter.containing(timezone.localdate()):
        raise ValidationError(f"{period} has not ended; a quarter can be closed once it is over")
    row, _ = LedgerPeriod.objects.get_or_create(period=str(quarter))
    row = LedgerPeriod.objects.select_for_update().get(pk=row.pk)
    if row.closed_at is not None:
        raise ValidationError(f"{period} is already closed")
    row.closed_at, row.closed_by = timezone.now(), actor
    row.save(update_fields=["closed_at", "closed_by"])
    audit.record(actor=actor, verb="fees.close_period", obj=row, after={"period": row.period})
    return row
