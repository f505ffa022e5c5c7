import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_signs_out_and_signs_in_again(live_server, page: Page):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_role("link", name="Create an account").click()

    sign_up(page, "farida", "farida@example.org", "a-long-unusual-passphrase-42")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Build a realistic neurology application list"
    )
    expect(page.locator(".nav-user")).to_contain_text("farida")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_label("Username").fill("farida")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-long-unusual-passphrase-42")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nav-user")).to_contain_text("farida")


def test_a_wrong_password_shows_an_error_in_the_browser(live_server, page: Page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label(re.compile(r"^Password:?$")).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
