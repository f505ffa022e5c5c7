import pytest
from django.utils import timezone

from applicants.forms import (
    SHARE_FIELD,
    ProfileDataError,
    ProfileForm,
    form_data,
    validate_profile_data,
)
from applicants.profiles import PROFILE_FIELDS, PROFILE_KEYS, profile_data
from tests.factories import make_profile, make_profile_data

# The form checks the model's constraints too, which asks the database.
pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.now().year + 1

# (key, lowest allowed, highest allowed)
BOUNDS = [
    ("graduation_year", 1960, NEXT_YEAR),
    ("step1_score", 1, 300),
    ("step2_score", 1, 300),
    ("step3_score", 1, 300),
    ("step1_attempts", 1, 6),
    ("step2_attempts", 1, 6),
    ("usce_months", 0, 120),
    ("observership_months", 0, 120),
    ("neuro_publications", 0, 200),
    ("neuro_presentations", 0, 200),
    ("us_neuro_letters", 0, 200),
    ("list_size", 30, 200),
]


def _errors(data: dict) -> list[str]:
    with pytest.raises(ProfileDataError) as raised:
        validate_profile_data(data)
    return raised.value.messages


def test_the_form_has_exactly_the_profile_keys_and_the_outcomes_opt_in():
    assert sorted(PROFILE_FIELDS) == sorted(PROFILE_KEYS)
    assert sorted(ProfileForm.base_fields) == sorted([*PROFILE_KEYS, SHARE_FIELD])


def test_the_design_example_is_valid_and_comes_back_unchanged():
    data = {
        "visa": "j1",
        "graduation_year": 2021,
        "step1_attempts": 1,
        "step1_score": None,
        "step2_score": 232,
        "step2_attempts": 1,
        "step3_score": None,
        "usce_months": 3,
        "observership_months": 2,
        "neuro_publications": 1,
        "neuro_presentations": 2,
        "us_neuro_letters": 2,
        "preferred_states": ["TX"],
        "preferred_regions": ["Midwest"],
        "excluded_states": [],
        "list_size": 100,
    }
    assert validate_profile_data(data) == data


def test_missing_optional_keys_get_neutral_defaults():
    cleaned = validate_profile_data({"visa": "none", "graduation_year": 2022, "step2_score": 240})
    assert list(cleaned) == list(PROFILE_KEYS)
    assert cleaned["step1_attempts"] == cleaned["step2_attempts"] == 1
    assert cleaned["step1_score"] is None and cleaned["step3_score"] is None
    assert cleaned["usce_months"] == cleaned["us_neuro_letters"] == 0
    assert cleaned["preferred_states"] == cleaned["excluded_states"] == []
    assert cleaned["list_size"] == 100


def test_missing_required_keys_are_each_named():
    messages = _errors({"list_size": 100})
    assert "visa: missing (required)." in messages
    assert "graduation_year: missing (required)." in messages
    assert "step2_score: missing (required)." in messages


def test_an_unknown_key_is_named_with_the_allowed_keys():
    messages = _errors(make_profile_data(step_2_score=240))
    assert len(messages) == 1
    assert messages[0].startswith("step_2_score: unknown key")
    assert "step2_score" in messages[0]


def test_something_that_is_not_an_object_is_rejected():
    assert _errors(["visa", "j1"]) == ["The profile must be a JSON object, not list."]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("step2_score", "232"),
        ("step2_score", 231.5),
        ("graduation_year", True),
        ("graduation_year", None),
        ("usce_months", None),
        ("list_size", [100]),
        ("visa", 1),
        ("preferred_states", "TX"),
        ("excluded_states", [1]),
        ("preferred_regions", {"Midwest": True}),
    ],
)
def test_a_value_of_the_wrong_type_is_named_with_the_value(key, value):
    messages = _errors(make_profile_data(**{key: value}))
    assert len(messages) == 1
    assert messages[0].startswith(f"{key}: must be")
    assert repr(value) in messages[0]


def test_a_whole_number_written_as_a_float_is_accepted():
    assert validate_profile_data(make_profile_data(step2_score=240.0))["step2_score"] == 240


@pytest.mark.parametrize(("key", "low", "high"), BOUNDS)
def test_every_number_is_accepted_at_its_bounds(key, low, high):
    assert validate_profile_data(make_profile_data(**{key: low}))[key] == low
    assert validate_profile_data(make_profile_data(**{key: high}))[key] == high


@pytest.mark.parametrize(("key", "low", "high"), BOUNDS)
def test_every_number_is_rejected_just_outside_its_bounds(key, low, high):
    for value in (low - 1, high + 1):
        messages = _errors(make_profile_data(**{key: value}))
        assert messages == [f"{key}: Enter a whole number from {low} to {high} (got {value})."]


def test_all_problems_are_reported_at_once():
    messages = _errors(make_profile_data(step2_score=0, list_size=500, visa="f1"))
    assert len(messages) == 3
    assert any(m.startswith("visa: f1 is not a visa option") for m in messages)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("visa", "J-1", "J-1 is not a visa option"),
        ("preferred_states", ["Texas"], "Texas is not a US state code"),
        ("excluded_states", ["XX"], "XX is not a US state code"),
        ("preferred_regions", ["North"], "North is not a US Census region"),
    ],
)
def test_choices_come_from_fixed_lists(key, value, expected):
    messages = _errors(make_profile_data(**{key: value}))
    assert len(messages) == 1
    assert messages[0].startswith(f"{key}: {expected}")


def test_a_state_cannot_be_both_preferred_and_excluded():
    messages = _errors(make_profile_data(preferred_states=["TX", "IL"], excluded_states=["IL"]))
    assert len(messages) == 1
    assert messages[0].startswith("excluded_states: Illinois cannot be both preferred and excluded")


def test_repeated_states_are_kept_once():
    cleaned = validate_profile_data(make_profile_data(preferred_states=["TX", "TX", "IL"]))
    assert cleaned["preferred_states"] == ["TX", "IL"]


def test_a_saved_profile_round_trips_through_the_validator(alice):
    profile = make_profile(alice, step2_score=231, preferred_states=["NY"], step3_score=None)
    assert validate_profile_data(profile_data(profile)) == profile_data(profile)


def test_form_data_turns_none_into_empty_and_keeps_lists():
    data = form_data({"step3_score": None, "preferred_states": ["TX", "IL"], "list_size": 90})
    assert data["step3_score"] == ""
    assert data.getlist("preferred_states") == ["TX", "IL"]
    assert data["list_size"] == "90"


def test_validation_reports_key_errors_and_bad_values_together():
    with pytest.raises(ProfileDataError) as caught:
        validate_profile_data({"visa": "x", "foo": 1, "graduation_year": 2020, "step2_score": 400})
    text = " ".join(caught.value.messages)
    assert "foo: unknown key" in text
    assert "visa:" in text
    assert "step2_score:" in text and "400" in text
