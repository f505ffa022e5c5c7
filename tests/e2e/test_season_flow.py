"""A whole season in the browser: invitation, interview, calendar, feed, rank, export."""

import re
from datetime import datetime
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Page, expect

from applicants.models import Shortlist, ShortlistEntry
from tests.e2e.browser import sign_in
from tests.factories import (
    make_entry,
    make_profile,
    make_program,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_faridas_entry(
    page: Page, base: str, *, time_zone: str, built_at: datetime
) -> ShortlistEntry:
    """Farida's season entry for Prairie State Neurology (TX), her profile in `time_zone`,
    open in the browser after signing in."""
    shortlist = Shortlist.objects.create(
        profile=make_profile(make_user("farida"), time_zone=time_zone), built_at=built_at
    )
    entry = make_entry(shortlist, make_program(name="Prairie State Neurology", state="TX"))
    sign_in(page, base, "farida", next_url=f"/season/entries/{entry.pk}/")
    return entry


def test_an_applicant_records_an_invitation_schedules_sees_ranks_and_exports(
    live_server, page: Page, mid_season
):
    base = live_server.url
    entry = _open_faridas_entry(page, base, time_zone="Asia/Kolkata", built_at=mid_season)

    # The invitation, then the interview in the program's own time (Chicago).
    page.get_by_label("Applied on").fill("2026-09-10")
    page.get_by_label("Invited on").fill("2026-10-20")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved Prairie State Neurology.")).to_be_visible()
    expect(page.locator(".entry-status")).to_contain_text("Interview offered")
    page.get_by_label("Interview day").fill("2026-11-20")
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("The time is in").select_option("program")
    page.get_by_label("Format").select_option("virtual")
    page.get_by_role("button", name="Save").click()
    card = page.locator(".interview-card")
    expect(card).to_contain_text("20:30")  # Kolkata
    expect(card).to_contain_text("09:00 at the program")

    # On the calendar, and in the feed a calendar app would poll.
    page.get_by_role("link", name="See the calendar").click()
    page.goto(f"{base}/season/calendar/?month=2026-11")
    expect(page.locator(".month-grid")).to_contain_text("Prairie State Neurology")
    feed_url = page.locator("#feed-url").input_value()
    feed = page.request.get(feed_url)
    assert feed.ok
    events = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    assert "Interview: Prairie State Neurology" in [str(event["summary"]) for event in events]

    # After the interview: mark it done, rank it, write a pro.
    page.goto(f"{base}/season/entries/{entry.pk}/")
    page.get_by_label("The interview has taken place").check()
    page.get_by_role("button", name="Save").click()
    page.goto(f"{base}/season/rank/")
    page.get_by_role("button", name=re.compile("Rank it")).click()
    expect(page.locator(".rank-list")).to_contain_text("Prairie State Neurology")
    page.locator(".pros-cons summary").click()
    page.get_by_label("Pros").fill("Strong stroke unit")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_text("Saved your pros and cons")).to_be_visible()
    assert ShortlistEntry.objects.get(pk=entry.pk).rank_position == 1

    # And take it away as a spreadsheet.
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Prairie State Neurology" in text and "Strong stroke unit" in text


def test_two_tabs_on_one_entry_keep_each_others_facts_and_name_a_clash(
    live_server, page: Page, mid_season
):
    entry = _open_faridas_entry(
        page, live_server.url, time_zone="America/Chicago", built_at=mid_season
    )
    url = f"{live_server.url}/season/entries/{entry.pk}/"
    other = page.context.new_page()
    other.goto(url)  # tab B, opened before tab A saves

    page.get_by_label("Applied on").fill("2026-09-10")
    page.get_by_label("Invited on").fill("2026-10-20")
    page.get_by_label("Cons").fill("Small program")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved Prairie State Neurology.")).to_be_visible()

    other.get_by_label("Travel estimate (US$)").fill("450")
    other.get_by_role("button", name="Save").click()
    expect(other.get_by_text("Saved Prairie State Neurology.")).to_be_visible()
    expect(other.locator(".entry-status")).to_contain_text("Interview offered")

    other.get_by_label("Cons").fill("Far away")  # tab B's page still shows no cons
    page.goto(url)
    page.get_by_label("Cons").fill("Small, friendly program")
    page.get_by_role("button", name="Save").click()
    other.get_by_role("button", name="Save").click()
    expect(other.get_by_role("alert")).to_contain_text(
        "Cons changed in another tab or on another device since you opened this page"
    )
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert (stored.applied_on.isoformat(), stored.travel_estimate) == ("2026-09-10", 450)
    assert stored.cons == "Small, friendly program"


def test_a_new_calendar_address_is_asked_for_twice_by_keyboard(live_server, page: Page, mid_season):
    user = make_user("farida")
    Shortlist.objects.create(profile=make_profile(user), built_at=mid_season)
    sign_in(page, live_server.url, "farida", next_url="/season/calendar/?view=agenda")
    before = page.locator("#feed-url").input_value()
    confirm = page.get_by_role("button", name="Yes, make a new address")
    expect(confirm).to_be_hidden()
    page.locator("#feed-url").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Copy")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("summary", has_text="Make a new address")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("stop updating at once")).to_be_visible()
    page.keyboard.press("Tab")
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your calendar has a new address")).to_be_visible()
    assert page.locator("#feed-url").input_value() != before


def test_the_calendar_address_is_copied_with_one_button(live_server, page: Page, mid_season):
    user = make_user("farida")
    Shortlist.objects.create(profile=make_profile(user), built_at=mid_season)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server.url, "farida", next_url="/season/calendar/?view=agenda")
    address = page.locator("#feed-url").input_value()
    page.get_by_role("button", name="Copy").press("Enter")
    expect(page.locator("#feed-url-copied")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == address
