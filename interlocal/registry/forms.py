from django import forms

from interlocal.core.models import State
from interlocal.registry.models import AgencyType, CertificationKind


def _state_choices() -> list[tuple[str, str]]:
    return [("", "All states")] + [(s.postal, s.name) for s in State.objects.order_by("name")]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Name or Census ID", required=False, max_length=100)
    state = forms.ChoiceField(required=False, choices=_state_choices)
    agency_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "All types"), *AgencyType.choices]
    )
    participating = forms.ChoiceField(
        label="Participation",
        required=False,
        choices=[("", "All"), ("yes", "Participating"), ("no", "Not yet participating")],
    )


class SupplierFilterForm(forms.Form):
    q = forms.CharField(label="Company name", required=False, max_length=100)
    certification = forms.ChoiceField(
        label="Certification in force",
        required=False,
        choices=[("", "Any"), *CertificationKind.choices],
    )


class RegistrationForm(forms.Form):
    """Step 2 of registration: the contact and the signature (the agency comes from step 1)."""

    proposed_name = forms.CharField(
        label="Legal name of the entity", required=False, max_length=200
    )
    proposed_type = forms.ChoiceField(
        label="Kind of entity", required=False, choices=[("", "- Select -"), *AgencyType.choices]
    )
    proposed_state = forms.CharField(label="State (two letters)", required=False, max_length=2)
    proposed_city = forms.CharField(label="City", required=False, max_length=100)
    ein = forms.CharField(
        label="EIN (non-profits and private colleges)",
        required=False,
        max_length=12,
        help_text="Nine digits, as on your IRS letter.",
    )
    contact_name = forms.CharField(label="Your full name", max_length=150)
    contact_title = forms.CharField(label="Your title", required=False, max_length=150)
    contact_email = forms.EmailField(
        label="Your work email", help_text="Use your address at the agency's own domain."
    )
    contact_phone = forms.CharField(label="Phone", required=False, max_length=40)
    accepted_terms = forms.BooleanField(
        label="I have authority to register this agency and accept the participation terms",
        required=True,
    )
    signed_name = forms.CharField(label="Type your name to sign", max_length=150)
