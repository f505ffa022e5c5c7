"""Bands in templates: a badge that carries its meaning in numbers, and the legend.

Both read `applicants.scoring.BANDS`, the one definition of what each band means.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from applicants.models import ELIGIBLE_BANDS
from applicants.scoring import BANDS

register = template.Library()


@register.simple_tag
def band_badge(key: str, count: int | None = None) -> SafeString:
    """The band's badge: its label (after `count`, when given) and, on hover, its meaning."""
    band = BANDS.get(str(key))
    if band is None:
        return format_html('<span class="muted">—</span>')
    shown = band.label if count is None else f"{band.label}: {count}"
    return format_html(
        '<span class="badge badge-{}" title="{}">{}</span>', band.key, band.meaning, shown
    )


@register.simple_tag
def band_legend() -> SafeString:
    """What each band means in numbers, for every page that shows bands."""
    items = format_html_join(
        "",
        '<li><span class="badge badge-{}">{}</span> {} chance of an interview</li>',
        ((BANDS[key].key, BANDS[key].label, BANDS[key].range) for key in ELIGIBLE_BANDS),
    )
    return format_html(
        '<ul class="band-legend" aria-label="What the bands mean">{}'
        '<li class="muted">Chances are estimates for applicants like you, never promises.</li>'
        "</ul>",
        items,
    )
