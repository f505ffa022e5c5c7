"""Estimated chances in templates, written the one way `scoring.estimate_percent` writes them."""

from django import template

from applicants.scoring import estimate_percent

register = template.Library()


@register.filter
def chance(share: float | None) -> str:
    """`{{ outlook.match_chance|chance }}` → "42 %", "< 1 %" or "> 99 %"; "—" when unknown."""
    if share is None or share == "":
        return "—"
    return estimate_percent(share)
