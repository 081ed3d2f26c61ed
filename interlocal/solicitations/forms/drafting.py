"""The notice board's filters and the drafting forms: the solicitation's terms, its criteria,
starting from a prior solicitation, documents and advertisements."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from interlocal.accounts.models import User
from interlocal.accounts.roles import Role
from interlocal.core.models import CategoryCode, State
from interlocal.registry.models import Agency
from interlocal.solicitations import services
from interlocal.solicitations.forms.common import (
    DateInput,
    DescribedFilesMixin,
    TimeInput,
    file_widget,
    time_zone_choices,
)
from interlocal.solicitations.models import Method, Scope
from interlocal.solicitations.models.solicitation import DEFAULT_COOPERATIVE_CLAUSE, DocumentKind

# A starting point a new draft shows: the criteria most cooperative RFPs weigh. The officer
# edits them; the Advisory Board reviews them.
SUGGESTED_CRITERIA = [
    {"name": "Pricing", "weight": 40, "description": "Contract prices and discounts offered."},
    {
        "name": "Products and services offered",
        "weight": 25,
        "description": "Breadth and quality of what the supplier offers under the agreement.",
    },
    {
        "name": "National distribution and capacity",
        "weight": 20,
        "description": "Ability to serve participating agencies in every state.",
    },
    {
        "name": "Qualifications and references",
        "weight": 15,
        "description": "Experience with public agencies, references, value-added services.",
    },
]

MAX_CRITERIA = 20


STATUS_FILTERS = [
    ("open", "Open for proposals"),
    ("evaluation", "Closed — under evaluation or award review"),
    ("awarded", "Awarded"),
    ("cancelled", "Cancelled"),
    ("all", "All published notices"),
]


def _category_filter_choices() -> list[tuple[str, Any]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    tops: list[CategoryCode] = []
    for c in CategoryCode.objects.select_related("parent").order_by("code"):
        if c.parent is None:
            tops.append(c)
            groups.setdefault(c.code, [(c.code, f"All of {c.title}")])
        else:
            groups.setdefault(c.parent.code, []).append((c.code, c.title))
    return [("", "All categories")] + [(top.title, groups[top.code]) for top in tops]


def _state_choices() -> list[tuple[str, str]]:
    return [("", "All states")] + [(s.postal, s.name) for s in State.objects.order_by("name")]


class NoticeFilterForm(forms.Form):
    category = forms.ChoiceField(required=False)
    state = forms.ChoiceField(label="Lead agency's state", required=False)
    status = forms.ChoiceField(required=False, choices=STATUS_FILTERS, initial="open")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read once per request (a callable would be read again to render).
        self.fields["category"].choices = _category_filter_choices()  # type: ignore[attr-defined]
        self.fields["state"].choices = _state_choices()  # type: ignore[attr-defined]


class LeadAgencyField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.state.postal}"


def lead_agency_choices(user: User) -> QuerySet[Agency]:
    """Agencies a person may draft for: their own as a lead-agency officer; for the program
    office, every agency that has lead-agency officers to administer the agreements."""
    own = [o.agency_id for o in user.organizations_with(Role.LEAD_AGENCY_OFFICER) if o.agency_id]
    agencies = Agency.objects.select_related("state").order_by("name")
    if user.has_role(Role.PROGRAM_ADMIN):
        return agencies.filter(
            Q(pk__in=own)
            | Q(
                organization__is_active=True,
                organization__memberships__role=Role.LEAD_AGENCY_OFFICER,
            )
        ).distinct()
    return agencies.filter(pk__in=own)


class LeadAgencyMixin(forms.Form):
    """Asks for the lead agency when the person may draft for more than one (the program office
    always chooses)."""

    def setup_lead_agency(self, agencies: QuerySet[Agency] | None, *, ask: bool) -> None:
        self.fixed_agency: Agency | None = None
        if agencies is None:
            return
        choices = list(agencies[:2])
        if len(choices) == 1 and not ask:
            self.fixed_agency = choices[0]
            return
        self.fields = {
            "lead_agency": LeadAgencyField(
                queryset=agencies,
                label="Lead agency",
                empty_label="- Select the lead agency -",
                help_text="The public agency that runs the solicitation and will administer "
                "the master agreements.",
            ),
            **self.fields,
        }

    def chosen_agency(self) -> Agency | None:
        return self.fixed_agency or self.cleaned_data.get("lead_agency")


class SolicitationForm(LeadAgencyMixin):
    number = forms.CharField(
        label="Solicitation number",
        max_length=40,
        help_text="Your agency's number, e.g. RFP-2026-014. No two solicitations in the "
        "program share a number.",
    )
    title = forms.CharField(max_length=200)
    scope = forms.ChoiceField(choices=[("", "- Select -"), *Scope.choices])
    method = forms.ChoiceField(
        label="Competitive method", choices=Method.choices, initial=Method.RFP
    )
    category_codes = forms.MultipleChoiceField(
        label="Categories",
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        help_text="What participating agencies will buy under the agreements.",
    )
    description = forms.CharField(
        label="Scope of work and specifications",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    cooperative_clause = forms.CharField(
        label="Cooperative purchasing clause",
        widget=forms.Textarea(attrs={"rows": 9}),
        initial=DEFAULT_COOPERATIVE_CLAUSE,
        help_text="What lets every participating agency use the master agreements. Start from "
        "the program's standard text; change it only on your counsel's advice.",
    )
    estimated_national_volume = forms.CharField(
        label="Estimated national volume, in dollars a year",
        required=False,
        max_length=30,
        help_text="All participating agencies together, e.g. 25,000,000. Suppliers size their "
        "offers on it.",
    )
    due_date = forms.DateField(label="Proposals due: date", widget=DateInput())
    due_time = forms.TimeField(
        label="Proposals due: time", widget=TimeInput(), initial=datetime.time(14, 0)
    )
    time_zone = forms.ChoiceField(
        label="Time zone of the due time",
        # Empty: the service takes the lead agency's (the program office drafts for many).
        choices=lambda: [("", "- The lead agency's time zone -"), *time_zone_choices()],
        required=False,
        help_text="The lead agency's, unless the notice says otherwise.",
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency] | None = None,
        ask_agency: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_lead_agency(agencies, ask=ask_agency)
        codes = list(CategoryCode.objects.select_related("parent").order_by("code"))
        self._groups = {c.code: (c.parent.title if c.parent else c.title) for c in codes}
        # Leaves only: a solicitation names what is bought, the tree's top levels are headings.
        parents = {c.parent_id for c in codes if c.parent_id}
        self.fields["category_codes"].choices = [  # type: ignore[attr-defined]
            (c.code, c.title) for c in codes if c.pk not in parents
        ]

    def category_groups(self) -> list[tuple[str, list[Any]]]:
        """The category checkboxes under their headings, for the template."""
        groups: dict[str, list[Any]] = {}
        for box in self["category_codes"]:
            groups.setdefault(self._groups.get(str(box.data["value"]), ""), []).append(box)
        return list(groups.items())

    def terms(self, criteria: list[services.Criterion]) -> services.SolicitationTerms:
        data = self.cleaned_data
        return services.SolicitationTerms(
            number=data["number"],
            title=data["title"],
            scope=data["scope"],
            method=data["method"],
            description=data["description"],
            due_local=datetime.datetime.combine(data["due_date"], data["due_time"]),
            time_zone=data["time_zone"],
            category_codes=list(data["category_codes"]),
            cooperative_clause=data["cooperative_clause"],
            estimated_national_volume=data["estimated_national_volume"],
            criteria=criteria,
        )

    @staticmethod
    def initial_from(terms: services.SolicitationTerms) -> dict[str, Any]:
        return {
            "number": terms.number,
            "title": terms.title,
            "scope": terms.scope,
            "method": terms.method,
            "description": terms.description,
            "cooperative_clause": terms.cooperative_clause,
            "estimated_national_volume": terms.estimated_national_volume.removesuffix(".00"),
            "category_codes": terms.category_codes,
            "due_date": terms.due_local.date(),
            "due_time": terms.due_local.time(),
            "time_zone": terms.time_zone,
        }


# The drafting service names the date ``due_local``; the form asks for it in two inputs.
DRAFT_ERROR_ALIASES = {"due_local": "due_date", "criteria": ""}


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=120, required=False)
    weight = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "weight-input"}),
    )
    description = forms.CharField(label="What evaluators look for", required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("name", "").strip() and data.get("weight") is None


CriterionFormSet = forms.formset_factory(
    CriterionForm, extra=3, max_num=MAX_CRITERIA, absolute_max=MAX_CRITERIA
)


def criteria_formset(
    data: Any = None, initial: Sequence[dict[str, Any]] | None = None
) -> forms.BaseFormSet:
    return CriterionFormSet(data, initial=initial, prefix="criteria")


def criteria_of(formset: forms.BaseFormSet) -> list[services.Criterion]:
    """The rows that were filled in (blank rows are spare lines, not criteria)."""
    return [
        services.Criterion(
            name=f.cleaned_data.get("name", ""),
            weight=f.cleaned_data.get("weight") or 0,
            description=f.cleaned_data.get("description", ""),
        )
        for f in formset.forms
        if f.is_valid() and not f.is_blank()
    ]


def weights_total(values: Iterable[str]) -> int | None:
    """The sum of the weights typed so far (None when one is not a whole number)."""
    total = 0
    for value in values:
        value = value.strip()
        if not value:
            continue
        if not value.isdigit():
            return None
        total += int(value)
    return total


class TemplateStartForm(LeadAgencyMixin):
    """A new draft from a prior solicitation: only what must differ is asked."""

    number = SolicitationForm.base_fields["number"]
    due_date = SolicitationForm.base_fields["due_date"]
    due_time = SolicitationForm.base_fields["due_time"]

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency] | None = None,
        ask_agency: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setup_lead_agency(agencies, ask=ask_agency)

    def due_local(self) -> datetime.datetime:
        return datetime.datetime.combine(
            self.cleaned_data["due_date"], self.cleaned_data["due_time"]
        )


class DocumentForm(DescribedFilesMixin):
    kind = forms.ChoiceField(label="Kind of document", choices=DocumentKind.choices)
    title = forms.CharField(
        label="Title of the document",
        max_length=200,
        required=False,
        help_text="Leave empty to use the file's name.",
    )
    file = forms.FileField(widget=file_widget())

    def __init__(self, *args: Any, terms_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if terms_fixed:
            # Once the draft leaves the officer's hands (the Board reviews it, then it is
            # published) its terms change only by a new draft or by addendum: reports and proofs
            # remain.
            late = {
                DocumentKind.ADVERTISEMENT_PROOF,
                DocumentKind.EVALUATION_REPORT,
                DocumentKind.AWARD_NOTICE,
            }
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in DocumentKind.choices if value in late
            ]


class AdvertisementForm(DescribedFilesMixin):
    medium = forms.CharField(
        label="Where it was advertised",
        max_length=200,
        help_text="Newspaper, journal or website.",
    )
    published_on = forms.DateField(label="Date of publication", widget=DateInput())
    reference = forms.CharField(
        label="Edition, page or web address", max_length=300, required=False
    )
    proof = forms.FileField(
        label="Proof of publication (optional)",
        required=False,
        widget=file_widget(),
        help_text="The tear sheet or affidavit of publication; it goes into the "
        "due-diligence packet.",
    )
