"""The scorer as features × weights: version 1 (the judgement weights) scores exactly as the
logistic model written out term by term, and the weights round-trip through the parameters."""

import math
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from applicants.scoring import (
    DEFAULT_PARAMETERS,
    WEIGHT_NAMES,
    WEIGHT_SIGNS,
    ScoringParameters,
    application_design,
    design_matrix,
    score_programs,
    weight_vector,
    weights_of,
    with_weights,
)
from tests.factories import make_demo_frame, make_profile_data, make_program_frame
from tests.strategies import catalogues, profiles, program_rows

YEAR = 2025


def judgement_log_odds(profile: dict, program: dict, p: ScoringParameters, year: int) -> float:
    """The interview log-odds of one program, each documented term added plainly by hand.

    An oracle independent of the design matrix: it reads the parameters, not the weights.
    """
    tier = program["tier"]
    total = p.tier_logit[int(tier) - 1] if tier in (1.0, 2.0, 3.0, 4.0) else p.tier_unknown_logit
    step2 = profile["step2_score"]
    if step2 is None:
        total += p.step2_not_taken
    else:
        gap = min(
            max(step2 - p.step2_reference, -p.step2_reference_floor), p.step2_reference_ceiling
        )
        total += p.step2_per_point * gap
        if not math.isnan(program["step2_min"]):
            margin = min(max(step2 - program["step2_min"], 0.0), p.step2_margin_cap)
            total += p.step2_margin_per_point * margin
    visa = profile["visa"]
    total += {"j1": p.visa_j1_need, "h1b": p.visa_h1b_need, "any": p.visa_any_need}.get(visa, 0.0)
    img = program["img_pct"]
    if math.isnan(img):
        total += p.img_unknown
    elif img >= p.img_high_at:
        total += p.img_high
    elif img <= p.img_low_at:
        total += p.img_low
    step3 = profile["step3_score"]
    passed = step3 is not None and step3 >= p.step3_pass
    j1_yes = program["visa_j1"] == 1.0
    h1b_yes = program["visa_h1b"] == 1.0 and passed
    if {"j1": not j1_yes, "h1b": not h1b_yes, "any": not (j1_yes or h1b_yes)}.get(visa, False):
        total += p.sponsorship_unknown
    failed = max(0, profile["step1_attempts"] - 1) + max(0, profile["step2_attempts"] - 1)
    if failed:
        accepted = program["multiple_attempts_ok"] == 1.0
        total += failed * (p.failed_attempt_accepted if accepted else p.failed_attempt)
        if math.isnan(program["multiple_attempts_ok"]):
            total += p.attempts_policy_unknown
    years = max(0, year - profile["graduation_year"])
    total += p.yog_per_year * max(0.0, years - p.yog_free_years)
    if math.isnan(program["yog_window"]) and years > p.yog_unknown_after:
        total += p.yog_unknown
    usce = profile["usce_months"] + p.observership_weight * profile["observership_months"]
    total += p.usce_per_month * min(usce, p.usce_full_months)
    tail = min(max(usce - p.usce_full_months, 0.0), p.usce_cap_months - p.usce_full_months)
    total += p.usce_tail_per_month * tail
    if math.isnan(program["usce_min_months"]) and usce < p.usce_typical_requirement:
        total += p.usce_unknown
    total += p.publication * min(profile["neuro_publications"], p.publication_cap)
    total += p.presentation * min(profile["neuro_presentations"], p.presentation_cap)
    total += p.letter * min(profile["us_neuro_letters"], p.letter_cap)
    if step3 is not None and step3 >= p.step3_strong_at:
        total += p.step3_strong
    if program["state"] in profile["preferred_states"]:
        total += p.preferred_state
    elif program["region"] in profile["preferred_regions"]:
        total += p.preferred_region
    missed = {
        "step2_min": step2 is not None and step2 < program["step2_min"],
        "yog_window": years > program["yog_window"],
        "usce": profile["usce_months"] < program["usce_min_months"],
    }
    for code, kind in (("step2_min", "step2_min_kind"), ("yog_window", "yog_window_kind"),
                       ("usce", "usce_kind")):  # fmt: skip
        if missed[code] and program.get(kind) == "preferred":
            total += p.preferred_cutoff_missed
    return total


def judgement_probabilities(profile: dict, frame: pd.DataFrame) -> np.ndarray:
    p = DEFAULT_PARAMETERS
    logits = np.array(
        [judgement_log_odds(profile, row, p, YEAR) for row in frame.to_dict("records")]
    )
    return np.clip(1.0 / (1.0 + np.exp(-logits)), p.p_floor, p.p_ceiling)


def assert_version_one_scores_as_the_judgement_formula(profile: dict, frame: pd.DataFrame):
    scored = score_programs(profile, frame, as_of_year=YEAR)
    eligible = scored.eligible.to_numpy()
    expected = judgement_probabilities(profile, frame)
    np.testing.assert_allclose(scored.probability.to_numpy()[eligible], expected[eligible],
                               rtol=0, atol=1e-12)  # fmt: skip


@given(profiles)
def test_version_one_gives_the_judgement_probabilities_on_the_demo_catalogue(profile):
    assert_version_one_scores_as_the_judgement_formula(profile, make_demo_frame())


kinds = st.sampled_from(["required", "preferred"])
catalogues_with_kinds = st.lists(
    st.tuples(program_rows, kinds, kinds, kinds).map(
        lambda row: {
            **row[0],
            "step2_min_kind": row[1],
            "yog_window_kind": row[2],
            "usce_kind": row[3],
        }
    ),
    min_size=1,
    max_size=40,
).map(lambda rows: make_program_frame(*rows))


@given(profiles, catalogues | catalogues_with_kinds)
def test_version_one_gives_the_judgement_probabilities_on_any_catalogue(profile, frame):
    assert_version_one_scores_as_the_judgement_formula(profile, frame)


def test_the_weights_are_the_parameters_they_are_named_after():
    weights = weights_of(DEFAULT_PARAMETERS)
    assert list(weights) == list(WEIGHT_NAMES)
    assert [weights[f"tier_{tier}"] for tier in (1, 2, 3, 4)] == list(DEFAULT_PARAMETERS.tier_logit)
    assert weights["tier_unknown"] == DEFAULT_PARAMETERS.tier_unknown_logit
    parameter_names = {field.name for field in fields(ScoringParameters)}
    for name in WEIGHT_NAMES:
        if not name.startswith("tier_"):
            assert name in parameter_names
            assert weights[name] == getattr(DEFAULT_PARAMETERS, name)


def test_weights_round_trip_through_the_parameters():
    assert with_weights(DEFAULT_PARAMETERS, weights_of(DEFAULT_PARAMETERS)) == DEFAULT_PARAMETERS
    changed = with_weights(DEFAULT_PARAMETERS, {"letter": 0.5, "tier_3": -3.0})
    assert changed.letter == 0.5
    assert changed.tier_logit[2] == -3.0
    assert weights_of(changed)["usce_per_month"] == DEFAULT_PARAMETERS.usce_per_month


def test_an_unknown_weight_name_is_refused():
    with pytest.raises(ValueError, match="no_such_weight"):
        with_weights(DEFAULT_PARAMETERS, {"no_such_weight": 1.0})


def test_the_judgement_weights_keep_their_own_signs():
    for name, value in weights_of(DEFAULT_PARAMETERS).items():
        sign = WEIGHT_SIGNS[name]
        assert sign in ("+", "-", "")
        if sign == "+":
            assert value >= 0, name
        elif sign == "-":
            assert value <= 0, name


def test_the_log_odds_are_the_design_matrix_times_the_weights():
    frame = make_demo_frame()
    profile = make_profile_data(step2_score=238, step2_attempts=2, preferred_states=["TX"])
    weights = {name: 0.01 * i for i, name in enumerate(WEIGHT_NAMES)}
    params = with_weights(DEFAULT_PARAMETERS, weights)
    scored = score_programs(profile, frame, as_of_year=YEAR, params=params)
    matrix = design_matrix(profile, frame, as_of_year=YEAR, params=params)
    assert matrix.shape == (len(frame), len(WEIGHT_NAMES))
    logit = matrix @ weight_vector(params)  # any summation order: equal to 1e-12
    expected = np.clip(1 / (1 + np.exp(-logit)), params.p_floor, params.p_ceiling)
    eligible = scored.eligible.to_numpy()
    np.testing.assert_allclose(scored.probability[eligible], expected[eligible], rtol=0, atol=1e-12)


def applications_of(profile_list: list[dict], frame: pd.DataFrame) -> pd.DataFrame:
    """Every profile applying to every program, as the rows `application_design` reads."""
    records = []
    for profile in profile_list:
        row = {**profile, "as_of_year": YEAR}
        for key in ("step2_score", "step3_score"):
            row[key] = math.nan if row[key] is None else row[key]
        records += [row] * len(frame)
    return pd.DataFrame.from_records(records)


@pytest.mark.slow
@given(st.lists(profiles, min_size=1, max_size=4), catalogues)
def test_applications_row_by_row_match_each_profile_scored_alone(profile_list, frame):
    applications = applications_of(profile_list, frame)
    aligned = pd.concat([frame] * len(profile_list))
    matrix, eligible = application_design(applications, aligned)
    for i, profile in enumerate(profile_list):
        rows = slice(i * len(frame), (i + 1) * len(frame))
        alone = design_matrix(profile, frame, as_of_year=YEAR)
        # Excluded states are the applicant's list choice, not a fact of an application.
        scored = score_programs({**profile, "excluded_states": []}, frame, as_of_year=YEAR)
        np.testing.assert_array_equal(matrix[rows], alone)
        np.testing.assert_array_equal(eligible[rows], scored.eligible.to_numpy())


@pytest.mark.slow
@given(profiles)
def test_a_program_scored_alone_gets_exactly_its_probability_in_the_catalogue(profile):
    frame = make_demo_frame()
    whole = score_programs(profile, frame, as_of_year=YEAR).probability
    for pk in (1, 17, 90, len(frame)):
        alone = score_programs(profile, frame.loc[[pk]], as_of_year=YEAR).probability
        assert alone.loc[pk] == whole.loc[pk]  # bit for bit: ties are broken by pk
