"""Writes on the list workspace when things go wrong: each failure shows what went wrong and
the control shows what the server holds; arrow keys, open notes, two tabs, focus and scroll."""

import re
import zoneinfo
from datetime import date, datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Locator, Page, Route, expect

from applicants import tracker
from applicants.models import Profile, ShortlistEntry
from applicants.shortlists import build_shortlist
from programs.models import Program
from tests.e2e.browser import sign_in_with_cookie
from tests.factories import make_catalogue, make_profile, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHEDULED = {
    "applied_on": date(2026, 9, 10),
    "invited_on": date(2026, 10, 20),
    "interview_at": datetime(2027, 1, 10, 14, tzinfo=zoneinfo.ZoneInfo("America/Chicago")),
    "interview_format": "in_person",
}


def _open_list(page: Page, base: str, *, size: int = 30) -> Locator:
    """Farida's built list of `size`, open in the browser; returns its table rows."""
    make_catalogue(size + 15)
    farida = make_user("farida")
    build_shortlist(profile=make_profile(farida, list_size=size))
    sign_in_with_cookie(page, base, farida)
    page.goto(f"{base}/list/")
    rows = page.locator("table.list tbody tr.entry")
    expect(rows).to_have_count(size)
    page.evaluate("window.stillTheSamePage = true")  # gone if the page reloads
    return rows


def _wait_until(page: Page, condition, timeout_ms: int = 10000) -> None:
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out")


def _save_note(row: Locator, text: str) -> None:
    """Type `text` into the row's open note editor and save it."""
    row.get_by_role("textbox").fill(text)
    row.get_by_role("button", name="Save note").click()


def _expect_note(row: Locator, entry: ShortlistEntry, text: str) -> None:
    """The row shows `text` as its note, and the server holds it."""
    expect(row.locator(".note-text")).to_have_text(text)
    entry.refresh_from_db()
    assert entry.notes == text


def _press_twice_holding_the_first_save(page: Page, select: Locator, key: str) -> None:
    """Press `key` twice on a status select, its first step's request held back until the
    second step is chosen, then let go."""
    held: list[Route] = []
    sent: list[Route] = []  # every status request that reached the network

    def hold_the_first(route: Route) -> None:
        sent.append(route)
        if len(sent) == 1:
            held.append(route)
        else:
            route.continue_()

    page.route("**/status/", hold_the_first)
    select.focus()
    select.press(key)
    _wait_until(page, lambda: len(held) == 1)
    select.press(key)
    page.wait_for_timeout(800)
    assert len(sent) == 1  # the second waits in the queue, not dropped nor sent alongside
    held[0].continue_()


def _top(locator: Locator) -> float:
    return locator.evaluate("element => element.getBoundingClientRect().top")


def _row(page: Page, rows: Locator, n: int) -> tuple[Locator, ShortlistEntry]:
    row_id = rows.nth(n).get_attribute("id")
    return page.locator(f"#{row_id}"), ShortlistEntry.objects.get(pk=row_id.split("-")[1])


def test_a_server_error_says_so_puts_the_status_back_and_retries(
    live_server, page: Page, mid_season
):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 0)
    select = row.get_by_role("combobox")
    page.route("**/status/", lambda route: route.fulfill(status=500, body="Server Error"))

    select.select_option("applied")

    problem = row.locator(".write-problem")
    expect(problem).to_contain_text("neuromatch had a problem (error 500)")
    expect(problem).to_contain_text("last value neuromatch confirmed")
    expect(select).to_have_value("considering")
    entry.refresh_from_db()
    assert entry.status == "considering"

    page.unroute("**/status/")
    problem.get_by_role("button", name="Retry").click()
    expect(row.locator(".row-saved")).to_have_text("Status saved: Applied.")
    expect(select).to_have_value("applied")
    expect(row.locator(".write-problem")).to_have_count(0)
    entry.refresh_from_db()
    assert entry.status == "applied"
    assert page.evaluate("window.stillTheSamePage") is True


def test_a_dropped_connection_says_so_and_the_pin_stays_as_saved(live_server, page: Page):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 3)
    page.route("**/pin/", lambda route: route.abort("internetdisconnected"))

    row.get_by_role("button", name=re.compile("^Pin")).click()

    expect(row.locator(".write-problem")).to_contain_text("the connection dropped")
    expect(row.get_by_role("button", name=re.compile("^Pin"))).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(row.locator(".badge-pinned")).to_have_count(0)
    entry.refresh_from_db()
    assert not entry.pinned

    page.unroute("**/pin/")
    row.locator(".write-problem").get_by_role("button", name="Retry").click()
    expect(row.get_by_role("button", name=re.compile("^Unpin"))).to_be_visible()
    entry.refresh_from_db()
    assert entry.pinned


def test_a_request_that_hangs_is_reported_and_the_pin_stays_as_saved(live_server, page: Page):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 3)
    assert page.evaluate("htmx.config.timeout") == 30000  # the workspace sets a limit
    page.evaluate("htmx.config.timeout = 1000")  # the same handling, sooner
    page.route("**/pin/", lambda route: None)  # never answered

    row.get_by_role("button", name=re.compile("^Pin")).click()

    expect(row.locator(".write-problem")).to_contain_text("the connection dropped")
    expect(row.get_by_role("button", name=re.compile("^Pin"))).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(row).not_to_have_attribute("aria-busy", "true")
    entry.refresh_from_db()
    assert not entry.pinned


def test_an_expired_session_asks_to_sign_in_again_instead_of_showing_the_page_in_a_row(
    live_server, page: Page, mid_season
):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 1)
    # The session ended meanwhile; the browser keeps its CSRF cookie, as it does.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)

    row.get_by_role("combobox").select_option("applied")

    problem = row.locator(".write-problem")
    expect(problem).to_contain_text("You were signed out — sign in again.")
    link = problem.get_by_role("link", name="Sign in again")
    expect(link).to_have_attribute("href", "/accounts/login/?next=%2Flist%2F")
    expect(row.get_by_role("combobox")).to_have_value("considering")
    expect(page.locator("#workspace").get_by_label("Username")).to_have_count(0)
    entry.refresh_from_db()
    assert entry.status == "considering"


def test_a_rejected_security_token_keeps_the_note_and_retry_saves_it(live_server, page: Page):
    base = live_server.url
    rows = _open_list(page, base)
    row, entry = _row(page, rows, 2)
    # Signing in again in another tab gave the browser a new CSRF secret: the page's tokens
    # no longer match it.
    page.context.add_cookies(
        [{"name": settings.CSRF_COOKIE_NAME, "value": "N3wSecret" * 3 + "abcde", "url": base}]
    )
    row.get_by_text("Add note").click()
    _save_note(row, "Ask about the J-1 waiver")

    problem = row.locator(".write-problem")
    expect(problem).to_contain_text("security token is out of date")
    expect(problem).to_contain_text("Your text is still in the note box.")
    expect(row.get_by_role("textbox")).to_have_value("Ask about the J-1 waiver")
    expect(row.locator(".note-text")).to_have_count(0)  # the server holds no note
    entry.refresh_from_db()
    assert entry.notes == ""

    problem.get_by_role("button", name="Retry").click()
    expect(row.locator(".row-saved")).to_have_text("Note saved.")
    _expect_note(row, entry, "Ask about the J-1 waiver")


def test_a_note_save_that_fails_by_keyboard_lands_on_what_went_wrong(live_server, page: Page):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 1)
    page.route("**/notes/", lambda route: route.fulfill(status=500, body="Server Error"))
    row.get_by_text("Add note").click()
    row.get_by_role("textbox").fill("Ask about the J-1 waiver")
    row.get_by_role("button", name="Save note").press("Enter")

    problem = row.locator(".write-problem")
    expect(problem).to_contain_text("neuromatch had a problem (error 500)")
    # The Save button was disabled while its request ran, which took focus from it: focus is
    # on the message, not back at the top of the page.
    expect(problem).to_be_focused()
    page.keyboard.press("Tab")
    expect(problem.get_by_role("button", name="Retry")).to_be_focused()
    page.unroute("**/notes/")
    page.keyboard.press("Enter")
    _expect_note(row, entry, "Ask about the J-1 waiver")


def test_a_row_removed_in_another_tab_says_so(live_server, page: Page, mid_season):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 4)
    entry.delete()  # a rebuild in another tab dropped it

    row.get_by_role("combobox").select_option("applied")

    expect(row.locator(".write-problem")).to_contain_text("no longer on your list")
    expect(row.locator(".write-problem").get_by_role("link", name="Reload")).to_be_visible()
    expect(row.get_by_role("combobox")).to_have_value("considering")


def test_two_tabs_saving_one_note_lets_the_second_choose(live_server, page: Page):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 0)
    other = page.context.new_page()
    other.goto(f"{live_server.url}/list/")
    other_row = other.locator(f"#entry-{entry.pk}")
    for tab_row in (row, other_row):
        tab_row.get_by_text("Add note").click()

    _save_note(row, "Coordinator: J-1 only")
    expect(row.locator(".note-text")).to_have_text("Coordinator: J-1 only")

    _save_note(other_row, "PD likes research")

    conflict = other_row.locator(".note-conflict")
    expect(conflict).to_contain_text("This note was changed in another tab")
    expect(conflict.locator("blockquote")).to_have_text("Coordinator: J-1 only")
    expect(other_row.get_by_role("textbox")).to_have_value("PD likes research")
    entry.refresh_from_db()
    assert entry.notes == "Coordinator: J-1 only"  # not silently overwritten

    other_row.get_by_role("button", name="Save mine over it").click()
    _expect_note(other_row, entry, "PD likes research")


def test_arrow_keys_on_a_status_save_the_last_status_chosen(live_server, page: Page, mid_season):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 0)
    _press_twice_holding_the_first_save(page, row.get_by_role("combobox"), "ArrowDown")

    expect(row.locator(".row-saved")).to_have_text(
        "Status saved: Interview offered.", timeout=15000
    )
    expect(row.get_by_role("combobox")).to_have_value("interview_offered")
    entry.refresh_from_db()
    assert entry.status == "interview_offered"
    expect(row.get_by_role("combobox")).to_be_focused()
    expect(page.locator("#write-status")).to_have_text("Status saved: Interview offered.")


def test_stray_arrow_keys_say_what_they_cleared_and_undo_puts_it_all_back(
    live_server, page: Page, mid_season
):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 0)
    Profile.objects.filter(user=entry.shortlist.profile.user).update(time_zone="America/Chicago")
    scheduled = tracker.record_facts(entry=entry, changes=SCHEDULED).facts
    page.reload()
    select = row.get_by_role("combobox")
    expect(select).to_have_value("interview_scheduled")

    _press_twice_holding_the_first_save(page, select, "ArrowUp")

    cleared = (
        "Status saved: Applied. Cleared: invitation of 20 Oct 2026, "
        "interview on 10 Jan 2027 14:00 CST (in person)."
    )
    expect(row.locator(".status-undo .row-saved")).to_have_text(cleared, timeout=15000)
    expect(select).to_be_focused()
    expect(page.locator("#write-status")).to_contain_text(cleared)
    page.keyboard.press("Tab")
    undo = row.get_by_role("button", name=f"Undo the status change of {entry.program.name}")
    expect(undo).to_be_focused()
    page.keyboard.press("Enter")

    expect(row.locator(".row-saved")).to_have_text(
        re.compile(r"^Status back to Interview scheduled\. Put back: invitation of 20 Oct 2026")
    )
    expect(select).to_have_value("interview_scheduled")
    expect(select).to_be_focused()
    expect(row.get_by_role("button", name=re.compile("^Undo"))).to_have_count(0)
    assert ShortlistEntry.objects.get(pk=entry.pk).facts == scheduled


def test_an_open_note_survives_pinning_its_row(live_server, page: Page):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 5)
    row.get_by_text("Add note").click()
    row.get_by_role("textbox").fill("Half-written thought")

    row.get_by_role("button", name=re.compile("^Pin")).click()

    expect(row.get_by_role("button", name=re.compile("^Unpin"))).to_be_focused()
    expect(row.locator(".row-saved")).to_contain_text("Pinned")
    expect(row.get_by_role("textbox")).to_be_visible()
    expect(row.get_by_role("textbox")).to_have_value("Half-written thought")
    entry.refresh_from_db()
    assert entry.pinned and entry.notes == ""


def test_exclude_then_undo_from_the_notice_keeps_focus_and_scroll(live_server, page: Page):
    page.set_viewport_size({"width": 1366, "height": 900})
    rows = _open_list(page, live_server.url, size=100)  # long enough for the table to reflow
    row, entry = _row(page, rows, 79)
    name = entry.program.name
    exclude = row.get_by_role("button", name=re.compile("^Exclude"))
    exclude.scroll_into_view_if_needed()
    # What a jump is: the place of the change moving on the screen (the page may get shorter).
    before = _top(row)

    exclude.click()

    notice = page.locator(f"#excluded-{entry.pk}-notice")
    expect(notice).to_have_text(
        f"Excluded {name}. Rebuilds will leave it out until you restore it; rebuild to fill "
        "its place on your list.",
        timeout=20000,
    )
    expect(notice).to_be_focused()
    expect(page.get_by_role("heading", name="Excluded programs (1)")).to_be_visible()
    expect(rows).to_have_count(99)
    assert abs(_top(page.locator(f"#excluded-{entry.pk}")) - before) < 2
    expect(page.locator("#write-status")).to_have_text(re.compile(f"^Excluded {re.escape(name)}"))

    page.keyboard.press("Tab")
    undo = page.locator(f"#excluded-{entry.pk}").get_by_role(
        "button", name=f"Undo excluding {name}"
    )
    expect(undo).to_be_focused()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(100, timeout=20000)
    expect(page.locator(f"#entry-{entry.pk} .program-cell > a")).to_be_focused()
    expect(page.locator(f"#excluded-{entry.pk}")).to_have_count(0)
    expect(page.get_by_role("heading", name="Excluded programs (0)")).to_be_visible()
    ranks = [int(text) for text in rows.locator("td:first-child").all_inner_texts()]
    assert ranks == list(range(1, 101))
    assert abs(_top(page.locator(f"#entry-{entry.pk}")) - before) < 2
    assert page.evaluate("window.stillTheSamePage") is True


def test_a_failed_rebuild_keeps_the_list_and_a_failed_filter_keeps_the_table(
    live_server, page: Page
):
    rows = _open_list(page, live_server.url)
    page.route("**/build/", lambda route: route.fulfill(status=503, body="Unavailable"))

    page.get_by_role("button", name="Rebuild list").click()

    problem = page.locator(".page-head .write-problem")
    expect(problem).to_contain_text("neuromatch had a problem (error 503)")
    expect(page.get_by_role("button", name="Rebuild list")).to_be_enabled()
    expect(rows).to_have_count(30)

    page.route("**/list/?*", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Sort").select_option(index=1)
    expect(page.locator("#list-filters + .write-problem")).to_contain_text(
        "Could not load this (no connection); what is shown has not changed."
    )
    expect(rows).to_have_count(30)
    expect(page.locator("#list-table")).not_to_have_attribute("aria-busy", "true")
    assert page.evaluate("window.stillTheSamePage") is True


def test_adding_from_the_search_inserts_the_row_and_focuses_the_notice(live_server, page: Page):
    rows = _open_list(page, live_server.url)
    listed = ShortlistEntry.objects.values_list("program_id", flat=True)
    program = Program.objects.exclude(pk__in=listed).first()

    page.get_by_label("Find any program in the catalogue").fill(program.name)
    add = page.get_by_role("button", name=f"Add {program.name}", exact=True)
    add.click()

    notice = page.locator("#search-notice")
    expect(notice).to_contain_text(f"Added {program.name} to your list")
    expect(notice).to_be_focused()
    expect(rows).to_have_count(31)
    expect(page.get_by_role("heading", name="Programs on your list (31)")).to_be_visible()
    expect(page.locator("#search-results")).to_contain_text("On your list")
    entry = ShortlistEntry.objects.get(program=program)
    expect(page.locator(f"#entry-{entry.pk} td:first-child")).to_have_text(str(entry.rank))
    ranks = [int(text) for text in rows.locator("td:first-child").all_inner_texts()]
    assert ranks == list(range(1, 32))
    assert page.evaluate("window.stillTheSamePage") is True


def test_a_rebuild_focuses_its_notice(live_server, page: Page):
    _open_list(page, live_server.url)

    page.get_by_role("button", name="Rebuild list").click()

    notice = page.locator("#workspace-notice")
    expect(notice).to_have_text("Built your list: 30 programs.")
    expect(notice).to_be_focused()


def test_an_exclusion_in_flight_shows_progress_and_cannot_be_sent_twice(live_server, page: Page):
    rows = _open_list(page, live_server.url)
    row, entry = _row(page, rows, 6)
    held = []  # the request, held until the progress has been seen
    page.route("**/exclude/", lambda route: held.append(route))

    row.get_by_role("button", name=re.compile("^Exclude")).click()

    _wait_until(page, lambda: len(held) == 1)
    expect(row.get_by_role("button", name=re.compile("^Exclude"))).to_be_disabled()
    expect(row.get_by_text("Excluding…")).to_be_visible()
    expect(row).to_have_attribute("aria-busy", "true")
    held[0].continue_()
    expect(page.locator(f"#excluded-{entry.pk}-notice")).to_be_focused(timeout=20000)
    assert len(held) == 1


@pytest.mark.parametrize("viewport", [(1366, 900), (390, 844)])
def test_the_write_messages_pass_axe(live_server, page: Page, viewport, mid_season):
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    rows = _open_list(page, live_server.url)
    failing, _ = _row(page, rows, 1)
    page.route("**/pin/", lambda route: route.fulfill(status=500, body="Server Error"))
    failing.get_by_role("button", name=re.compile("^Pin")).click()
    expect(failing.locator(".write-problem")).to_be_visible()
    conflicted, entry = _row(page, rows, 2)
    conflicted.get_by_text("Add note").click()
    conflicted.get_by_role("textbox").fill("Mine")
    ShortlistEntry.objects.filter(pk=entry.pk).update(notes="Theirs")
    conflicted.get_by_role("button", name="Save note").click()
    expect(conflicted.locator(".note-conflict")).to_be_visible()
    excluded, gone = _row(page, rows, 3)
    excluded.get_by_role("button", name=re.compile("^Exclude")).click()
    expect(page.locator(f"#excluded-{gone.pk}-notice")).to_be_focused(timeout=20000)
    cleared, scheduled = _row(page, rows, 4)
    tracker.record_facts(entry=scheduled, changes=SCHEDULED)
    cleared.get_by_role("combobox").select_option("applied")
    expect(cleared.locator(".status-undo")).to_be_visible()
    # The parts these writes refresh have arrived: axe checks the page as it settles, and no
    # request is still being served when the test's database goes.
    page.wait_for_load_state("networkidle")

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}}).response
    assert [violation["id"] for violation in results["violations"]] == []
