"""Forms of the fee pages: recording a payment by hand."""

import re
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from interlocal.core.money import CENT, MoneyError, parse_amount, to_cents
from interlocal.fees.models import FeeInvoice, Payment
from interlocal.registry.models import Supplier

_NUMBERS = re.compile(r"[\s,;]+")


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
        try:
            amount = parse_amount(self.cleaned_data["amount"])
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None
        if amount != amount.quantize(CENT):
            raise forms.ValidationError(
                f"{amount} has fractions of a cent; enter the amount received, to the cent"
            )
        return to_cents(amount)

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
