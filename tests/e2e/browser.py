"""What the browser tests share: signing up and in through the real pages, or with a session
cookie when the sign-in itself is not what the test is about, and links from the e-mails."""

import re

from django.conf import settings
from django.core import mail
from django.test import Client
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def sign_in(
    page: Page,
    base_url: str,
    login: str,
    *,
    password: str = PASSWORD,
    next_url: str = "",
    username: str = "",
) -> None:
    """Sign in on the sign-in page with a username or e-mail address (and go on to `next_url`,
    when given); the header then names `username` (by default, the login)."""
    suffix = f"?next={next_url}" if next_url else ""
    page.goto(f"{base_url}/accounts/login/{suffix}")
    page.get_by_label("Username or e-mail").fill(login)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nav-user")).to_contain_text(username or login)
    # The page signed in to has run its scripts: a test's next click goes through them.
    page.wait_for_load_state()


def sign_up(page: Page, username: str, email: str, password: str) -> None:
    """Fill in and send the sign-up form the page shows."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_label("Password confirmation").fill(password)
    page.get_by_role("button", name="Create account").click()


def link_in_last_email(base_url: str, path: str) -> str:
    """The address under `/accounts/<path>/` in the last e-mail sent, on the test server."""
    match = re.search(rf"https?://[^/\s]+(/accounts/{path}/\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return f"{base_url}{match.group(1)}"


def sign_in_with_cookie(page: Page, base_url: str, user) -> None:
    """Give the browser a signed-in session for `user` without going through the form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def open_menu(page: Page) -> None:
    """Unfold the main menu where it folds behind its button (on a phone)."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def open_staff_menu(page: Page) -> None:
    """Open the header's Staff list (Import, Calibration, Admin), the menu first on a phone."""
    open_menu(page)
    staff = page.locator(".nav-staff details")
    if staff.get_attribute("open") is None:
        staff.locator("summary").click()
