"""The cached /programs/ and /list/ pages never show stale or foreign HTML.

The suite runs with DEBUG, where the page cache is off; these tests turn it on.
"""

import gzip
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from applicants import comments, outlook, shortlist_views
from applicants.forms import form_data
from applicants.models import Profile, Shortlist, ShortlistEntry
from applicants.shortlists import build_shortlist, exclude_entry
from neuromatch import caching
from programs import views as program_views
from programs.importer import import_catalogue
from programs.models import Program
from tests.factories import (
    make_catalogue,
    make_catalogue_csv,
    make_grant,
    make_profile,
    make_profile_data,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("applicants:list")
PROGRAMS_URL = reverse("programs:index")
HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-page-caching",
        }
    }
    cache.clear()
    yield
    cache.clear()


def make_built_list(user: User, *, size: int = 30) -> Shortlist:
    """`user`'s active profile with a built list of `size` from the catalogue."""
    return build_shortlist(profile=make_profile(user, list_size=size))


@pytest.fixture
def built(alice) -> Shortlist:
    make_catalogue(45)
    return make_built_list(alice)


def first_entry(shortlist: Shortlist) -> ShortlistEntry:
    return shortlist.entries.filter(excluded=False).order_by("rank").first()


def row(page: str, entry: ShortlistEntry) -> str:
    """The HTML of `entry`'s table row on the list page ('' when it is not listed)."""
    match = re.search(rf'<tr id="entry-{entry.pk}".*?</tr>', page, re.S)
    return match.group(0) if match else ""


def entry_url(action: str, entry: ShortlistEntry) -> str:
    return reverse(f"applicants:list_entry_{action}", args=[entry.pk])


def page(client: Client, url: str = LIST_URL, **extra: str) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


def fail(*args: object, **kwargs: object) -> None:
    raise AssertionError("rendered again although nothing changed")


def test_a_second_view_of_an_unchanged_list_is_served_from_the_cache(
    client, alice, built, monkeypatch
):
    # "built 3 hours ago" reads the same for an hour; "built 2 seconds ago" changes every second.
    Shortlist.objects.filter(pk=built.pk).update(built_at=built.built_at - timedelta(hours=3))
    client.force_login(alice)
    first = page(client)
    monkeypatch.setattr(shortlist_views, "_workspace_context", fail)
    assert ANY_TOKEN.sub("", page(client)) == ANY_TOKEN.sub("", first)


def test_a_second_view_of_the_unchanged_catalogue_is_served_from_the_cache(
    client, alice, built, monkeypatch
):
    client.force_login(alice)
    page(client, PROGRAMS_URL)
    monkeypatch.setattr(program_views, "_index_context", fail)
    assert first_entry(built).program.name in page(client, PROGRAMS_URL)


def pin(client: Client, entry: ShortlistEntry) -> Callable[[str], bool]:
    client.post(entry_url("pin", entry), {"pinned": "true"}, **HTMX)
    return lambda html: "is-pinned" in row(html, entry) and ">Unpin<" in row(html, entry)


def set_status(client: Client, entry: ShortlistEntry) -> Callable[[str], bool]:
    client.post(entry_url("status", entry), {"status": "applied"}, **HTMX)
    return lambda html: '<option value="applied" selected>' in row(html, entry)


def set_notes(client: Client, entry: ShortlistEntry) -> Callable[[str], bool]:
    client.post(entry_url("notes", entry), {"notes": "Ask about the J-1 waiver"}, **HTMX)
    return lambda html: "Ask about the J-1 waiver" in row(html, entry)


def exclude(client: Client, entry: ShortlistEntry) -> Callable[[str], bool]:
    client.post(entry_url("exclude", entry), **HTMX)
    return lambda html: row(html, entry) == "" and entry_url("restore", entry) in html


def restore(client: Client, entry: ShortlistEntry) -> Callable[[str], bool]:
    client.post(entry_url("restore", entry), **HTMX)
    return lambda html: row(html, entry) != "" and entry_url("restore", entry) not in html


def add(client: Client, entry: ShortlistEntry) -> Callable[[str], bool]:
    listed = entry.shortlist.entries.values_list("program_id", flat=True)
    program = Program.objects.exclude(pk__in=listed).first()
    profile = entry.shortlist.profile
    response = client.post(
        reverse("applicants:list_add", args=[profile.pk]), {"program": program.pk}, **HTMX
    )
    assert f"Added {program.name}" in response.content.decode()
    entry = ShortlistEntry.objects.get(shortlist=entry.shortlist, program=program)
    return lambda html: row(html, entry) != ""


def rebuild(client: Client, entry: ShortlistEntry) -> Callable[[str], bool]:
    # A size change saved behind the pages' back (no updated_at bump): only the rebuild shows.
    Profile.objects.filter(pk=entry.shortlist.profile_id).update(list_size=35)
    client.post(reverse("applicants:list_build", args=[entry.shortlist.profile_id]), **HTMX)
    return lambda html: "Programs on your list (35)" in html


# mid_season first: data made before the clock is set would carry later timestamps.
@pytest.mark.parametrize("action", [pin, set_status, set_notes, exclude, restore, add, rebuild])
def test_every_row_action_and_rebuild_shows_on_the_next_view(
    mid_season, client, alice, built, action
):
    entry = first_entry(built)
    if action is restore:
        exclude_entry(entry=entry)
    client.force_login(alice)
    before = page(client)
    shows = action(client, entry)
    assert not shows(before)
    assert shows(page(client))


def test_a_filtered_table_fragment_is_refreshed_after_a_row_action(client, alice, built):
    entry = first_entry(built)
    client.force_login(alice)
    query = {"sort": "rank"}
    extra = {**HTMX, "HTTP_HX_TARGET": "list-table"}
    before = client.get(LIST_URL, query, **extra).content.decode()
    assert "<html" not in before and ">Unpin<" not in row(before, entry)
    pin(client, entry)
    assert ">Unpin<" in row(client.get(LIST_URL, query, **extra).content.decode(), entry)
    assert "<html" in page(client)  # the full page is a separate cache entry


def test_a_profile_edit_shows_on_both_pages(client, alice, built):
    client.force_login(alice)
    assert "Your profile changed" not in page(client)
    before = ANY_TOKEN.sub("", page(client, PROGRAMS_URL))
    assert ANY_TOKEN.sub("", page(client, PROGRAMS_URL)) == before
    data = form_data(make_profile_data(step2_score=205, list_size=30))
    assert client.post(reverse("applicants:profile"), data).status_code == 302
    page(client)  # may show a flash message, so may be rendered afresh
    assert "Your profile changed" in page(client)
    assert ANY_TOKEN.sub("", page(client, PROGRAMS_URL)) != before  # the scores changed


def test_switching_scenario_shows_the_scenario_list(client, alice, built):
    base = built.profile
    scenario = make_profile(alice, name="With Step 3", based_on=base, active=False, list_size=30)
    client.force_login(alice)
    assert "For <strong>My profile</strong>" in page(client)
    client.post(reverse("applicants:scenario_activate", args=[scenario.pk]))
    page(client)  # shows the flash message, so it is rendered afresh
    assert "For <strong>With Step 3</strong>" in page(client)


def test_switching_back_shows_the_base_list_as_current(client, alice, built):
    scenario = make_profile(alice, name="With Step 3", based_on=built.profile, active=False)
    client.force_login(alice)
    page(client)
    client.post(reverse("applicants:scenario_activate", args=[scenario.pk]))
    client.post(reverse("applicants:scenario_activate", args=[built.profile.pk]))
    page(client)  # shows the flash message, so it is rendered afresh
    html = page(client)
    assert "For <strong>My profile</strong>" in html
    assert "Your profile changed" not in html  # making it active changed none of its data
    profile_page = client.get(reverse("applicants:profile")).content.decode()
    assert "built before this profile last changed" not in profile_page


def test_a_catalogue_import_shows_on_both_pages(client, alice, staff, built):
    client.force_login(alice)
    assert "Imported Neurology" not in page(client, PROGRAMS_URL)
    assert "The catalogue changed" not in page(client)
    header = ["program_id", "name", "state", "img_pct", "J1 Visa"]
    content = make_catalogue_csv([header, ["1803500077", "Imported Neurology", "TX", "50", "yes"]])
    import_catalogue(content=content, file_name="catalogue.csv", user=staff)
    assert "Imported Neurology" in page(client, PROGRAMS_URL)
    assert "The catalogue changed" in page(client)


def test_an_admin_program_save_shows_on_both_pages(client, alice, built):
    program = first_entry(built).program
    client.force_login(alice)
    assert "Renamed Neurology" not in page(client) + page(client, PROGRAMS_URL)
    program.name = "Renamed Neurology"
    program.save()  # what the admin's change form does
    assert "Renamed Neurology" in page(client)
    assert "Renamed Neurology" in page(client, PROGRAMS_URL)


def test_filters_and_htmx_requests_are_cached_apart(client, alice, built):
    program = first_entry(built).program
    client.force_login(alice)
    everything = page(client, PROGRAMS_URL)
    narrowed = page(client, f"{PROGRAMS_URL}?q={program.program_id}")
    fragment = page(client, f"{PROGRAMS_URL}?q={program.program_id}", **HTMX)
    assert "45 programs" in everything
    assert "1 program" in narrowed and "<html" in narrowed
    assert "1 program" in fragment and "<html" not in fragment


def test_two_users_never_see_each_others_list(alice, bob):
    make_catalogue(45)
    lists = {user: make_built_list(user, size=size) for user, size in ((alice, 30), (bob, 35))}
    clients = {}
    for user in (alice, bob):
        clients[user] = Client()
        clients[user].force_login(user)
    for _ in range(2):  # the second round is served from the cache
        for user, shortlist in lists.items():
            html = page(clients[user])
            other = lists[bob if user == alice else alice]
            assert row(html, first_entry(shortlist))
            assert not row(html, first_entry(other))
            assert f"Programs on your list ({30 if user == alice else 35})" in html


def test_each_browser_of_a_user_gets_forms_that_work_for_it(mid_season, alice, built):
    entry = first_entry(built)
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for browser in browsers:
        browser.force_login(alice)
        tokens.append(TOKEN.search(page(browser))[1])  # the second browser's is a cache hit
    for browser, token in zip(browsers, tokens, strict=True):
        response = browser.post(
            entry_url("status", entry), {"status": "applied", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
    foreign = browsers[1].post(
        entry_url("status", entry), {"status": "ranked", "csrfmiddlewaretoken": tokens[0]}
    )
    assert foreign.status_code == 403  # tokens differ: the cache kept no browser's token


def test_flash_messages_are_shown_once_and_never_cached(client, alice, built):
    entry = first_entry(built)
    client.force_login(alice)
    page(client)
    client.post(entry_url("exclude", entry))  # without JavaScript: redirect with a message
    assert f"Excluded {entry.program.name}" in page(client)
    assert f"Excluded {entry.program.name}" not in page(client)


def test_the_built_time_is_worked_out_for_each_view_of_a_cached_page(
    client, alice, built, monkeypatch
):
    client.force_login(alice)
    assert "built now" in page(client)
    monkeypatch.setattr(shortlist_views, "built_ago", lambda moment: f"at {moment:%Y} and since")
    assert f"built at {built.built_at:%Y} and since" in page(client)


def analysis_now(shortlist: Shortlist) -> outlook.Analysis:
    shortlist = Shortlist.objects.get(pk=shortlist.pk)
    return outlook.analyse(shortlist.profile, shortlist)


@pytest.mark.parametrize("action", [pin, set_notes, exclude, add])
def test_the_cached_analysis_follows_every_change_of_held_or_excluded_programs(
    client, alice, built, action
):
    client.force_login(alice)
    before = analysis_now(built)
    action(client, first_entry(built))
    after = analysis_now(built)
    cache.clear()
    assert after == analysis_now(built)  # the same as worked out from scratch
    if action in (exclude, add):  # holding a listed program may leave the analysis as it was
        assert after != before


def test_a_status_change_of_a_held_entry_reuses_the_cached_analysis(
    mid_season, client, alice, built
):
    entry = first_entry(built)
    client.force_login(alice)
    set_status(client, entry)
    before = analysis_now(built)
    client.post(entry_url("status", entry), {"status": "interviewed"}, **HTMX)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outlook, "_analyse", fail)
        assert analysis_now(built) == before


def cached_page_keys(user: User) -> list[str]:
    return [key for key in cache._cache if f":page:{user.pk}:" in key]  # LocMemCache's keys


def test_one_user_holds_at_most_a_fixed_number_of_cached_pages(client, alice, bob, built):
    client.force_login(alice)
    for number in range(caching.PAGE_SLOTS + 4):
        page(client, f"{PROGRAMS_URL}?q=probe{number}")
    assert 0 < len(cached_page_keys(alice)) <= caching.PAGE_SLOTS
    assert cached_page_keys(bob) == []


def test_another_users_requests_never_push_a_users_pages_out(alice, bob, built, monkeypatch):
    browsers = {user: Client() for user in (alice, bob)}
    for user, browser in browsers.items():
        browser.force_login(user)
    page(browsers[bob], PROGRAMS_URL)
    for number in range(caching.PAGE_SLOTS + 4):
        page(browsers[alice], f"{PROGRAMS_URL}?q=probe{number}")
    monkeypatch.setattr(program_views, "_index_context", fail)
    assert "45 programs" in page(browsers[bob], PROGRAMS_URL)


def test_a_page_too_large_to_cache_is_rendered_every_time(client, alice, built, monkeypatch):
    monkeypatch.setattr(caching, "MAX_PAGE_BYTES", 1000)
    client.force_login(alice)
    page(client, PROGRAMS_URL)
    assert cached_page_keys(alice) == []


def test_a_cached_page_is_sent_compressed_to_a_browser_that_accepts_it(client, alice, built):
    client.force_login(alice)
    plain = client.get(LIST_URL)
    compressed = client.get(LIST_URL, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"] and "HX-Request" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 5
    shown = gzip.decompress(compressed.content).decode()
    assert ANY_TOKEN.sub("", shown) == ANY_TOKEN.sub("", plain.content.decode())
    assert f'<tr id="entry-{first_entry(built).pk}"' in shown


def test_a_browser_that_does_not_accept_gzip_gets_the_page_as_html(client, alice, built):
    client.force_login(alice)
    client.get(LIST_URL, HTTP_ACCEPT_ENCODING="gzip")  # cached, compressed
    response = client.get(LIST_URL, HTTP_ACCEPT_ENCODING="identity")
    assert "Content-Encoding" not in response
    assert response.content.decode().startswith("<!doctype html>")
    assert "Accept-Encoding" in response["Vary"]


def test_a_comment_by_an_advisor_shows_on_the_owners_cached_list_once_as_new(
    client, alice, bob, built
):
    make_grant(alice, bob, level="comment")
    entry = first_entry(built)
    client.force_login(alice)
    assert "Read my personal statement" not in page(client)  # cached now
    comments.add_comment(
        author=bob, profile=built.profile, program=entry.program, body="Read my personal statement"
    )

    first = row(page(client), entry)
    assert "Read my personal statement" in first
    assert "badge-new" in first
    again = row(page(client), entry)  # seen: no longer new, and the page says so
    assert "Read my personal statement" in again
    assert "badge-new" not in again


@pytest.mark.parametrize("url", [LIST_URL, PROGRAMS_URL])
def test_a_cache_hit_reads_only_the_session_the_user_and_the_data_version(
    client, alice, built, url, django_assert_num_queries
):
    client.force_login(alice)
    page(client, url)
    with django_assert_num_queries(3):
        page(client, url)
