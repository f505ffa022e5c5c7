"""Profiles and scenarios: the profile as plain data, shown as values, read and written.

`profile_data` is the profile JSON (README, "Profile JSON") the pure core reads;
`shown_profile` is the one way a profile is shown as label → value (the scenarios page and
the export's Summary sheet).
Parsing input (the web form, a JSON file) is `applicants.forms`' job.
"""

from collections.abc import Collection, Mapping
from itertools import chain, count
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from applicants.edits import and_list, changed_since
from applicants.locks import lock_applicant, lock_profile
from applicants.models import PROFILE_ORDER, Profile, Visa
from applicants.scoring import PROFILE_KEYS
from programs.geography import STATE_NAMES

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
    """The profile (or scenario) as the profile JSON dict (README, "Profile JSON")."""
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
#
# Every write takes the applicant's lock first (`applicants.locks`): two tabs saving, naming,
# activating or deleting at once queue behind each other, and the second sees what the first
# did. The database constraints stay as the last guard; what they refuse comes back as a
# `ProfileError` with a message, never as a server error.


class ProfileError(Exception):
    """A profile write that cannot be done as asked, with a message for the user."""


class ProfileExists(ProfileError):
    """A first profile was saved in another window while this one was being filled in."""

    def __init__(self, profile: Profile) -> None:
        super().__init__(
            "Your profile was saved in another window while you filled in this one, and it "
            "holds different values. What you entered here is below and not saved yet: save "
            "again to keep it, or reload the page to see the saved profile."
        )
        self.profile = profile


class BaseProfileDeletion(ProfileError):
    """The base profile cannot be deleted: scenarios are copies of it."""

    def __init__(self) -> None:
        super().__init__("Your base profile cannot be deleted: scenarios are copies of it.")


class StaleProfile(ProfileError):
    """Values this save changes were changed elsewhere since the page that saves was opened."""

    def __init__(self, profile: Profile, names: list[str]) -> None:
        labels = [LABELS.get(name) or Profile._meta.get_field(name).verbose_name for name in names]
        super().__init__(
            f"{and_list(labels)} changed in another tab or on another device since you opened "
            "this page, so nothing was saved. What you entered is below, with the saved value "
            "under each of those fields: save again to keep yours, or reload to see the saved "
            "profile."
        )
        self.profile = profile  # as stored now
        self.names = names


def preferred_and_excluded(preferred: Collection[str], excluded: Collection[str]) -> str:
    """What is wrong when states are both preferred and excluded ("" when none are)."""
    both = [state for state in excluded if state in preferred]
    if not both:
        return ""
    names = ", ".join(STATE_NAMES.get(state, state) for state in both)
    return f"{names} cannot be both preferred and excluded: untick one of the two."


class ProfileGone(ProfileError):
    """The profile or scenario was deleted (in another window) before this write."""

    def __init__(self, profile: Profile) -> None:
        super().__init__(
            f"“{profile.name}” was deleted in another window, so nothing was changed. "
            "Reload to see your profiles as they are now."
        )
        self.profile = profile  # as it was


def _name_taken(user_id: int, name: str, *, exclude: Profile | None = None) -> ProfileError | None:
    taken = Profile.objects.filter(user_id=user_id, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        return ProfileError(f"You already have a profile or scenario named “{name}”.")
    return None


def unused_name(user: AbstractBaseUser, name: str) -> str:
    """`name`, else `name 2`, `name 3`…: the first the user has no profile or scenario called."""
    taken = {n.casefold() for n in Profile.objects.filter(user=user).values_list("name", flat=True)}
    names = chain([name], (f"{name} {number}" for number in count(2)))
    return next(candidate for candidate in names if candidate.casefold() not in taken)


def _current(profile: Profile) -> Profile:
    """The profile as the database holds it now (call after `lock_applicant`)."""
    current = Profile.objects.filter(pk=profile.pk).first()
    if current is None:
        raise ProfileGone(profile)
    return current


@transaction.atomic
def create_profile(*, user: AbstractBaseUser, data: Mapping[str, Any]) -> Profile:
    """The user's base profile; it becomes active unless another profile is.

    Raises `ProfileExists` when another window saved a different first profile meanwhile;
    the same values saved twice (a double click) give the one profile.
    """
    lock_applicant(user.pk)
    existing = Profile.objects.filter(user=user, based_on__isnull=True).first()
    if existing is not None:
        if all(getattr(existing, key) == value for key, value in data.items()):
            return existing
        raise ProfileExists(existing)
    active = Profile.objects.filter(user=user, active=True).exists()
    return Profile.objects.create(user=user, active=not active, **data)


@transaction.atomic
def update_profile(
    *, profile: Profile, data: Mapping[str, Any], based_on: Mapping[str, Any] | None = None
) -> Profile:
    """Save the changed values of a profile or scenario and return it as stored now.

    Only the fields in `data` are written; the others keep what is stored. `based_on` holds
    what the page that saves showed of those fields: when one of them was changed elsewhere
    since, or another tab's states and these would make a state both preferred and excluded,
    `StaleProfile` names them and nothing is written. `ProfileGone` if it was deleted.
    """
    lock_applicant(profile.user_id)
    current = _current(profile)
    stale = changed_since(current, data, based_on or {})
    places = ("preferred_states", "excluded_states")
    merged = [data[key] if key in data else getattr(current, key) for key in places]
    if not stale and preferred_and_excluded(*merged):
        stale = [key for key in places if key not in data]  # the list changed elsewhere
    if stale:
        raise StaleProfile(current, stale)
    if data:
        for key, value in data.items():
            setattr(current, key, value)
        current.save(update_fields=[*data, "updated_at"])
    return current


@transaction.atomic
def create_scenario(
    *, source: Profile, name: str, changes: Mapping[str, Any] | None = None
) -> Profile:
    """A named what-if copy of `source` (base or scenario), optionally with changes applied."""
    lock_applicant(source.user_id)
    source = _current(source)
    if (taken := _name_taken(source.user_id, name)) is not None:
        raise taken
    data = {**profile_data(source), **(changes or {})}
    return Profile.objects.create(
        user=source.user,
        name=name,
        based_on_id=source.based_on_id or source.pk,
        active=False,
        **{key: data[key] for key in PROFILE_KEYS},
    )


@transaction.atomic
def rename_profile(*, profile: Profile, name: str) -> Profile:
    lock_applicant(profile.user_id)
    _current(profile)
    if (taken := _name_taken(profile.user_id, name, exclude=profile)) is not None:
        raise taken
    profile.name = name
    profile.save(update_fields=["name", "updated_at"])
    return profile


@transaction.atomic
def activate_profile(profile: Profile) -> None:
    """Make this profile or scenario the one lists and scores are shown for."""
    lock_applicant(profile.user_id)
    _current(profile)
    Profile.objects.filter(user_id=profile.user_id, active=True).exclude(pk=profile.pk).update(
        active=False
    )
    # `updated_at` is left alone: it says when the profile's data last changed, and a list
    # built since then is still current (the page cache keys on the active profile too).
    Profile.objects.filter(pk=profile.pk, active=False).update(active=True)
    profile.active = True


@transaction.atomic
def delete_scenario(profile: Profile) -> None:
    """Delete a scenario; if it was active, the base profile becomes active again.

    A scenario deleted in another window meanwhile is simply gone: nothing to do.
    """
    if not profile.is_scenario:
        raise BaseProfileDeletion
    lock_applicant(profile.user_id)
    if not lock_profile(profile.pk):
        return
    current = Profile.objects.get(pk=profile.pk)
    current.delete()
    if current.active:
        activate_profile(Profile.objects.get(pk=current.based_on_id))
