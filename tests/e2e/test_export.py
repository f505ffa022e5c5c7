import io

import openpyxl
import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from applicants import shortlists
from tests.e2e.browser import sign_in_with_cookie
from tests.factories import make_profile, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def show_export_buttons(page: Page, live_server, shortlist) -> None:
    """Open the list page, which includes `_export_buttons.html` for a built list."""
    page.goto(f"{live_server.url}/list/")


def test_an_applicant_clicks_export_and_gets_a_workbook_of_their_list(
    live_server, page: Page, alice, tmp_path
):
    for number in range(8):
        make_program(name=f"Riverside Neurology {number}", city="Zürich", tier=4, img_pct=55.0)
    profile = make_profile(alice, name="Main plan")
    shortlist = shortlists.build_shortlist(profile=profile)
    sign_in_with_cookie(page, live_server.url, alice)
    show_export_buttons(page, live_server, shortlist)

    button = page.get_by_role("link", name="Download spreadsheet (XLSX)")
    expect(button).to_be_visible()
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename.startswith("neuromatch-main-plan-")
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Shortlist", "Summary", "Calendar", "About"]
    names = [row[1] for row in book["Shortlist"].iter_rows(min_row=2, values_only=True)]
    listed = shortlist.entries.filter(excluded=False).order_by("rank")
    assert names == [entry.program.name for entry in listed]


def test_an_applicant_clicks_export_csv_and_gets_accents_intact(
    live_server, page: Page, alice, tmp_path
):
    for number in range(4):
        make_program(name=f"São Paulo Neurology {number}", tier=4, img_pct=55.0)
    profile = make_profile(alice)
    shortlist = shortlists.build_shortlist(profile=profile)
    sign_in_with_cookie(page, live_server.url, alice)
    show_export_buttons(page, live_server, shortlist)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    path = tmp_path / "list.csv"
    download_info.value.save_as(path)
    table = pd.read_csv(io.BytesIO(path.read_bytes()), encoding="utf-8-sig")
    assert sorted(table["Program"]) == [f"São Paulo Neurology {n}" for n in range(4)]
