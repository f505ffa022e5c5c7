import re

import pytest
from playwright.sync_api import Page, expect

from applicants.model_fitting import fit_version
from applicants.model_versions import active_version
from tests.e2e.browser import open_staff_menu, sign_in
from tests.factories import make_imported_outcomes, make_model_steward, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_read_a_fitted_version_and_activate_it(live_server, page: Page):
    make_model_steward("stella")
    make_imported_outcomes()
    version, _ = fit_version()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    sign_in(page, live_server.url, "stella")

    open_staff_menu(page)
    page.get_by_role("link", name="Calibration").click()
    expect(page.get_by_role("heading", name="Calibration", exact=True)).to_be_visible()
    page.get_by_role("link", name=f"Version {version.number}").click()
    expect(page.get_by_text("fitted on", exact=False).first).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Reliability"))).to_be_visible()
    expect(page.locator("ul.changes li").first).to_contain_text("assumed")

    page.get_by_role("button", name=f"Activate version {version.number}").click()

    expect(page.get_by_text(f"Version {version.number} is active")).to_be_visible()
    assert active_version().number == version.number
    assert problems == []  # no CSP violation or script error


def test_the_calibration_page_works_on_a_phone(live_server, page: Page):
    make_user("stella", is_staff=True)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "stella")
    page.goto(f"{live_server.url}/calibration/")
    expect(
        page.get_by_text(
            "based on published figures and judgement, not yet checked against real outcomes"
        )
    ).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
