"""Tracking in templates: the status choices of a list row, the current one selected."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from applicants.models import Status

register = template.Library()


@register.simple_tag
def status_options(current: str) -> SafeString:
    """`<option>`s for every status, `current` selected: one tag instead of a loop per row."""
    return format_html_join(
        "",
        "<option value=\"{}\"{}>{}</option>",
        ((value, mark_safe(" selected") if value == current else "", label)
         for value, label in Status.choices),
    )  # fmt: skip
