"""Issue 16: a preferred cut-off lowers the estimate and never excludes; required ones do.

Properties over random catalogues whose cut-offs are each required or preferred, plus the
scorer's reasons for both kinds.
"""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from applicants.scoring import DEFAULT_PARAMETERS, MINUS, score_programs
from tests.factories import make_profile_data, make_program_frame
from tests.strategies import YEAR, profiles, program_rows

kinds = st.sampled_from(["required", "preferred"])
rows_with_kinds = st.tuples(program_rows, kinds, kinds, kinds).map(
    lambda row: {**row[0], "step2_min_kind": row[1], "yog_window_kind": row[2], "usce_kind": row[3]}
)
catalogues = st.lists(rows_with_kinds, min_size=1, max_size=30).map(
    lambda rows: make_program_frame(*rows)
)


def score(profile: dict, programs):
    return score_programs(profile, programs, as_of_year=YEAR)


@given(profile=profiles, programs=catalogues)
def test_only_required_cutoffs_exclude(profile, programs):
    scored = score(profile, programs)
    years = YEAR - profile["graduation_year"]
    step2 = profile["step2_score"]
    for pk, row in programs.iterrows():
        broken = scored.at[pk, "broken_rules"]
        if row["step2_min_kind"] == "preferred" or step2 is None or not step2 < row["step2_min"]:
            assert "step2_min" not in broken
        else:
            assert "step2_min" in broken
        if row["yog_window_kind"] == "preferred" or not years > row["yog_window"]:
            assert "yog_window" not in broken
        else:
            assert "yog_window" in broken
        if row["usce_kind"] == "preferred" or not profile["usce_months"] < row["usce_min_months"]:
            assert "usce" not in broken
        else:
            assert "usce" in broken


@given(
    profile=profiles,
    programs=catalogues,
    field=st.sampled_from(["step2_score", "usce_months", "us_neuro_letters"]),
    more=st.integers(min_value=1, max_value=30),
)
def test_a_better_profile_never_lowers_a_probability_with_preferred_cutoffs(
    profile, programs, field, more
):
    if profile[field] is None:
        return
    better = {**profile, field: min(profile[field] + more, 300 if field == "step2_score" else 99)}
    before, after = score(profile, programs), score(better, programs)
    assert (after["probability"] >= before["probability"] - 1e-12).all()


@given(profile=profiles, programs=catalogues)
def test_a_later_graduation_never_lowers_a_probability_with_preferred_cutoffs(profile, programs):
    later = {**profile, "graduation_year": min(profile["graduation_year"] + 1, YEAR + 1)}
    before, after = score(profile, programs), score(later, programs)
    assert (after["probability"] >= before["probability"] - 1e-12).all()


def _one(**program: object):
    return make_program_frame({"tier": 3.0, "img_pct": 40.0, **program})


def test_missing_a_preferred_minimum_lowers_the_estimate_by_the_parameter_with_a_reason():
    profile = make_profile_data(step2_score=226, graduation_year=YEAR - 2)
    met = score(profile, _one(step2_min=220.0, step2_min_kind="preferred"))
    missed = score(profile, _one(step2_min=230.0, step2_min_kind="preferred"))
    required = score(profile, _one(step2_min=230.0))

    assert bool(missed.iloc[0]["eligible"]) and not bool(required.iloc[0]["eligible"])
    assert f"{MINUS} Step 2 CK 226 is below the preferred 230" in missed.iloc[0]["reasons"]
    assert "+ Step 2 CK 226 meets the preferred 220" in met.iloc[0]["reasons"]
    assert f"{MINUS} Step 2 CK 226 is below the minimum 230" in required.iloc[0]["reasons"]
    # The margin over a minimum counts 6 points for `met`; the penalty counts for `missed`.
    margin = 6 * DEFAULT_PARAMETERS.step2_margin_per_point
    gap = met.iloc[0]["logit"] - missed.iloc[0]["logit"]
    assert math.isclose(gap, margin - DEFAULT_PARAMETERS.preferred_cutoff_missed, rel_tol=1e-9)


def test_preferred_graduation_and_usce_cutoffs_say_what_is_missed():
    profile = make_profile_data(graduation_year=YEAR - 7, usce_months=1, step2_score=245)
    programs = _one(
        yog_window=5.0, yog_window_kind="preferred", usce_min_months=3.0, usce_kind="preferred"
    )

    scored = score(profile, programs).iloc[0]

    assert scored["eligible"]
    assert f"{MINUS} Graduated 7 years ago; the program prefers within 5 years" in scored["reasons"]
    assert (
        f"{MINUS} Prefers 3 months of hands-on US clinical experience; you have 1 month"
        in scored["reasons"]
    )
    met = _one(
        yog_window=10.0, yog_window_kind="preferred", usce_min_months=1.0, usce_kind="preferred"
    )
    expected = score(profile, met).iloc[0]["logit"] + 2 * DEFAULT_PARAMETERS.preferred_cutoff_missed
    assert np.isclose(scored["logit"], expected)


def test_usce_met_says_required_or_preferred_as_the_program_has_it():
    profile = make_profile_data(graduation_year=YEAR - 2, usce_months=4)
    required = score(profile, _one(usce_min_months=3.0)).iloc[0]["reasons"]
    preferred = score(profile, _one(usce_min_months=3.0, usce_kind="preferred")).iloc[0]["reasons"]
    assert "+ Meets the US clinical experience requirement (3 months)" in required
    assert "+ Has the US clinical experience the program prefers (3 months)" in preferred
    assert not any("requirement" in reason for reason in preferred if "clinical" in reason)


def test_a_program_not_verified_for_a_year_says_so_in_its_reasons():
    profile = make_profile_data(graduation_year=YEAR - 2)
    programs = make_program_frame({"state": "TX"}, {"state": "NY"})
    programs["stale"] = [True, False]

    scored = score(profile, programs)

    stale = "? Not verified for over a year — verify"
    assert stale in scored.iloc[0]["reasons"] and stale not in scored.iloc[1]["reasons"]


def test_an_advanced_or_child_position_says_what_applying_to_it_takes_and_changes_no_odds():
    profile = make_profile_data(graduation_year=YEAR - 2)
    tracks = ("categorical", "advanced", "child")
    programs = make_program_frame(*({"state": "TX", "track": track} for track in tracks))

    scored = score(profile, programs)

    advanced = "? Advanced position: starts in PGY-2, so you also need a preliminary year"
    child = "? Child neurology: a separate specialty that starts with pediatrics training"
    said = [[r for r in reasons if r in (advanced, child)] for reasons in scored["reasons"]]
    assert said == [[], [advanced], [child]]
    assert scored["logit"].nunique() == 1  # a note to check, not a term of the estimate
    # A frame without the column (an older export, a test frame) reads as categorical.
    without = score(profile, programs.drop(columns="track"))
    assert not any(r in (advanced, child) for reasons in without["reasons"] for r in reasons)


def test_the_usce_reason_gives_the_months_entered_and_what_observership_counts_for():
    programs = make_program_frame({"state": "TX"})
    weight = DEFAULT_PARAMETERS.observership_weight

    def reasons(**fields) -> list[str]:
        return score(make_profile_data(**fields), programs).iloc[0]["reasons"]

    both = reasons(usce_months=4, observership_months=2)
    assert (
        f"+ 4 months of hands-on US clinical experience + 2 of observership "
        f"(counted as {2 * weight:g})" in both
    )
    assert not any("5 months" in reason for reason in both)
    assert "+ 4 months of hands-on US clinical experience" in reasons(
        usce_months=4, observership_months=0
    )
    assert f"+ 12 months of US observership (counted as {12 * weight:g})" in reasons(
        usce_months=0, observership_months=12
    )
