"""Text people type can be one long word — a 150-character username, an 80-character scenario
name, a pasted address as a note: it wraps, and no page grows wider than the screen."""

import pytest
from playwright.sync_api import Page

from applicants.shortlists import build_shortlist, set_notes
from tests.e2e.browser import sign_in_with_cookie
from tests.e2e.test_accessibility import SCREENS, STICKING_OUT_JS
from tests.factories import make_catalogue, make_profile, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_long_names_and_notes_wrap_on_a_desktop_and_on_a_phone(live_server, page: Page):
    make_catalogue(40)
    user = make_user("L" * 150)
    profile = make_profile(user, list_size=30)
    scenario = make_profile(user, name="W" * 80, based_on=profile, active=False, list_size=30)
    entry = build_shortlist(profile=profile).entries.order_by("rank").first()
    set_notes(entry=entry, notes="https://example.org/" + "a" * 280)
    build_shortlist(profile=scenario)
    sign_in_with_cookie(page, live_server.url, user)
    paths = [
        "/",
        "/profile/",
        "/profile/scenarios/",
        f"/profile/scenarios/{scenario.pk}/",
        "/list/",
        f"/list/{scenario.pk}/",
        f"/season/entries/{entry.pk}/",
        "/programs/",
        "/accounts/privacy/",
    ]
    too_wide = {}
    for screen, size in SCREENS.items():
        page.set_viewport_size(size)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            sticking_out = page.evaluate(STICKING_OUT_JS)
            if width > size["width"] or sticking_out:
                too_wide[(screen, path)] = (width, sticking_out[:2])
    assert too_wide == {}
