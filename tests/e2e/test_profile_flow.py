import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from applicants.models import Profile
from tests.e2e.browser import sign_in
from tests.factories import make_program, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_applicant_fills_the_profile_sees_the_summary_and_makes_a_scenario(
    live_server, page: Page
):
    make_user("farida")
    for _ in range(8):
        make_program(visa_j1=True, tier=4, img_pct=60.0)
    make_program(visa_j1=False)
    make_program(usce_min_months=6)
    sign_in(page, live_server.url, "farida")

    page.get_by_role("navigation").get_by_role("link", name="Profile", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    page.wait_for_load_state()  # the field checks start with the page's deferred scripts

    # A score out of range is flagged as soon as the field is left, before saving.
    page.get_by_label("USMLE Step 2 CK score").fill("320")
    page.get_by_label("USMLE Step 3 score").focus()
    expect(page.locator("#step2_score-feedback")).to_contain_text(
        "Enter a whole number from 1 to 300."
    )
    page.get_by_label("USMLE Step 2 CK score").fill("238")
    page.get_by_label("USMLE Step 3 score").focus()
    expect(page.locator("#step2_score-feedback")).to_be_empty()

    page.get_by_label("Year of graduation from medical school").fill(str(timezone.now().year - 3))
    page.get_by_label("US clinical experience (months)").fill("3")
    page.get_by_label("Letters from US neurologists").fill("2")
    page.get_by_role("radio", name="Needs a J-1 visa").check()
    page.get_by_text("Regions, states and number of programs").click()
    page.get_by_role("checkbox", name="Midwest").check()
    preferred = page.locator(".field-preferred_states")
    preferred.get_by_role("checkbox", name="Illinois").check()
    expect(preferred.locator(".chosen")).to_have_text("Ticked: Illinois")
    expect(page.locator(".places-chosen").last).to_contain_text(
        "Preferred regions: Midwest; Preferred states: Illinois"
    )
    page.get_by_role("button", name="Save profile").click()

    expect(page.locator(".messages")).to_contain_text("Profile saved.")
    summary = page.locator(".profile-summary")
    expect(summary).to_contain_text("Needs a J-1: 1 program that does not sponsor J-1 excludes you")
    expect(summary).to_contain_text("1 program that requires more excludes you")
    expect(summary.locator(".stat").first).to_contain_text("8")
    expect(page.get_by_role("heading", name="What would raise your outlook most")).to_be_visible()

    page.get_by_label(re.compile("New what-if copy")).fill("after Step 3 = 235")
    page.get_by_role("button", name="Copy into a scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scenario: after Step 3 = 235")
    page.get_by_label("USMLE Step 3 score").fill("235")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("“after Step 3 = 235” saved.")

    page.get_by_role("link", name="Scenarios and comparison").click()
    table = page.locator("table.compare")
    expect(table.get_by_role("columnheader")).to_have_count(3)
    expect(table.locator("td.differs")).to_have_text("235")

    scenario = Profile.objects.get(name="after Step 3 = 235")
    assert scenario.step3_score == 235
    assert scenario.based_on.step2_score == 238
    assert scenario.based_on.preferred_states == ["IL"]
