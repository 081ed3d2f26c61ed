"""Forms used while a solicitation is open: addenda, questions and answers, sealed proposals."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from interlocal.solicitations.forms.common import (
    FILE_INPUT_CLASS,
    DateInput,
    DescribedFilesMixin,
    MultipleFileField,
    MultipleFileInput,
    TimeInput,
    file_widget,
)


class AddendumForm(forms.Form):
    title = forms.CharField(label="Title of the addendum", max_length=200)
    body = forms.CharField(label="What changes", widget=forms.Textarea(attrs={"rows": 5}))
    new_due_date = forms.DateField(
        label="New due date (only if the addendum moves it)",
        required=False,
        widget=DateInput(),
    )
    new_due_time = forms.TimeField(label="New due time", required=False, widget=TimeInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("new_due_date")) != bool(data.get("new_due_time")):
            raise ValidationError("give both the new due date and the new due time, or neither")
        return data

    def new_due_local(self) -> datetime.datetime | None:
        date, time = self.cleaned_data.get("new_due_date"), self.cleaned_data.get("new_due_time")
        return datetime.datetime.combine(date, time) if date and time else None


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The lead agency publishes the answer for every proposer, without your name.",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer (published for everyone)", widget=forms.Textarea(attrs={"rows": 3})
    )


class ProposalForm(DescribedFilesMixin):
    technical = forms.FileField(
        label="Technical proposal",
        widget=file_widget(),
        help_text="Your response to the scope of work and the evaluation criteria (PDF preferred).",
    )
    price_file = forms.FileField(
        label="Price file",
        widget=file_widget(),
        help_text="Your prices, on the pricing form or as a spreadsheet (CSV or XLSX).",
    )
    others = MultipleFileField(
        label="Other documents (optional)",
        required=False,
        widget=MultipleFileInput(attrs={"class": FILE_INPUT_CLASS}),
        help_text="Forms, certificates, references. You may choose several files.",
    )
