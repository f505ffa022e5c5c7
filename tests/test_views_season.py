"""The season pages: entry facts, signals, time zone, overview, costs, review."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from applicants import season_summary
from applicants.models import Profile, SeasonDate, Shortlist, ShortlistEntry
from applicants.season import Status
from tests.factories import (
    make_entry,
    make_form_data,
    make_interviewed_entries,
    make_profile,
    make_program,
    make_tracked_entry,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortlist(alice):
    return Shortlist.objects.create(profile=make_profile(alice, time_zone="Asia/Kolkata"))


def entry_url(entry, name="entry") -> str:
    return reverse(f"season:{name}", args=[entry.pk])


def facts_form(**values) -> dict:
    base = {
        "applied_on": "",
        "invited_on": "",
        "rejected_on": "",
        "withdrawn_on": "",
        "interview_day": "",
        "interview_time": "",
        "interview_zone": "mine",
        "interview_format": "",
        "travel_estimate": "",
        "pros": "",
        "cons": "",
    }
    return base | values


def test_the_entry_page_shows_every_fact_field(client, alice, shortlist, mid_season):
    entry = make_entry(shortlist, make_program(name="Lakeside Neurology", state="TX"))
    client.force_login(alice)
    content = client.get(entry_url(entry)).content.decode()
    for name in ("applied_on", "signalled", "invited_on", "rejected_on", "withdrawn_on",
                 "interview_day", "interview_time", "interview_format", "interviewed",
                 "matched", "travel_estimate", "pros", "cons"):  # fmt: skip
        assert f'name="{name}"' in content, name
    assert "America/Chicago" in content  # the program's zone is offered for the time
    back = reverse("applicants:list_of", args=[shortlist.profile.pk]) + f"#entry-{entry.pk}"
    assert f'<a href="{back}">Back to my list</a>' in content  # to the program's row


def test_recording_an_invitation_and_an_interview_in_the_programs_zone(
    client, alice, shortlist, mid_season
):
    entry = make_entry(shortlist, make_program(state="TX"))
    client.force_login(alice)
    response = client.post(
        entry_url(entry),
        facts_form(
            applied_on="2026-09-10",
            invited_on="2026-10-20",
            interview_day="2026-12-07",
            interview_time="09:00",
            interview_zone="program",
            interview_format="virtual",
        ),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.INTERVIEW_SCHEDULED
    assert entry.interview_at == datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 09:00 CST
    page = client.get(entry_url(entry)).content.decode()
    assert "20:30" in page  # Kolkata
    assert "09:00" in page  # the program's local time


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"applied_on": "2025-09-10"}, "outside the 2027 season"),
        ({"applied_on": "10/09/2026x"}, "Enter a valid date"),
        (
            {"invited_on": "2026-10-20", "interview_day": "2026-10-01", "interview_time": "09:00"},
            "before the invitation",
        ),
        ({"interview_day": "2026-12-07"}, "both the interview"),
        ({"travel_estimate": "-5"}, "Enter a whole number of dollars from 0 to 20,000."),
        ({"travel_estimate": "25000"}, "Enter a whole number of dollars from 0 to 20,000."),
        ({"interview_format": "by pigeon"}, "Select a valid choice"),
        (
            {"interview_day": "2027-03-14", "interview_time": "02:30", "interview_zone": "program"},
            "does not exist",
        ),
    ],
)
def test_bad_facts_get_a_message_and_nothing_is_written(
    client, alice, shortlist, mid_season, values, message
):
    entry = make_entry(shortlist, make_program(state="IL"))
    client.force_login(alice)
    response = client.post(entry_url(entry), facts_form(**values))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert stored.facts == entry.facts and stored.updated_at == entry.updated_at


def test_a_second_match_on_the_entry_page_is_refused(client, alice, shortlist, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2027, 3, 20, tzinfo=UTC))
    common = {"applied_on": date(2026, 9, 10), "invited_on": date(2026, 10, 1)}
    make_tracked_entry(shortlist, interviewed=True, rank_position=1, matched=True, **common)
    other = make_tracked_entry(shortlist, interviewed=True, rank_position=2, **common)
    client.force_login(alice)
    response = client.post(
        entry_url(other),
        facts_form(
            applied_on="2026-09-10", invited_on="2026-10-01", interviewed="on", matched="on"
        ),
    )
    assert response.status_code == 400
    assert "You can match only once a season" in response.content.decode()
    assert not ShortlistEntry.objects.get(pk=other.pk).matched


def page_form(client, entry) -> dict[str, str]:
    """The entry page's form as a tab that opened it now would post it, untouched."""
    return make_form_data(client.get(entry_url(entry)).content.decode(), entry_url(entry))


def saved_in_two_tabs(
    client, entry, first: dict[str, str], second: dict[str, str], **extra
) -> HttpResponse:
    """Two tabs open the entry page; the first saves with `first` typed in, then the second
    posts with `second` typed in. The answer to the second."""
    tab_b = page_form(client, entry)  # opened before tab A saves
    tab_a = page_form(client, entry) | first
    assert client.post(entry_url(entry), tab_a).status_code == 302
    return client.post(entry_url(entry), tab_b | second, **extra)


def test_a_first_interview_is_read_in_the_programs_zone_and_a_recorded_one_in_mine(
    client, alice, shortlist, mid_season
):
    entry = make_entry(shortlist, make_program(state="IL"))
    client.force_login(alice)
    zone = re.compile(r'<option value="(\w+)"[^>]*selected>')
    first = client.get(entry_url(entry)).content.decode()
    assert zone.findall(first) == ["program"]  # an invitation gives the program's time
    typed = {"interview_day": "2026-12-07", "interview_time": "09:00"}
    assert client.post(entry_url(entry), page_form(client, entry) | typed).status_code == 302
    entry.refresh_from_db()
    assert entry.interview_at == datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 09:00 in Chicago
    again = client.get(entry_url(entry)).content.decode()
    assert zone.findall(again) == ["mine"]  # shown as 20:30, the applicant's (Kolkata) time
    assert 'name="interview_time" value="20:30"' in again
    unknown = make_entry(shortlist, make_program(state=""))  # no state: no program zone
    assert "program" not in zone.findall(client.get(entry_url(unknown)).content.decode())


def test_a_time_zone_changed_in_another_tab_moves_neither_the_time_typed_nor_the_one_shown(
    client, alice, shortlist, mid_season
):
    interview = datetime(2027, 1, 12, 15, 0, tzinfo=UTC)  # 20:30 in Kolkata
    entry = make_tracked_entry(
        shortlist, make_program(state="IL"), applied_on=date(2026, 9, 10), interview_at=interview
    )
    client.force_login(alice)
    opened = page_form(client, entry)
    assert (opened["interview_time"], opened["my_zone"]) == ("20:30", "Asia/Kolkata")
    client.post(reverse("season:time_zone"), {"time_zone": "America/New_York"})  # another tab

    kept = client.post(entry_url(entry), opened | {"cons": "Far"})
    assert kept.status_code == 302  # the interview shown is the one stored: no clash
    assert ShortlistEntry.objects.get(pk=entry.pk).interview_at == interview
    moved = client.post(entry_url(entry), opened | {"cons": "Far", "interview_time": "21:00"})
    assert moved.status_code == 302
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert stored.interview_at == datetime(2027, 1, 12, 15, 30, tzinfo=UTC)  # 21:00 in Kolkata
    # A zone the page could not have shown is not taken: "my time zone" is read as it is now.
    made_up = page_form(client, entry) | {"my_zone": "Mars/Olympus", "interview_time": "10:00"}
    assert client.post(entry_url(entry), made_up).status_code == 302
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert stored.interview_at == datetime(2027, 1, 12, 15, 0, tzinfo=UTC)  # 10:00 in New York


def test_a_withdrawal_takes_the_program_off_the_rank_order_list_and_says_so(
    client, alice, mid_season
):
    first, second = make_interviewed_entries(alice, "Alpha Neuro", "Beta Neuro", ranked=True)
    client.force_login(alice)
    response = client.post(
        entry_url(first), page_form(client, first) | {"withdrawn_on": "2026-11-20"}, follow=True
    )
    assert response.status_code == 200
    assert (
        "Saved Alpha Neuro. It is off your rank order list now (it was number 1): a program "
        "that rejected you or that you withdrew from is not ranked."
    ) in response.content.decode()
    assert "A program that rejected you or that you withdrew from is not ranked." in (
        response.content.decode()
    )  # not "Not on your rank order list yet"
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.withdrawn_on, first.rank_position) == (date(2026, 11, 20), None)
    assert second.rank_position == 1  # the one below moved up


def test_every_error_on_the_entry_page_is_said_in_one_round(client, alice, shortlist, mid_season):
    entry = make_entry(shortlist, make_program(state="IL"))
    client.force_login(alice)
    typed = {
        "applied_on": "2026-12-25",  # after today (30 Nov 2026)
        "invited_on": "2026-05-01",  # before the season
        "travel_estimate": "-9",  # refused by the field itself
    }
    response = client.post(entry_url(entry), page_form(client, entry) | typed)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["travel_estimate"] == ["Enter a whole number of dollars from 0 to 20,000."]
    assert "is after today" in errors["applied_on"][0]
    assert "is outside the 2027 season" in errors["invited_on"][0]
    assert ShortlistEntry.objects.get(pk=entry.pk).applied_on is None  # nothing written


def test_two_tabs_changing_different_facts_keep_both_changes(client, alice, shortlist, mid_season):
    entry = make_entry(shortlist, make_program(state="IL"))
    client.force_login(alice)
    response = saved_in_two_tabs(
        client,
        entry,
        {
            "applied_on": "2026-09-10",
            "invited_on": "2026-10-20",
            "interview_day": "2026-12-07",
            "interview_time": "09:00",
            "interview_zone": "mine",
        },
        {"cons": "Long commute", "travel_estimate": "450"},
        follow=True,
    )
    assert "Saved" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.applied_on, entry.invited_on) == (date(2026, 9, 10), date(2026, 10, 20))
    assert entry.interview_at == datetime(2026, 12, 7, 3, 30, tzinfo=UTC)  # 09:00 in Kolkata
    assert (entry.cons, entry.travel_estimate) == ("Long commute", 450)
    assert entry.status == Status.INTERVIEW_SCHEDULED


@pytest.fixture
def applied(client, alice, shortlist, mid_season):
    """An entry applied to on 10 September, its owner signed in."""
    client.force_login(alice)
    return make_tracked_entry(shortlist, make_program(state="IL"), applied_on=date(2026, 9, 10))


def test_a_fact_changed_in_both_tabs_is_refused_by_name_and_nothing_is_written(client, applied):
    entry = applied
    response = saved_in_two_tabs(
        client,
        entry,
        {"applied_on": "2026-09-12", "cons": "Small program"},
        {"applied_on": "2026-09-15", "cons": "Far", "pros": "Kind"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing was saved." in page
    assert (
        "Applied on and Cons changed in another tab or on another device since you opened "
        "this page. What you entered is below, with what is saved now under each of those "
        "fields: save again to keep yours, or reload to see the saved facts."
    ) in page
    assert "Saved elsewhere meanwhile: 12 September 2026." in page
    assert "Saved elsewhere meanwhile: Small program." in page
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert (stored.applied_on, stored.cons, stored.pros) == (date(2026, 9, 12), "Small program", "")


def test_after_a_clash_saving_again_keeps_what_was_typed_and_what_the_other_tab_saved(
    client, applied
):
    entry = applied
    response = saved_in_two_tabs(
        client,
        entry,
        {"applied_on": "2026-09-12", "pros": "Kind"},
        {"applied_on": "2026-09-15", "cons": "Far"},
    )
    assert response.status_code == 409
    again = make_form_data(response.content.decode(), entry_url(entry))
    assert (again["applied_on"], again["cons"], again["pros"]) == ("2026-09-15", "Far", "Kind")
    assert client.post(entry_url(entry), again).status_code == 302
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert (stored.applied_on, stored.cons, stored.pros) == (date(2026, 9, 15), "Far", "Kind")


def test_the_same_change_made_in_two_tabs_is_no_conflict(client, alice, shortlist, mid_season):
    entry = make_entry(shortlist, make_program(state="IL"))
    client.force_login(alice)
    same = {"cons": "Far\r\naway"}
    assert saved_in_two_tabs(client, entry, same, same).status_code == 302


def test_clearing_and_unticking_facts_on_the_page_still_clears_them(
    client, alice, shortlist, mid_season
):
    entry = make_tracked_entry(
        shortlist, make_program(state="IL"), applied_on=date(2026, 9, 10), signalled=True
    )
    client.force_login(alice)
    form = page_form(client, entry)
    assert form["signalled"] == "on" and form["applied_on"] == "2026-09-10"
    del form["signalled"]
    assert client.post(entry_url(entry), form | {"applied_on": ""}).status_code == 302
    entry.refresh_from_db()
    assert (entry.applied_on, entry.signalled, entry.season) == (None, False, None)


@pytest.mark.parametrize("sent", [{"cons": "Far"}, facts_form(cons="Far")])
def test_a_post_without_the_pages_snapshot_keeps_the_facts_it_does_not_send(
    client, alice, shortlist, mid_season, sent
):
    facts = {"applied_on": date(2026, 9, 10), "invited_on": date(2026, 10, 1), "signalled": True}
    interview = datetime(2026, 12, 7, 15, tzinfo=UTC)
    entry = make_tracked_entry(
        shortlist, interview_at=interview, interview_format="virtual", **facts
    )
    client.force_login(alice)
    assert client.post(entry_url(entry), sent).status_code == 302
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert stored.facts == entry.facts and stored.cons == "Far"


def test_saving_the_page_unchanged_writes_nothing(client, alice, shortlist, mid_season):
    entry = make_tracked_entry(shortlist, applied_on=date(2026, 9, 10), pros="Kind\nteam")
    client.force_login(alice)
    response = client.post(entry_url(entry), page_form(client, entry), follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert ShortlistEntry.objects.get(pk=entry.pk).updated_at == entry.updated_at


def test_a_future_application_date_is_refused_on_the_entry_page(
    client, alice, shortlist, mid_season
):
    entry = make_entry(shortlist)
    client.force_login(alice)
    response = client.post(entry_url(entry), facts_form(applied_on="2027-01-15"))
    assert response.status_code == 400
    assert "Applied on: 15 January 2027 is after today (30 November 2026)" in (
        response.content.decode()
    )
    assert ShortlistEntry.objects.get(pk=entry.pk).applied_on is None


def test_another_users_entry_is_not_found_on_every_season_url(client, bob, shortlist):
    entry = make_entry(shortlist)
    client.force_login(bob)
    assert client.get(entry_url(entry)).status_code == 404
    assert client.post(entry_url(entry), facts_form()).status_code == 404
    for name in ("entry_signal", "rank_move", "rank_notes"):
        assert client.post(entry_url(entry, name), {}).status_code == 404


def test_signals_page_offers_one_action_per_suggestion_and_counts_use(
    client, alice, shortlist, settings, mid_season, monkeypatch
):
    from applicants import season_summary

    settings.PREFERENCE_SIGNALS = 2
    entries = [make_entry(shortlist, rank=rank) for rank in (1, 2, 3)]
    monkeypatch.setattr(
        season_summary,
        "suggested_signals",
        lambda profile: [
            season_summary.Suggestion(entry.program, "Worth a signal", entry) for entry in entries
        ],
    )
    client.force_login(alice)
    page = client.get(reverse("season:signals")).content.decode()
    assert page.count('name="signalled" value="true"') == 3
    assert 'aria-label="What the bands mean"' in page  # reasons name bands: say what they mean
    assert "0 of 2" in page
    for entry in entries[:2]:
        client.post(entry_url(entry, "entry_signal"), {"signalled": "true"})
    response = client.post(
        entry_url(entries[2], "entry_signal"), {"signalled": "true"}, follow=True
    )
    assert "all 2 signals" in response.content.decode()
    assert "2 of 2" in response.content.decode()
    assert not ShortlistEntry.objects.get(pk=entries[2].pk).signalled


def test_the_signals_page_says_when_the_deadline_has_passed(client, alice, shortlist, monkeypatch):
    client.force_login(alice)
    due = SeasonDate.objects.get(season=2027, kind="signal_deadline").date
    for day, passed in ((due, False), (due + timedelta(days=1), True)):
        moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        page = client.get(reverse("season:signals")).content.decode()
        notice = (
            f"Signals were due on {due:%-d %B %Y}, with the applications: that date has passed."
        )
        assert (notice in page) is passed, day


def test_a_signal_goes_back_to_the_part_of_the_page_its_button_was_in(client, alice, shortlist):
    entry = make_entry(shortlist)
    client.force_login(alice)
    url = entry_url(entry, "entry_signal")
    response = client.post(url, {"signalled": "true", "next": "/season/signals/#suggested"})
    assert response["Location"] == "/season/signals/#suggested"
    page = client.get(response["Location"]).content.decode()
    # Without JavaScript, a copy of the answer shows in that part.
    suggested = page[page.index('id="suggested"') : page.index('id="signalled"')]
    assert f"Signalled {entry.program.name}." in suggested
    assert "<noscript>" in suggested


def test_a_bad_signal_value_gets_a_message(client, alice, shortlist):
    entry = make_entry(shortlist)
    client.force_login(alice)
    response = client.post(entry_url(entry, "entry_signal"), {"signalled": "maybe"}, follow=True)
    assert "Select a valid choice" in response.content.decode()


def test_the_time_zone_form_validates_the_name(client, alice, shortlist):
    client.force_login(alice)
    response = client.post(reverse("season:time_zone"), {"time_zone": "Mars/Olympus"}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    assert Profile.objects.get(user=alice).time_zone == "Asia/Kolkata"
    client.post(reverse("season:time_zone"), {"time_zone": "Europe/Berlin"})
    assert Profile.objects.get(user=alice).time_zone == "Europe/Berlin"


def test_the_zones_offered_are_current_names_and_an_old_saved_name_stays_chosen(
    client, alice, shortlist
):
    client.force_login(alice)
    calendar = reverse("season:calendar")
    page = client.get(calendar).content.decode()
    offered = re.findall(r'<option value="([^"]+)"', page.split('name="time_zone"')[1])
    for name in ("Asia/Kolkata", "Africa/Accra", "Africa/Lagos", "America/Chicago", "UTC"):
        assert name in offered
    for name in ("Asia/Calcutta", "Asia/Saigon", "Etc/GMT+5", "US/Central"):
        assert name not in offered
    assert re.search(r'<option value="Asia/Kolkata" selected>', page)

    Profile.objects.filter(user=alice).update(time_zone="Asia/Calcutta")  # saved long ago
    page = client.get(calendar).content.decode()
    assert re.search(r'<option value="Asia/Calcutta" selected>Asia/Calcutta</option>', page)
    client.post(reverse("season:time_zone"), {"time_zone": "Asia/Calcutta"})
    assert Profile.objects.get(user=alice).time_zone == "Asia/Calcutta"


def test_the_time_zone_needs_a_profile_first(client, bob):
    client.force_login(bob)
    response = client.post(reverse("season:time_zone"), {"time_zone": "UTC"}, follow=True)
    assert "Save your profile first" in response.content.decode()


def test_costs_add_eras_fees_for_applied_programs_nrmp_and_travel(
    client, alice, shortlist, settings, mid_season
):
    settings.NRMP_REGISTRATION_FEE, settings.TRAVEL_ESTIMATE_USD = 85, 700
    for _ in range(32):
        make_tracked_entry(shortlist, applied_on=date(2026, 9, 10))
    make_tracked_entry(shortlist, interview_format="in_person", travel_estimate=400)
    make_tracked_entry(shortlist, interview_format="in_person")
    make_tracked_entry(shortlist, interview_format="virtual")
    client.force_login(alice)
    page = client.get(reverse("season:costs")).content.decode()
    eras = 30 * 11 + 2 * 30
    assert f"${eras:,}" in page
    assert f"${eras + 85 + 400 + 700:,}" in page


def test_an_invitation_recorded_without_its_application_still_counts_the_eras_fee(
    alice, shortlist, settings, mid_season
):
    make_tracked_entry(shortlist, applied_on=date(2026, 9, 10))
    make_tracked_entry(shortlist, invited_on=date(2026, 10, 1))  # applied, date not recorded
    make_tracked_entry(shortlist, rejected_on=date(2026, 10, 2))
    make_tracked_entry(shortlist, signalled=True)  # a signal planned: not applied yet
    costs = season_summary.season_costs(alice, now=mid_season)
    assert (costs.applied, costs.eras_fee) == (3, 3 * 11)


def test_travel_counts_as_spent_once_the_interview_has_taken_place(
    client, alice, shortlist, settings, mid_season
):
    settings.NRMP_REGISTRATION_FEE = 85
    facts = {"invited_on": date(2026, 10, 1), "interview_format": "in_person"}
    make_tracked_entry(
        shortlist, interview_at=mid_season - timedelta(days=3), travel_estimate=400, **facts
    )
    make_tracked_entry(
        shortlist, interview_at=mid_season + timedelta(days=30), travel_estimate=750, **facts
    )
    costs = season_summary.season_costs(alice, now=mid_season)
    assert (costs.travel_total, costs.travel_to_come) == (400, 750)
    eras = 2 * 11  # both were applied to, the invitations say
    assert (costs.total, costs.to_come) == (eras + 400, 85 + 750)
    assert costs.total_with_to_come == eras + 400 + 85 + 750
    client.force_login(alice)
    page = client.get(reverse("season:costs")).content.decode()
    assert '<span class="value">$422</span><span class="label">season total so far</span>' in page
    assert "+ $835 to come (NRMP registration, travel to interviews ahead)" in page
    assert "$750 more for the interviews ahead" in page
    assert "Season cost so far: <strong>$422</strong> (plus $835 to come" in (
        client.get(reverse("season:index")).content.decode()
    )


@pytest.mark.parametrize("user", ["alice", "bob"])  # bob has no profile
def test_a_season_with_nothing_recorded_has_cost_nothing_so_far(
    client, request, shortlist, settings, mid_season, user
):
    settings.NRMP_REGISTRATION_FEE = 85
    client.force_login(request.getfixturevalue(user))
    season = client.get(reverse("season:index")).content.decode()
    assert "Season cost so far: <strong>$0</strong>" in season
    assert "plus $85 to come: the NRMP registration fee, counted once you rank a program" in season
    costs = client.get(reverse("season:costs")).content.decode()
    assert '<span class="value">$0</span><span class="label">season total so far</span>' in costs
    assert "+ $85 to come (NRMP registration)" in costs


def test_the_nrmp_fee_is_counted_once_a_program_is_ranked(
    client, alice, shortlist, settings, mid_season
):
    settings.NRMP_REGISTRATION_FEE = 85
    make_tracked_entry(
        shortlist,
        applied_on=date(2026, 9, 10),
        invited_on=date(2026, 10, 1),
        interview_at=datetime(2026, 11, 2, 14, tzinfo=UTC),
        interviewed=True,
        rank_position=1,
    )
    client.force_login(alice)
    assert "Season cost so far: <strong>$96</strong>." in (
        client.get(reverse("season:index")).content.decode()
    )
    costs = client.get(reverse("season:costs")).content.decode()
    assert '<span class="value">$96</span>' in costs and "to come" not in costs


def test_the_home_page_shows_the_timeline_with_days_left(client, alice, mid_season):
    client.force_login(alice)
    page = client.get(reverse("home")).content.decode()
    deadline = SeasonDate.objects.get(season=2027, kind="rol_deadline").date
    match_day = SeasonDate.objects.get(season=2027, kind="match_day").date
    assert "Next: Rank order list entry opens" in page
    assert f"{(match_day - mid_season.date()).days} days left" in page
    assert f"{(deadline - mid_season.date()).days} days left" in page


def test_the_fixture_has_every_kind_of_key_date_with_a_source():
    from applicants.models import SeasonDateKind

    rows = SeasonDate.objects.filter(season=2027)
    assert {row.kind for row in rows} == set(SeasonDateKind.values)
    assert all(len(row.source) > 20 for row in rows)


def test_the_review_compares_invitations_with_expected_interviews_after_the_season(
    client, alice, shortlist, monkeypatch
):
    facts = {"applied_on": date(2026, 9, 10)}
    for band, p, invited in [("reach", 0.1, False), ("reach", 0.1, True), ("safety", 0.6, True)]:
        make_tracked_entry(
            shortlist,
            band=band,
            probability=p,
            invited_on=date(2026, 10, 1) if invited else None,
            **facts,
        )
    client.force_login(alice)
    assert "compares the invitations" in client.get(reverse("season:index")).content.decode()
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2027, 3, 10, tzinfo=UTC))
    client.force_login(alice)  # the earlier session is months old now
    page = client.get(reverse("season:index")).content.decode()
    assert "What happened against what neuromatch expected" in page
    assert '<td class="num">0.2</td><td class="num">1</td>' in page  # reach: expected, invited
    assert 'aria-label="What the bands mean"' in page  # the review's band badges, explained


def test_the_season_page_lists_tracked_programs_by_status(client, alice, shortlist, mid_season):
    make_tracked_entry(shortlist, make_program(name="Hilltop"), applied_on=date(2026, 9, 10))
    client.force_login(alice)
    page = client.get(reverse("season:index")).content.decode()
    assert "Hilltop" in page and "status-applied" in page


def test_the_list_row_links_to_the_entry_page_and_shows_signals_used(
    client, alice, shortlist, mid_season
):
    shortlist.built_at = mid_season
    shortlist.save()
    entry = make_tracked_entry(shortlist, signalled=True)
    client.force_login(alice)
    page = client.get(reverse("applicants:list")).content.decode()
    assert entry_url(entry) in page
    assert "1 of 8</strong> signals used" in page


def test_a_quick_status_edit_on_the_row_shows_the_new_status_and_refuses_a_bad_one(
    client, alice, shortlist, mid_season
):
    entry = make_entry(shortlist)
    client.force_login(alice)
    url = reverse("applicants:list_entry_status", args=[entry.pk])
    row = client.post(url, {"status": "interviewed"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="interviewed" selected' in row
    row = client.post(url, {"status": "interview_scheduled"}, HTTP_HX_REQUEST="true")
    assert "day and time" in row.content.decode()
    assert ShortlistEntry.objects.get(pk=entry.pk).status == Status.INTERVIEWED
