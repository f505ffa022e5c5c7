import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from programs.models import ImportBatch, Program
from tests.e2e.browser import open_staff_menu, sign_in, sign_in_with_cookie
from tests.factories import (
    make_catalogue_csv,
    make_catalogue_editor,
    make_program,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_upload_a_file_preview_the_changes_and_confirm(live_server, page: Page):
    make_catalogue_editor("stella")
    make_program(program_id="1803500001", name="Known Neurology", img_pct=20.0)
    content = make_catalogue_csv(
        [
            ["Program Name", "ACGME ID", "State", "IMG %", "J1 Visa"],
            ["Known Neurology", "1803500001", "Illinois", "45%", "Yes"],
            ["Fresh Neurology", "1803500002", "texas", "10", "N"],
        ],
        delimiter=";",
    )
    sign_in(page, live_server.url, "stella")

    open_staff_menu(page)
    page.get_by_role("link", name="Import", exact=True).click()
    page.wait_for_load_state()  # htmx has started: this test sends the file through it
    page.get_by_label("Catalogue file").set_input_files(
        {"name": "freida.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Preview of freida.csv")).to_be_visible()
    # The step replaced the button that sent it: focus moves to the new step's heading.
    expect(page.get_by_role("heading", name="Preview of freida.csv")).to_be_focused()
    expect(page.locator(".change-list")).to_contain_text("IMG share of residents (%): 20 → 45")
    expect(page.get_by_role("cell", name="Fresh Neurology")).to_be_visible()
    assert Program.objects.count() == 1

    page.get_by_role("button", name="Import 2 changes").click()

    expect(page.get_by_role("heading", name="Import complete")).to_be_focused()
    assert Program.objects.get(program_id="1803500001").img_pct == 45.0
    assert Program.objects.get(program_id="1803500002").state == "TX"
    assert ImportBatch.objects.filter(dry_run=False).count() == 1


def test_a_file_sent_before_htmx_starts_lands_on_the_same_step_headings(live_server, page: Page):
    # A click that beats the page's scripts sends the form as a whole page: focus still lands
    # on the new step's heading (not the page's h1), as it does after an htmx swap.
    make_catalogue_editor("stella")
    sign_in_with_cookie(page, live_server.url, User.objects.get(username="stella"))
    page.route("**/vendor/htmx/**", lambda route: route.abort())
    page.goto(f"{live_server.url}/programs/import/")

    _upload(page, make_catalogue_csv([["name", "state"], ["Route Neurology", "OH"]]))

    expect(page.get_by_role("heading", name="Preview of route.csv")).to_be_focused()
    page.get_by_role("button", name="Import 1 change").click()
    expect(page.get_by_role("heading", name="Import complete")).to_be_focused()
    assert Program.objects.filter(name="Route Neurology").exists()


def test_a_bad_file_shows_its_errors_and_changes_nothing(live_server, page: Page):
    make_catalogue_editor("stella")
    sign_in(page, live_server.url, "stella")
    content = make_catalogue_csv([["name", "state", "img_pct"], ["Bad Neurology", "Narnia", "x"]])

    page.goto(f"{live_server.url}/programs/import/")
    page.get_by_label("Catalogue file").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("alert")).to_contain_text("1 row has errors")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.locator(".import-errors")).to_contain_text("Narnia")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    assert not Program.objects.exists()


def test_filtering_the_catalogue_updates_the_table_and_the_address(live_server, page: Page):
    make_user("alice")
    make_program(name="Texas Neurology", state="TX")
    make_program(name="Ohio Neurology", state="OH")
    sign_in(page, live_server.url, "alice")

    page.goto(f"{live_server.url}/programs/")
    page.get_by_label("State").select_option("TX")

    expect(page.locator("#results")).not_to_contain_text("Ohio Neurology")
    expect(page.locator("#results")).to_contain_text("Texas Neurology")
    expect(page).to_have_url(re.compile(r"state=TX"))
    page.reload()
    expect(page.get_by_label("State")).to_have_value("TX")
    expect(page.locator("#results")).not_to_contain_text("Ohio Neurology")


def _previewed(page: Page, base: str) -> None:
    """Stella has uploaded a one-program file and sees its preview."""
    make_catalogue_editor("stella")
    sign_in_with_cookie(page, base, User.objects.get(username="stella"))
    page.goto(f"{base}/programs/import/")
    _upload(page, make_catalogue_csv([["name", "state"], ["Route Neurology", "OH"]]))
    expect(page.get_by_role("heading", name="Preview of route.csv")).to_be_visible()


def _upload(page: Page, content: bytes) -> None:
    page.get_by_label("Catalogue file").set_input_files(
        {"name": "route.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload and preview").click()


def _on_post(page: Page, pattern: str, answer) -> None:
    def handle(route):
        if route.request.method == "POST":
            answer(route)
        else:
            route.continue_()

    page.route(pattern, handle)


def test_an_upload_that_cannot_reach_the_server_says_nothing_was_imported(live_server, page: Page):
    make_catalogue_editor("stella")
    sign_in_with_cookie(page, live_server.url, User.objects.get(username="stella"))
    page.goto(f"{live_server.url}/programs/import/")
    _on_post(page, "**/programs/import/", lambda route: route.abort("internetdisconnected"))

    _upload(page, make_catalogue_csv([["name", "state"], ["Route Neurology", "OH"]]))

    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("Could not reach neuromatch: the connection dropped.")
    expect(problem).to_contain_text("Nothing was imported: try again.")
    expect(problem).to_be_focused()
    expect(page.get_by_role("button", name="Upload and preview")).to_be_enabled()

    page.unroute("**/programs/import/")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Preview of route.csv")).to_be_visible()
    expect(page.locator(".import-problem")).to_have_count(0)


def test_a_confirm_the_server_fails_says_it_may_not_have_been_imported(live_server, page: Page):
    _previewed(page, live_server.url)
    _on_post(page, "**/confirm/", lambda route: route.fulfill(status=500, body="Server Error"))

    page.get_by_role("button", name="Import 1 change").click()

    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("neuromatch had a problem (error 500)")
    expect(problem).to_contain_text("it may not have been imported")
    expect(problem).to_be_focused()
    expect(problem.get_by_role("link", name="Reload the import page")).to_have_attribute(
        "href", "/programs/import/"
    )
    expect(page.get_by_role("button", name="Import 1 change")).to_be_enabled()
    assert not Program.objects.exists()


def test_a_confirm_that_loses_the_connection_says_to_reload_and_check(live_server, page: Page):
    _previewed(page, live_server.url)
    _on_post(page, "**/confirm/", lambda route: route.abort("connectionreset"))

    page.get_by_role("button", name="Import 1 change").click()

    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("Could not reach neuromatch")
    expect(problem).to_contain_text("Reload the import page to see the catalogue's state")
    expect(problem).to_be_focused()


def test_a_session_ended_in_another_tab_asks_to_sign_in_again(live_server, page: Page):
    _previewed(page, live_server.url)
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)

    page.get_by_role("button", name="Import 1 change").click()

    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("You were signed out — sign in again. Nothing was imported.")
    expect(problem).to_be_focused()
    expect(problem.get_by_role("link", name="Sign in again")).to_have_attribute(
        "href", "/accounts/login/?next=%2Fprograms%2Fimport%2F"
    )
    expect(page.locator("#import-step").get_by_label("Username or e-mail")).to_have_count(0)
    assert not Program.objects.exists()


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_import_failure_messages_pass_axe(live_server, page: Page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    _previewed(page, live_server.url)
    _on_post(page, "**/confirm/", lambda route: route.fulfill(status=500, body="Server Error"))
    page.get_by_role("button", name="Import 1 change").click()
    expect(page.locator(".import-problem")).to_be_focused()

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}}).response
    assert [violation["id"] for violation in results["violations"]] == []


def test_a_renamed_name_column_is_mapped_by_keyboard_and_then_imported(live_server, page: Page):
    make_catalogue_editor("stella")
    sign_in(page, live_server.url, "stella")
    content = make_catalogue_csv([["Program Title X", "State"], ["Bay Neurology", "Texas"]])
    page.goto(f"{live_server.url}/programs/import/")
    page.get_by_label("Catalogue file").set_input_files(
        {"name": "titled.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload and preview").press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("This file has no name column")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    column = page.get_by_label("Program Title X")
    column.focus()
    page.keyboard.type("name")
    expect(column).to_have_value("name")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Update the preview")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("cell", name="Bay Neurology")).to_be_visible()
    assert not Program.objects.exists()
    page.get_by_role("button", name="Import 1 change").press("Enter")

    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    assert Program.objects.get().state == "TX"
