from django import forms

from interlocal.accounts.models import ApiScope
from interlocal.core.forms import UswdsForm


class ApiKeyForm(UswdsForm):
    name = forms.CharField(
        label="Key name",
        max_length=100,
        help_text="Where the key is used, e.g. 'ERP nightly sync'.",
    )
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )
