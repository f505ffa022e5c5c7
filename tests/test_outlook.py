import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from applicants.listbuilder import (
    DEFAULT_CONVERSION,
    build_list,
    diminishing_returns_point,
    eras_fee,
    match_curve,
    outlook,
    outlooks,
    suggest_signals,
)
from applicants.scoring import score_programs
from tests.factories import make_profile_data, make_program_frame
from tests.strategies import STATES, YEAR

probability_lists = st.lists(st.floats(min_value=0.0, max_value=1.0), max_size=10)


def brute_force_at_least(probabilities: list[float], k: int) -> float:
    """P(at least k successes), summing over every outcome."""
    total = 0.0
    for outcome in itertools.product((0, 1), repeat=len(probabilities)):
        if sum(outcome) >= k:
            chance = 1.0
            for hit, p in zip(outcome, probabilities, strict=True):
                chance *= p if hit else 1.0 - p
            total += chance
    return total


@given(probability_lists)
def test_at_least_k_is_the_exact_poisson_binomial(probabilities):
    result = outlook(probabilities)
    assert sorted(result.at_least) == list(range(1, 16))
    for k in range(1, 16):
        expected = brute_force_at_least(probabilities, k)
        assert result.at_least[k] == pytest.approx(expected, abs=1e-9)


@given(st.lists(st.floats(min_value=0.0, max_value=0.9), max_size=200))
def test_the_outlook_is_consistent(probabilities):
    result = outlook(probabilities)
    assert result.size == len(probabilities)
    assert result.expected_interviews == pytest.approx(math.fsum(probabilities))
    chances = [result.at_least[k] for k in range(1, 16)]
    assert all(0.0 <= c <= 1.0 for c in chances)
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(chances))
    no_match = math.prod(1.0 - DEFAULT_CONVERSION * p for p in probabilities)
    assert result.match_chance == pytest.approx(1.0 - no_match)
    assert result.fee_usd == eras_fee(len(probabilities))


@given(st.lists(probability_lists, max_size=6))
def test_the_outlooks_of_many_lists_at_once_are_each_lists_own_outlook(lists):
    together = outlooks(lists)
    assert len(together) == len(lists)
    for probabilities, result in zip(lists, together, strict=True):
        alone = outlook(probabilities)
        assert result.size == alone.size and result.fee_usd == alone.fee_usd
        assert result.expected_interviews == pytest.approx(alone.expected_interviews)
        assert result.match_chance == pytest.approx(alone.match_chance)
        for k in range(1, 16):
            assert result.at_least[k] == pytest.approx(brute_force_at_least(probabilities, k))


def test_many_long_lists_stay_exact_in_the_tail():
    result = outlook([0.1] * 200)
    assert result.at_least[15] == pytest.approx(
        1.0 - sum(math.comb(200, j) * 0.1**j * 0.9 ** (200 - j) for j in range(15))
    )


def test_an_empty_list_has_no_chance_and_costs_nothing():
    result = outlook([])
    assert (result.expected_interviews, result.match_chance, result.fee_usd) == (0.0, 0.0, 0)
    assert set(result.at_least.values()) == {0.0}


def test_a_different_conversion_changes_only_the_match_chance():
    low, high = outlook([0.3, 0.3], conversion=0.1), outlook([0.3, 0.3], conversion=0.5)
    assert low.match_chance == pytest.approx(1 - 0.97**2)
    assert high.match_chance == pytest.approx(1 - 0.85**2)
    assert low.at_least == high.at_least


@pytest.mark.parametrize(("programs", "fee"), [(0, 0), (1, 11), (30, 330), (31, 360), (80, 1830),
                                               (100, 2430), (120, 3030)])  # fmt: skip
def test_the_eras_fee_follows_the_aamc_schedule(programs, fee):
    assert eras_fee(programs) == fee


@given(st.integers(min_value=0, max_value=500))
def test_the_eras_fee_is_11_dollars_for_the_first_30_then_30_dollars(programs):
    assert eras_fee(programs) == 11 * min(programs, 30) + 30 * max(0, programs - 30)


def test_the_fee_schedule_is_a_parameter():
    assert eras_fee(12, [(10, 5), (None, 7)]) == 10 * 5 + 2 * 7
    assert outlook([0.1] * 12, fee_schedule=[(10, 5), (None, 7)]).fee_usd == 64


def catalogue(count: int):
    rows = ({"state": STATES[i % len(STATES)], "tier": float(1 + i % 4), "img_pct": float(i % 90)}
            for i in range(count))  # fmt: skip
    return score_programs(make_profile_data(), make_program_frame(*rows), as_of_year=YEAR)


def test_the_match_curve_rises_with_list_size():
    curve = match_curve(catalogue(120), sizes=range(10, 121, 10))
    assert [size for size, _ in curve] == list(range(10, 121, 10))
    chances = [chance for _, chance in curve]
    assert all(later >= earlier for earlier, later in itertools.pairwise(chances))


def test_the_match_curve_point_is_the_outlook_of_the_built_list():
    scored = catalogue(60)
    [(size, chance)] = match_curve(scored, sizes=[40])
    ranked = build_list(scored, size=40).ranked
    assert (size, chance) == (40, outlook(scored.probability.loc[ranked]).match_chance)


def test_diminishing_returns_start_where_ten_more_programs_add_under_a_point():
    curve = [(30, 0.50), (40, 0.60), (50, 0.66), (60, 0.675), (70, 0.68), (80, 0.69)]
    assert diminishing_returns_point(curve) == 60


def test_diminishing_returns_scale_uneven_steps_to_ten_programs():
    assert diminishing_returns_point([(30, 0.5), (50, 0.525), (70, 0.53)]) == 50
    assert diminishing_returns_point([(30, 0.5), (50, 0.519)]) == 30


def test_no_point_of_diminishing_returns_while_every_step_gains():
    assert diminishing_returns_point([(30, 0.3), (40, 0.4), (50, 0.5)]) is None
    assert diminishing_returns_point([(30, 0.3)]) is None


def test_signals_are_at_most_eight_programs_from_the_list_each_with_a_reason():
    scored = catalogue(120)
    ranked = build_list(scored, size=100).ranked
    signals = suggest_signals(scored, ranked)
    assert len(signals) == 8
    assert len({pk for pk, _ in signals}) == 8
    assert all(pk in ranked and reason for pk, reason in signals)
    assert signals == suggest_signals(scored, ranked)


def test_signals_favour_preferred_states_among_similar_programs():
    frame = make_program_frame(*({"state": s} for s in STATES))
    profile = make_profile_data(preferred_states=["GA"])
    scored = score_programs(profile, frame, as_of_year=YEAR)
    signals = suggest_signals(scored, list(scored.index), n=1)
    [(pk, reason)] = signals
    assert frame.loc[pk, "state"] == "GA"
    assert "preferred" in reason


def test_signals_respect_the_requested_number():
    scored = catalogue(40)
    assert len(suggest_signals(scored, list(scored.index[scored.eligible]), n=3)) == 3
    assert suggest_signals(scored, [], n=8) == []
