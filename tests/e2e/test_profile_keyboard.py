"""The profile by keyboard: few Tab presses to Save, nothing sticky over the focused field, the
state lists usable with arrow keys, and the same form without JavaScript."""

import pytest
from playwright.sync_api import Browser, Page, expect

from applicants.models import Profile
from tests.e2e.browser import sign_in_with_cookie
from tests.factories import make_profile, make_program, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 25
VIEWPORTS = [pytest.param(1366, 900, id="desktop"), pytest.param(390, 844, id="phone")]

# Where the focused element is, and whether the point at its centre belongs to it (not to the
# sticky Save bar or anything else drawn over it).
FOCUS_STATE = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {
    name: el.name || el.textContent.trim().slice(0, 40),
    tag: el.tagName,
    text: el.textContent.trim(),
    clear: hit !== null && (hit === el || el.contains(hit)),
  };
}"""


def _tab_to_save(page: Page) -> tuple[int, list[str]]:
    """Press Tab from the top of the page until the Save button has focus; return the count
    and the focus stops that something covered."""
    covered = []
    for presses in range(1, 200):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STATE)
        if not focus["clear"]:
            covered.append(f"{presses}: {focus['name']}")
        if focus["tag"] == "BUTTON" and focus["text"].startswith("Save"):
            return presses, covered
    raise AssertionError("Tab never reached the Save button")


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_save_is_at_most_25_tab_presses_from_the_top_and_never_covered(
    live_server, browser: Browser, width: int, height: int
):
    user = make_user("kofi")
    page = browser.new_page(viewport={"width": width, "height": height})
    sign_in_with_cookie(page, live_server.url, user)

    page.goto(f"{live_server.url}/profile/")
    presses, covered = _tab_to_save(page)
    assert presses <= MAX_TABS, f"{presses} Tab presses to Save on a new profile"
    assert covered == []

    # A saved profile adds its summary above the form; the count must still hold.
    base = make_profile(user, preferred_states=["IL", "TX"], excluded_states=["AK"])
    make_program()
    page.goto(f"{live_server.url}/profile/")
    expect(page.locator(".profile-summary")).to_be_visible()
    presses, covered = _tab_to_save(page)
    assert presses <= MAX_TABS, f"{presses} Tab presses to Save on a saved profile"
    assert covered == []

    # A scenario that is not active has a "Make active" button above the form.
    scenario = make_profile(user, name="plus Step 3", based_on=base, active=False)
    page.goto(f"{live_server.url}/profile/scenarios/{scenario.pk}/")
    expect(page.get_by_role("button", name="Make active")).to_be_visible()
    presses, covered = _tab_to_save(page)
    assert presses <= MAX_TABS, f"{presses} Tab presses to Save on a scenario"
    assert covered == []
    page.close()


def test_states_are_chosen_by_filtering_and_arrow_keys_in_one_tab_stop(live_server, page: Page):
    user = make_user("kofi")
    make_profile(user, preferred_states=["IL"])
    sign_in_with_cookie(page, live_server.url, user)
    page.goto(f"{live_server.url}/profile/")
    summary = page.locator("summary", has_text="Regions, states and number of programs")
    expect(summary).to_contain_text("Preferred states: Illinois")

    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the first region
    for _ in range(4):  # the other regions, then the preferred states' filter box
        page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Filter preferred states")).to_be_focused()
    preferred = page.get_by_role("group", name="Preferred states")
    page.keyboard.type("new")
    expect(preferred.get_by_role("checkbox", name="Alabama")).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(preferred.get_by_role("checkbox", name="New Hampshire")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(preferred.get_by_role("checkbox", name="New Jersey")).to_be_checked()
    expect(summary).to_contain_text("Preferred states: Illinois, New Jersey")

    # The whole list is one stop: Tab leaves it for the next list's filter box.
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("searchbox", name="Filter states you will not apply to")
    ).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(preferred.get_by_role("checkbox", name="New Jersey")).to_be_focused()

    page.get_by_role("button", name="Save", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("“My profile” saved.")
    assert Profile.objects.get(user=user, active=True).preferred_states == ["IL", "NJ"]


def test_without_javascript_the_states_are_plain_checkboxes_in_a_disclosure(
    live_server, browser: Browser
):
    user = make_user("kofi")
    make_profile(user)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in_with_cookie(page, live_server.url, user)
    page.goto(f"{live_server.url}/profile/")

    expect(page.get_by_role("searchbox")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Oregon")).to_be_hidden()
    page.get_by_text("Regions, states and number of programs").click()
    page.locator(".field-excluded_states").get_by_role("checkbox", name="Oregon").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("“My profile” saved.")
    assert Profile.objects.get(user=user, active=True).excluded_states == ["OR"]
    context.close()
