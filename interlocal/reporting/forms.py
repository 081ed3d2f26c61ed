"""Forms of the sales-reporting pages."""

from django import forms

from interlocal.registry.models import AgencyType


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Sales report (CSV or XLSX)",
        help_text="Every sales line of the quarter under this agreement, one line per invoice "
        "line. Columns are found by their headers in any order; download the template below.",
    )
    sheet = forms.CharField(
        label="Sheet (workbooks only)",
        required=False,
        max_length=100,
        help_text="Leave empty to read the sheet that holds the sales lines.",
    )
    note = forms.CharField(
        label="Note to the program office", required=False, max_length=500, widget=forms.Textarea
    )


class NoSalesForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm there were no sales under this agreement in the quarter",
        required=True,
    )
    note = forms.CharField(label="Note", required=False, max_length=500)


class DecisionForm(forms.Form):
    """The program office's decision on one unmatched customer."""

    DECISIONS = [
        ("pick", "Match to this agency"),
        ("create", "Create a new agency"),
        ("reject", "Reject"),
    ]

    decision = forms.ChoiceField(choices=DECISIONS)
    agency = forms.IntegerField(required=False, min_value=1, label="Agency ID")
    agency_type = forms.ChoiceField(
        choices=[("", "—"), *AgencyType.choices], required=False, label="Kind of new agency"
    )
    reason = forms.CharField(required=False, max_length=300, label="Why rejected")
