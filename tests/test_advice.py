import itertools
import re

import pytest

from applicants import listbuilder, scoring
from applicants.catalogue import as_of_year
from applicants.models import Profile
from applicants.outlook import advice_for
from tests.factories import make_low_score_profile_data, make_profile_data, make_program_frame

# Advice scores with the active model version, which lives in the database.
pytestmark = pytest.mark.django_db

THIS_YEAR = as_of_year()


def _catalogue():
    """60 programs across tiers, IMG shares, visa policies and a few hard limits."""
    rows = []
    combos = itertools.product((1, 2, 3, 4), (5.0, 30.0, 60.0), (1.0, float("nan"), 0.0))
    for number, (tier, img, h1b) in enumerate(combos):
        rows.append(
            {
                "program_id": f"18000000{number:02d}",
                "tier": float(tier),
                "img_pct": img,
                "visa_h1b": h1b,
                "state": ("TX", "NY", "IL", "CA", "FL")[number % 5],
                "usce_min_months": 3.0 if number % 4 == 0 else float("nan"),
            }
        )
    rows += [{"tier": 4.0, "img_pct": 70.0, "state": "OH"} for _ in range(24)]
    return make_program_frame(*rows)


def _low_score_profile(**fields) -> Profile:
    """The low-score reference applicant (unsaved)."""
    return Profile(**make_low_score_profile_data(**fields))


def _expected_interviews(data: dict, programs) -> float:
    """The expected interviews of the list a build would give (the one outlook's rules)."""
    scored = scoring.score_programs(data, programs, as_of_year=THIS_YEAR)
    built = listbuilder.build_list(
        scored, size=data["list_size"], preferred_states=data["preferred_states"]
    )
    return scored.loc[built.ranked, "probability"].sum()


def _titles(advice) -> list[str]:
    return [item.title for item in advice]


def test_the_low_score_applicant_is_told_what_raises_the_outlook_most():
    programs = _catalogue()
    advice = advice_for(_low_score_profile(), None, programs=programs)
    assert advice
    gains = [item.gain for item in advice]
    assert all(gain > 0 for gain in gains)
    assert gains == sorted(gains, reverse=True)
    assert any(
        title.startswith("3 more months of hands-on US clinical") for title in _titles(advice)
    )
    assert "One more letter from a US neurologist" in _titles(advice)


def test_each_gain_is_what_re_scoring_the_changed_profile_gives():
    programs = _catalogue()
    profile = _low_score_profile()
    data = {key: getattr(profile, key) for key in make_profile_data()}
    before = _expected_interviews(data, programs)
    for item in advice_for(profile, None, programs=programs):
        after = _expected_interviews({**data, **item.changes}, programs)
        assert item.gain == pytest.approx(after - before)
        assert item.before.expected_interviews == pytest.approx(before)


def test_usce_advice_opens_programs_that_require_it():
    advice = advice_for(_low_score_profile(), None, programs=_catalogue())
    usce = next(item for item in advice if item.changes == {"usce_months": 3})
    assert usce.opened > 0
    assert f"opens {usce.opened} more programs" in usce.detail


def test_advice_changes_when_the_profile_changes():
    programs = _catalogue()
    without = _titles(advice_for(_low_score_profile(step3_score=None), None, programs=programs))
    with_step3 = _titles(advice_for(_low_score_profile(step3_score=240), None, programs=programs))
    assert "Pass Step 3 with 225 or more" in without
    assert "Pass Step 3 with 225 or more" not in with_step3

    enough_letters = _titles(
        advice_for(_low_score_profile(us_neuro_letters=4), None, programs=programs)
    )
    assert "One more letter from a US neurologist" not in enough_letters


def test_no_usce_advice_once_more_months_stop_counting():
    advice = advice_for(_low_score_profile(usce_months=24), None, programs=_catalogue())
    assert not any("US clinical experience" in title for title in _titles(advice))


def test_an_h1b_applicant_without_step_3_hears_that_step_3_opens_programs():
    advice = advice_for(
        _low_score_profile(visa="h1b", step3_score=None), None, programs=_catalogue()
    )
    step3 = next(item for item in advice if item.changes == {"step3_score": 225})
    assert step3.opened > 0
    assert advice.index(step3) <= 1


def test_excluded_states_are_named_when_they_cost_programs():
    advice = advice_for(_low_score_profile(excluded_states=["OH"]), None, programs=_catalogue())
    item = next(item for item in advice if item.changes == {"excluded_states": []})
    assert item.title == "Also apply in Ohio"
    assert item.opened == 24
    assert item.form_fields == [("excluded_states", "")]


def test_a_longer_list_says_what_it_costs():
    matched_average = Profile(**make_profile_data(graduation_year=THIS_YEAR - 2, list_size=30))
    advice = advice_for(matched_average, None, programs=_catalogue())
    item = next(item for item in advice if "list_size" in item.changes)
    assert item.title == "Apply to 50 programs instead of 30"
    assert "$600 more in ERAS fees" in item.detail


def test_nothing_is_advised_when_the_catalogue_is_empty():
    assert advice_for(_low_score_profile(), None, programs=make_program_frame()) == []


def test_each_sentence_adds_up():
    for item in advice_for(_low_score_profile(), None, programs=_catalogue()):
        found = re.match(r"adds (?:about )?([\d.]+|less than 0\.1) expected interviews "
                         r"\(([\d.]+) → ([\d.]+)\)", item.detail)  # fmt: skip
        assert found, item.detail
        assert "about less" not in item.detail
        shown, before, after = found.groups()
        if shown != "less than 0.1":
            assert float(shown) == pytest.approx(float(after) - float(before))
