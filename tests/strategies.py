"""Hypothesis strategies for the pure core: random profiles and random program catalogues."""

import math

from hypothesis import strategies as st

from tests.factories import make_profile_data, make_program_frame

NAN = math.nan
STATES = ("NY", "CA", "TX", "PA", "FL", "IL", "OH", "MA", "WA", "GA")
REGIONS = ("Northeast", "Midwest", "South", "West")
YEAR = 2025

tristate = st.sampled_from([1.0, 0.0, NAN])
scores = st.integers(min_value=180, max_value=290)
maybe_score = st.none() | scores

program_rows = st.fixed_dictionaries(
    {
        "state": st.sampled_from(STATES),
        "tier": st.sampled_from([1.0, 2.0, 3.0, 4.0, NAN]),
        "img_pct": st.just(NAN) | st.integers(min_value=0, max_value=100).map(float),
        "step2_min": st.just(NAN) | st.integers(min_value=190, max_value=260).map(float),
        "usce_min_months": st.just(NAN) | st.integers(min_value=0, max_value=12).map(float),
        "visa_j1": tristate,
        "visa_h1b": tristate,
        "multiple_attempts_ok": tristate,
        "yog_window": st.sampled_from([NAN, math.inf])
        | st.integers(min_value=0, max_value=20).map(float),
        "active": st.sampled_from([True, True, True, False]),
    }
)

catalogues = st.lists(program_rows, min_size=1, max_size=40).map(
    lambda rows: make_program_frame(*rows)
)

profiles = st.builds(
    make_profile_data,
    visa=st.sampled_from(["none", "j1", "h1b", "any"]),
    graduation_year=st.integers(min_value=1990, max_value=YEAR + 1),
    step1_attempts=st.integers(min_value=1, max_value=4),
    step2_score=maybe_score,
    step2_attempts=st.integers(min_value=1, max_value=4),
    step3_score=maybe_score,
    usce_months=st.integers(min_value=0, max_value=24),
    observership_months=st.integers(min_value=0, max_value=24),
    neuro_publications=st.integers(min_value=0, max_value=20),
    neuro_presentations=st.integers(min_value=0, max_value=30),
    us_neuro_letters=st.integers(min_value=0, max_value=5),
    preferred_states=st.lists(st.sampled_from(STATES), max_size=3, unique=True),
    preferred_regions=st.lists(st.sampled_from(REGIONS), max_size=2, unique=True),
    excluded_states=st.lists(st.sampled_from(STATES), max_size=2, unique=True),
)
