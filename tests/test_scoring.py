import math

import pytest

from applicants.scoring import DEFAULT_PARAMETERS, RULES, score_programs
from tests.factories import make_profile_data, make_program_frame

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


def test_observership_counts_at_half_towards_a_usce_minimum():
    assert not score_one(make_profile_data(usce_months=0, observership_months=4),
                         usce_min_months=3.0).eligible  # fmt: skip
    assert score_one(make_profile_data(usce_months=1, observership_months=4),
                     usce_min_months=3.0).eligible  # fmt: skip


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
