"""HTML forms: the verdict's questions and the program office's rule edit."""

from typing import Any

from django import forms

from interlocal.core.money import MoneyError, parse_amount, to_cents
from interlocal.eligibility.files import RuleFileError, parse_rule_text
from interlocal.solicitations.models import Scope


class VerdictQueryForm(forms.Form):
    """What the buyer may tell us about the purchase; every field is optional."""

    agency = forms.IntegerField(
        required=False,
        min_value=1,
        label="Agency number",
        help_text="The number at the end of your agency's address in the directory.",
    )
    amount = forms.CharField(
        required=False,
        max_length=30,
        label="Purchase amount (dollars)",
        help_text="Some conditions depend on it, e.g. 250,000.00",
    )
    scope = forms.ChoiceField(
        required=False, choices=[("", "As awarded"), *Scope.choices], label="Category"
    )
    federal_funds = forms.BooleanField(
        required=False, label="Federal grant or other federal award funds pay for this purchase"
    )
    on = forms.DateField(
        required=False,
        label="Purchase date",
        help_text="Today if empty.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_amount(self) -> int | None:
        text = self.cleaned_data["amount"].strip()
        if not text:
            return None
        try:
            amount = parse_amount(text)
            if amount < 0:
                raise MoneyError("enter the amount as a positive number")
            return to_cents(amount)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None


class RuleEditForm(forms.Form):
    text = forms.CharField(
        label="The rule, in YAML",
        widget=forms.Textarea(attrs={"rows": 36, "spellcheck": "false", "class": "rule-yaml"}),
        help_text="The same format as the shipped files: see docs/eligibility.md.",
    )
    note = forms.CharField(
        label="Why this change",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the version and in the audit trail: what changed, on whose advice.",
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        try:
            parse_rule_text(text)
        except RuleFileError as exc:
            raise forms.ValidationError([p.in_text() for p in exc.problems]) from None
        return text

    def add_service_errors(self, errors: dict[str, Any]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
