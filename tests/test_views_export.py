import csv
import io
from datetime import UTC, date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.utils import timezone

from applicants import shortlists
from tests.factories import make_profile, make_program, make_tracked_entry

XLSX_URL = "/list/export.xlsx"
CSV_URL = "/list/export.csv"
URLS = [XLSX_URL, CSV_URL]


def built_list(user, **profile_fields):
    for number in range(6):
        make_program(name=f"Lakeside Neurology {number}", city="São Paulo", tier=4, img_pct=60.0)
    profile = make_profile(user, **profile_fields)
    return shortlists.build_shortlist(profile=profile)


def today() -> str:
    return f"{timezone.localdate():%Y-%m-%d}"


def interview_at(shortlist, at: datetime) -> None:
    """An invitation to interview at `at` on a program added to `shortlist` (ranked first)."""
    program = make_program(name="Prairie Neurology", state="TX")
    make_tracked_entry(shortlist, program, rank=0, invited_on=date(2026, 10, 1), interview_at=at)


def first_row(response, url) -> dict[str, object]:
    """The first program's row of a downloaded export, by header, as the file shows it."""
    if url == XLSX_URL:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Shortlist"]
        rows = list(sheet.iter_rows(max_row=2, values_only=True))
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[:2]
    return dict(zip(rows[0], rows[1], strict=True))


def test_the_owner_downloads_the_active_list_as_a_workbook(client, alice):
    shortlist = built_list(alice)
    client.force_login(alice)
    response = client.get(XLSX_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="neuromatch-my-profile-{today()}.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Shortlist", "Summary", "Calendar", "About"]
    about = [row[0] for row in book["About"].iter_rows(values_only=True)]
    assert about[about.index("The sheets") + 1 :] == book.sheetnames  # each one, Calendar too
    listed = shortlist.entries.filter(excluded=False).order_by("rank")
    names = [row[1] for row in book["Shortlist"].iter_rows(min_row=2, values_only=True)]
    assert names == [entry.program.name for entry in listed]


def test_the_owner_downloads_the_active_list_as_csv(client, alice):
    shortlist = built_list(alice)
    client.force_login(alice)
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="neuromatch-my-profile-{today()}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig")
    assert len(table) == shortlist.entries.filter(excluded=False).count()
    assert set(table["City"]) == {"São Paulo"}


@pytest.mark.parametrize(("url", "shown"), [(XLSX_URL, datetime(2026, 12, 7, 20, 30)),
                                             (CSV_URL, "2026-12-07 20:30")])  # fmt: skip
def test_the_interview_column_names_the_applicants_zone_its_times_are_in(
    client, alice, mid_season, url, shown
):
    shortlist = built_list(alice, time_zone="Asia/Kolkata")
    interview_at(shortlist, datetime(2026, 12, 7, 15, tzinfo=UTC))
    client.force_login(alice)
    row = first_row(client.get(url), url)
    assert row["Program"] == "Prairie Neurology"
    assert row["Interview (Asia/Kolkata)"] == shown
    assert "Interview" not in row


@pytest.mark.parametrize(("url", "shown"), [(XLSX_URL, datetime(2026, 12, 7, 15, 0)),
                                             (CSV_URL, "2026-12-07 15:00")])  # fmt: skip
def test_until_the_applicant_chooses_a_zone_the_interview_column_says_utc(
    client, alice, mid_season, url, shown
):
    shortlist = built_list(alice)
    interview_at(shortlist, datetime(2026, 12, 7, 15, tzinfo=UTC))
    client.force_login(alice)
    assert first_row(client.get(url), url)["Interview (UTC)"] == shown


@pytest.mark.parametrize(("zone", "name"), [("Asia/Kolkata", "Asia/Kolkata"), ("", "UTC")])
def test_the_about_sheet_dates_the_export_in_the_applicants_zone_and_names_it(
    client, alice, zone, name
):
    built_list(alice, time_zone=zone)
    client.force_login(alice)
    before = timezone.now()
    book = openpyxl.load_workbook(io.BytesIO(client.get(XLSX_URL).content))
    after = timezone.now()
    exported = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    shown = exported[f"Exported ({name})"]
    local = ZoneInfo(name)
    earliest = before.astimezone(local).replace(tzinfo=None, second=0, microsecond=0)
    assert earliest <= shown <= after.astimezone(local).replace(tzinfo=None)


@pytest.mark.parametrize("url", URLS)
def test_excluded_programs_are_not_exported(client, alice, url):
    shortlist = built_list(alice)
    entry = shortlist.entries.filter(excluded=False).first()
    shortlists.exclude_entry(entry=entry)
    client.force_login(alice)
    response = client.get(url)
    assert entry.program.name.encode() not in response.content
    if url == CSV_URL:
        table = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig")
        assert len(table) == shortlist.entries.filter(excluded=False).count()


@pytest.mark.parametrize("url", URLS)
def test_a_scenario_of_ones_own_can_be_chosen_and_names_the_file(client, alice, url):
    base = built_list(alice).profile
    base.active = False
    base.save()
    scenario = make_profile(alice, name="With Step 3 235", based_on=base, step3_score=235)
    shortlists.build_shortlist(profile=scenario)
    scenario.active = False
    scenario.save()
    base.active = True
    base.save()
    client.force_login(alice)
    response = client.get(url, {"profile": scenario.pk})
    assert response.status_code == 200
    assert f"neuromatch-with-step-3-235-{today()}." in response["Content-Disposition"]


@pytest.mark.parametrize("url", URLS)
def test_another_users_list_is_not_found(client, alice, bob, url):
    bobs = built_list(bob).profile
    client.force_login(alice)
    assert client.get(url, {"profile": bobs.pk}).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_a_profile_that_is_not_a_number_is_not_found(client, alice, url):
    built_list(alice)
    client.force_login(alice)
    assert client.get(url, {"profile": "abc"}).status_code == 404
    assert client.get(url, {"profile": "-3"}).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_another_user_downloads_their_own_list_not_alices(client, alice, bob, url):
    built_list(alice)
    client.force_login(bob)
    response = client.get(url, follow=True)
    assert response.redirect_chain[0] == ("/list/", 302)
    assert b"Lakeside Neurology" not in response.content


@pytest.mark.parametrize("url", URLS)
def test_without_a_profile_it_explains_and_redirects_to_the_list_page(client, alice, url):
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/list/"
    [message] = get_messages(response.wsgi_request)
    assert "build your list" in str(message)


@pytest.mark.parametrize("url", URLS)
def test_without_a_built_list_it_explains_and_redirects_to_the_list_page(client, alice, url):
    make_profile(alice)
    client.force_login(alice)
    response = client.get(url)
    assert response["Location"] == "/list/"
    [message] = get_messages(response.wsgi_request)
    assert "no programs on its list yet" in str(message)


@pytest.mark.parametrize("url", URLS)
def test_a_scenario_without_a_list_redirects_to_that_scenarios_list_page(client, alice, url):
    base = make_profile(alice)
    scenario = make_profile(alice, name="Plan B", based_on=base, active=False)
    client.force_login(alice)
    response = client.get(url, {"profile": scenario.pk})
    assert response["Location"] == f"/list/{scenario.pk}/"


@pytest.mark.parametrize("url", URLS)
def test_a_list_with_every_program_excluded_is_not_exported(client, alice, url):
    shortlist = built_list(alice)
    for entry in shortlist.entries.filter(excluded=False):
        shortlists.exclude_entry(entry=entry)
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/list/"


@pytest.mark.parametrize("url", URLS)
def test_export_is_get_only(client, alice, url):
    built_list(alice)
    client.force_login(alice)
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("url", URLS)
def test_export_needs_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_export_buttons_link_to_both_formats_for_the_shown_profile(alice):
    shortlist = built_list(alice)
    context = {"profile": shortlist.profile, "shortlist": shortlist}
    profile = shortlist.profile
    html = render_to_string("applicants/_export_buttons.html", context)
    assert f'href="/list/export.xlsx?profile={profile.pk}"' in html
    assert f'href="/list/export.csv?profile={profile.pk}"' in html
    assert 'role="group"' in html and "Download spreadsheet (XLSX)" in html
    assert "<script" not in html and "style=" not in html


def test_the_export_buttons_render_nothing_without_a_built_list(alice):
    profile = make_profile(alice)
    assert render_to_string("applicants/_export_buttons.html", {}).strip() == ""
    html = render_to_string("applicants/_export_buttons.html", {"profile": profile})
    assert html.strip() == ""


@pytest.mark.parametrize("url", URLS)
def test_the_file_is_dated_in_the_applicants_zone_as_its_about_sheet_is(client, alice, url):
    built_list(alice, time_zone="Pacific/Kiritimati")  # UTC+14: a day ahead for ten hours
    client.force_login(alice)
    moment = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 1 December, 05:00 in Kiritimati
    with mock.patch("django.utils.timezone.now", return_value=moment):
        response = client.get(url)
    assert "neuromatch-my-profile-2026-12-01." in response["Content-Disposition"]
