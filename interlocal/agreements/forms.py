from django import forms

from interlocal.agreements.models import AgreementDocument, AgreementStatus, FeeBase
from interlocal.core.models import CategoryCode
from interlocal.registry.models import CertificationKind


def _category_choices() -> list[tuple[str, str]]:
    return [("", "All categories")] + [
        (c.code, f"{'— ' if c.parent_id else ''}{c.title}")
        for c in CategoryCode.objects.filter(scheme="IL").order_by("code")
    ]


class AgreementSearchForm(forms.Form):
    q = forms.CharField(
        label="Words", required=False, max_length=100, help_text="Title, supplier or an item"
    )
    category = forms.ChoiceField(required=False, choices=_category_choices)
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *AgreementStatus.choices],
        initial=AgreementStatus.ACTIVE,
    )
    certification = forms.ChoiceField(
        label="Supplier certification",
        required=False,
        choices=[("", "Any"), *CertificationKind.choices],
    )
    supplier = forms.IntegerField(required=False, widget=forms.HiddenInput)
    lead_agency = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AmendmentForm(forms.Form):
    summary = forms.CharField(label="What changed, in a sentence", max_length=300)
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(
        label="Effective on", widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(max_length=200, required=False, help_text="Leave unchanged to keep it.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    expires_on = forms.DateField(
        label="New end of the current term",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=(
            "Only for an extension both parties signed; renewal options are exercised separately."
        ),
    )


class RenewalForm(forms.Form):
    note = forms.CharField(label="Decision reference (board item, letter)", max_length=300)


class PriceFileForm(forms.Form):
    file = forms.FileField(label="Price file (CSV or XLSX)")
    effective_from = forms.DateField(
        label="Effective from", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label="Note", max_length=300, required=False)


class FeeScheduleForm(forms.Form):
    effective_from = forms.DateField(
        label="Effective from", widget=forms.DateInput(attrs={"type": "date"})
    )
    rate_bps = forms.IntegerField(
        label="Rate in basis points (200 = 2%)", min_value=0, max_value=10000, initial=200
    )
    fee_base = forms.ChoiceField(choices=FeeBase.choices, initial=FeeBase.NET_INVOICED)
    tiers = forms.CharField(
        label="Volume tiers (optional)",
        required=False,
        help_text=(
            "One per line: cumulative sales in the agreement year (whole dollars), then the "
            "rate in bps — e.g. 10000000 150"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    state_add_ons = forms.CharField(
        label="State add-on fees (optional)",
        required=False,
        help_text="One per line: state code, then bps — e.g. TX 25",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(max_length=300, required=False)

    def _pairs(self, name: str) -> list[tuple[str, int]]:
        pairs = []
        for number, line in enumerate(self.cleaned_data.get(name, "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.replace(",", " ").split()
            if len(parts) != 2 or not parts[1].isdigit():
                example = "TX 25" if name == "state_add_ons" else "10000000 150"
                raise forms.ValidationError(f"line {number}: write two values, e.g. {example}")
            pairs.append((parts[0], int(parts[1])))
        return pairs

    def clean_tiers(self) -> list[tuple[int, int]]:
        pairs = self._pairs("tiers")
        if any(not start.isdigit() for start, _ in pairs):
            raise forms.ValidationError("tier amounts are whole dollars, without commas")
        return [(int(start) * 100, bps) for start, bps in pairs]

    def clean_state_add_ons(self) -> dict[str, int]:
        return {state.upper(): bps for state, bps in self._pairs("state_add_ons")}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=AgreementDocument.Kind.choices)
    title = forms.CharField(max_length=200)
    file = forms.FileField()
