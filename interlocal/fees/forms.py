"""Forms of the fee pages: recording a payment by hand; program costs, distribution policies
and runs."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from interlocal.core.money import CENT, MoneyError, parse_amount, to_cents
from interlocal.core.periods import Quarter
from interlocal.fees.models import FeeInvoice, Payment
from interlocal.registry.models import Supplier

_NUMBERS = re.compile(r"[\s,;]+")


def cents_of(text: str, hint: str) -> int:
    """An amount typed in a form, as whole cents; refused when it is not an amount or has
    fractions of a cent (``hint`` says what to enter instead)."""
    try:
        amount = parse_amount(text)
    except MoneyError as exc:
        raise forms.ValidationError(str(exc)) from None
    if amount != amount.quantize(CENT):
        raise forms.ValidationError(f"{amount} has fractions of a cent; {hint}")
    return to_cents(amount)


class PaymentForm(forms.Form):
    """A payment a supplier sent, as the bank or the check shows it. Amounts are read exactly
    (``core.money``); what the service refuses comes back on the field it is about."""

    supplier = forms.ModelChoiceField(
        queryset=Supplier.objects.none(),
        empty_label="Choose the supplier that paid",
        help_text="Suppliers holding a master agreement.",
    )
    received_on = forms.DateField(
        label="Received on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the money reached the program's account (or the check arrived).",
    )
    amount = forms.CharField(
        label="Amount (USD)",
        max_length=30,
        help_text="As on the bank statement, e.g. 1,234.56.",
    )
    reference = forms.CharField(
        max_length=80,
        help_text="The bank's reference or the check number; unique for the supplier.",
    )
    method = forms.ChoiceField(choices=Payment.Method.choices, initial=Payment.Method.ACH)
    invoices = forms.CharField(
        label="Apply to invoices (optional)",
        required=False,
        max_length=2000,
        help_text="Invoice numbers in the order to pay them, separated by spaces or commas "
        "(FI-2026Q3-0000123). Left empty, the payment pays the supplier's open invoices, "
        "oldest due first; whatever is left becomes its credit.",
    )
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supplier"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Supplier.objects.filter(agreements__isnull=False).distinct()
        # choosing the supplier shows its open invoices beside the form (htmx)
        field.widget.attrs.update(
            {
                "hx-get": reverse("fees:record_payment"),
                "hx-target": "#open-invoices",
                "hx-select": "#open-invoices",
                "hx-swap": "outerHTML",
            }
        )

    def clean_received_on(self) -> Any:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                "a payment cannot be received in the future; record it on the day it arrives"
            )
        return day

    def clean_amount(self) -> int:
        return cents_of(self.cleaned_data["amount"], "enter the amount received, to the cent")

    def clean_invoices(self) -> list[FeeInvoice] | None:
        numbers = [n.upper() for n in _NUMBERS.split(self.cleaned_data["invoices"]) if n]
        if not numbers:
            return None
        if len(set(numbers)) != len(numbers):
            raise forms.ValidationError("name each invoice once")
        found = FeeInvoice.objects.in_bulk(numbers, field_name="number")
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                f"no invoice is numbered {', '.join(unknown)}; copy the number from the "
                "invoice (FI-2026Q3-0000123)"
            )
        return [found[n] for n in numbers]


# --------------------------------------------------------------------------- distribution


def parse_percent(text: str) -> int:
    """'35', '35.5' or '35.25%' as basis points (3,500, 3,550, 3,525); refused beyond two
    decimals, below 0 or above 100."""
    cleaned = str(text).strip().rstrip("%").strip()
    try:
        value = Decimal(cleaned or "0")
    except InvalidOperation:
        raise forms.ValidationError(f"'{text}' is not a percentage; write e.g. 35 or 2.5") from None
    bps = value * 100
    if not value.is_finite() or bps != bps.to_integral_value():
        raise forms.ValidationError("a share is a percentage with at most two decimals")
    if not 0 <= value <= 100:
        raise forms.ValidationError("a share is between 0% and 100%")
    return int(bps)


class PercentField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "class": "usa-input usa-input--small"})

    def clean(self, value: Any) -> int:
        return parse_percent(super().clean(value))


class CostForm(forms.Form):
    """An approved program cost of a quarter (negative: an adjustment)."""

    period = forms.CharField(
        label="Quarter", max_length=6, help_text="The quarter the cost belongs to, e.g. 2026Q3."
    )
    category = forms.CharField(max_length=80, help_text="Staff, systems, audit, outreach…")
    description = forms.CharField(max_length=300)
    amount = forms.CharField(
        label="Amount (USD)",
        max_length=30,
        help_text="As approved, e.g. 125,000.00; negative to adjust a cost recorded before.",
    )
    approval = forms.CharField(
        max_length=200, help_text="The board resolution or minutes that approved it."
    )

    def clean_period(self) -> str:
        try:
            return str(Quarter.parse(self.cleaned_data["period"]))
        except ValueError:
            raise forms.ValidationError("write the quarter as 2026Q3") from None

    def clean_amount(self) -> int:
        return cents_of(self.cleaned_data["amount"], "enter the amount approved, to the cent")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=300, help_text="Why the prepared run is withdrawn (kept in the audit trail)."
    )


class PolicyForm(forms.Form):
    """A distribution policy: the administration cap, the Foundation's share, and for each
    sponsor a fixed share of the sponsors' pool and whether it shares the rest by its
    constituency's purchases. Percentages; the service checks that they can all be paid."""

    name = forms.CharField(max_length=200, help_text="e.g. Sponsor agreement 2027")
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    administration_cap = PercentField(
        label="Administration cap (% of collections)",
        help_text="Approved program costs are funded up to this share.",
    )
    foundation = PercentField(label="Foundation (% of collections)")
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who adopted it and where it is recorded.",
    )

    def __init__(self, *args: Any, sponsors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sponsors = list(sponsors)
        for sponsor in self.sponsors:
            self.fields[f"fixed_{sponsor.pk}"] = PercentField(
                label=f"{sponsor.acronym}: fixed share of the sponsors' pool (%)",
                required=False,
                initial="0",
            )
            self.fields[f"weighted_{sponsor.pk}"] = forms.BooleanField(
                label=f"{sponsor.acronym} shares the rest by its constituency's purchases",
                required=False,
            )

    def sponsor_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(s, self[f"fixed_{s.pk}"], self[f"weighted_{s.pk}"]) for s in self.sponsors]

    def main_fields(self) -> list[Any]:
        return [
            self[n] for n in ("name", "effective_from", "administration_cap", "foundation", "note")
        ]

    def shares(self) -> list[Any]:
        from interlocal.fees.services.distribution import ShareSpec

        out = []
        for sponsor in self.sponsors:
            fixed = self.cleaned_data.get(f"fixed_{sponsor.pk}") or 0
            weighted = bool(self.cleaned_data.get(f"weighted_{sponsor.pk}"))
            if fixed or weighted:
                out.append(ShareSpec(sponsor, fixed_bps=fixed, weighted=weighted))
        return out


class EndPolicyForm(forms.Form):
    last_day = forms.DateField(
        label="Last day in effect",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A new policy can start the day after.",
    )
