"""Fitting against a known truth: outcomes simulated on the demo catalogue from weights that
differ from the judgement weights, and what the fit makes of them."""

import math

import numpy as np
import pandas as pd
import pytest

from applicants.cohort import draw_cohort, simulate_outcomes
from applicants.fitting import (
    FitError,
    applicant_interviews,
    brier_score,
    calibration_error,
    change_in_words,
    fit,
    fit_conversion,
    holdout_mask,
    log_loss,
)
from applicants.scoring import (
    DEFAULT_PARAMETERS,
    WEIGHT_NAMES,
    WEIGHT_SIGNS,
    score_programs,
    weights_of,
    with_weights,
)
from tests.factories import make_demo_frame, make_profile_data

PRIOR = weights_of(DEFAULT_PARAMETERS)
# The truth differs from the judgement in eight weights, some up, some down.
TRUTH = {
    **PRIOR,
    "tier_1": -5.3,
    "tier_4": -2.5,
    "step2_per_point": 0.05,
    "img_high": 1.5,
    "visa_j1_need": -0.9,
    "usce_per_month": 0.216,
    "publication": 0.12,
    "letter": 0.05,
}
CHANGED = [name for name in WEIGHT_NAMES if TRUTH[name] != PRIOR[name]]
TRUE_CONVERSION = 0.3


def cohort_outcomes(applicants: int, *, truth: dict, seed: int = 1) -> pd.DataFrame:
    """Two seasons of simulated applicants, 50 applications each, on the demo catalogue."""
    half = applicants // 2
    cohort = pd.concat(
        [
            draw_cohort(half, season=2026, seed=seed),
            draw_cohort(applicants - half, season=2027, seed=seed + 1),
        ],
        ignore_index=True,
    )
    return simulate_outcomes(
        cohort,
        make_demo_frame(),
        truth=with_weights(DEFAULT_PARAMETERS, truth),
        conversion=TRUE_CONVERSION,
        per_applicant=50,
        seed=seed,
    )


def distance(weights: dict, to: dict, names=WEIGHT_NAMES) -> float:
    return math.sqrt(sum((weights[name] - to[name]) ** 2 for name in names))


@pytest.fixture(scope="module")
def large():
    """About 19,000 applications of 400 applicants."""
    applications = cohort_outcomes(400, truth=TRUTH)
    return applications, fit(applications, make_demo_frame())


@pytest.fixture(scope="module")
def small():
    """About 200 applications of 4 applicants."""
    applications = cohort_outcomes(4, truth=TRUTH, seed=11)
    return applications, fit(applications, make_demo_frame())


@pytest.mark.slow  # a 300-400 applicant cohort: 2-4 s
def test_the_fit_moves_the_weights_toward_the_truth(large):
    _, result = large
    assert distance(result.weights, TRUTH) < distance(PRIOR, TRUTH)
    assert distance(result.weights, TRUTH, CHANGED) < 0.5 * distance(PRIOR, TRUTH, CHANGED)
    for name in CHANGED:
        moved = result.weights[name] - PRIOR[name]
        assert np.sign(moved) == np.sign(TRUTH[name] - PRIOR[name]), name


@pytest.mark.slow  # a 300-400 applicant cohort: 2-4 s
def test_held_out_brier_score_and_calibration_error_improve_on_the_judgement(large):
    _, result = large
    metrics = result.metrics
    assert result.n_test > 0.1 * (result.n_train + result.n_test)
    assert metrics["brier_fitted"] < metrics["brier_prior"]
    assert metrics["logloss_fitted"] < metrics["logloss_prior"]
    assert metrics["ece_fitted"] < metrics["ece_prior"]


@pytest.mark.slow  # a 300-400 applicant cohort: 2-4 s
def test_the_conversion_moves_toward_the_true_one(large):
    _, result = large
    assert abs(result.conversion - TRUE_CONVERSION) < abs(result.prior_conversion - TRUE_CONVERSION)
    assert result.n_conversion > 200


@pytest.mark.slow  # a 300-400 applicant cohort: 2-4 s
def test_about_200_applications_move_the_weights_little(large, small):
    applications, result = small
    assert 150 <= len(applications) <= 250
    largest_move = max(abs(result.weights[name] - PRIOR[name]) for name in WEIGHT_NAMES)
    assert largest_move < 0.2  # log-odds: the odds change by less than a fifth
    assert max(abs(large[1].weights[name] - PRIOR[name]) for name in WEIGHT_NAMES) > 0.3
    assert distance(result.weights, PRIOR) < 0.5 * distance(large[1].weights, PRIOR)


def assert_signs_kept(weights: dict) -> None:
    for name, value in weights.items():
        if WEIGHT_SIGNS[name] == "+":
            assert value >= 0, name
        elif WEIGHT_SIGNS[name] == "-":
            assert value <= 0, name


@pytest.mark.slow  # a 300-400 applicant cohort: 2-4 s
def test_every_weight_keeps_its_sign_even_when_the_outcomes_say_otherwise():
    # Letters hurt and years since graduation help in this truth: the fit stops at zero.
    contrary = {**PRIOR, "letter": -0.4, "yog_per_year": 0.15, "img_low": 0.5}
    result = fit(cohort_outcomes(300, truth=contrary, seed=5), make_demo_frame())
    assert_signs_kept(result.weights)
    assert result.weights["letter"] == 0.0
    assert result.weights["img_low"] == 0.0
    fitted = with_weights(DEFAULT_PARAMETERS, result.weights)
    frame = make_demo_frame()
    for letters in range(3):
        fewer = make_profile_data(us_neuro_letters=letters, graduation_year=2015)
        more = {**fewer, "us_neuro_letters": letters + 1}
        before = score_programs(fewer, frame, as_of_year=2025, params=fitted).probability
        after = score_programs(more, frame, as_of_year=2025, params=fitted).probability
        assert (after >= before).all()


def test_small_fits_keep_their_signs_too(small):
    assert_signs_kept(small[1].weights)


def test_the_same_data_give_the_same_fit_in_any_row_order(small):
    applications, result = small
    shuffled = applications.sample(frac=1.0, random_state=3)
    again = fit(shuffled, make_demo_frame())
    assert again.weights == result.weights
    assert again.metrics == result.metrics
    assert again.conversion == result.conversion


@pytest.mark.slow  # a 300-400 applicant cohort: 2-4 s
def test_a_held_out_season_is_the_whole_test_set(large):
    applications, _ = large
    result = fit(applications, make_demo_frame(), holdout_season=2027)
    assert result.holdout == "season 2027"
    in_2027 = (applications["season"] == 2027) & applications["invited"].notna()
    assert 0 < result.n_test <= in_2027.sum()
    assert result.n_train + result.n_test <= applications["invited"].notna().sum()


def test_a_seeded_fifth_of_the_applicants_is_held_out_whole():
    applications = pd.DataFrame(
        {
            "source": "import",
            "season": 2026,
            "applicant": [f"A{i // 3}" for i in range(300)],
        }
    )
    mask = holdout_mask(applications)
    held = set(applications.loc[mask, "applicant"])
    assert len(held) == 20
    assert all(mask[applications["applicant"] == person].all() for person in held)
    assert (holdout_mask(applications.iloc[::-1]) [::-1] == mask).all()  # fmt: skip


def test_a_fit_without_outcomes_or_without_the_held_out_season_says_why(small):
    applications, _ = small
    with pytest.raises(FitError, match="season 2031"):
        fit(applications, make_demo_frame(), holdout_season=2031)
    unknown = applications.assign(invited=np.nan)
    with pytest.raises(FitError, match="nothing to fit"):
        fit(unknown, make_demo_frame())


def test_interviews_and_matches_count_only_where_fully_known():
    rows = pd.DataFrame(
        {
            "source": "import",
            "season": 2026,
            "applicant": ["a", "a", "a", "b", "b", "c", "c"],
            "invited": [1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0],
            "interviewed": [1.0, 1.0, np.nan, 1.0, np.nan, 1.0, 0.0],
            "matched": [0.0, 1.0, 0.0, 0.0, 0.0, np.nan, 0.0],
        }
    )
    people = applicant_interviews(rows)
    # a: 2 interviews, matched; b: an unknown interview; c: the match is not known.
    assert people.to_dict("index") == {("import", 2026, "a"): {"interviews": 2.0, "matched": 1.0}}


def test_the_conversion_fit_follows_the_matches():
    interviews = np.array([1, 2, 3, 4, 5, 6] * 100)
    matched = np.random.default_rng(0).random(600) < 1 - (1 - 0.4) ** interviews
    q = fit_conversion(interviews, matched, prior=0.2, strength=10)
    assert 0.35 < q < 0.45
    assert fit_conversion(interviews[:0], matched[:0], prior=0.2) == pytest.approx(0.2, abs=1e-3)


def test_the_scores_are_computed_as_defined():
    p = np.array([0.1, 0.4, 0.8, 0.85])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    assert brier_score(p, y) == pytest.approx((0.01 + 0.36 + 0.04 + 0.7225) / 4)
    assert log_loss(p, y) == pytest.approx(
        -(math.log(0.9) + math.log(0.4) + math.log(0.8) + math.log(0.15)) / 4
    )
    # Bins: [0.1] → |0.1 − 0|, [0.4] → |0.4 − 1|, [0.8, 0.85] → |0.825 − 0.5|.
    assert calibration_error(p, y) == pytest.approx((0.1 + 0.6 + 2 * 0.325) / 4)


@pytest.mark.parametrize(
    ("name", "prior", "fitted", "words"),
    [
        ("usce_per_month", 0.12, 0.192, "US clinical experience counts 1.6× more than assumed."),
        ("letter", 0.2, 0.1, "A US neurology letter counts 0.5× as much as assumed."),
        ("failed_attempt", -0.6, -0.9, "A failed USMLE attempt costs 1.5× more than assumed."),
        ("publication", 0.05, 0.0, "A neurology publication counts nothing in these outcomes "
                                   "(assumed 0.05 in log-odds)."),
        ("letter", 0.2, 0.205, "A US neurology letter counts as much as assumed."),
        ("tier_1", -4.6, -4.6 + math.log(1.5),
         "The baseline at tier 1 (top academic) programs: the odds of an interview are 1.5× "
         "higher than assumed."),
    ],
)  # fmt: skip
def test_each_change_is_said_in_words(name, prior, fitted, words):
    assert change_in_words(name, prior, fitted) == words


def test_every_weight_has_words_for_the_report():
    from applicants.fitting import WEIGHT_LABELS

    assert set(WEIGHT_LABELS) == set(WEIGHT_NAMES)
