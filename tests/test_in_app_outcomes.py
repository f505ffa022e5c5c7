"""In-app outcomes: the tracker facts of applicants who opted in, as fitting data."""

import math
from datetime import UTC, date, datetime

import pytest

from applicants.model_fitting import in_app_applications, tracked_outcome
from applicants.models import Shortlist, ShortlistEntry
from tests.factories import make_profile, make_program

pytestmark = pytest.mark.django_db

DURING = date(2026, 12, 1)  # season 2027 is under way
AFTER = date(2027, 5, 1)  # season 2027 is over
NONE = {"invited_on": None, "rejected_on": None, "withdrawn_on": None, "interviewed": False,
        "rank_position": None, "matched": False}  # fmt: skip


def outcome(today: date, **facts: object):
    result = tracked_outcome(season=2027, today=today, **{**NONE, **facts})
    return None if result is None else tuple("?" if math.isnan(v) else v for v in result)


@pytest.mark.parametrize(
    ("today", "facts", "expected"),
    [
        (DURING, {}, ("?", "?", "?")),
        (AFTER, {}, (0.0, 0.0, 0.0)),
        (DURING, {"rejected_on": date(2026, 11, 2)}, (0.0, 0.0, 0.0)),
        (DURING, {"invited_on": date(2026, 10, 1)}, (1.0, "?", "?")),
        (AFTER, {"invited_on": date(2026, 10, 1)}, (1.0, 0.0, 0.0)),
        (DURING, {"invited_on": date(2026, 10, 1), "interviewed": True}, (1.0, 1.0, "?")),
        (AFTER, {"rank_position": 3}, (1.0, 1.0, 0.0)),
        (DURING, {"matched": True, "interviewed": True, "rank_position": 1}, (1.0, 1.0, 1.0)),
        (DURING, {"withdrawn_on": date(2026, 10, 3)}, None),
        (AFTER, {"invited_on": date(2026, 10, 1), "withdrawn_on": date(2026, 10, 3)},
         (1.0, 0.0, 0.0)),
        (DURING, {"interview_at": datetime(2027, 1, 12, 15, tzinfo=UTC)}, (1.0, "?", "?")),
        (AFTER, {"interview_at": datetime(2027, 1, 12, 15, tzinfo=UTC)}, (1.0, 0.0, 0.0)),
    ],
)  # fmt: skip
def test_tracker_facts_say_what_they_can_about_the_programs_choice(today, facts, expected):
    assert outcome(today, **facts) == expected


def track(profile, program, **facts):
    shortlist, _ = Shortlist.objects.get_or_create(profile=profile)
    facts.setdefault("applied_on", date(2026, 9, 15))
    return ShortlistEntry.objects.create(
        shortlist=shortlist, program=program, rank=1, band="target", probability=0.2,
        fit_score=50, applicant=profile.user, season=2027, **facts,
    )  # fmt: skip


def test_a_program_s_answer_makes_an_application_without_its_sent_date(alice):
    profile = make_profile(alice, share_outcomes=True)
    invited, rejected, scheduled, considered = (make_program() for _ in range(4))
    track(profile, invited, applied_on=None, invited_on=date(2026, 10, 2))
    track(profile, rejected, applied_on=None, rejected_on=date(2026, 10, 20))
    track(profile, scheduled, applied_on=None, interview_at=datetime(2027, 1, 5, 14, tzinfo=UTC))
    track(profile, considered, applied_on=None)  # on the list, never sent: not an application

    frame = in_app_applications(today=AFTER).set_index("program")

    assert sorted(frame.index) == sorted([invited.pk, rejected.pk, scheduled.pk])
    assert frame.loc[invited.pk, "invited"] == 1.0
    assert frame.loc[rejected.pk, "invited"] == 0.0
    assert frame.loc[scheduled.pk, "invited"] == 1.0


def test_only_applicants_who_opted_in_are_read_with_their_base_profile(alice, bob):
    base = make_profile(alice, share_outcomes=True, step2_score=251, active=False)
    scenario = make_profile(alice, name="What if", based_on=base, step2_score=270, active=True)
    first, second = make_program(), make_program()
    track(scenario, first, invited_on=date(2026, 10, 1), interviewed=True)
    track(scenario, second, rejected_on=date(2026, 10, 20))
    track(make_profile(bob), first, invited_on=date(2026, 10, 1))  # bob did not opt in

    frame = in_app_applications(today=DURING).sort_values("program")
    assert list(frame["program"]) == [first.pk, second.pk]
    assert set(frame["source"]) == {"app"}
    assert list(frame["step2_score"]) == [251.0, 251.0]  # the facts, not the what-if
    assert list(frame["invited"]) == [1.0, 0.0]
    assert frame["interviewed"].iloc[0] == 1.0
    applicant = frame["applicant"].iloc[0]
    assert applicant.startswith("app-") and "alice" not in applicant
    assert str(alice.pk) != applicant.removeprefix("app-")


def test_withdrawing_the_opt_in_leaves_the_applicant_out(alice):
    profile = make_profile(alice, share_outcomes=True)
    track(profile, make_program(), invited_on=date(2026, 10, 1))
    assert len(in_app_applications(today=DURING)) == 1
    profile.share_outcomes = False
    profile.save()
    assert in_app_applications(today=DURING).empty
