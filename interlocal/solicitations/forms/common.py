"""What every solicitation form shares: putting a service's refusal on the form, date and time
inputs, file inputs and the US time zones."""

from typing import Any

from django import forms

from interlocal.core.geography import US_TIME_ZONES

# Names a purchasing officer recognises, in the order of the map from east to west.
TIME_ZONE_NAMES = {
    "America/St_Thomas": "Atlantic — U.S. Virgin Islands",
    "America/Puerto_Rico": "Atlantic — Puerto Rico",
    "America/New_York": "Eastern",
    "America/Detroit": "Eastern — Michigan",
    "America/Indiana/Indianapolis": "Eastern — Indiana",
    "America/Kentucky/Louisville": "Eastern — Louisville, Kentucky",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Boise": "Mountain — Boise, Idaho",
    "America/Phoenix": "Mountain — Arizona (no daylight saving time)",
    "America/Los_Angeles": "Pacific",
    "America/Anchorage": "Alaska",
    "Pacific/Honolulu": "Hawaii",
    "Pacific/Pago_Pago": "Samoa — American Samoa",
    "Pacific/Guam": "Chamorro — Guam",
    "Pacific/Saipan": "Chamorro — Northern Mariana Islands",
}


def time_zone_choices() -> list[tuple[str, str]]:
    ordered = [tz for tz in TIME_ZONE_NAMES if tz in US_TIME_ZONES]
    ordered += [tz for tz in US_TIME_ZONES if tz not in TIME_ZONE_NAMES]
    return [(tz, f"{TIME_ZONE_NAMES.get(tz, tz)} ({tz})") for tz in ordered]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files in one input (Django's documented pattern)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


# A plain file input: USWDS's enhanced one replaces every input's accessible name with the same
# "Drag file here or choose from folder", so three uploads on a page could not be told apart.
FILE_INPUT_CLASS = "display-block margin-top-1"


def file_widget() -> forms.FileInput:
    return forms.FileInput(attrs={"class": FILE_INPUT_CLASS})


class DescribedFilesMixin(forms.Form):
    """Points each file input at its hint (``_form_field.html`` does it for other fields)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.FileInput) and field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"
