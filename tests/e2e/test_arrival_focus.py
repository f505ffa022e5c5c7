"""Where focus lands after a form is sent without htmx and a whole new page comes back: on the
first field with an error, on the message (moved beside what it is about), or back on the
control that sent the form — not at the top of a page the user must tab through again."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from applicants.models import ShareLink
from tests.e2e.browser import sign_in_with_cookie
from tests.factories import (
    make_built_list,
    make_grant,
    make_interviewed_entries,
    make_profile,
    make_program,
    make_share_link,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [pytest.param(1366, 900, id="laptop"), pytest.param(390, 844, id="phone")]


def in_view(page: Page, selector: str) -> bool:
    """Whether the element is at least partly inside the window."""
    return page.evaluate(
        """selector => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.bottom > 0 && box.top < window.innerHeight;
        }""",
        selector,
    )


@pytest.fixture
def ranked(alice):
    return make_interviewed_entries(alice, "Alpha Neuro", "Beta Neuro", "Gamma Neuro", ranked=True)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_moving_a_program_up_by_keyboard_keeps_focus_on_its_button(
    live_server, page: Page, alice, ranked, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/season/rank/")
    gamma = ranked[2]
    page.get_by_role("button", name="Move Gamma Neuro up").focus()

    page.keyboard.press("Enter")
    expect(page.locator(".rank-item").nth(1)).to_contain_text("Gamma Neuro")
    expect(page.get_by_role("button", name="Move Gamma Neuro up")).to_be_focused()

    # At the top its up button is disabled: focus stays on the program's own item.
    page.keyboard.press("Enter")
    expect(page.locator(".rank-item").first).to_contain_text("Gamma Neuro")
    expect(page.locator(f"#rank-{gamma.pk}")).to_be_focused()
    page.keyboard.press("Tab")
    inside = f"document.getElementById('rank-{gamma.pk}').contains(document.activeElement)"
    assert page.evaluate(inside)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_message_after_revoking_a_link_is_focused_beside_the_links(
    live_server, page: Page, alice, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    profile = make_profile(alice)
    make_built_list(profile, make_program())
    for number in range(8):  # enough to push the links section below the first screen
        make_share_link(profile, label=f"link {number}")
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/sharing/")
    page.get_by_role("button", name="Revoke the link link 7").focus()

    page.keyboard.press("Enter")
    message = page.locator("#messages")
    expect(message).to_be_focused()
    expect(message).to_contain_text("The link “link 7” is revoked.")
    expect(page.locator("#links #messages")).to_have_count(1)
    assert in_view(page, "#messages")
    page.keyboard.press("Tab")  # on into the section it is about, not back to the page's top
    assert page.evaluate("document.getElementById('links').contains(document.activeElement)")


def test_a_wrong_current_password_puts_focus_on_that_field(live_server, page: Page, alice):
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/accounts/password/change/")
    page.get_by_label("Current password").fill("not my password")
    page.locator("#id_password1").fill("a-fresh-long-passphrase-7")
    page.locator("#id_password2").fill("a-fresh-long-passphrase-7")
    page.keyboard.press("Enter")
    field = page.get_by_label("Current password")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()


def test_an_advisor_lands_on_the_comment_they_posted(live_server, page: Page, alice):
    page.set_viewport_size({"width": 390, "height": 844})
    advisor = make_user("drbob")
    programs = [make_program(name=f"Program {number:02}") for number in range(30)]
    profile = make_profile(alice)
    shortlist = make_built_list(profile, *programs)
    make_grant(alice, advisor, level="comment")
    last = shortlist.entries.get(program=programs[-1])
    sign_in_with_cookie(page, live_server.url, advisor)
    page.goto(f"{live_server.url}/list/{profile.pk}/")
    comments = page.locator(f"#comments-{last.pk}")
    comments.locator("summary").click()
    comments.get_by_label(re.compile("Your comment")).fill("Apply early here.")
    comments.get_by_role("button", name="Post comment").press("Enter")

    message = page.locator(f"#comments-{last.pk} #messages")
    expect(message).to_contain_text("Comment posted.")
    expect(message).to_be_focused()
    expect(page.locator(f"#comments-{last.pk} > details")).to_have_attribute("open", "")
    assert in_view(page, "#messages")


def test_a_failed_sign_in_puts_focus_on_what_went_wrong(live_server, page: Page, alice):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or e-mail").fill("alice")
    page.get_by_label(re.compile(r"^Password:?$")).fill("not her password")
    page.keyboard.press("Enter")
    box = page.locator("main .form-errors")
    expect(box).to_contain_text("enter a correct username and password")
    expect(box).to_be_focused()


def test_a_new_share_link_is_focused_not_the_button_that_made_it(live_server, page: Page, alice):
    page.set_viewport_size({"width": 390, "height": 844})
    make_built_list(make_profile(alice), make_program())
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/sharing/")
    page.get_by_role("button", name="Create a link").press("Enter")

    box = page.locator("#new-link")
    expect(box).to_contain_text("Your new link")
    expect(box).to_be_focused()
    assert in_view(page, "#new-link")


def test_removing_a_program_from_the_rank_list_lands_on_what_was_done_and_its_undo(
    live_server, page: Page, alice, ranked
):
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/season/rank/")
    page.get_by_role("button", name="Remove Beta Neuro from your rank order list").press("Enter")

    item = page.locator(f"#unranked-{ranked[1].pk}")
    message = item.locator("#messages")
    expect(message).to_contain_text("Took Beta Neuro off your rank order list (it was number 2).")
    expect(message).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is the undo the message offers
    put_back = page.get_by_role("button", name=re.compile("Put back at 2.*Beta Neuro"))
    expect(put_back).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#rank-{ranked[1].pk}")).to_contain_text("Beta Neuro")
    expect(page.locator(f"#rank-{ranked[1].pk} .rank-number")).to_have_text("2")


def test_the_gone_page_starts_at_its_heading(live_server, page: Page, alice):
    base = make_profile(alice)
    scenario = make_profile(alice, name="With Step 3", based_on=base, active=False)
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/profile/scenarios/{scenario.pk}/")
    scenario.delete()  # in another tab
    page.get_by_role("button", name=re.compile(r"^Save( profile)?$")).press("Enter")

    expect(page.get_by_role("heading", name="This scenario is gone")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_focused()


def test_a_page_opened_by_a_link_keeps_the_browsers_own_focus(live_server, page: Page, alice):
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/programs/?step2_max=abc")
    expect(page.locator("main .form-errors")).to_be_visible()
    assert page.evaluate("document.activeElement === document.body")


# Without JavaScript: the page opens scrolled to the part the answer is about, and a copy of
# the message shows there.


@pytest.fixture
def no_script_page(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def test_without_javascript_a_revoked_link_says_so_in_the_links_section(
    live_server, no_script_page: Page, alice
):
    page = no_script_page
    profile = make_profile(alice)
    make_built_list(profile, make_program())
    make_share_link(profile, label="for Dr Okafor")
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/sharing/")
    page.get_by_role("button", name="Revoke the link for Dr Okafor").click()

    copy = page.locator("#links .message-here")
    expect(copy).to_have_text(
        "The link “for Dr Okafor” is revoked. If that was a mistake, restore it under "
        "“Expired and revoked links”."
    )
    assert in_view(page, "#links .message-here")
    expect(page.locator("#calendar .message-here, #subscribe .message-here")).to_have_count(0)


def test_without_javascript_saved_pros_and_cons_say_so_in_the_programs_item(
    live_server, no_script_page: Page, alice, ranked
):
    page = no_script_page
    beta = ranked[1]
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/season/rank/")
    item = page.locator(f"#rank-{beta.pk}")
    item.locator("summary", has_text="Pros and cons").click()
    item.get_by_label("Pros").fill("Strong stroke unit")
    item.get_by_role("button", name=re.compile("^Save")).click()

    expect(page.locator(f"#rank-{beta.pk} .message-here")).to_have_text(
        "Saved your pros and cons for Beta Neuro."
    )
    assert in_view(page, f"#rank-{beta.pk} .message-here")
    expect(page.locator(".message-here")).to_have_count(1)  # not in the other programs' items


def test_pressing_enter_twice_sends_a_form_once(live_server, page: Page, alice):
    make_built_list(make_profile(alice), make_program())
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/sharing/")
    held = []  # the requests, kept waiting so that the page has not left yet
    page.route("**/sharing/links/new/", lambda route: held.append(route))
    page.get_by_label(re.compile("Expires after")).focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)  # the first is on its way; the page has not left yet
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)

    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#new-link")).to_be_focused()
    assert ShareLink.objects.count() == 1


def test_after_a_server_error_the_next_page_keeps_the_browsers_focus(
    live_server, page: Page, alice
):
    make_built_list(make_profile(alice), make_program())
    sign_in_with_cookie(page, live_server.url, alice)
    page.goto(f"{live_server.url}/sharing/")
    error_page = (settings.BASE_DIR / "templates" / "500.html").read_text()
    page.route(
        "**/sharing/links/new/",
        lambda route: route.fulfill(status=500, body=error_page, content_type="text/html"),
    )
    page.get_by_role("button", name="Create a link").press("Enter")
    expect(page.get_by_role("heading", name="Something went wrong on our side")).to_be_focused()

    page.get_by_role("link", name="Go to the start page").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.activeElement === document.body")
