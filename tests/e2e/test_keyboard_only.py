"""The whole path by keyboard alone: sign in, fill the profile, save, build the list, change a
status, export. Only Tab, Shift+Tab, Enter, Space, arrow keys and typing; no clicks, no
`fill`, no `focus`. The Tab presses each step takes are printed (pytest -s) for the record."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from applicants.models import Profile, ShortlistEntry
from tests.factories import PASSWORD, make_catalogue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a keyboard user hears for the focused element: its accessible-ish name.
FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  return (el.getAttribute("aria-label") || label || el.textContent || el.value || "").trim();
}"""


def tab_to(
    page: Page, name: str = "", *, css: str = "", limit: int = 80, backwards: bool = False
) -> int:
    """Press Tab (or Shift+Tab) until the focused element's name starts with `name` (or it
    matches the selector `css`); return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if css and page.evaluate("css => document.activeElement.matches(css)", css):
            return presses
        if name and page.evaluate(FOCUSED).startswith(name):
            return presses
    raise AssertionError(f"{limit} Tab presses never reached “{name or css}”")


def test_sign_in_profile_list_status_and_export_by_keyboard_alone(
    live_server, page: Page, mid_season
):
    make_user("kwame")
    make_catalogue(45)
    counts: dict[str, int] = {}

    page.goto(f"{live_server.url}/accounts/login/")
    counts["sign-in: username"] = tab_to(page, "Username")
    page.keyboard.type("kwame")
    counts["sign-in: password"] = tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".nav-user")).to_contain_text("kwame")

    counts["to the Profile link"] = tab_to(page, "Profile")
    page.keyboard.press("Enter")
    page.wait_for_url("**/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")

    presses = tab_to(page, "Year of graduation")
    page.keyboard.type("2021")
    presses += tab_to(page, "USMLE Step 2 CK score")
    page.keyboard.type("241")
    presses += tab_to(page, "US clinical experience")
    page.keyboard.type("4")
    presses += tab_to(page, "Letters from US neurologists")
    page.keyboard.type("2")
    presses += tab_to(page, css="input[name=visa]")  # the radio group is one stop
    expect(page.locator("input[name=visa]:checked")).to_have_count(0)  # answered, not preset
    page.keyboard.press("ArrowDown")  # from "No visa needed" to J-1, on to H-1B, and back
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Needs an H-1B visa")).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(page.get_by_role("radio", name="Needs a J-1 visa")).to_be_checked()
    presses += tab_to(page, "Regions, states and number of programs")
    page.keyboard.press("Enter")
    presses += tab_to(page, "Filter preferred states")
    page.keyboard.type("illi")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    presses += tab_to(page, "Programs to apply to")
    page.keyboard.type("30")
    presses += tab_to(page, "Save profile")
    counts["profile: fields and Save"] = presses
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("saved")
    profile = Profile.objects.get(user__username="kwame")
    assert (profile.graduation_year, profile.step2_score, profile.usce_months) == (2021, 241, 4)
    assert (profile.visa, profile.preferred_states, profile.list_size) == ("j1", ["IL"], 30)

    counts["to the My list link"] = tab_to(page, "My list")
    page.keyboard.press("Enter")
    page.wait_for_url("**/list/")
    expect(page.get_by_role("button", name="Build my list")).to_be_visible()
    counts["to Build my list"] = tab_to(page, "Build my list")
    page.keyboard.press("Enter")
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(30)

    first = ShortlistEntry.objects.filter(shortlist__profile=profile).order_by("rank").first()
    status = page.locator(f"#status-{first.pk}")
    counts["to the first status"] = tab_to(page, f"Status of {first.program.name}", limit=200)
    with page.expect_response(lambda response: response.url.endswith("/status/")):
        page.keyboard.press("ArrowDown")  # Considering → Applied
    expect(status).to_have_value("applied")
    first.refresh_from_db()
    assert first.status == "applied"

    counts["back to Download CSV"] = tab_to(page, "Download CSV", limit=200, backwards=True)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    exported = download.value.path().read_text(encoding="utf-8-sig")
    table = list(csv.DictReader(io.StringIO(exported)))
    assert len(table) == 30
    assert {row["Status"] for row in table} >= {"Applied"}

    print("\nTab presses by step (keyboard only):")
    for step, count in counts.items():
        print(f"  {step}: {count}")
