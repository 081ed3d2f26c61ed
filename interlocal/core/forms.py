"""Form helpers every app's views share."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(
    form: forms.BaseForm, exc: ValidationError, *, aliases: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """Put a service's refusal on ``form``: a message about a field goes under that field
    (``aliases`` maps the service's name to the form's), the rest to the whole form. Returns
    messages about names the form does not have and ``aliases`` maps to ``""`` (the caller
    shows them where they belong, e.g. the criteria table)."""
    aliases = aliases or {}
    elsewhere: dict[str, list[str]] = {}
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return elsewhere
    for name, messages in exc.message_dict.items():
        target = aliases.get(name, name)
        if target == "":
            elsewhere.setdefault(name, []).extend(messages)
            continue
        for message in messages:
            form.add_error(target if target in form.fields else None, message)
    return elsewhere
