"""Reasons in templates: the one way every page lists them, each coloured by its tone."""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from applicants.reasons import Reason

register = template.Library()


@register.simple_tag
def reason_list(reasons: Iterable[Reason]) -> SafeString:
    """`{% reason_list entry.reason_items %}`: a list with each reason's sign and tone class."""
    items = format_html_join(
        "",
        '<li class="reason-{}"><span class="reason-sign" aria-hidden="true">{}</span> {}</li>',
        ((reason.tone, reason.sign, reason.text) for reason in reasons),
    )
    return format_html('<ul class="reasons">{}</ul>', items)
