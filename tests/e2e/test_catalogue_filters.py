"""The catalogue's filters in the browser: a request that fails is said beside the filters
with Retry (the table below is not the filtered one), and a number the browser refuses is
said at its field instead of being dropped without a word."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.browser import sign_in_with_cookie
from tests.factories import make_program, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(db):
    make_program(name="Lone Star Neurology", state="TX")
    make_program(name="Prairie Neurology", state="IL")


@pytest.mark.parametrize("failure", ["server", "network"])
def test_a_filter_that_fails_says_so_and_retry_applies_it(
    live_server, page: Page, catalogue, failure
):
    sign_in_with_cookie(page, live_server.url, make_user("amara"))
    page.goto(f"{live_server.url}/programs/")
    page.wait_for_load_state()

    def fail(route: Route) -> None:
        if route.request.headers.get("hx-request") != "true":
            route.continue_()
        elif failure == "server":
            route.fulfill(status=500, body="boom")
        else:
            route.abort()

    page.route(re.compile(r".*/programs/\?.*"), fail)
    page.get_by_label("State").select_option("TX")
    problem = page.locator(".catalogue-problem")
    wording = "error 500" if failure == "server" else "the connection dropped"
    expect(problem).to_contain_text(wording)
    expect(problem).to_contain_text("not the ones you asked for yet")
    expect(page.locator("#results")).to_contain_text("Prairie Neurology")  # not filtered

    page.unroute(re.compile(r".*/programs/\?.*"))
    problem.get_by_role("button", name="Retry").click()
    expect(page.locator("#results")).not_to_contain_text("Prairie Neurology")
    expect(page.locator("#results")).to_contain_text("Lone Star Neurology")
    expect(problem).to_have_count(0)


def test_a_number_out_of_range_is_said_at_its_field(live_server, page: Page, catalogue):
    sign_in_with_cookie(page, live_server.url, make_user("amara"))
    page.goto(f"{live_server.url}/programs/")
    page.wait_for_load_state()
    share = page.get_by_label("IMG share at least (%)")
    share.fill("150")
    share.press("Tab")
    expect(share).to_be_focused()  # the browser's message points at the field
    assert share.evaluate("field => field.validationMessage")
    expect(page.locator("#results")).to_contain_text("Prairie Neurology")
