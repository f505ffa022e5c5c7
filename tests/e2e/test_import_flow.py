import re

import pytest
from playwright.sync_api import Page, expect

from programs.models import ImportBatch, Program
from tests.e2e.browser import sign_in
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

    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Catalogue file").set_input_files(
        {"name": "freida.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Preview of freida.csv")).to_be_visible()
    expect(page.locator(".change-list")).to_contain_text("IMG share of residents (%): 20 → 45")
    expect(page.get_by_role("cell", name="Fresh Neurology")).to_be_visible()
    assert Program.objects.count() == 1

    page.get_by_role("button", name="Import 2 changes").click()

    expect(page.get_by_role("heading", name="Import complete")).to_be_visible()
    assert Program.objects.get(program_id="1803500001").img_pct == 45.0
    assert Program.objects.get(program_id="1803500002").state == "TX"
    assert ImportBatch.objects.filter(dry_run=False).count() == 1


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
