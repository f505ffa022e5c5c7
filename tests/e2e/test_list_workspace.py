import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from applicants.models import ShortlistEntry
from programs.models import Program
from tests.e2e.browser import sign_in
from tests.factories import make_catalogue, make_profile, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _build_a_list_of_30(page: Page, base: str) -> Locator:
    """Sign in as an applicant with a profile, build the list, and return its table rows."""
    make_catalogue(45)
    make_profile(make_user("farida"), list_size=30)
    sign_in(page, base, "farida", next_url="/list/")
    page.get_by_role("button", name="Build my list").click()
    rows = page.locator("table.list tbody tr.entry")  # a notice row takes an excluded row's place
    expect(rows).to_have_count(30)
    page.evaluate("window.stillTheSamePage = true")  # gone if the page reloads
    return rows


def test_a_pinned_program_survives_a_rebuild_without_page_reloads(live_server, page: Page):
    rows = _build_a_list_of_30(page, live_server.url)

    last = rows.nth(29)
    name = last.locator(".program-cell > a").inner_text()
    row = page.locator(f"#{last.get_attribute('id')}")
    row.get_by_role("button", name=re.compile("^Pin")).click()
    expect(row.get_by_role("button", name=re.compile("^Unpin"))).to_be_visible()
    expect(row.locator(".badge-pinned")).to_have_text("Pinned")

    # The program becomes unattractive: only the pin can keep it on a rebuilt list.
    Program.objects.filter(name=name).update(tier=1, img_pct=0, updated_at=timezone.now())
    with page.expect_response(lambda response: response.url.endswith("/build/")):
        page.get_by_role("button", name="Rebuild list").click()
    expect(page.locator("#workspace-notice")).to_have_text("Built your list: 30 programs.")

    expect(rows).to_have_count(30)
    expect(row.locator(".program-cell > a")).to_have_text(name)
    expect(row.locator(".badge-pinned")).to_have_text("Pinned")
    entry = ShortlistEntry.objects.get(program__name=name)
    assert entry.pinned and entry.rank is not None
    assert page.evaluate("window.stillTheSamePage") is True


def test_excluding_and_undoing_and_setting_a_status_in_the_browser(
    live_server, page: Page, mid_season
):
    rows = _build_a_list_of_30(page, live_server.url)

    row = page.locator(f"#{rows.first.get_attribute('id')}")
    # The select shows the new value at once; wait for the row the server sends back.
    with page.expect_response(lambda response: response.url.endswith("/status/")):
        row.get_by_role("combobox").select_option("applied")
    expect(row.get_by_role("combobox")).to_have_value("applied")

    row.get_by_role("button", name=re.compile("^Exclude")).click()
    expect(row).to_have_count(0)
    expect(page.get_by_role("heading", name="Excluded programs (1)")).to_be_visible()
    expect(rows).to_have_count(29)

    page.get_by_role("button", name=re.compile("^Undo: put back")).click()
    expect(page.get_by_role("heading", name="Excluded programs (0)")).to_be_visible()
    expect(rows).to_have_count(30)
    expect(row.get_by_role("combobox")).to_have_value("applied")
    assert page.evaluate("window.stillTheSamePage") is True
