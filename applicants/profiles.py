"""The profile as plain data: the JSON contract in DESIGN.md that the pure core reads."""

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from applicants.forms import ProfileForm
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
# Keys without a neutral default: leaving out Step 2 CK must not silently mean "not taken".
REQUIRED_KEYS: tuple[str, ...] = ("visa", "graduation_year", "step2_score")
DEFAULTS: dict[str, Any] = {
    "step1_attempts": 1,
    "step1_score": None,
    "step2_attempts": 1,
    "step3_score": None,
    "usce_months": 0,
    "observership_months": 0,
    "neuro_publications": 0,
    "neuro_presentations": 0,
    "us_neuro_letters": 0,
    "preferred_states": [],
    "preferred_regions": [],
    "excluded_states": [],
    "list_size": 100,
}
NULLABLE_KEYS = frozenset({"step1_score", "step2_score", "step3_score"})
LIST_KEYS = frozenset({"preferred_states", "preferred_regions", "excluded_states"})
TEXT_KEYS = frozenset({"visa"})


class ProfileDataError(ValueError):
    """A profile dict that does not follow the contract; `messages` name each key and value."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def profile_data(profile: Profile) -> dict[str, Any]:
    """The profile (or scenario) as the DESIGN.md profile JSON dict."""
    return {key: getattr(profile, key) for key in PROFILE_KEYS}


def form_data(data: Mapping[str, Any]) -> QueryDict:
    """Profile values as the form data `ProfileForm` reads (None as empty, lists as lists)."""
    result = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            result.setlist(key, [str(item) for item in value])
        elif value is None:
            result[key] = ""
        else:
            result[key] = str(int(value)) if isinstance(value, float) else str(value)
    return result


def _type_error(key: str, value: Any) -> str | None:
    if key in TEXT_KEYS:
        return None if isinstance(value, str) else f"{key}: must be text, not {value!r}."
    if key in LIST_KEYS:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return None
        return f'{key}: must be a list of text codes such as ["TX"], not {value!r}.'
    if value is None and key in NULLABLE_KEYS:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "a whole number or null" if key in NULLABLE_KEYS else "a whole number"
        return f"{key}: must be {kind}, not {value!r}."
    if isinstance(value, float) and not value.is_integer():
        return f"{key}: must be a whole number, not {value!r}."
    return None


def validate_profile_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a DESIGN.md profile dict and return it complete and clean.

    Unknown keys, missing required keys, wrong types and out-of-range values raise
    `ProfileDataError` listing every problem. Missing optional keys get the model defaults.
    Bounds are the profile form's (one set of bounds for the web and for JSON).
    """
    if not isinstance(data, Mapping):
        raise ProfileDataError([f"The profile must be a JSON object, not {type(data).__name__}."])
    messages = [
        f"{key}: unknown key (allowed keys: {', '.join(PROFILE_KEYS)})."
        for key in data
        if key not in PROFILE_KEYS
    ]
    messages += [f"{key}: missing (required)." for key in REQUIRED_KEYS if key not in data]
    values = {**DEFAULTS, **{key: data[key] for key in PROFILE_KEYS if key in data}}
    for key in PROFILE_KEYS:
        if key in values and (problem := _type_error(key, values[key])) is not None:
            messages.append(problem)
    # Every problem at once: the form's bounds for the keys whose type was fine.
    reported = {message.split(":", 1)[0] for message in messages}
    form = ProfileForm(form_data(values))
    if not form.is_valid():
        messages += [
            f"{key}: {message.rstrip('.')} (got {values.get(key)!r})."
            for key, errors in form.errors.as_data().items()
            if key not in reported
            for error in errors
            for message in error.messages
        ]
    if messages:
        raise ProfileDataError(messages)
    return {key: form.cleaned_data[key] for key in PROFILE_KEYS}
