"""The tracker service: facts written whole or not at all, limits, constraints, ranks."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from applicants import tracker
from applicants.models import SeasonDate, Shortlist, ShortlistEntry, validate_time_zone
from applicants.season import Problem, Status
from tests.factories import make_entry, make_profile, make_program, make_tracked_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortlist(alice):
    return Shortlist.objects.create(profile=make_profile(alice))


def interviewed_facts(**extra) -> dict:
    return {
        "applied_on": date(2026, 9, 10),
        "invited_on": date(2026, 10, 1),
        "interview_at": datetime(2026, 11, 2, 14, tzinfo=UTC),
        "interviewed": True,
        **extra,
    }


def test_the_first_fact_tracks_the_entry_for_the_current_season(shortlist, alice, mid_season):
    entry = make_entry(shortlist)
    tracker.record_facts(entry=entry, changes={"applied_on": date(2026, 9, 10)})
    entry.refresh_from_db()
    assert (entry.applicant, entry.season, entry.status) == (alice, 2027, Status.APPLIED)


def test_clearing_every_fact_untracks_the_entry(shortlist, mid_season):
    entry = make_tracked_entry(shortlist, applied_on=date(2026, 9, 10))
    tracker.record_facts(entry=entry, changes={"applied_on": None})
    entry.refresh_from_db()
    assert (entry.applicant, entry.season) == (None, None)


def test_bad_facts_raise_messages_and_write_nothing(shortlist, mid_season):
    entry = make_tracked_entry(shortlist, applied_on=date(2026, 9, 10))
    with pytest.raises(tracker.TrackerError) as error:
        tracker.record_facts(
            entry=entry,
            changes={
                "invited_on": date(2026, 10, 10),
                "interview_at": datetime(2026, 10, 5, 9, tzinfo=UTC),
            },
        )
    assert "before the invitation" in str(error.value)
    entry.refresh_from_db()
    assert entry.invited_on is None and entry.interview_at is None


def test_a_second_match_is_refused_with_a_message(alice, shortlist):
    now = datetime(2027, 3, 20, tzinfo=UTC)
    first = make_tracked_entry(shortlist, **interviewed_facts(rank_position=1, matched=True))
    second = make_tracked_entry(shortlist, **interviewed_facts(rank_position=2))
    with pytest.raises(tracker.TrackerError) as error:
        tracker.record_facts(entry=second, changes={"matched": True}, now=now)
    assert first.program.name in str(error.value)
    assert not ShortlistEntry.objects.get(pk=second.pk).matched


def test_a_match_is_recorded_from_match_day_on(alice, shortlist):
    assert SeasonDate.objects.get(season=2027, kind="match_day").date == date(2027, 3, 19)
    entry = make_tracked_entry(shortlist, **interviewed_facts(rank_position=1))
    the_day_before = datetime(2027, 3, 17, 12, tzinfo=UTC)  # 18 March everywhere on Earth
    with pytest.raises(tracker.TrackerError) as error:
        tracker.record_facts(entry=entry, changes={"matched": True}, now=the_day_before)
    assert "Match Day is 19 March 2027: record your match once the results are out." in str(
        error.value
    )
    with pytest.raises(tracker.TrackerError):  # the list's status select asks the same
        tracker.change_status(entry=entry, status="matched", now=the_day_before)
    assert not ShortlistEntry.objects.get(pk=entry.pk).matched
    on_the_day = datetime(2027, 3, 19, 17, tzinfo=UTC)
    assert tracker.record_facts(entry=entry, changes={"matched": True}, now=on_the_day).matched
    # A match recorded already stays editable before it (a note, a correction).
    tracker.record_facts(entry=entry, changes={"pros": "Home"}, now=the_day_before)


def test_a_rejection_or_withdrawal_takes_the_program_off_the_rank_order_list(shortlist):
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    first, second = (
        make_tracked_entry(shortlist, **interviewed_facts(rank_position=rank)) for rank in (1, 2)
    )
    ended = {"withdrawn_on": date(2026, 11, 20)}
    assert tracker.problems_with(entry=first, changes=ended, now=now) == []  # not refused
    saved = tracker.record_facts(entry=first, changes=ended, now=now)
    assert (saved.withdrawn_on, saved.rank_position) == (date(2026, 11, 20), None)
    assert ShortlistEntry.objects.get(pk=second.pk).rank_position == 1  # moved up
    # Ranking it explicitly, ended, is still refused.
    with pytest.raises(tracker.TrackerError):
        tracker.record_facts(entry=saved, changes={"rank_position": 2}, now=now)


def test_the_database_refuses_a_second_match_and_the_service_says_so(shortlist, monkeypatch):
    make_tracked_entry(shortlist, **interviewed_facts(rank_position=1, matched=True))
    second = make_tracked_entry(shortlist, **interviewed_facts(rank_position=2))
    with pytest.raises(IntegrityError), transaction.atomic():
        ShortlistEntry.objects.filter(pk=second.pk).update(matched=True)
    # A request that passed the checks while another one matched: the constraint answers.
    monkeypatch.setattr(tracker, "_problems", lambda *args, **kwargs: [])
    with pytest.raises(tracker.TrackerError) as error:
        tracker.record_facts(
            entry=second, changes={"matched": True}, now=datetime(2027, 3, 20, tzinfo=UTC)
        )
    assert "another window" in str(error.value)


def test_signals_beyond_the_seasons_limit_are_refused(shortlist, settings, mid_season):
    settings.PREFERENCE_SIGNALS = 2
    entries = [make_entry(shortlist, rank=rank) for rank in (1, 2, 3)]
    for entry in entries[:2]:
        tracker.set_signal(entry=entry, signalled=True)
    with pytest.raises(tracker.TrackerError) as error:
        tracker.set_signal(entry=entries[2], signalled=True)
    assert "all 2 signals" in str(error.value)
    assert tracker.signals_used(shortlist.profile.user, 2027) == 2


def test_a_program_is_tracked_on_one_list_only(alice, shortlist, mid_season):
    program = make_program()
    make_tracked_entry(shortlist, program, applied_on=date(2026, 9, 10))
    scenario = make_profile(alice, name="Scenario", based_on=shortlist.profile, active=False)
    twin = make_entry(Shortlist.objects.create(profile=scenario), program)
    with pytest.raises(tracker.TrackerError) as error:
        tracker.record_facts(entry=twin, changes={"applied_on": date(2026, 9, 11)})
    assert "My profile" in str(error.value)


def test_the_sql_status_agrees_with_the_derived_status(shortlist):
    facts = [
        {},
        {"signalled": True},
        {"applied_on": date(2026, 9, 10)},
        {"applied_on": date(2026, 9, 10), "invited_on": date(2026, 10, 1)},
        {"invited_on": date(2026, 10, 1), "interview_at": datetime(2026, 11, 2, tzinfo=UTC)},
        interviewed_facts(),
        interviewed_facts(rank_position=1),
        interviewed_facts(rank_position=2, matched=True),
        {"applied_on": date(2026, 9, 10), "rejected_on": date(2026, 10, 3)},
        {"applied_on": date(2026, 9, 10), "withdrawn_on": date(2026, 10, 3)},
    ]
    for values in facts:
        make_tracked_entry(shortlist, **values) if values else make_entry(shortlist)
    rows = ShortlistEntry.objects.annotate(sql_status=tracker.status_expression())
    assert len({row.status for row in rows}) == len(facts) - 1  # signalled is still considering
    for row in rows:
        assert row.sql_status == row.status


def test_ranks_move_by_one_and_stay_numbered_from_one(shortlist, mid_season):
    entries = [make_tracked_entry(shortlist, **interviewed_facts()) for _ in range(3)]
    for entry in entries:
        tracker.add_to_rank(entry=ShortlistEntry.objects.get(pk=entry.pk))
    a, b, c = (ShortlistEntry.objects.get(pk=entry.pk) for entry in entries)
    tracker.move_rank(entry=c, offset=-1)
    order = tracker.rank_order(shortlist.profile.user, 2027)
    assert [entry.pk for entry in order.ranked] == [a.pk, c.pk, b.pk]
    tracker.remove_from_rank(entry=ShortlistEntry.objects.get(pk=a.pk))
    order = tracker.rank_order(shortlist.profile.user, 2027)
    assert [(entry.pk, entry.rank_position) for entry in order.ranked] == [(c.pk, 1), (b.pk, 2)]
    assert [entry.pk for entry in order.unranked] == [a.pk]
    tracker.move_rank(entry=ShortlistEntry.objects.get(pk=c.pk), offset=-1)  # first already
    assert ShortlistEntry.objects.get(pk=c.pk).rank_position == 1


def test_a_quick_status_edit_records_the_implied_facts(shortlist, mid_season):
    entry = make_entry(shortlist)
    tracker.record_status(entry=entry, status="interviewed")
    entry.refresh_from_db()
    assert entry.status == Status.INTERVIEWED
    assert entry.applied_on == entry.invited_on == mid_season.date()
    with pytest.raises(tracker.TrackerError):
        tracker.record_status(entry=make_entry(shortlist), status="interview_scheduled")


def test_a_quick_status_edit_ahead_of_utc_is_dated_today_there_and_accepted(alice, shortlist):
    tracker.set_time_zone(user=alice, name="Pacific/Auckland")
    late = datetime(2026, 11, 30, 23, tzinfo=UTC)  # 1 December, noon, in Auckland
    tracker.record_status(entry=make_entry(shortlist), status="rejected", now=late)
    stored = ShortlistEntry.objects.get(shortlist=shortlist)
    assert stored.applied_on == stored.rejected_on == date(2026, 12, 1)


def test_a_date_after_today_is_refused_by_the_service(shortlist, mid_season):
    entry = make_entry(shortlist)
    with pytest.raises(tracker.TrackerError) as error:
        tracker.record_facts(entry=entry, changes={"applied_on": date(2027, 1, 15)})
    assert error.value.problems[0].field == "applied_on"
    assert "after today" in str(error.value)


def test_only_the_fields_a_save_changes_are_written(shortlist, mid_season):
    entry = make_tracked_entry(shortlist, applied_on=date(2026, 9, 10), cons="Far")
    stale = ShortlistEntry.objects.get(pk=entry.pk)
    ShortlistEntry.objects.filter(pk=entry.pk).update(invited_on=date(2026, 10, 1))
    tracker.record_facts(entry=stale, changes={"pros": "Kind"}, based_on={"pros": ""})
    entry.refresh_from_db()
    assert (entry.invited_on, entry.pros, entry.cons) == (date(2026, 10, 1), "Kind", "Far")


def test_a_field_changed_since_the_page_showed_it_is_refused_by_name(shortlist, mid_season):
    entry = make_tracked_entry(shortlist, applied_on=date(2026, 9, 12), pros="Kind")
    with pytest.raises(tracker.StaleFacts) as error:
        tracker.record_facts(
            entry=entry,
            changes={"applied_on": date(2026, 9, 15), "cons": "Far", "pros": "Warm"},
            based_on={"applied_on": date(2026, 9, 10), "cons": "", "pros": ""},
        )
    assert error.value.names == ["applied_on", "pros"]
    assert str(error.value).startswith(
        "Applied on and Pros changed in another tab or on another device since you opened "
        "this page. What you entered is below, with what is saved now under each of those "
        "fields: save again to keep yours, or reload to see the saved facts."
    )
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert (stored.applied_on, stored.pros, stored.cons) == (date(2026, 9, 12), "Kind", "")


def test_a_field_changed_elsewhere_to_what_this_save_writes_is_no_conflict(shortlist, mid_season):
    interview = datetime(2026, 12, 7, 15, 0, 30, tzinfo=UTC)  # seconds the page never shows
    entry = make_tracked_entry(shortlist, applied_on=date(2026, 9, 10), interview_at=interview)
    tracker.record_facts(
        entry=entry,
        changes={"applied_on": date(2026, 9, 10), "interview_at": interview.replace(hour=16)},
        based_on={"applied_on": None, "interview_at": interview.replace(second=0)},
    )
    assert ShortlistEntry.objects.get(pk=entry.pk).interview_at.hour == 16


def test_the_time_zone_is_validated_and_saving_it_is_not_a_profile_change(alice):
    profile = make_profile(alice)
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus_Mons")
    validate_time_zone("Asia/Kolkata")
    tracker.set_time_zone(user=alice, name="Asia/Kolkata")
    after = type(profile).objects.get(pk=profile.pk)
    assert after.time_zone == "Asia/Kolkata" and after.updated_at == profile.updated_at
    assert str(tracker.applicant_zone(alice)) == "Asia/Kolkata"


def test_problems_name_the_field_to_fix():
    error = tracker.TrackerError([Problem("applied_on", "Applied on: wrong.")])
    assert error.problems[0].field == "applied_on"


@pytest.mark.slow  # migrates the schema back and forward again
@pytest.mark.django_db(transaction=True)
def test_stored_statuses_migrate_into_facts_and_a_duplicate_keeps_its_status_in_notes():
    executor = MigrationExecutor(connection)
    programs_leaf = next(
        node for node in executor.loader.graph.leaf_nodes() if node[0] == "programs"
    )
    before = [("applicants", "0001_initial"), programs_leaf]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    User = apps.get_model("auth", "User")
    Profile = apps.get_model("applicants", "Profile")
    Shortlist_ = apps.get_model("applicants", "Shortlist")
    Entry = apps.get_model("applicants", "ShortlistEntry")
    Program = apps.get_model("programs", "Program")
    user = User.objects.create(username="alice")
    base = Profile.objects.create(user=user, graduation_year=2022, name="Base")
    other = Profile.objects.create(
        user=user, graduation_year=2022, name="Other", based_on=base, active=False
    )
    programs = [
        Program.objects.create(name=f"P{i}", state="TX", program_id=f"180000000{i}")
        for i in range(4)
    ]
    lists = [Shortlist_.objects.create(profile=profile) for profile in (base, other)]
    common = {"band": "target", "probability": 0.3, "fit_score": 50}
    for rank, (program, status) in enumerate(
        zip(programs, ["applied", "interview_offered", "ranked", "considering"], strict=True),
        start=1,
    ):
        Entry.objects.create(
            shortlist=lists[0], program=program, status=status, rank=rank, **common
        )
    Entry.objects.create(shortlist=lists[1], program=programs[0], status="interviewed", **common)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    entries = {
        (entry.shortlist.profile.name, entry.program.name): entry
        for entry in ShortlistEntry.objects.select_related("shortlist__profile", "program")
    }
    assert entries[("Other", "P0")].status == Status.INTERVIEWED  # the furthest status wins
    assert "Status before the season tracker: applied." in entries[("Base", "P0")].notes
    assert entries[("Base", "P0")].status == Status.CONSIDERING
    assert entries[("Base", "P1")].status == Status.INTERVIEW_OFFERED
    assert entries[("Base", "P2")].status == Status.RANKED
    assert entries[("Base", "P2")].rank_position == 1
    assert entries[("Base", "P3")].status == Status.CONSIDERING
    assert {entry.applicant_id for entry in entries.values() if entry.season} == {user.pk}
