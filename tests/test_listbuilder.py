import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from applicants.listbuilder import ListRules, build_list, outlook
from applicants.scoring import DEFAULT_PARAMETERS, RULES, score_programs
from tests.factories import make_profile_data, make_program_frame
from tests.strategies import STATES, YEAR, catalogues, profiles


def band_of(probability: float) -> str:
    if probability >= DEFAULT_PARAMETERS.safety_at:
        return "safety"
    return "target" if probability >= DEFAULT_PARAMETERS.reach_below else "reach"


def make_scored(rows: list[tuple[float, str, bool]]) -> pd.DataFrame:
    """A scored frame from (probability, state, eligible) rows, pk 1, 2, …"""
    return pd.DataFrame(
        {
            "eligible": np.array([eligible for _, _, eligible in rows], dtype=bool),
            "broken_rules": [[] if eligible else ["visa"] for _, _, eligible in rows],
            "probability": np.array([p if e else 0.0 for p, _, e in rows], dtype=float),
            "band": [band_of(p) if eligible else "ineligible" for p, _, eligible in rows],
            "state_code": [state for _, state, _ in rows],
        },
        index=pd.RangeIndex(1, len(rows) + 1, name="pk"),
    )


scored_rows = st.lists(
    st.tuples(
        st.floats(min_value=0.002, max_value=0.9),
        st.sampled_from(STATES),
        st.sampled_from([True, True, True, False]),
    ),
    min_size=0,
    max_size=80,
)
sizes = st.integers(min_value=1, max_value=60)


def counts(scored: pd.DataFrame, ranked: list[int], column: str) -> dict[str, int]:
    return scored.loc[ranked, column].value_counts().to_dict()


def test_a_list_takes_every_eligible_program_when_there_are_too_few():
    frame = make_program_frame({}, {"state": "TX"}, {"visa_j1": 0.0}, {"active": False})
    scored = score_programs(make_profile_data(), frame, as_of_year=YEAR)
    built = build_list(scored, size=30)
    assert sorted(built.ranked) == [1, 2]
    assert built.eligible_count == 2
    assert built.shortfall == 28
    assert built.excluded_by_rule == {code: 0 for code in RULES} | {"visa": 1, "archived": 1}


def test_a_program_breaking_two_rules_counts_under_both():
    frame = make_program_frame({"visa_j1": 0.0, "active": False}, {})
    built = build_list(score_programs(make_profile_data(), frame, as_of_year=YEAR), size=30)
    assert built.excluded_by_rule["visa"] == 1
    assert built.excluded_by_rule["archived"] == 1
    assert built.eligible_count == 1


def test_pins_are_in_and_exclusions_are_out():
    frame = make_program_frame(*({"state": s} for s in ("TX", "NY", "CA", "FL", "OH")))
    scored = score_programs(make_profile_data(), frame, as_of_year=YEAR)
    built = build_list(scored, size=2, pinned=[5], excluded=[1])
    assert 5 in built.ranked
    assert 1 not in built.ranked
    assert len(built.ranked) == 2
    assert built.excluded_by_user == 1


def test_a_program_both_pinned_and_excluded_is_excluded():
    scored = make_scored([(0.3, "TX", True), (0.2, "NY", True)])
    assert build_list(scored, size=2, pinned=[1], excluded=[1]).ranked == [2]


def test_an_ineligible_pin_is_reported_not_ranked():
    scored = make_scored([(0.3, "TX", True), (0.2, "NY", False)])
    built = build_list(scored, size=2, pinned=[2])
    assert built.ranked == [1]
    assert built.pinned_ineligible == [2]


def test_pins_beyond_the_size_keep_the_likeliest():
    scored = make_scored([(0.1, "TX", True), (0.3, "NY", True), (0.2, "CA", True)])
    built = build_list(scored, size=2, pinned=[1, 2, 3])
    assert built.ranked == [2, 3]
    assert built.pins_dropped == [1]


def test_the_state_cap_keeps_one_state_from_filling_the_list():
    others = [s for s in STATES if s != "TX"]
    rows = [(0.5, "TX", True)] * 10 + [(0.1, state, True) for state in others * 2]
    scored = make_scored(rows)
    built = build_list(scored, size=10)
    assert counts(scored, built.ranked, "state_code")["TX"] == 2
    assert len(built.ranked) == 10
    assert built.relaxed == []


def test_a_preferred_state_is_exempt_from_the_state_cap():
    rows = [(0.5, "TX", True)] * 10 + [(0.1, "NY", True)] * 10
    built = build_list(make_scored(rows), size=10, preferred_states=["TX"])
    assert counts(make_scored(rows), built.ranked, "state_code") == {"TX": 10}


def test_the_state_cap_gives_way_rather_than_leave_the_list_short():
    rows = [(0.5, "TX", True)] * 10
    built = build_list(make_scored(rows), size=5)
    assert len(built.ranked) == 5
    assert built.relaxed == ["state_cap"]


def test_the_reach_cap_leaves_out_reach_programs_when_others_remain():
    states = list(STATES)
    rows = [(0.04, states[i % 10], True) for i in range(20)]
    rows += [(0.03 + 0.001 * i, states[i % 10], True) for i in range(3)]
    rows += [(0.1, states[i % 10], True) for i in range(20)]
    scored = make_scored(rows)
    built = build_list(scored, size=20)
    assert counts(scored, built.ranked, "band") == {"target": 20}
    built = build_list(scored, size=30)
    assert counts(scored, built.ranked, "band") == {"target": 20, "reach": 10}
    assert built.relaxed == ["reach_cap"]


def test_the_safety_floor_brings_in_safety_programs_held_back_by_nothing_else():
    rows = [(0.25, "TX", True), (0.3, "NY", True), (0.19, "CA", True), (0.18, "FL", True)]
    scored = make_scored(rows)
    built = build_list(scored, size=4, rules=ListRules(state_cap=1.0))
    assert counts(scored, built.ranked, "band")["safety"] == 2


def test_ties_are_broken_by_primary_key():
    scored = make_scored([(0.1, s, True) for s in STATES])
    built = build_list(scored, size=3, rules=ListRules(state_cap=1.0))
    assert built.ranked == [1, 2, 3]


@given(scored_rows, sizes, st.data())
def test_the_list_has_the_right_size_and_only_eligible_programs(rows, size, data):
    scored = make_scored(rows)
    pks = list(scored.index)
    excluded = data.draw(st.lists(st.sampled_from(pks), unique=True)) if pks else []
    built = build_list(scored, size=size, excluded=excluded)
    available = int((scored.eligible & ~scored.index.isin(excluded)).sum())
    assert len(built.ranked) == min(size, available)
    assert built.shortfall == size - len(built.ranked)
    assert len(set(built.ranked)) == len(built.ranked)
    assert scored.loc[built.ranked, "eligible"].all()
    assert not set(built.ranked) & set(excluded)
    assert built.eligible_count == int(scored.eligible.sum())


@given(scored_rows, sizes, st.data())
def test_eligible_pins_are_always_in(rows, size, data):
    scored = make_scored(rows)
    eligible = list(scored.index[scored.eligible])
    pins = (
        st.lists(st.sampled_from(eligible), unique=True, max_size=size) if eligible else st.just([])
    )
    pinned = data.draw(pins)
    built = build_list(scored, size=size, pinned=pinned)
    assert set(pinned) <= set(built.ranked)
    assert built.pins_dropped == []


@given(scored_rows, sizes, st.lists(st.sampled_from(STATES), max_size=2, unique=True))
def test_the_caps_hold_unless_the_list_could_not_be_filled_otherwise(rows, size, preferred):
    scored = make_scored(rows)
    rules = ListRules()
    built = build_list(scored, size=size, preferred_states=preferred, rules=rules)
    chosen = scored.loc[built.ranked]
    left = scored[scored.eligible & ~scored.index.isin(built.ranked)]
    reach_max = math.floor(rules.reach_cap * size + 1e-9)
    state_max = max(1, math.floor(rules.state_cap * size + 1e-9))
    if (chosen.band == "reach").sum() > reach_max:
        assert "reach_cap" in built.relaxed
        assert len(built.ranked) == size or left.empty
        assert (left.band == "reach").all()
    per_state = chosen[~chosen.state_code.isin(preferred)].state_code.value_counts()
    if (per_state > state_max).any():
        assert "state_cap" in built.relaxed
    if not built.relaxed:
        safety_min = math.ceil(rules.safety_floor * size - 1e-9)
        left_safety = left[left.band == "safety"]
        full_states = set(per_state[per_state >= state_max].index) - set(preferred)
        if (chosen.band == "safety").sum() < safety_min:
            assert left_safety.state_code.isin(full_states).all()


@given(scored_rows, sizes)
def test_without_binding_rules_the_list_is_the_likeliest_programs(rows, size):
    scored = make_scored(rows)
    loose = ListRules(reach_cap=1.0, safety_floor=0.0, state_cap=1.0)
    built = build_list(scored, size=size, rules=loose)
    eligible = scored[scored.eligible].reset_index()
    best = eligible.sort_values(["probability", "pk"], ascending=[False, True])
    assert built.ranked == list(best.pk[:size])


@given(scored_rows, sizes, st.randoms(use_true_random=False))
def test_the_list_is_deterministic_whatever_the_row_order(rows, size, rng):
    scored = make_scored(rows)
    order = list(scored.index)
    rng.shuffle(order)
    assert build_list(scored, size=size) == build_list(scored.loc[order], size=size)


@given(scored_rows, sizes)
def test_the_list_is_ranked_by_probability(rows, size):
    scored = make_scored(rows)
    probabilities = scored.loc[build_list(scored, size=size).ranked, "probability"]
    assert probabilities.is_monotonic_decreasing


@given(profiles, catalogues, st.integers(min_value=1, max_value=40))
def test_expected_interviews_are_the_sum_of_probabilities_over_the_list(profile, frame, size):
    scored = score_programs(profile, frame, as_of_year=YEAR)
    built = build_list(scored, size=size, preferred_states=profile["preferred_states"])
    probabilities = scored.loc[built.ranked, "probability"].to_numpy()
    result = outlook(probabilities)
    assert math.isclose(result.expected_interviews, float(np.sum(probabilities)), abs_tol=1e-9)
    assert result.size == len(built.ranked)
    assert scored.loc[built.ranked, "eligible"].all()
