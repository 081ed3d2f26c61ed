from typing import Any

from django import forms

from interlocal.accounts.models import ApiScope


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label="Key name",
        max_length=100,
        help_text="Where the key is used, e.g. 'ERP nightly sync'.",
    )
    scopes = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"})
    )

    def __init__(self, *args: Any, scopes: list[str], **kwargs: Any) -> None:
        """``scopes``: the ones the chosen organization may hold (``scopes_for``); only those
        are offered."""
        super().__init__(*args, **kwargs)
        field = self.fields["scopes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(scope, ApiScope(scope).label) for scope in scopes]
