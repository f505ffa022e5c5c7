"""What the browser tests share: signing in through the real sign-in page, or with a session
cookie when the sign-in itself is not what the test is about."""

import re

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def sign_in(page: Page, base_url: str, username: str, *, next_url: str = "") -> None:
    """Sign in on the sign-in page (and go on to `next_url`, when given)."""
    suffix = f"?next={next_url}" if next_url else ""
    page.goto(f"{base_url}/accounts/login/{suffix}")
    page.get_by_label("Username").fill(username)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".nav-user")).to_contain_text(username)


def sign_in_with_cookie(page: Page, base_url: str, user) -> None:
    """Give the browser a signed-in session for `user` without going through the form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
