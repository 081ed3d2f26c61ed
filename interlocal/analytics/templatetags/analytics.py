"""Template helpers of the analytics tables."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(row: dict[str, Any], key: str) -> Any:
    """A row's value by column key (``row|get:column.key``)."""
    return row.get(key)
