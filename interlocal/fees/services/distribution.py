"""Distribution of collected fees, a quarter at a time (decision 0018).

What a run distributes is the administrative fees *collected* (paid on invoices, by payment or
by applied credit) through the quarter's last day, less what earlier runs distributed: a
quarter that is not distributed, or a correction that gives fees back, carries into the next.
An invoice's state add-on is collected before its administrative fee (it is owed on, to the
state's program) and is never distributed.

The distributable amount is split, with ``core.money.allocate`` (largest remainder, ties to
the earlier part) at every step, so the parts always make the whole:

1. the policy's administration cap, the Foundation's share and the rest;
2. program administration receives the quarter's approved costs, up to its cap; the Foundation
   its share; the sponsors the balance (the pool);
3. the pool goes to each sponsor's fixed share and, for what the fixed shares leave, to the
   weighted sponsors in proportion to the fees collected in the quarter from sales to the
   agency types each represents (``collected_by_type``; a type several weighted sponsors
   represent counts for each of them equally).

A run is ``preview``-ed (nothing written), ``prepare``-d by one program administrator, and
``approve``-d by another, which posts it: one entry debiting ``fees:billed`` and crediting each
recipient's account, booked on the quarter's last day. Approval recomputes the figures and
refuses if anything changed since preparation. A quarter has at most one prepared or posted run
(a database constraint), runs go in quarter order, and a posted run never changes (triggers).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from interlocal.core import audit
from interlocal.core.money import allocate, format_usd
from interlocal.core.periods import Quarter
from interlocal.core.permissions import require
from interlocal.fees.models import (
    DistributionPolicy,
    DistributionRun,
    DistributionShare,
    EntryKind,
    PolicyShare,
    ProgramCost,
    Recipient,
    RunStatus,
)
from interlocal.fees.models.distribution import WHOLE_BPS
from interlocal.fees.services import ledger
from interlocal.registry.models import Sponsor
from interlocal.reporting.models import ReportCustomer

# What was applied to each invoice through a day.
APPLIED_SQL = """
SELECT al.invoice_id, i.add_on_cents, SUM(al.amount_cents)
FROM fees_allocation al
JOIN fees_journalentry e ON e.id = al.entry_id
JOIN fees_feeinvoice i ON i.id = al.invoice_id
WHERE e.booked_on <= %s
GROUP BY al.invoice_id, i.add_on_cents
"""
# What was applied to each invoice with an allocation in a quarter: before it and through it.
INVOICE_COLLECTIONS_SQL = """
SELECT i.report_id, i.add_on_cents,
       SUM(CASE WHEN e.booked_on <= %(before)s THEN al.amount_cents ELSE 0 END),
       SUM(al.amount_cents)
FROM fees_allocation al
JOIN fees_journalentry e ON e.id = al.entry_id
JOIN fees_feeinvoice i ON i.id = al.invoice_id
WHERE e.booked_on <= %(end)s AND al.invoice_id IN (
    SELECT a2.invoice_id FROM fees_allocation a2 JOIN fees_journalentry e2 ON e2.id = a2.entry_id
    WHERE e2.booked_on > %(before)s AND e2.booked_on <= %(end)s
)
GROUP BY i.id, i.report_id, i.add_on_cents
"""


def percent(bps: int) -> str:
    """'35.00%' of 3,500 basis points."""
    whole, part = divmod(bps, 100)
    return f"{whole}.{part:02d}%"


# --- policies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareSpec:
    sponsor: Sponsor
    fixed_bps: int = 0
    weighted: bool = False


def check_policy(
    *,
    administration_cap_bps: int,
    foundation_bps: int,
    shares: Sequence[ShareSpec],
) -> None:
    """Refuse a policy whose shares cannot all be paid: every message names what to change."""
    errors: dict[str, list[str]] = {}
    if administration_cap_bps < 0 or foundation_bps < 0:
        errors.setdefault("__all__", []).append("shares are 0% or more")
    if administration_cap_bps + foundation_bps > WHOLE_BPS:
        errors.setdefault("__all__", []).append(
            f"the administration cap ({percent(administration_cap_bps)}) and the Foundation's "
            f"share ({percent(foundation_bps)}) add up to more than 100% of collections"
        )
    fixed = sum(s.fixed_bps for s in shares)
    if any(s.fixed_bps < 0 for s in shares):
        errors.setdefault("shares", []).append("a fixed share is 0% or more")
    if fixed > WHOLE_BPS:
        errors.setdefault("shares", []).append(
            f"the sponsors' fixed shares add up to {percent(fixed)}; they may be at most 100% "
            "of the sponsors' pool"
        )
    weighted = [s for s in shares if s.weighted]
    if fixed < WHOLE_BPS and not weighted:
        errors.setdefault("shares", []).append(
            f"the fixed shares leave {percent(WHOLE_BPS - fixed)} of the sponsors' pool to "
            "nobody: make them add up to 100%, or weight some sponsors by their constituency"
        )
    for s in weighted:
        if not s.sponsor.represents:
            errors.setdefault("shares", []).append(
                f"{s.sponsor.acronym} represents no agency type, so it cannot be weighted by "
                "its constituency's sales; give it a fixed share"
            )
    sponsors = [s.sponsor.pk for s in shares]
    if len(set(sponsors)) != len(sponsors):
        errors.setdefault("shares", []).append("a sponsor is listed twice")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_policy(
    *,
    name: str,
    effective_from: datetime.date,
    administration_cap_bps: int,
    foundation_bps: int,
    shares: Sequence[ShareSpec],
    effective_to: datetime.date | None = None,
    note: str = "",
    actor: Any,
) -> DistributionPolicy:
    """Adopt a policy from ``effective_from``. Its dates may not overlap another policy's: end
    the one in force first (:func:`end_policy`)."""
    if actor is not None:
        require(actor, "fees:manage_policy", None)
    check_policy(
        administration_cap_bps=administration_cap_bps, foundation_bps=foundation_bps, shares=shares
    )
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError({"effective_to": "the policy ends before it starts"})
    clash = _overlapping(effective_from, effective_to).first()
    if clash is not None:
        raise ValidationError(
            {
                "effective_from": f"the dates overlap “{clash}”, in effect "
                f"{clash.effective_from} to {clash.effective_to or 'open-ended'}; end it the day "
                "before this one starts"
            }
        )
    policy = DistributionPolicy.objects.create(
        name=name,
        effective_from=effective_from,
        effective_to=effective_to,
        administration_cap_bps=administration_cap_bps,
        foundation_bps=foundation_bps,
        note=note,
        created_by=ledger.person(actor),
    )
    PolicyShare.objects.bulk_create(
        PolicyShare(policy=policy, sponsor=s.sponsor, fixed_bps=s.fixed_bps, weighted=s.weighted)
        for s in shares
    )
    audit.record(actor=actor, verb="fees.policy", obj=policy, after=describe_policy(policy))
    return policy


@transaction.atomic
def end_policy(policy: DistributionPolicy, last_day: datetime.date, *, actor: Any) -> None:
    """Set the last day a policy is in effect; refused where a posted run used it later."""
    if actor is not None:
        require(actor, "fees:manage_policy", None)
    if last_day < policy.effective_from:
        raise ValidationError({"effective_to": "a policy cannot end before it starts"})
    used = policy.runs.filter(status=RunStatus.POSTED).order_by("-period").first()
    if used is not None and Quarter.parse(used.period).last_day > last_day:
        raise ValidationError(
            {"effective_to": f"the {used.period} distribution was posted under this policy"}
        )
    before = {"effective_to": policy.effective_to}
    policy.effective_to = last_day
    policy.save(update_fields=["effective_to"])
    audit.record(
        actor=actor,
        verb="fees.policy_end",
        obj=policy,
        before=before,
        after={"effective_to": last_day},
    )


def _overlapping(start: datetime.date, end: datetime.date | None) -> Any:
    found = DistributionPolicy.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    )
    if end is not None:
        found = found.filter(effective_from__lte=end)
    return found


def policy_in_effect(day: datetime.date) -> DistributionPolicy:
    found = (
        DistributionPolicy.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .first()
    )
    if found is None:
        raise ValidationError(
            f"no distribution policy is in effect on {day}; adopt one before distributing"
        )
    return found


def describe_policy(policy: DistributionPolicy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "effective_from": policy.effective_from,
        "effective_to": policy.effective_to,
        "administration_cap": percent(policy.administration_cap_bps),
        "foundation": percent(policy.foundation_bps),
        "shares": {
            s.sponsor.acronym: {"fixed": percent(s.fixed_bps), "weighted": s.weighted}
            for s in policy.shares.select_related("sponsor")
        },
    }


def method_text(policy: DistributionPolicy) -> list[str]:
    """The policy in words, as the transparency page and the statements print it."""
    shares = list(policy.shares.select_related("sponsor"))
    fixed = [s for s in shares if s.fixed_bps]
    weighted = [s for s in shares if s.weighted]
    text = [
        f"Program administration receives the quarter's approved program costs, up to "
        f"{percent(policy.administration_cap_bps)} of the fees collected.",
        f"The Foundation receives {percent(policy.foundation_bps)} of the fees collected.",
        "The balance goes to the sponsoring associations.",
    ]
    if fixed:
        text.append(
            "Fixed shares of the sponsors' balance: "
            + ", ".join(f"{s.sponsor.acronym} {percent(s.fixed_bps)}" for s in fixed)
            + "."
        )
    rest = WHOLE_BPS - sum(s.fixed_bps for s in shares)
    if weighted and rest:
        text.append(
            f"The remaining {percent(rest)} is shared by "
            + ", ".join(s.sponsor.acronym for s in weighted)
            + " in proportion to the fees collected in the quarter on sales to the agency "
            "types each represents (each invoice's payments counted by its report's sales to "
            "each type); a type represented by several of them counts for each equally."
        )
    text.append(
        "Amounts are whole cents: each split gives the cents left over by rounding down, one "
        "by one, to the largest remainders (ties to the recipient listed first), so the parts "
        "always add up to the amount collected."
    )
    return text


# --- the figures of a quarter -----------------------------------------------------------------


def split_applied(paid: int, add_on: int) -> tuple[int, int]:
    """What has been applied to an invoice, as (administrative fee, state add-on) collected:
    the add-on first, the rest to the fee, neither below zero."""
    add_on_part = min(max(paid, 0), add_on)
    return max(paid - add_on, 0), add_on_part


def collections_through(day: datetime.date) -> tuple[int, int]:
    """Administrative fees and state add-ons collected through ``day`` since the program
    began, in cents."""
    admin = add_ons = 0
    with connection.cursor() as cursor:
        cursor.execute(APPLIED_SQL, [day])
        for _invoice, add_on, paid in cursor.fetchall():
            fee, state = split_applied(int(paid), add_on)  # int(): PostgreSQL's numeric sums
            admin, add_ons = admin + fee, add_ons + state
    return admin, add_ons


def collected_through(day: datetime.date) -> int:
    """Administrative fees collected through ``day`` since the program began, in cents."""
    return collections_through(day)[0]


def distributed_before(quarter: Quarter) -> int:
    return int(
        DistributionShare.objects.filter(
            run__status=RunStatus.POSTED, run__period__lt=str(quarter)
        ).aggregate(s=Sum("amount_cents"))["s"]
        or 0
    )


def distributable(quarter: Quarter) -> int:
    """Fees collected through the quarter's end less what earlier runs distributed."""
    return collected_through(quarter.last_day) - distributed_before(quarter)


def costs_of(quarter: Quarter) -> int:
    """The quarter's approved program costs, adjustments included (never below zero)."""
    total = ProgramCost.objects.filter(period=str(quarter)).aggregate(s=Sum("amount_cents"))["s"]
    return max(0, int(total or 0))


@transaction.atomic
def record_cost(
    *,
    period: str,
    category: str,
    description: str,
    amount_cents: int,
    approval: str,
    actor: Any,
) -> ProgramCost:
    """Record an approved program cost of a quarter (negative: an adjustment of one recorded
    before); refused once the quarter is distributed."""
    if actor is not None:
        require(actor, "fees:record_cost", None)
    quarter = Quarter.parse(period)
    errors: dict[str, str] = {}
    if not amount_cents:
        errors["amount"] = "a cost is an amount other than zero (negative to adjust one)"
    if not approval.strip():
        errors["approval"] = "give the board resolution or minutes that approved the cost"
    if not category.strip() or not description.strip():
        errors["description"] = "give the cost's category and what it paid for"
    live = _live_run(quarter)
    if live is not None and live.status == RunStatus.POSTED:
        errors["period"] = (
            f"{quarter} is distributed (run #{live.pk}); record the cost in an open quarter"
        )
    if errors:
        raise ValidationError(errors)
    if costs_of(quarter) + amount_cents < 0:
        raise ValidationError({"amount": "the adjustment takes the quarter's costs below zero"})
    cost = ProgramCost.objects.create(
        period=str(quarter),
        category=category.strip(),
        description=description.strip()[:300],
        amount_cents=amount_cents,
        approval=approval.strip()[:200],
        created_by=ledger.person(actor),
    )
    audit.record(
        actor=actor,
        verb="fees.cost",
        obj=cost,
        after={"period": cost.period, "amount_cents": amount_cents, "approval": cost.approval},
    )
    return cost


def collected_by_type(quarter: Quarter) -> dict[str, Fraction]:
    """The administrative fees collected in the quarter, attributed to the buying agencies'
    types: each invoice's collections in the quarter in proportion to its report's sales to
    each type, exactly (fractions of a cent kept). A correction that gives fees back counts
    against the types of the invoice it reverses."""
    params = {"before": quarter.first_day - datetime.timedelta(days=1), "end": quarter.last_day}
    with connection.cursor() as cursor:
        cursor.execute(INVOICE_COLLECTIONS_SQL, params)
        deltas = {  # int(): PostgreSQL sums integers as numeric
            report: split_applied(int(through), add_on)[0] - split_applied(int(before), add_on)[0]
            for report, add_on, before, through in cursor.fetchall()
        }
    deltas = {report: cents for report, cents in deltas.items() if cents}
    sales: dict[int, dict[str, int]] = {}
    rows = (
        ReportCustomer.objects.filter(report__in=list(deltas), agency__isnull=False)
        .values_list("report", "agency__agency_type")
        .annotate(s=Sum("sales_cents"))
    )
    for report, kind, cents in rows:
        sales.setdefault(report, {})[kind] = int(cents)
    out: dict[str, Fraction] = {}
    for report, cents in deltas.items():
        mix = {kind: v for kind, v in sales.get(report, {}).items() if v > 0}
        total = sum(mix.values())
        for kind, v in mix.items():
            out[kind] = out.get(kind, Fraction(0)) + Fraction(cents * v, total)
    return {kind: value for kind, value in sorted(out.items()) if value > 0}


def cents_by_type(weights: dict[str, Fraction]) -> dict[str, str]:
    """Exact attributed collections, as whole cents (half up) for display and the record."""
    return {kind: str(int(value + Fraction(1, 2))) for kind, value in sorted(weights.items())}


@dataclass
class PlannedShare:
    recipient: str
    account_code: str
    name: str
    amount_cents: int
    basis: str
    sponsor: Sponsor | None = None

    @property
    def label(self) -> str:
        return self.name


@dataclass
class Plan:
    """What a run of ``period`` would distribute, and why."""

    period: str
    policy: DistributionPolicy
    collected_cents: int
    distributed_before_cents: int
    costs_cents: int
    weights: dict[str, Fraction]
    shares: list[PlannedShare] = field(default_factory=list)

    @property
    def distributable_cents(self) -> int:
        return self.collected_cents - self.distributed_before_cents

    @property
    def distributed_cents(self) -> int:
        return sum(s.amount_cents for s in self.shares)

    @property
    def carried_cents(self) -> int:
        """What stays undistributed, to the next quarter (weighted sponsors with no sales)."""
        return self.distributable_cents - self.distributed_cents

    @property
    def unfunded_costs_cents(self) -> int:
        funded = sum(s.amount_cents for s in self.shares if s.recipient == Recipient.ADMINISTRATION)
        return self.costs_cents - funded

    def figures(self) -> tuple[tuple[str, int], ...]:
        """What approval compares with what was prepared."""
        return figures_of(self, self.shares)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "policy": self.policy.name,
            "collected_cents": str(self.collected_cents),
            "distributed_before_cents": str(self.distributed_before_cents),
            "distributable_cents": str(self.distributable_cents),
            "costs_cents": str(self.costs_cents),
            "unfunded_costs_cents": str(self.unfunded_costs_cents),
            "carried_cents": str(self.carried_cents),
            "collected_by_agency_type_cents": cents_by_type(self.weights),
            "shares": [
                share_dict(s.name, s.account_code, s.amount_cents, s.basis) for s in self.shares
            ],
        }


def share_dict(recipient: str, account: str, cents: int, basis: str) -> dict[str, str]:
    return {
        "recipient": recipient,
        "account": account,
        "amount_cents": str(cents),
        "amount": format_usd(cents),
        "basis": basis,
    }


def run_as_dict(run: DistributionRun) -> dict[str, Any]:
    """A run's figures and shares, as the command line and the API print them."""
    shares = list(run.shares.select_related("sponsor", "account"))
    distributed = sum(s.amount_cents for s in shares)
    return {
        "run": run.pk,
        "period": run.period,
        "status": run.status,
        "policy": run.policy.name,
        "prepared_by": run.prepared_by.email if run.prepared_by else None,
        "approved_by": run.approved_by.email if run.approved_by else None,
        "entry": run.entry_id,
        "collected_cents": str(run.collected_cents),
        "distributed_before_cents": str(run.distributed_before_cents),
        "distributable_cents": str(run.distributable_cents),
        "costs_cents": str(run.costs_cents),
        "carried_cents": str(run.distributable_cents - distributed),
        "collected_by_agency_type_cents": run.weights,
        "shares": [share_dict(s.label, s.account.code, s.amount_cents, s.basis) for s in shares],
    }


def preview(period: str) -> Plan:
    """The run ``period`` would post now; writes nothing. Refused for a quarter not yet over,
    one already distributed or followed by a distributed one, or with nothing to distribute."""
    quarter = Quarter.parse(period)
    if quarter >= Quarter.containing(timezone.localdate()):
        raise ValidationError(
            f"{quarter} has not ended; its collections are distributed once it is over"
        )
    later = (
        DistributionRun.objects.filter(period__gt=str(quarter))
        .exclude(status=RunStatus.WITHDRAWN)
        .order_by("period")
        .first()
    )
    if later is not None:
        raise ValidationError(
            f"{later.period} already has a distribution run; "
            "quarters are distributed in order, and what is left here carries into it"
        )
    live = _live_run(quarter)
    if live is not None:
        raise ValidationError(f"{quarter} was already distributed: {live} (run #{live.pk})")
    return _plan(quarter)


def _live_run(quarter: Quarter) -> DistributionRun | None:
    return (
        DistributionRun.objects.filter(period=str(quarter))
        .exclude(status=RunStatus.WITHDRAWN)
        .first()
    )


def _plan(quarter: Quarter) -> Plan:
    policy = policy_in_effect(quarter.last_day)
    plan = Plan(
        period=str(quarter),
        policy=policy,
        collected_cents=collected_through(quarter.last_day),
        distributed_before_cents=distributed_before(quarter),
        costs_cents=costs_of(quarter),
        weights=collected_by_type(quarter),
    )
    available = plan.distributable_cents
    if available <= 0:
        raise ValidationError(
            f"nothing to distribute for {quarter}: fees collected less distributed is "
            f"{format_usd(available)}; it carries into the next quarter"
        )
    cap, foundation, _rest = allocate(
        available,
        [
            policy.administration_cap_bps,
            policy.foundation_bps,
            WHOLE_BPS - policy.administration_cap_bps - policy.foundation_bps,
        ],
    )
    administration = min(plan.costs_cents, cap)
    plan.shares.append(
        PlannedShare(
            Recipient.ADMINISTRATION,
            ledger.ADMINISTRATION,
            "Program administration",
            administration,
            f"approved costs of {format_usd(plan.costs_cents)}, up to "
            f"{percent(policy.administration_cap_bps)} of {format_usd(available)} "
            f"({format_usd(cap)})",
        )
    )
    plan.shares.append(
        PlannedShare(
            Recipient.FOUNDATION,
            ledger.FOUNDATION,
            "Foundation",
            foundation,
            f"{percent(policy.foundation_bps)} of {format_usd(available)}",
        )
    )
    shares = list(policy.shares.select_related("sponsor"))
    plan.shares += sponsor_shares(shares, available - administration - foundation, plan.weights)
    return plan


def sponsor_shares(
    policy_shares: Sequence[PolicyShare], pool: int, sales: dict[str, Fraction]
) -> list[PlannedShare]:
    """The sponsors' ``pool`` split by the policy's shares and by ``sales``, the quarter's
    collections attributed to agency types; the weighted part stays undistributed only if no
    weighted sponsor's constituency paid anything in the quarter."""
    shares = sorted(policy_shares, key=lambda s: s.sponsor.acronym)
    rest_bps = WHOLE_BPS - sum(s.fixed_bps for s in shares)
    *fixed, weighted_pool = allocate(pool, [s.fixed_bps for s in shares] + [rest_bps])
    weighted = [s for s in shares if s.weighted]
    by_type: dict[str, int] = {}
    for s in weighted:
        for kind in s.sponsor.represents:
            by_type[kind] = by_type.get(kind, 0) + 1
    # A type several weighted sponsors represent counts for each of them equally.
    exact = [
        sum(
            (Fraction(sales.get(kind, 0)) / by_type[kind] for kind in s.sponsor.represents),
            Fraction(0),
        )
        for s in weighted
    ]
    common = lcm(*(w.denominator for w in exact)) if exact else 1
    weights = [int(w * common) for w in exact]
    parts = (
        allocate(weighted_pool, weights)
        if weighted and weighted_pool and sum(weights)
        else [0] * len(weighted)
    )
    extra = {id(s): part for s, part in zip(weighted, parts, strict=True)}
    total_weight = sum(weights)
    out = []
    for s, fixed_part in zip(shares, fixed, strict=True):
        basis = []
        if s.fixed_bps:
            basis.append(f"{percent(s.fixed_bps)} of the sponsors' {format_usd(pool)}")
        if s.weighted:
            own = weights[weighted.index(s)]
            share = f"{own * 100 / total_weight:.2f}%" if total_weight else "0% (no sales)"
            basis.append(
                f"{share} of {format_usd(weighted_pool)} by fees collected on sales to "
                + ", ".join(k.replace("_", " ") for k in s.sponsor.represents)
            )
        out.append(
            PlannedShare(
                Recipient.SPONSOR,
                f"payable:sponsor:{s.sponsor.pk}",
                s.sponsor.acronym,
                fixed_part + extra.get(id(s), 0),
                "; ".join(basis) or "no share",
                sponsor=s.sponsor,
            )
        )
    return out


# --- preparing, approving, withdrawing ---------------------------------------------------------


def prepare(period: str, *, actor: Any) -> DistributionRun:
    """Save the run ``period`` would post, for another program administrator to approve."""
    require(actor, "fees:prepare_distribution", None)
    try:
        with transaction.atomic():
            plan = preview(period)
            run = DistributionRun.objects.create(
                period=plan.period,
                policy=plan.policy,
                collected_cents=plan.collected_cents,
                distributed_before_cents=plan.distributed_before_cents,
                distributable_cents=plan.distributable_cents,
                costs_cents=plan.costs_cents,
                weights=cents_by_type(plan.weights),
                prepared_by=actor,
            )
            DistributionShare.objects.bulk_create(
                DistributionShare(
                    run=run,
                    recipient=s.recipient,
                    sponsor=s.sponsor,
                    account=ledger.account(s.account_code),
                    amount_cents=s.amount_cents,
                    basis=s.basis[:300],
                )
                for s in plan.shares
            )
            audit.record(
                actor=actor, verb="fees.distribution_prepare", obj=run, after=plan.as_dict()
            )
            return run
    except IntegrityError:
        live = _live_run(Quarter.parse(period))
        raise ValidationError(
            f"{period} already has a distribution run"
            + (f" (#{live.pk}, {live.get_status_display().lower()})" if live else "")
        ) from None


def approve(run: DistributionRun, *, actor: Any) -> DistributionRun:
    """Approve a prepared run and post it; refused to the person who prepared it, for a run
    not awaiting approval, and when the figures changed since it was prepared."""
    require(actor, "fees:approve_distribution", run)
    with transaction.atomic():
        run = DistributionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.PREPARED:
            raise ValidationError(
                f"the {run.period} run is {run.get_status_display().lower()}; only a prepared "
                "run can be approved"
            )
        if run.prepared_by_id == actor.pk:
            raise ValidationError(
                "you prepared this run; another program administrator must approve it "
                "(two-person rule)"
            )
        stored = figures_of(run, list(run.shares.select_related("account")))
        now = _plan(Quarter.parse(run.period)).figures()
        if stored != now:
            changed = (
                ", ".join(
                    f"{a[0]} {format_usd(a[1])} → {format_usd(b[1])}"
                    for a, b in zip(stored, now, strict=False)
                    if a != b
                )
                or "the recipients"
            )
            raise ValidationError(
                f"the figures changed since the run was prepared ({changed}); withdraw it and "
                "prepare it again"
            )
        shares = list(run.shares.select_related("account"))
        billed = ledger.account(ledger.FEES_BILLED)
        run.entry = ledger.post(
            EntryKind.DISTRIBUTION,
            Quarter.parse(run.period).last_day,
            f"Distribution of fees collected, {run.period} (run #{run.pk})",
            [(billed, s.account, s.amount_cents) for s in shares],
            actor=actor,
        )
        run.status = RunStatus.POSTED
        run.approved_by, run.approved_at = actor, timezone.now()
        run.save(update_fields=["entry", "status", "approved_by", "approved_at"])
        audit.record(
            actor=actor,
            verb="fees.distribution_post",
            obj=run,
            after={
                "entry": run.entry.pk,
                "shares": {s.account.code: s.amount_cents for s in shares},
            },
        )
    return run


def figures_of(run: "Plan | DistributionRun", shares: Sequence[Any]) -> tuple[tuple[str, int], ...]:
    """The figures of a plan or a prepared run, as approval compares them."""
    return (
        ("collected", run.collected_cents),
        ("distributed before", run.distributed_before_cents),
        ("costs", run.costs_cents),
        *((s.account_code, s.amount_cents) for s in shares),
    )


def withdraw(run: DistributionRun, *, actor: Any, reason: str) -> DistributionRun:
    """Withdraw a prepared run (a posted one is final)."""
    require(actor, "fees:prepare_distribution", run)
    if not reason.strip():
        raise ValidationError({"reason": "say why the run is withdrawn"})
    with transaction.atomic():
        run = DistributionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.PREPARED:
            raise ValidationError(
                f"the {run.period} run is {run.get_status_display().lower()}; only a prepared "
                "run can be withdrawn"
            )
        run.status = RunStatus.WITHDRAWN
        run.save(update_fields=["status"])
        audit.record(
            actor=actor, verb="fees.distribution_withdraw", obj=run, after={"reason": reason}
        )
    return run
