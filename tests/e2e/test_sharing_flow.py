"""Sharing in the browser, on a laptop and on a phone: an applicant shares with an advisor and
invites a mentor without an account; the advisor comments, the mentor signs up and sees the
list; the applicant sees the comment, revokes the advisor, and the advisor's next look is a 404.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import link_in_last_email, open_menu, sign_in, sign_up
from tests.factories import make_built_list, make_profile, make_program, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENTOR_PASSWORD = "a-long-unusual-passphrase-42"


def signed_in(browser: Browser, base: str, username: str, size: dict) -> Page:
    """A page in a browser context of its own, signed in as `username`."""
    page = browser.new_context(viewport=size).new_page()
    sign_in(page, base, username)
    return page


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_share_comment_see_it_revoke_and_the_advisor_is_refused(
    live_server, browser: Browser, settings, width, height
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    size = {"width": width, "height": height}
    base = live_server.url
    alice, _ = make_user("alice"), make_user("drbob")
    profile = make_profile(alice)
    make_built_list(profile, make_program(name="Riverside Neurology"), make_program())
    list_path = f"/list/{profile.pk}/"

    # Alice shares with her advisor by username, and invites a mentor by address.
    owner = signed_in(browser, base, "alice", size)
    owner.goto(f"{base}/sharing/")
    owner.get_by_label("Username or e-mail address").fill("drbob")
    owner.locator("#id_level").select_option("comment")
    owner.get_by_role("button", name="Share").click()
    expect(owner.get_by_role("status")).to_contain_text("drbob can now view and comment")
    owner.get_by_label("Username or e-mail address").fill("mentor@clinic.example")
    owner.locator("#id_level").select_option("view")
    owner.get_by_role("button", name="Share").click()
    expect(owner.get_by_role("status")).to_contain_text("Invitation sent to mentor@clinic.example")

    # The advisor finds her on the dashboard and comments on a program of her list.
    advisor = signed_in(browser, base, "drbob", size)
    open_menu(advisor)
    advisor.get_by_role("link", name="Shared with me").click()
    advisor.get_by_role("link", name=re.compile("^alice")).first.click()
    expect(advisor.get_by_role("heading", level=1)).to_have_text("alice’s list")
    advisor.wait_for_load_state()
    row = advisor.locator("tr", has_text="Riverside Neurology")
    row.locator("details.comments summary").click()
    row.get_by_label(re.compile("Your comment")).fill("Strong IMG intake: apply early.")
    row.get_by_role("button", name="Post comment").click()
    expect(advisor.get_by_role("status")).to_contain_text("Comment posted")
    expect(advisor.locator(".comment")).to_contain_text("Strong IMG intake")

    # The mentor signs up with the invited address, confirms it and sees the list, read-only.
    mentor = browser.new_context(viewport=size).new_page()
    mentor.goto(f"{base}/accounts/signup/")
    sign_up(mentor, "mentor", "mentor@clinic.example", MENTOR_PASSWORD)
    mentor.goto(link_in_last_email(base, "confirm-email"))
    mentor.get_by_role("button", name="Yes, confirm it").click()
    mentor.goto(f"{base}{list_path}")
    expect(mentor.get_by_role("heading", level=1)).to_have_text("alice’s list")
    expect(mentor.locator(".comment")).to_contain_text("Strong IMG intake")
    expect(mentor.get_by_role("button", name="Post comment")).to_have_count(0)

    # Alice sees the new comment from her home page, then revokes the advisor.
    owner.goto(f"{base}/")
    owner.get_by_role("link", name=re.compile("1 new on the list")).click()
    expect(owner.locator(".comment.is-new")).to_contain_text("drbob")
    owner.goto(f"{base}/sharing/")
    owner.get_by_role("button", name="Revoke access for drbob").click()
    expect(owner.get_by_role("status")).to_contain_text("drbob no longer has access")
    expect(owner.locator("#log")).to_contain_text("drbob")

    response = advisor.goto(f"{base}{list_path}")
    assert response.status == 404
    response = mentor.goto(f"{base}{list_path}")
    assert response.status == 200
