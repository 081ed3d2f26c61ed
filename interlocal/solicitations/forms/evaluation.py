"""The Advisory Board's vote, the committee, declarations, score sheets and the award."""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from interlocal.accounts.models import User
from interlocal.accounts.roles import OrgKind, Role
from interlocal.solicitations import services
from interlocal.solicitations.forms.common import DateInput
from interlocal.solicitations.models import Proposal, ReviewVote, Score


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label="Your vote",
        choices=ReviewVote.Choice.choices,
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you return it: say what must change.",
    )


class UserField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        agencies = sorted(
            {m.organization.name for m in obj.memberships.all() if m.organization.agency_id}
        )
        return f"{obj} — {', '.join(agencies)} ({obj.email})"


def evaluators() -> QuerySet[User]:
    """People at public agencies who can sit on a committee (suppliers' staff never)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization__kind=OrgKind.AGENCY,
            memberships__organization__is_active=True,
        )
        .exclude(memberships__role=Role.SUPPLIER_REP)
        .distinct()
    )


def evaluator_choices(lead_agency_id: int | None, exclude: Iterable[int] = ()) -> QuerySet[User]:
    """The short list to choose from: the lead agency's people and the Advisory Board (anyone
    else at a public agency is appointed by email: the list of every agency user would run to
    tens of thousands)."""
    return (
        evaluators()
        .filter(
            Q(memberships__organization__agency_id=lead_agency_id)
            | Q(memberships__role=Role.ADVISORY_MEMBER)
        )
        .exclude(pk__in=list(exclude))
        .prefetch_related("memberships__organization")
        .order_by("full_name", "email")
    )


class AppointForm(forms.Form):
    user = UserField(
        label="Evaluator",
        required=False,
        queryset=User.objects.none(),
        empty_label="- Choose from the lead agency and the Advisory Board -",
    )
    email = forms.EmailField(
        label="Or the email of someone at another public agency",
        required=False,
        help_text="They must already sign in to the program as a member of their agency.",
    )

    def __init__(
        self,
        *args: Any,
        lead_agency_id: int | None = None,
        exclude: Iterable[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.exclude = list(exclude)
        self.fields["user"].queryset = evaluator_choices(  # type: ignore[attr-defined]
            lead_agency_id, self.exclude
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, email = data.get("user"), data.get("email")
        if bool(chosen) == bool(email):
            if not self.errors:
                raise ValidationError("choose one evaluator from the list, or give one email")
            return data
        if email:
            found = evaluators().filter(email__iexact=email).first()
            if found is None:
                self.add_error(
                    "email",
                    f"nobody at a public agency signs in with {email}: ask them to register "
                    f"with their agency first",
                )
            elif found.pk in self.exclude:
                self.add_error("email", f"{found} is already on the committee")
            data["user"] = found
        return data


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label="Do you have a conflict of interest with any proposer?",
        choices=[
            ("no", "No. I have no financial, family or personal interest in any proposer."),
            ("yes", "Yes. I have a conflict and recuse myself from this evaluation."),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "usa-radio__input"}),
    )
    statement = forms.CharField(
        label="Statement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you declare a conflict: describe it.",
    )
    signed_name = forms.CharField(label="Type your full name to sign", max_length=150)


class ScoreSheetForm(forms.Form):
    """One member's scores: a select (0-10) and a comment for each proposal and criterion."""

    POINTS = [("", "—"), *[(str(n), str(n)) for n in range(Score.MAX + 1)]]

    def __init__(
        self,
        *args: Any,
        proposals: Sequence[Proposal],
        criteria: Sequence[Any],
        existing: dict[tuple[int, int], Score],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.proposals, self.criteria, self.existing = proposals, criteria, existing
        for p in proposals:
            for c in criteria:
                score = existing.get((p.pk, c.pk))
                self.fields[self._points(p, c)] = forms.TypedChoiceField(
                    label=f"Score of {p.supplier} on {c.name}",
                    choices=self.POINTS,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=score.points if score else "",
                )
                self.fields[self._comment(p, c)] = forms.CharField(
                    label=f"Comment on {p.supplier}, {c.name}",
                    required=False,
                    initial=score.comment if score else "",
                )

    @staticmethod
    def _points(p: Proposal, c: Any) -> str:
        return f"p{p.pk}_c{c.pk}_points"

    @staticmethod
    def _comment(p: Proposal, c: Any) -> str:
        return f"p{p.pk}_c{c.pk}_comment"

    def sheets(self) -> list[tuple[Proposal, list[tuple[Any, Any, Any]]]]:
        """For the template: each proposal with its rows of (criterion, points, comment)."""
        return [
            (p, [(c, self[self._points(p, c)], self[self._comment(p, c)]) for c in self.criteria])
            for p in self.proposals
        ]

    def changes(self) -> list[tuple[Proposal, Any, int, str]]:
        """The cells whose points or comment differ from what is saved (blank cells are left
        unscored)."""
        changed = []
        for p in self.proposals:
            for c in self.criteria:
                points = self.cleaned_data[self._points(p, c)]
                comment = self.cleaned_data[self._comment(p, c)].strip()
                if points is None:
                    continue
                saved = self.existing.get((p.pk, c.pk))
                if saved is None or (saved.points, saved.comment) != (points, comment):
                    changed.append((p, c, points, comment))
        return changed


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason for cancelling (published with the notice)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProposalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.supplier)


class RecommendForm(forms.Form):
    proposal_ids = ProposalChoiceField(
        label="Proposals recommended for award",
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
        help_text="Each becomes a master agreement once the Advisory Board approves.",
    )
    memo = forms.CharField(
        label="Recommendation memo",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why these proposals: it is published with the award.",
    )

    def __init__(self, *args: Any, proposals: QuerySet[Proposal] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if proposals is not None:
            self.fields["proposal_ids"].queryset = proposals  # type: ignore[attr-defined]


class AwardForm(forms.Form):
    effective_on = forms.DateField(label="Agreements effective on", widget=DateInput())
    initial_term_months = forms.IntegerField(
        label="Initial term, in months", min_value=1, max_value=120, initial=36
    )
    renewal_months = forms.CharField(
        label="Renewal options, in months",
        required=False,
        initial="12,12",
        help_text="One number per option, separated by commas: 12,12 is two one-year renewals. "
        "Leave empty for none.",
    )

    def clean_renewal_months(self) -> list[int]:
        text = self.cleaned_data["renewal_months"]
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() and int(p) > 0 for p in parts):
            raise ValidationError(
                "write each renewal option as a number of months, separated by commas: 12,12"
            )
        return [int(p) for p in parts]

    def terms(self) -> services.AwardTerms:
        return services.AwardTerms(
            effective_on=self.cleaned_data["effective_on"],
            initial_term_months=self.cleaned_data["initial_term_months"],
            renewal_months=self.cleaned_data["renewal_months"],
        )
