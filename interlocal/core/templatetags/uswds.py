"""Render any Django form field with the U.S. Web Design System classes."""

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()

_CLASSES = [
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
]


@register.filter
def uswds(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    css = next((c for t, c in _CLASSES if isinstance(widget, t)), "usa-input")
    existing = widget.attrs.get("class", "")
    if css not in existing.split():
        existing = f"{existing} {css}".strip()
    if field.errors and css == "usa-input":
        existing += " usa-input--error"
    attrs = {"class": existing}
    if field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}-hint"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def changes(event: object) -> list[tuple[str, object, object]]:
    """An audit event's before/after as rows of (field, before, after), changed fields only
    when both sides are known."""
    before = getattr(event, "before", None) or {}
    after = getattr(event, "after", None) or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("value", before, after)]
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key, ""), after.get(key, "")
        if before and after and old == new:
            continue
        rows.append((key, old, new))
    return rows


@register.filter
def plain(value: object) -> str:
    """A stored JSON value as a person reads it: 'county: 48, township: 162'."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {plain(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(plain(item) for item in value)
    return str(value)
