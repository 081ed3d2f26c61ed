from typing import Any

from django import forms

_WIDGET_CLASSES = {
    forms.Select: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
}


class UswdsForm(forms.Form):
    """A form whose widgets carry the U.S. Web Design System classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next(
                (c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "usa-input"
            )
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
