"""The main menu on a phone folds behind a "Menu" button, so a page starts with its content;
on a laptop, and without scripts, every link shows. By keyboard it opens, and Escape closes it
with focus back on the button."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import sign_in_with_cookie
from tests.factories import make_catalogue_editor, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def header_height(page: Page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def test_on_a_phone_the_menu_folds_and_opens_and_closes_by_keyboard(live_server, page: Page):
    sign_in_with_cookie(page, live_server.url, make_user("amara"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/profile/")
    toggle = page.get_by_role("button", name="Menu")
    season = page.get_by_role("link", name="Season", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(season).to_be_hidden()
    assert header_height(page) < 70  # one row: the brand and the button

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(season).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Programs")).to_be_focused()
    page.keyboard.press("Escape")
    expect(season).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Space")
    season.click()
    expect(page).to_have_url(f"{live_server.url}/season/")
    expect(season).to_be_hidden()  # a new page starts folded again


def test_on_a_laptop_every_link_shows_and_there_is_no_menu_button(live_server, page: Page):
    sign_in_with_cookie(page, live_server.url, make_user("amara"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/profile/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Season", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert header_height(page) < 70


def test_without_scripts_a_phone_shows_every_link(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in_with_cookie(page, live_server.url, make_user("amara"))
    page.goto(f"{live_server.url}/profile/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Season", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    context.close()


def test_a_staff_members_header_keeps_to_one_row_with_a_staff_list(live_server, page: Page):
    sign_in_with_cookie(page, live_server.url, make_catalogue_editor("stella"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/programs/")
    assert header_height(page) < 70
    staff = page.locator(".nav-staff summary")
    calibration = page.get_by_role("link", name="Calibration")
    expect(calibration).to_be_hidden()
    staff.focus()
    page.keyboard.press("Enter")
    expect(calibration).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Import", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(calibration).to_be_hidden()
    expect(staff).to_be_focused()
    staff.click()
    page.get_by_role("heading", level=1).click()  # a click elsewhere closes it
    expect(calibration).to_be_hidden()
    staff.click()
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/programs/import/")
    expect(staff).to_have_class("current")
