"""Profiles and scenarios: the profile as plain data, shown as values, read and written.

`profile_data` is the DESIGN.md profile JSON the pure core reads; `shown_profile` is the one
way a profile is shown as label → value (the scenarios page and the export's Summary sheet).
Parsing input (the web form, a JSON file) is `applicants.forms`' job.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from applicants.models import PROFILE_ORDER, Profile, Visa

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
# Grouped like an application; every profile key appears exactly once.
PROFILE_FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Exams",
        (
            "graduation_year",
            "step1_score",
            "step1_attempts",
            "step2_score",
            "step2_attempts",
            "step3_score",
        ),
    ),
    ("Clinical experience", ("usce_months", "observership_months")),
    ("Research and letters", ("neuro_publications", "neuro_presentations", "us_neuro_letters")),
    ("Visa", ("visa",)),
    # Shown collapsed behind one summary line: 104 state checkboxes are one tab stop.
    ("Where you apply", ("preferred_regions", "preferred_states", "excluded_states", "list_size")),
)
PROFILE_FIELDS: tuple[str, ...] = tuple(name for _, names in PROFILE_FIELDSETS for name in names)
LABELS = {
    "graduation_year": "Year of graduation from medical school",
    "step1_score": "USMLE Step 1 score",
    "step1_attempts": "Step 1 attempts",
    "step2_score": "USMLE Step 2 CK score",
    "step2_attempts": "Step 2 CK attempts",
    "step3_score": "USMLE Step 3 score",
    "usce_months": "US clinical experience (months)",
    "observership_months": "Observerships (months)",
    "neuro_publications": "Neurology publications",
    "neuro_presentations": "Neurology abstracts and presentations",
    "us_neuro_letters": "Letters from US neurologists",
    "visa": "Visa you need",
    "preferred_regions": "Preferred regions",
    "preferred_states": "Preferred states",
    "excluded_states": "States you will not apply to",
    "list_size": "Programs to apply to",
}
# What an empty score means, as the applicant would say it.
BLANKS = {"step1_score": "Not reported", "step2_score": "Not taken", "step3_score": "Not taken"}


def profile_data(profile: Profile) -> dict[str, Any]:
    """The profile (or scenario) as the DESIGN.md profile JSON dict."""
    return {key: getattr(profile, key) for key in PROFILE_KEYS}


def shown_value(key: str, value: Any) -> object:
    """One profile value as shown to people: numbers stay numbers, the rest becomes words."""
    if key == "visa":
        return Visa(value).label if value in Visa.values else value
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "None"
    if value is None:
        return BLANKS.get(key, "")
    return value


def shown_profile(data: Mapping[str, Any]) -> dict[str, object]:
    """The profile JSON dict as label → shown value, in the form's order."""
    return {LABELS[key]: shown_value(key, data.get(key)) for key in PROFILE_FIELDS}


# Reads


def profiles_of(user: AbstractBaseUser) -> QuerySet[Profile]:
    """The user's base profile first, then the scenarios by name (on every database)."""
    return Profile.objects.filter(user=user).order_by(*PROFILE_ORDER)


def active_profile(user: AbstractBaseUser) -> Profile | None:
    """The profile or scenario scores and `/list/` use: the active one, else the base profile."""
    profiles = Profile.objects.filter(user=user)
    return profiles.filter(active=True).first() or profiles.filter(based_on__isnull=True).first()


# Writes


@transaction.atomic
def create_profile(*, user: AbstractBaseUser, data: Mapping[str, Any]) -> Profile:
    """The user's base profile; it becomes active unless another profile is."""
    active = Profile.objects.filter(user=user, active=True).exists()
    return Profile.objects.create(user=user, active=not active, **data)


@transaction.atomic
def create_scenario(
    *, source: Profile, name: str, changes: Mapping[str, Any] | None = None
) -> Profile:
    """A named what-if copy of `source` (base or scenario), optionally with changes applied."""
    data = {**profile_data(source), **(changes or {})}
    return Profile.objects.create(
        user=source.user,
        name=name,
        based_on_id=source.based_on_id or source.pk,
        active=False,
        **{key: data[key] for key in PROFILE_KEYS},
    )


def rename_profile(*, profile: Profile, name: str) -> Profile:
    profile.name = name
    profile.save(update_fields=["name", "updated_at"])
    return profile


@transaction.atomic
def activate_profile(profile: Profile) -> None:
    """Make this profile or scenario the one lists and scores are shown for."""
    Profile.objects.filter(user=profile.user, active=True).exclude(pk=profile.pk).update(
        active=False
    )
    if not profile.active:
        profile.active = True
        profile.save(update_fields=["active", "updated_at"])


class BaseProfileDeletion(Exception):
    """The base profile cannot be deleted: scenarios are copies of it."""


@transaction.atomic
def delete_scenario(profile: Profile) -> None:
    """Delete a scenario; if it was active, the base profile becomes active again."""
    if not profile.is_scenario:
        raise BaseProfileDeletion
    base = profile.based_on
    was_active = profile.active
    profile.delete()
    if was_active and base is not None:
        activate_profile(base)
