import math
import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from applicants.scoring import DEFAULT_PARAMETERS, MINUS, RULES, score_programs
from tests.factories import make_profile_data, make_program_frame
from tests.strategies import catalogues, profiles

YEAR = 2025
NAN = math.nan


def score_one(profile: dict, **program: object):
    scored = score_programs(profile, make_program_frame(program), as_of_year=YEAR)
    return scored.iloc[0]


def test_the_rule_codes_are_exactly_the_documented_ones():
    assert set(RULES) == {
        "visa",
        "step2_min",
        "yog_window",
        "attempts",
        "usce",
        "excluded_state",
        "archived",
    }


def test_it_returns_every_column_on_the_programs_index():
    frame = make_program_frame({}, {"state": "TX"})
    scored = score_programs(make_profile_data(), frame, as_of_year=YEAR)
    assert list(scored.index) == list(frame.index)
    for column in ("eligible", "broken_rules", "probability", "fit_score", "band", "reasons"):
        assert column in scored


def test_a_program_that_does_not_sponsor_j1_excludes_a_j1_applicant():
    row = score_one(make_profile_data(visa="j1"), visa_j1=0.0)
    assert not row.eligible
    assert row.broken_rules == ["visa"]
    assert row.probability == 0.0
    assert row.band == "ineligible"
    assert row.reasons == ["− Does not sponsor J-1"]


def test_unknown_j1_sponsorship_keeps_the_program_with_a_verify_reason():
    known = score_one(make_profile_data(visa="j1"), visa_j1=1.0)
    unknown = score_one(make_profile_data(visa="j1"), visa_j1=NAN)
    assert unknown.eligible
    assert "? J-1 sponsorship unknown — verify" in unknown.reasons
    assert "+ Sponsors J-1" in known.reasons
    assert unknown.probability < known.probability


def test_h1b_without_step3_closes_the_route_even_where_h1b_is_sponsored():
    row = score_one(make_profile_data(visa="h1b", step3_score=None), visa_h1b=1.0)
    assert row.broken_rules == ["visa"]


def test_h1b_with_step3_passed_is_eligible_where_h1b_is_sponsored():
    row = score_one(make_profile_data(visa="h1b", step3_score=230), visa_h1b=1.0)
    assert row.eligible
    assert "+ Sponsors H-1B" in row.reasons


def test_any_visa_needs_one_route_that_is_not_an_explicit_no():
    profile = make_profile_data(visa="any")
    assert not score_one(profile, visa_j1=0.0, visa_h1b=1.0).eligible  # H-1B needs Step 3
    assert score_one(profile, visa_j1=NAN, visa_h1b=0.0).eligible
    with_step3 = make_profile_data(visa="any", step3_score=230)
    assert score_one(with_step3, visa_j1=0.0, visa_h1b=1.0).eligible
    assert not score_one(with_step3, visa_j1=0.0, visa_h1b=0.0).eligible


def test_no_visa_need_ignores_sponsorship():
    row = score_one(make_profile_data(visa="none"), visa_j1=0.0, visa_h1b=0.0)
    assert row.eligible


def test_a_step2_score_below_the_minimum_excludes_with_both_numbers_in_the_reason():
    row = score_one(make_profile_data(step2_score=226), step2_min=230.0)
    assert row.broken_rules == ["step2_min"]
    assert row.reasons == ["− Step 2 CK 226 is below the minimum 230"]


def test_a_step2_score_at_the_minimum_is_eligible():
    assert score_one(make_profile_data(step2_score=230), step2_min=230.0).eligible


def test_graduating_longer_ago_than_the_window_excludes():
    profile = make_profile_data(graduation_year=YEAR - 6)
    assert score_one(profile, yog_window=5.0).broken_rules == ["yog_window"]
    assert score_one(profile, yog_window=6.0).eligible
    assert score_one(profile, yog_window=math.inf).eligible
    assert score_one(profile, yog_window=NAN).eligible


def test_a_failed_attempt_excludes_only_where_the_program_says_no():
    profile = make_profile_data(step1_attempts=2)
    assert score_one(profile, multiple_attempts_ok=0.0).broken_rules == ["attempts"]
    assert score_one(profile, multiple_attempts_ok=NAN).eligible
    assert score_one(profile, multiple_attempts_ok=1.0).eligible
    clean = make_profile_data(step1_attempts=1, step2_attempts=1)
    assert score_one(clean, multiple_attempts_ok=0.0).eligible


def test_only_hands_on_months_meet_a_usce_minimum():
    observer = score_one(make_profile_data(usce_months=0, observership_months=12),
                         usce_min_months=3.0)  # fmt: skip
    assert observer.broken_rules == ["usce"]
    assert score_one(make_profile_data(usce_months=3, observership_months=0),
                     usce_min_months=3.0).eligible  # fmt: skip


def test_observership_still_raises_the_probability_at_half_weight():
    none = score_one(make_profile_data(usce_months=0, observership_months=0))
    some = score_one(make_profile_data(usce_months=0, observership_months=4))
    assert some.probability > none.probability


def test_excluded_states_and_archived_programs_are_ineligible():
    profile = make_profile_data(excluded_states=["TX"])
    assert score_one(profile, state="TX").broken_rules == ["excluded_state"]
    assert score_one(make_profile_data(), active=False).broken_rules == ["archived"]


def test_every_broken_rule_is_listed_with_its_reason():
    profile = make_profile_data(step2_score=220, excluded_states=["TX"])
    row = score_one(profile, state="TX", visa_j1=0.0, step2_min=230.0, active=False)
    assert row.broken_rules == ["visa", "step2_min", "excluded_state", "archived"]
    assert len(row.reasons) == 4
    assert all(reason.startswith("− ") for reason in row.reasons)


def test_unknown_h1b_sponsorship_asks_to_verify():
    row = score_one(make_profile_data(visa="h1b", step3_score=230), visa_h1b=NAN)
    assert row.eligible
    assert "? H-1B sponsorship unknown — verify" in row.reasons


def test_img_share_tiers_order_the_probability():
    high, medium, low = (score_one(make_profile_data(), img_pct=share).probability
                         for share in (50.0, 30.0, 10.0))  # fmt: skip
    assert high > medium > low
    assert score_one(make_profile_data(), img_pct=11.0).probability == medium


def test_a_preferred_state_or_region_raises_the_probability_and_says_so():
    profile = make_profile_data(preferred_states=["IL"], preferred_regions=["South"])
    home = score_one(profile, state="IL")
    region = score_one(profile, state="TX")
    elsewhere = score_one(profile, state="CA")
    assert home.probability > region.probability > elsewhere.probability
    assert "+ In your preferred state (IL)" in home.reasons
    assert "+ In your preferred region (South)" in region.reasons


def test_years_beyond_five_since_graduation_lower_the_probability():
    recent = score_one(make_profile_data(graduation_year=YEAR - 5), yog_window=math.inf)
    older = score_one(make_profile_data(graduation_year=YEAR - 8), yog_window=math.inf)
    assert older.probability < recent.probability
    assert "− Graduated 8 years ago" in older.reasons


def test_a_strong_step3_raises_the_probability():
    without = score_one(make_profile_data(step3_score=None))
    strong = score_one(make_profile_data(step3_score=240))
    assert strong.probability > without.probability
    assert "+ Step 3 240 strengthens the application" in strong.reasons


def test_step2_not_taken_keeps_programs_with_a_minimum_but_lowers_the_odds():
    taken = score_one(make_profile_data(step2_score=232), step2_min=230.0)
    pending = score_one(make_profile_data(step2_score=None), step2_min=230.0)
    assert pending.eligible
    assert pending.probability < taken.probability
    assert "? Step 2 CK minimum 230: no score yet" in pending.reasons


def test_bands_follow_the_probability_cut_offs():
    frame = make_program_frame(
        {"tier": 1.0, "img_pct": 5.0}, {"tier": 3.0}, {"tier": 4.0, "img_pct": 70.0}
    )
    scored = score_programs(make_profile_data(), frame, as_of_year=YEAR)
    for row in scored.itertuples():
        if row.probability >= DEFAULT_PARAMETERS.safety_at:
            assert row.band == "safety"
        elif row.probability >= DEFAULT_PARAMETERS.reach_below:
            assert row.band == "target"
        else:
            assert row.band == "reach"
    assert list(scored.band) == ["reach", "target", "safety"]


def test_a_higher_probability_never_has_a_lower_fit_score():
    frame = make_program_frame(*({"tier": float(t), "img_pct": i} for t in (1, 2, 3, 4)
                                 for i in (5.0, 30.0, 70.0)))  # fmt: skip
    scored = score_programs(make_profile_data(), frame, as_of_year=YEAR).sort_values("probability")
    assert scored.fit_score.is_monotonic_increasing
    assert scored.fit_score.between(0, 100).all()


@pytest.mark.parametrize("visa", ["none", "j1", "h1b", "any"])
def test_every_reason_starts_with_a_sign(visa):
    frame = make_program_frame({}, {"visa_j1": NAN, "img_pct": NAN, "tier": NAN}, {"active": False})
    profile = make_profile_data(visa=visa, graduation_year=YEAR - 8, step2_attempts=2)
    for reasons in score_programs(profile, frame, as_of_year=YEAR).reasons:
        assert reasons
        assert all(reason[:2] in ("+ ", "− ", "? ") for reason in reasons)


# ---- properties over random profiles × random catalogues -------------------------------------


def scores(profile: dict, frame) -> tuple:
    scored = score_programs(profile, frame, as_of_year=YEAR)
    return scored.probability.to_numpy(), scored.eligible.to_numpy()


def never_lower(before: dict, after: dict, frame) -> None:
    p_before, eligible_before = scores(before, frame)
    p_after, eligible_after = scores(after, frame)
    assert (p_after >= p_before).all()
    assert (eligible_after | ~eligible_before).all()


def never_higher(before: dict, after: dict, frame) -> None:
    never_lower(after, before, frame)


@given(profiles, catalogues, st.integers(min_value=1, max_value=60))
def test_a_better_step2_score_never_lowers_any_probability(profile, frame, gain):
    if profile["step2_score"] is None:
        profile["step2_score"] = 200
    better = {**profile, "step2_score": profile["step2_score"] + gain}
    never_lower(profile, better, frame)


@given(profiles, catalogues, st.integers(min_value=1, max_value=12))
def test_more_us_clinical_experience_never_lowers_any_probability(profile, frame, months):
    never_lower(profile, {**profile, "usce_months": profile["usce_months"] + months}, frame)


@given(profiles, catalogues, st.integers(min_value=1, max_value=12))
def test_more_observership_never_lowers_any_probability(profile, frame, months):
    more = {**profile, "observership_months": profile["observership_months"] + months}
    never_lower(profile, more, frame)


@given(profiles, catalogues, st.sampled_from(["neuro_publications", "neuro_presentations"]))
def test_more_research_never_lowers_any_probability(profile, frame, key):
    never_lower(profile, {**profile, key: profile[key] + 1}, frame)


@given(profiles, catalogues)
def test_another_us_letter_never_lowers_any_probability(profile, frame):
    more = {**profile, "us_neuro_letters": profile["us_neuro_letters"] + 1}
    never_lower(profile, more, frame)


@given(profiles, catalogues, st.integers(min_value=180, max_value=290))
def test_a_better_step3_never_lowers_any_probability(profile, frame, step3):
    low, high = sorted([profile["step3_score"] or step3, step3])
    never_lower({**profile, "step3_score": None}, {**profile, "step3_score": low}, frame)
    never_lower({**profile, "step3_score": low}, {**profile, "step3_score": high}, frame)


@given(profiles, catalogues, st.sampled_from(["step1_attempts", "step2_attempts"]))
def test_an_extra_failed_attempt_never_raises_any_probability(profile, frame, key):
    never_higher(profile, {**profile, key: profile[key] + 1}, frame)


@given(profiles, catalogues, st.randoms(use_true_random=False))
def test_scoring_is_deterministic_and_independent_of_row_order(profile, frame, rng):
    first = score_programs(profile, frame, as_of_year=YEAR)
    order = list(frame.index)
    rng.shuffle(order)
    shuffled = score_programs(profile, frame.loc[order], as_of_year=YEAR).loc[frame.index]
    assert first.equals(score_programs(profile, frame, as_of_year=YEAR))
    assert first.equals(shuffled)


def rules_broken_by(profile: dict, program: dict) -> set[str]:
    """The hard rules, written out plainly per program as an independent oracle."""
    broken = set()
    step3_passed = profile["step3_score"] is not None and profile["step3_score"] >= 200
    j1_possible = program["visa_j1"] != 0.0
    h1b_possible = program["visa_h1b"] != 0.0 and step3_passed
    if (
        (profile["visa"] == "j1" and not j1_possible)
        or (profile["visa"] == "h1b" and not h1b_possible)
        or (profile["visa"] == "any" and not (j1_possible or h1b_possible))
    ):
        broken.add("visa")
    minimum = program["step2_min"]
    taken = profile["step2_score"] is not None
    if taken and not math.isnan(minimum) and profile["step2_score"] < minimum:
        broken.add("step2_min")
    window = program["yog_window"]
    if not math.isnan(window) and YEAR - profile["graduation_year"] > window:
        broken.add("yog_window")
    failed = profile["step1_attempts"] > 1 or profile["step2_attempts"] > 1
    if failed and program["multiple_attempts_ok"] == 0.0:
        broken.add("attempts")
    required = program["usce_min_months"]
    if not math.isnan(required) and profile["usce_months"] < required:
        broken.add("usce")
    if program["state"] in profile["excluded_states"]:
        broken.add("excluded_state")
    if not program["active"]:
        broken.add("archived")
    return broken


@given(profiles, catalogues)
def test_no_hard_rule_is_ever_broken_by_an_eligible_program(profile, frame):
    scored = score_programs(profile, frame, as_of_year=YEAR)
    for pk, program in frame.iterrows():
        row = scored.loc[pk]
        expected = rules_broken_by(profile, program.to_dict())
        assert set(row.broken_rules) == expected
        assert row.eligible == (not expected)


@given(profiles, catalogues)
def test_every_output_is_well_formed(profile, frame):
    scored = score_programs(profile, frame, as_of_year=YEAR)
    assert scored.probability.between(0.0, 1.0).all()
    assert ((scored.probability > 0) == scored.eligible).all()
    assert scored.fit_score.between(0, 100).all()
    assert ((scored.band == "ineligible") == ~scored.eligible).all()
    for row in scored.itertuples():
        assert set(row.broken_rules) <= set(RULES)
        assert (row.broken_rules == []) == row.eligible
        assert row.reasons
        assert all(reason[:2] in ("+ ", "− ", "? ") for reason in row.reasons)


POLICY_COLUMNS = (
    "visa_j1",
    "visa_h1b",
    "multiple_attempts_ok",
    "step2_min",
    "yog_window",
    "usce_min_months",
)


@given(profiles, catalogues, st.sampled_from(POLICY_COLUMNS))
def test_making_a_policy_unknown_never_makes_a_program_ineligible(profile, frame, column):
    unknown = frame.copy()
    unknown[column] = NAN
    before = score_programs(profile, frame, as_of_year=YEAR).eligible
    after = score_programs(profile, unknown, as_of_year=YEAR).eligible
    assert (after | ~before).all()


@given(profiles, catalogues)
def test_a_program_whose_policies_are_all_unknown_is_eligible(profile, frame):
    if profile["visa"] in ("h1b", "any"):
        profile = {**profile, "step3_score": 230}  # the H-1B route needs Step 3 passed
    unknown = frame.copy()
    for column in POLICY_COLUMNS:
        unknown[column] = NAN
    unknown["active"] = True
    profile = {**profile, "excluded_states": []}
    scored = score_programs(profile, unknown, as_of_year=YEAR)
    assert scored.eligible.all()
    if profile["visa"] != "none":
        for reasons in scored.reasons:
            assert any(r.startswith("? ") and "sponsorship unknown" in r for r in reasons)


def test_every_parameter_is_explained_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## How the estimate works") :]
    for parameter in fields(DEFAULT_PARAMETERS):
        assert f"`{parameter.name}`" in section, parameter.name


def test_an_empty_catalogue_scores_to_an_empty_frame():
    scored = score_programs(make_profile_data(), make_program_frame(), as_of_year=YEAR)
    assert scored.empty
    assert "reasons" in scored


@pytest.mark.slow
def test_the_core_imports_without_django():
    code = (
        "import sys; import applicants.scoring, applicants.listbuilder, applicants.findings, "
        "applicants.advice, applicants.reasons, programs.normalise; "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    assert subprocess.run([sys.executable, "-c", code], cwd=root, env=env).returncode == 0


def test_reasons_count_one_in_the_singular():
    programs = make_program_frame(
        {"yog_policy": "limit", "yog_window": 1.0, "usce_min_months": 1.0},
        {"program_id": "9900000001"},  # no rule: the applicant's own reasons
    )
    profile = make_profile_data(
        graduation_year=YEAR - 2, usce_months=0, neuro_publications=1, neuro_presentations=0
    )
    closed, open_ = score_programs(profile, programs, as_of_year=YEAR)["reasons"]
    assert f"{MINUS} Graduated 2 years ago; the limit is 1 year" in closed
    assert (
        f"{MINUS} Requires 1 month of hands-on US clinical experience; you have 0 months" in closed
    )
    assert "+ Neurology research: 1 publication" in open_
