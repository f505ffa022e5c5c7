"""A newcomer's whole account life in the browser, on a laptop and on a phone: sign up,
confirm the address from the e-mail, sign in, reset a forgotten password, delete the account."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.browser import link_in_last_email, open_menu, sign_in, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST, SECOND = "a-long-unusual-passphrase-42", "a-second-passphrase-for-farida-7"


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_sign_up_confirm_sign_in_reset_and_delete(live_server, page: Page, settings, width, height):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    page.set_viewport_size({"width": width, "height": height})

    page.goto(f"{live_server.url}/accounts/signup/")
    sign_up(page, "farida", "farida@example.org", FIRST)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    page.goto(link_in_last_email(live_server.url, "confirm-email"))
    page.get_by_role("button", name="Yes, confirm it").click()
    expect(page.locator(".nav-user")).to_contain_text("farida")

    open_menu(page)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "farida@example.org", password=FIRST, username="farida")
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("E-mail").fill("farida@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    page.goto(link_in_last_email(live_server.url, "password/reset/key"))
    page.get_by_label(re.compile(r"^New password:?$")).fill(SECOND)
    page.get_by_label("New password confirmation").fill(SECOND)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")

    sign_in(page, live_server.url, "farida", password=SECOND)
    open_menu(page)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account and data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (ZIP)").click()
    assert download.value.suggested_filename.startswith("neuromatch-data-")

    page.get_by_role("link", name="Delete my account…").click()
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    page.get_by_label("Your password").fill(SECOND)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account and everything in it")
    assert not User.objects.filter(username="farida").exists()
