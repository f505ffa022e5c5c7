import pytest

from applicants.listbuilder import build_list, eras_fee, outlook
from applicants.scoring import score_programs
from tests.factories import make_profile_data, make_program_frame

YEAR = 2025


@pytest.mark.parametrize(("programs", "fee"), [(80, 1830), (100, 2430), (120, 3030), (30, 330)])
def test_the_eras_fee_follows_the_aamc_schedule(programs, fee):
    assert eras_fee(programs) == fee


def test_expected_interviews_is_the_sum_of_probabilities():
    result = outlook([0.5, 0.25, 0.25])
    assert result.expected_interviews == pytest.approx(1.0)
    assert result.at_least[1] == pytest.approx(1 - 0.5 * 0.75 * 0.75)
    assert result.at_least[3] == pytest.approx(0.5 * 0.25 * 0.25)
    assert result.at_least[4] == 0.0


def test_a_list_takes_every_eligible_program_when_there_are_too_few():
    frame = make_program_frame({}, {"state": "TX"}, {"visa_j1": 0.0}, {"active": False})
    scored = score_programs(make_profile_data(), frame, as_of_year=YEAR)
    built = build_list(scored, size=30)
    assert sorted(built.ranked) == [1, 2]
    assert built.eligible_count == 2
    assert built.shortfall == 28
    assert built.excluded_by_rule["visa"] == 1
    assert built.excluded_by_rule["archived"] == 1


def test_pins_are_in_and_exclusions_are_out():
    frame = make_program_frame(*({"state": s} for s in ("TX", "NY", "CA", "FL", "OH")))
    scored = score_programs(make_profile_data(), frame, as_of_year=YEAR)
    built = build_list(scored, size=2, pinned=[5], excluded=[1])
    assert 5 in built.ranked
    assert 1 not in built.ranked
    assert len(built.ranked) == 2
