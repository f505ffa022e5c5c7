"""The profile as plain data: the JSON contract in DESIGN.md that the pure core reads."""

from typing import Any

from applicants.models import Profile

PROFILE_KEYS: tuple[str, ...] = (
    "visa",
    "graduation_year",
    "step1_attempts",
    "step1_score",
    "step2_score",
    "step2_attempts",
    "step3_score",
    "usce_months",
    "observership_months",
    "neuro_publications",
    "neuro_presentations",
    "us_neuro_letters",
    "preferred_states",
    "preferred_regions",
    "excluded_states",
    "list_size",
)


def profile_data(profile: Profile) -> dict[str, Any]:
    """The profile (or scenario) as the DESIGN.md profile JSON dict."""
    return {key: getattr(profile, key) for key in PROFILE_KEYS}
