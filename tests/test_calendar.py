"""The season calendar: clashes, month and agenda views, the iCalendar feed and downloads."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from applicants import calendar
from applicants.models import Shortlist
from programs.geography import (
    CITY_TIME_ZONES,
    MULTI_ZONE_STATES,
    STATE_NAMES,
    STATE_TIME_ZONES,
    time_zone_note,
    time_zone_of,
)
from tests.factories import (
    make_entry,
    make_full_season,
    make_profile,
    make_program,
    make_tracked_entry,
)

pytestmark = pytest.mark.django_db
CHICAGO, KOLKATA = ZoneInfo("America/Chicago"), ZoneInfo("Asia/Kolkata")


@pytest.fixture
def shortlist(alice):
    return Shortlist.objects.create(profile=make_profile(alice, time_zone="Asia/Kolkata"))


def interview(shortlist, at: datetime, *, state="TX", name="", **facts):
    program = make_program(state=state, **({"name": name} if name else {}))
    return make_tracked_entry(
        shortlist, program, invited_on=date(2026, 10, 1), interview_at=at, **facts
    )


def feed_events(client, user) -> list[icalendar.Event]:
    response = client.get(reverse("season:feed", args=[calendar.feed_token(user)]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


def test_every_state_has_a_valid_time_zone_and_split_states_say_so():
    assert set(STATE_TIME_ZONES) == set(STATE_NAMES)
    for name in STATE_TIME_ZONES.values():
        ZoneInfo(name)
    assert STATE_TIME_ZONES["TX"] == "America/Chicago" and "El Paso" in time_zone_note("TX")
    assert time_zone_note("OH") == ""


def test_a_city_in_the_other_part_of_a_split_state_gets_its_own_zone():
    for (state, _city), name in CITY_TIME_ZONES.items():
        ZoneInfo(name)
        assert name != STATE_TIME_ZONES[state]  # else the city needs no row
        assert state in MULTI_ZONE_STATES
    assert time_zone_of("TX", " El  PASO ") == "America/Denver"
    assert time_zone_note("TX", "El Paso") == ""  # the zone is known: no warning
    assert time_zone_of("TX", "Houston") == "America/Chicago"
    assert "El Paso" in time_zone_note("TX", "Houston")
    assert time_zone_of("TN", "Knoxville") == "America/New_York"
    assert time_zone_of("FL", "Pensacola") == "America/Chicago"
    assert time_zone_of("", "El Paso") == ""


def test_an_el_paso_interview_is_read_and_written_in_mountain_time(client, alice, shortlist):
    entry = make_entry(shortlist, make_program(state="TX", city="El Paso"))
    client.force_login(alice)
    page = client.get(reverse("season:entry", args=[entry.pk])).content.decode()
    assert "the program&#x27;s time zone (America/Denver)" in page
    assert "El Paso and Hudspeth counties" not in page


def test_a_feed_interview_says_its_format_in_words(client, alice, shortlist):
    at = datetime(2026, 12, 7, 15, tzinfo=UTC)
    entries = [
        interview(shortlist, at, name=f"P{fmt}", interview_format=fmt)
        for fmt in ("in_person", "virtual", "")
    ]
    events = {str(event["uid"]): event for event in feed_events(client, alice)}
    starts = [
        str(events[f"interview-{entry.pk}@testserver"]["description"]).split(",")[0]
        for entry in entries
    ]
    assert starts == ["In-person interview", "Virtual interview", "Interview (format not recorded)"]


def test_same_day_and_overlapping_interviews_are_flagged(shortlist, alice):
    morning = datetime(2026, 12, 7, 3, 30, tzinfo=UTC)  # 09:00 in Kolkata
    interview(shortlist, morning, name="A")
    interview(shortlist, morning + timedelta(hours=2), name="B")  # overlaps A
    interview(shortlist, morning + timedelta(hours=8), name="C")  # same day, no overlap
    interview(shortlist, morning + timedelta(days=3), name="D")
    events = {event.title: event.flags for event in calendar.season_calendar(alice, 2027).events}
    assert set(events["A"]) == set(events["B"]) == {"same_day", "overlap"}
    assert events["C"] == ["same_day"] and events["D"] == []


def test_withdrawn_interviews_leave_the_calendar(shortlist, alice):
    interview(shortlist, datetime(2026, 12, 7, 15, tzinfo=UTC), name="Gone",
              applied_on=date(2026, 9, 10), withdrawn_on=date(2026, 11, 1))  # fmt: skip
    titles = [event.title for event in calendar.season_calendar(alice, 2027).interviews]
    assert "Gone" not in titles


def test_the_month_view_shows_interviews_in_the_applicants_zone_beside_the_programs(
    client, alice, shortlist, mid_season
):
    interview(shortlist, datetime(2026, 12, 7, 15, tzinfo=UTC), name="Prairie Neurology")
    client.force_login(alice)
    page = client.get(reverse("season:calendar"), {"month": "2026-12"}).content.decode()
    assert "December 2026" in page and "Prairie Neurology" in page
    assert "20:30" in page  # Kolkata, in the grid
    agenda = client.get(reverse("season:calendar"), {"view": "agenda"}).content.decode()
    assert "09:00" in agenda and "America/Chicago" in agenda  # the program's local time
    assert "Match Day" in agenda  # key dates too


@pytest.mark.parametrize("month", ["2026-13", "9999-12", "0001-01", "0000-05", "1999-12"])
@pytest.mark.parametrize("view", ["month", "agenda"])
def test_a_bad_month_gets_a_message_and_the_current_month(
    client, alice, shortlist, mid_season, month, view
):
    client.force_login(alice)
    response = client.get(reverse("season:calendar"), {"month": month, "view": view})
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a valid month" in page and "November 2026" in page


def test_the_first_and_last_months_page_without_an_error(client, alice, shortlist, mid_season):
    client.force_login(alice)
    for month, shown in [("2000-01", "January 2000"), ("2100-12", "December 2100")]:
        page = client.get(reverse("season:calendar"), {"month": month}).content.decode()
        assert shown in page and "not a valid month" not in page


def test_the_feed_parses_and_round_trips_times_across_zones_and_a_dst_change(
    client, alice, shortlist, mid_season
):
    # 1 November 2026: US clocks go back at 02:00. One interview each side, in Chicago time,
    # for an applicant in India (no daylight saving) — and one on the March 2027 change.
    times = [
        datetime(2026, 10, 31, 9, 0, tzinfo=CHICAGO),  # CDT, UTC−5
        datetime(2026, 11, 2, 9, 0, tzinfo=CHICAGO),  # CST, UTC−6
        datetime(2027, 3, 15, 9, 0, tzinfo=CHICAGO),  # CDT again
    ]
    entries = [interview(shortlist, moment, name=f"P{i}") for i, moment in enumerate(times)]
    events = feed_events(client, alice)
    interviews = {str(event["uid"]): event for event in events if "interview" in event["uid"]}
    assert len(interviews) == 3
    for entry, moment in zip(entries, times, strict=True):
        event = interviews[f"interview-{entry.pk}@testserver"]
        start = event.decoded("dtstart")
        assert start == moment  # the same instant
        assert start.astimezone(CHICAGO).hour == 9  # 09:00 at the program either side of DST
        assert event.decoded("duration") == calendar.INTERVIEW_LENGTH
        assert "09:00" in str(event["description"])
    in_india = [interviews[f"interview-{e.pk}@testserver"].decoded("dtstart") for e in entries]
    assert [moment.astimezone(KOLKATA).strftime("%H:%M") for moment in in_india] == [
        "19:30",
        "20:30",
        "19:30",
    ]
    key_dates = [event for event in events if "season-2027" in event["uid"]]
    assert len(key_dates) == 8
    assert all(isinstance(event.decoded("dtstart"), date) for event in key_dates)


def test_the_feed_holds_only_the_owners_interviews(client, alice, bob, shortlist, mid_season):
    interview(shortlist, datetime(2026, 12, 7, 15, tzinfo=UTC), name="Alice's")
    bobs = Shortlist.objects.create(profile=make_profile(bob))
    interview(bobs, datetime(2026, 12, 8, 15, tzinfo=UTC), name="Bob's")
    summaries = [str(event["summary"]) for event in feed_events(client, alice)]
    assert "Interview: Alice's" in summaries and "Interview: Bob's" not in summaries


def test_one_interview_downloads_as_an_ics_file(client, alice, shortlist):
    entry = interview(shortlist, datetime(2026, 12, 7, 15, tzinfo=UTC), name="Lakeside Neuro")
    client.force_login(alice)
    response = client.get(reverse("season:interview_ics", args=[entry.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="interview-lakeside-neuro.ics"'
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2026, 12, 7, 15, tzinfo=UTC)


def test_an_entry_without_an_interview_has_no_ics(client, alice, shortlist):
    client.force_login(alice)
    entry = make_entry(shortlist)
    assert client.get(reverse("season:interview_ics", args=[entry.pk])).status_code == 404


def test_resetting_the_feed_changes_the_address_shown(client, alice, shortlist):
    client.force_login(alice)
    before = calendar.feed_token(alice)
    page = client.post(reverse("season:feed_reset"), follow=True).content.decode()
    after = calendar.feed_token(alice)
    assert after != before and after in page and before not in page
    assert "stopped working" in page


def test_making_a_new_address_asks_first_and_says_subscriptions_stop_updating(
    client, alice, shortlist
):
    client.force_login(alice)
    page = client.get(reverse("season:calendar")).content.decode()
    panel = page[page.index('<details class="rename feed-reset">') :]
    panel = panel[: panel.index("</details>")]
    # The real submit is inside a closed <details>: one more deliberate step, no script.
    assert "<summary>Make a new address…</summary>" in panel
    assert "stop updating" in panel
    assert 'method="post"' in panel and "Yes, make a new address</button>" in panel
    assert page.count(reverse("season:feed_reset")) == 1
    assert client.get(reverse("season:feed_reset")).status_code == 405


def test_month_weeks_start_on_monday_and_cover_the_month():
    weeks = calendar.month_weeks(2027, 2, [])
    days = [cell.day for week in weeks for cell in week if cell.in_month]
    assert days[0] == date(2027, 2, 1) and days[-1] == date(2027, 2, 28)
    assert all(week[0].day.weekday() == 0 for week in weeks)


@pytest.mark.parametrize(("entries", "interviews"), [(10, 3), (120, 25)])
def test_the_calendar_and_the_feed_take_a_fixed_number_of_queries(
    client, alice, django_assert_num_queries, mid_season, entries, interviews
):
    make_full_season(alice, entries=entries, interviews=interviews)
    client.force_login(alice)
    token = calendar.feed_token(alice)
    # The same count whatever the size of the season: nothing is fetched per entry.
    with django_assert_num_queries(7):
        assert client.get(reverse("season:calendar"), {"month": "2026-11"}).status_code == 200
    client.logout()
    with django_assert_num_queries(4):  # token → user, clock, interviews, key dates
        response = client.get(reverse("season:feed", args=[token]))
    assert response.content.count(b"BEGIN:VEVENT") == interviews + 8


def test_the_calendar_sheets_rows_name_the_zone_of_both_times(shortlist, alice, bob):
    interview(shortlist, datetime(2026, 12, 7, 15, tzinfo=UTC), name="Prairie Neurology")
    [row] = [r for r in calendar.calendar_rows(calendar.season_calendar(alice, 2027)) if r["time"]]
    assert (row["time"], row["program_time"]) == ("20:30 Asia/Kolkata", "09:00 America/Chicago")
    no_zone = Shortlist.objects.create(profile=make_profile(bob))  # bob has not chosen one
    interview(no_zone, datetime(2026, 12, 7, 15, tzinfo=UTC), name="Prairie Neurology")
    [row] = [r for r in calendar.calendar_rows(calendar.season_calendar(bob, 2027)) if r["time"]]
    assert (row["time"], row["program_time"]) == ("15:00 UTC", "09:00 America/Chicago")


def test_the_list_export_gains_the_tracker_facts_and_a_calendar_sheet(
    client, alice, shortlist, mid_season
):
    import io

    import openpyxl

    shortlist.built_at = mid_season
    shortlist.save()
    interview(
        shortlist,
        datetime(2026, 12, 7, 15, tzinfo=UTC),
        name="Prairie Neurology",
        applied_on=date(2026, 9, 10),
        signalled=True,
        interview_format="in_person",
    )
    client.force_login(alice)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("applicants:export_xlsx")).content))
    sheet = book["Shortlist"]
    headers = [cell.value for cell in sheet[1]]
    row = {header: cell.value for header, cell in zip(headers, sheet[2], strict=True)}
    assert row["Program"] == "Prairie Neurology" and row["Status"] == "Interview scheduled"
    assert row["Signalled"] == "Yes" and row["Interview format"] == "In person"
    assert row["Applied on"].date() == date(2026, 9, 10)
    assert row["Interview (Asia/Kolkata)"] == datetime(2026, 12, 7, 20, 30)  # as alice sees it
    calendar_sheet = book["Calendar"]
    rows = list(calendar_sheet.iter_rows(min_row=2, values_only=True))
    interview_row = next(r for r in rows if r[3] == "Interview: Prairie Neurology")
    assert interview_row[1:3] == ("20:30 Asia/Kolkata", "09:00 America/Chicago")
    assert any(r[3] == "Match Day" and r[6] for r in rows)  # key dates with their source
    csv_text = client.get(reverse("applicants:export_csv")).content.decode("utf-8-sig")
    assert "Applied on" in csv_text.splitlines()[0] and "2026-09-10" in csv_text
