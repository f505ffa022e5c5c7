"""The pure season rules: seasons, derived status, facts that cannot be true, the timeline."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from applicants.season import (
    FACT_LABELS,
    Facts,
    KeyDate,
    Status,
    application_year,
    check_facts,
    derive_status,
    facts_for_status,
    milestones,
    next_milestone,
    season_of,
    season_window,
)

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Kolkata")


def problems(facts: Facts, **overrides) -> list[str]:
    options = {
        "season": 2027,
        "zone": ZONE,
        "now": NOW,
        "signals_elsewhere": 0,
        "signal_limit": 8,
        **overrides,
    }
    return [problem.message for problem in check_facts(facts, **options)]


season_days = st.dates(min_value=date(2026, 6, 1), max_value=date(2027, 3, 31))
optional_days = st.none() | season_days
facts_strategy = st.builds(
    Facts,
    applied_on=optional_days,
    signalled=st.booleans(),
    invited_on=optional_days,
    rejected_on=optional_days,
    withdrawn_on=optional_days,
    interview_at=st.none()
    | st.datetimes(
        min_value=datetime(2026, 6, 2), max_value=datetime(2027, 3, 30), timezones=st.just(UTC)
    ),
    interview_format=st.sampled_from(["", "virtual", "in_person"]),
    interviewed=st.booleans(),
    rank_position=st.none() | st.integers(1, 40),
    matched=st.booleans(),
)


def test_a_season_is_the_match_year_and_turns_in_april():
    assert season_of(date(2026, 6, 3)) == 2027
    assert season_of(date(2027, 3, 19)) == 2027
    assert season_of(date(2027, 4, 1)) == 2028
    assert season_window(2027) == (date(2026, 6, 1), date(2027, 3, 31))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_of_a_season_window_belongs_to_that_season(day):
    first, last = season_window(season_of(day))
    assert day <= last
    if day.month not in (4, 5):  # April and May: planning, before ERAS opens
        assert first <= day


def test_no_facts_means_considering():
    assert derive_status(Facts()) == Status.CONSIDERING
    assert derive_status(Facts(signalled=True)) == Status.CONSIDERING


def test_each_fact_moves_the_status_along_the_season():
    facts = Facts(applied_on=date(2026, 9, 10))
    assert derive_status(facts) == Status.APPLIED
    facts = replace(facts, invited_on=date(2026, 10, 2))
    assert derive_status(facts) == Status.INTERVIEW_OFFERED
    facts = replace(facts, interview_at=datetime(2026, 11, 5, 14, tzinfo=UTC))
    assert derive_status(facts) == Status.INTERVIEW_SCHEDULED
    facts = replace(facts, interviewed=True)
    assert derive_status(facts) == Status.INTERVIEWED
    facts = replace(facts, rank_position=1)
    assert derive_status(facts) == Status.RANKED
    assert derive_status(replace(facts, matched=True)) == Status.MATCHED
    assert derive_status(replace(facts, withdrawn_on=date(2027, 1, 3))) == Status.WITHDRAWN


@given(facts_strategy)
def test_any_recorded_fact_but_a_signal_or_format_leaves_considering(facts):
    meaningful = replace(facts, signalled=False, interview_format="")
    assert (derive_status(facts) == Status.CONSIDERING) == (not meaningful.any)


@given(facts_strategy, st.sampled_from(list(Status)))
def test_a_quick_status_edit_lands_on_that_status(facts, status):
    if status == Status.INTERVIEW_SCHEDULED and facts.interview_at is None:
        return  # needs a day and time: the entry page asks for them
    moved = facts_for_status(facts, status, today=date(2026, 11, 30), next_rank=7)
    assert derive_status(moved) == status
    assert moved.signalled == facts.signalled


@given(facts_strategy)
def test_facts_that_pass_the_checks_never_rank_an_ended_or_uninterviewed_program(facts):
    if not problems(facts, now=datetime(2027, 4, 1, tzinfo=UTC)):
        if facts.rank_position is not None:
            assert facts.interviewed and facts.withdrawn_on is None and facts.rejected_on is None
        if facts.matched:
            assert facts.rank_position is not None


def test_a_date_outside_the_season_is_refused_with_the_season_window():
    [message] = problems(Facts(applied_on=date(2026, 5, 20)))
    assert message == (
        "Applied on: 20 May 2026 is outside the 2027 season (1 June 2026 – 31 March 2027)."
    )


def test_an_interview_before_the_invitation_is_refused():
    facts = Facts(invited_on=date(2026, 10, 10), interview_at=datetime(2026, 10, 5, 9, tzinfo=UTC))
    [message] = problems(facts)
    assert message.startswith("The interview is before the invitation (5 October 2026")


def test_an_interview_before_the_application_is_refused_without_an_invitation():
    # 09:00 in India on 20 November, five days before the application.
    interview = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)
    [message] = problems(Facts(applied_on=date(2026, 11, 25), interview_at=interview))
    assert message == (
        "The interview is before the application (20 November 2026 is before 25 November 2026)."
    )


def test_an_interview_before_the_invitation_and_the_application_gets_one_message():
    facts = Facts(
        applied_on=date(2026, 10, 1),
        invited_on=date(2026, 10, 10),
        interview_at=datetime(2026, 9, 5, 9, tzinfo=UTC),
    )
    [message] = problems(facts)
    assert message.startswith("The interview is before the invitation")


def test_an_interview_on_the_day_of_the_application_is_accepted():
    facts = Facts(applied_on=date(2026, 11, 25), interview_at=datetime(2026, 11, 25, 4, tzinfo=UTC))
    assert problems(facts) == []


@pytest.mark.parametrize("name", ["applied_on", "invited_on", "rejected_on", "withdrawn_on"])
def test_a_date_after_today_is_refused_and_today_is_accepted(name):
    # NOW is 30 November 2026 at 20:30 in India.
    future = {"applied_on": date(2026, 9, 1), name: date(2026, 12, 1)}
    messages = problems(Facts(**future))
    assert f"{FACT_LABELS[name]}: 1 December 2026 is after today (30 November 2026)" in (
        " ".join(messages)
    )
    assert problems(Facts(**{"applied_on": date(2026, 9, 1), name: date(2026, 11, 30)})) == []


def test_applied_on_15_january_is_refused_on_1_december():
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    [message] = problems(Facts(applied_on=date(2027, 1, 15)), now=now)
    assert message == (
        "Applied on: 15 January 2027 is after today (1 December 2026): record it once it has "
        "happened."
    )


def test_today_is_the_applicants_today_ahead_of_utc():
    # 23:00 UTC on 30 November is already 1 December in Auckland (and on Kiritimati).
    late = datetime(2026, 11, 30, 23, tzinfo=UTC)
    facts = Facts(applied_on=date(2026, 12, 1))
    assert problems(facts, now=late, zone=ZoneInfo("Pacific/Auckland")) == []
    assert problems(facts, now=late, zone=ZoneInfo("America/Chicago")) != []
    # A zone not chosen yet (UTC) does not refuse anyone their own today, and says so.
    assert problems(facts, now=late, zone=UTC, zone_is_set=False) == []
    [message] = problems(Facts(applied_on=date(2026, 12, 2)), now=late, zone=UTC, zone_is_set=False)
    assert message == (
        "Applied on: 2 December 2026 is after today (1 December 2026 somewhere on Earth; set "
        "your time zone for yours): record it once it has happened."
    )
    assert problems(Facts(applied_on=date(2026, 12, 2)), now=late, zone=UTC, zone_is_set=False)


def test_an_interview_may_be_in_the_future():
    assert problems(Facts(interview_at=NOW + timedelta(days=30))) == []


def test_a_date_outside_the_season_gets_one_message_not_also_a_future_one():
    assert len(problems(Facts(applied_on=date(2027, 6, 2)))) == 1


def test_the_interview_day_is_the_applicants_day():
    # 20:00 UTC on 9 October is already 10 October in India: the same day as the invitation.
    facts = Facts(invited_on=date(2026, 10, 10), interview_at=datetime(2026, 10, 9, 20, tzinfo=UTC))
    assert problems(facts) == []
    assert problems(facts, zone=ZoneInfo("America/Chicago")) != []


def test_a_second_match_is_refused_naming_the_first():
    facts = Facts(
        applied_on=date(2026, 9, 10),
        invited_on=date(2026, 10, 1),
        interviewed=True,
        rank_position=2,
        matched=True,
    )
    [message] = problems(facts, now=datetime(2027, 3, 20, tzinfo=UTC), matched_elsewhere="Ohio")
    assert "Ohio is recorded as your match" in message


def test_a_signal_over_the_limit_is_refused_and_one_within_it_is_not():
    assert problems(Facts(signalled=True), signals_elsewhere=7) == []
    [message] = problems(Facts(signalled=True), signals_elsewhere=8)
    assert "all 8 signals" in message


def test_an_interview_marked_done_before_it_happened_is_refused():
    facts = Facts(interview_at=NOW + timedelta(days=3), interviewed=True)
    [message] = problems(facts)
    assert "still to come" in message


def test_a_program_is_either_inviting_or_rejecting():
    facts = Facts(invited_on=date(2026, 10, 1), rejected_on=date(2026, 10, 2))
    assert any("either invites you or rejects you" in m for m in problems(facts))


def test_milestones_count_days_left_and_the_next_one_is_the_first_not_past():
    dates = [
        KeyDate("match_day", "Match Day", date(2027, 3, 19)),
        KeyDate("eras_opens", "ERAS opens", date(2026, 6, 3)),
        KeyDate("rol_deadline", "ROL deadline", date(2027, 3, 3)),
    ]
    timeline = milestones(dates, today=date(2027, 3, 1))
    assert [item.key.kind for item in timeline] == ["eras_opens", "rol_deadline", "match_day"]
    assert [item.days_left for item in timeline] == [-271, 2, 18]
    assert next_milestone(timeline).key.kind == "rol_deadline"
    assert "Certify" in next_milestone(timeline).advice
    assert next_milestone(milestones(dates, today=date(2027, 3, 20))) is None


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 3, 31), 2025),  # season 2026's Match is just over
        (date(2026, 4, 1), 2026),  # planning season 2027
        (date(2026, 6, 1), 2026),  # ERAS opens
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),  # interviews: still season 2027's applications
        (date(2027, 3, 20), 2026),  # Match Day
    ],
)
def test_the_application_year_stays_the_seasons_across_new_year(day, year):
    assert application_year(day) == year
