"""What the list workspace's writes answer: the smallest response that does the job, where
focus goes and what is announced, stale notes refused, a signed-out browser told so."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from applicants import shortlists
from applicants.models import Shortlist, ShortlistEntry
from applicants.shortlists import build_shortlist, exclude_entry, set_notes
from programs.models import Program
from tests.factories import make_catalogue, make_profile

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REFUSAL = "This program changed in another tab; try again."


@pytest.fixture
def built(alice, mid_season) -> Shortlist:
    """Alice's profile with a built list of 100 from a catalogue of 130, mid-season."""
    make_catalogue(130)
    return build_shortlist(profile=make_profile(alice, list_size=100))


def _entry(shortlist: Shortlist, rank: int = 1) -> ShortlistEntry:
    return shortlist.entries.get(rank=rank)


def _url(action: str, entry: ShortlistEntry) -> str:
    return reverse(f"applicants:list_entry_{action}", args=[entry.pk])


def _written(response) -> dict[str, str]:
    return json.loads(response["HX-Trigger-After-Settle"])["nm:written"]


def _refuse(monkeypatch: pytest.MonkeyPatch, service: str) -> None:
    """The shortlist service `service` refuses every call with REFUSAL."""

    def refuse(**_):
        raise shortlists.ShortlistError(REFUSAL)

    monkeypatch.setattr(shortlists, service, refuse)


def _post_note(
    client: Client, user: User, entry: ShortlistEntry, *, stored: str, **note: str
) -> HttpResponse:
    """`user` saves `note` with htmx on `entry`, whose note holds `stored` by then."""
    set_notes(entry=entry, notes=stored)
    client.force_login(user)
    return client.post(_url("notes", entry), note, **HTMX)


def test_a_status_change_answers_with_its_row_focus_and_an_announcement(client, alice, built):
    entry = _entry(built, 40)
    client.force_login(alice)

    response = client.post(_url("status", entry), {"status": "rejected"}, **HTMX)

    content = response.content.decode()
    assert content.count('<tr id="entry-') == 1
    assert "Status saved: Rejected." in content
    assert _written(response) == {
        "focus": f"#status-{entry.pk}",
        "announce": "Status saved: Rejected.",
    }


def test_pin_and_note_answers_say_what_was_saved(client, alice, built):
    entry = _entry(built, 7)
    client.force_login(alice)

    pinned = client.post(_url("pin", entry), {"pinned": "true"}, **HTMX)
    noted = client.post(_url("notes", entry), {"notes": "Call", "based_on": ""}, **HTMX)

    assert _written(pinned)["focus"] == f"#pin-{entry.pk}"
    assert f"Pinned {entry.program.name}." in pinned.content.decode()
    assert _written(noted) == {"focus": f"#note-summary-{entry.pk}", "announce": "Note saved."}


def test_a_row_action_answers_with_a_fiftieth_of_the_page_or_less(client, alice, built):
    client.force_login(alice)
    page = len(client.get(reverse("applicants:list")).content)
    entry = _entry(built, 50)

    sizes = {
        "status": client.post(_url("status", entry), {"status": "rejected"}, **HTMX),
        "pin": client.post(_url("pin", entry), {"pinned": "true"}, **HTMX),
        "exclude": client.post(_url("exclude", entry), **HTMX),
        "restore": client.post(_url("restore", entry), {"undo": "1"}, **HTMX),
    }

    for action, response in sizes.items():
        assert response.status_code == 200, action
        assert len(response.content) * 20 < page, (action, len(response.content), page)


def test_excluding_sends_the_figures_it_moves_out_of_band(client, alice, built):
    entry = _entry(built, 3)
    client.force_login(alice)

    content = client.post(_url("exclude", entry), **HTMX).content.decode()

    for part in ("list-summary", "list-curve", "list-scenarios", "list-signals", "list-excluded"):
        assert re.search(rf'id="{part}"[^>]*hx-swap-oob="true"', content), part
    assert "Programs on your list (99)" in content
    assert content.count('hx-swap-oob="true">') >= 99  # the ranks of the 99 rows left


def test_adding_a_program_inserts_its_row_and_says_so_above_the_search_results(
    client, alice, built
):
    listed = set(built.entries.values_list("program_id", flat=True))
    program = Program.objects.exclude(pk__in=listed).first()
    client.force_login(alice)

    response = client.post(
        reverse("applicants:list_add", args=[built.profile.pk]),
        {"program": program.pk, "q": program.name},
        **HTMX,
    )

    content = response.content.decode()
    entry = built.entries.get(program=program)
    assert content.count('<tr id="entry-') == 1
    assert re.search(
        r'<tbody hx-swap-oob="(beforebegin:#entry-\d+|beforeend:#list-rows)">', content
    )
    assert '<div id="search-results" hx-swap-oob="innerHTML">' in content
    assert f"Added {program.name} to your list." in content
    assert "On your list" in content  # the search result now says so
    assert _written(response)["focus"] == "#search-notice"
    assert entry.rank is not None


def test_a_refused_add_answers_in_the_search_results(client, alice, built):
    client.force_login(alice)
    response = client.post(
        reverse("applicants:list_add", args=[built.profile.pk]),
        {"program": _entry(built).program_id},
        **HTMX,
    )
    assert response["HX-Retarget"] == "#search-results"
    assert "is on your list already" in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_restoring_from_the_excluded_list_puts_a_notice_there(client, alice, built):
    entry = exclude_entry(entry=_entry(built, 5))
    client.force_login(alice)

    response = client.post(_url("restore", entry), **HTMX)

    content = response.content.decode()
    assert f"Restored {entry.program.name} to your list." in content
    assert 'id="excluded-notice"' in content
    assert _written(response)["focus"] == "#excluded-notice"


def test_a_note_saved_over_one_changed_in_another_tab_is_refused_with_both(client, alice, built):
    entry = _entry(built)
    client.force_login(alice)
    # Both tabs opened the editor on an empty note; the first saved.
    client.post(_url("notes", entry), {"notes": "From tab one", "based_on": ""}, **HTMX)

    response = client.post(_url("notes", entry), {"notes": "From tab two", "based_on": ""}, **HTMX)

    assert response.status_code == 409
    content = response.content.decode()
    assert "This note was changed in another tab" in content
    assert '<blockquote class="small">From tab one</blockquote>' in content
    assert ">From tab two</textarea>" in content
    assert '<input type="hidden" name="based_on" value="From tab one">' in content
    assert "Save mine over it" in content
    entry.refresh_from_db()
    assert entry.notes == "From tab one"


def test_saving_over_after_seeing_the_conflict_replaces_the_note(client, alice, built):
    entry = _entry(built)

    response = _post_note(
        client, alice, entry, stored="From tab one", notes="From tab two", based_on="From tab one"
    )

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.notes == "From tab two"


def test_keeping_the_saved_note_changes_nothing(client, alice, built):
    entry = _entry(built)

    response = _post_note(
        client,
        alice,
        entry,
        stored="From tab one",
        notes="From tab two",
        based_on="From tab one",
        keep_saved="1",
    )

    assert response.status_code == 200
    assert "Kept the saved note." in response.content.decode()
    entry.refresh_from_db()
    assert entry.notes == "From tab one"


@pytest.mark.parametrize(
    ("stored", "based_on", "notes"),
    [
        ("Line one\r\nLine two", "Line one\nLine two", "Line one\nLine three"),  # CRLF vs LF
        ("Same", "", "Same"),  # both tabs wrote the same text
    ],
)
def test_no_conflict_when_nothing_would_be_lost(client, alice, built, stored, based_on, notes):
    entry = _entry(built)

    response = _post_note(client, alice, entry, stored=stored, notes=notes, based_on=based_on)

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.notes == notes


def test_a_stale_note_without_javascript_redirects_with_the_message(client, alice, built):
    entry = _entry(built)
    set_notes(entry=entry, notes="Newer")
    client.force_login(alice)

    response = client.post(_url("notes", entry), {"notes": "Older", "based_on": ""}, follow=True)

    assert "This note was changed in another tab" in response.content.decode()
    entry.refresh_from_db()
    assert entry.notes == "Newer"


@pytest.mark.parametrize("action", ["status", "pin", "notes", "exclude", "restore"])
def test_a_signed_out_htmx_write_gets_a_401_not_the_sign_in_page(client, built, action):
    entry = _entry(built)

    response = client.post(_url(action, entry), {"status": "applied"}, **HTMX)

    assert response.status_code == 401
    assert response["X-Sign-In-URL"] == reverse("login")
    assert response.content.decode() == (
        "You were signed out. Sign in again; this change was not saved."
    )
    entry.refresh_from_db()
    assert entry.status == "considering" and not entry.excluded


def test_a_signed_out_page_request_still_goes_to_the_sign_in_page(client, built):
    response = client.post(_url("status", _entry(built)), {"status": "applied"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_exclusion_refused_by_the_service_answers_with_the_row_and_why(
    client, alice, built, monkeypatch
):
    entry = _entry(built, 2)
    _refuse(monkeypatch, "exclude_entry")
    client.force_login(alice)

    response = client.post(_url("exclude", entry), **HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<tr id="entry-') == 1
    assert f'<p class="errorlist" role="alert">{REFUSAL}</p>' in content
    entry.refresh_from_db()
    assert not entry.excluded


def test_a_restore_refused_by_the_service_says_so_in_the_excluded_list(
    client, alice, built, monkeypatch
):
    entry = exclude_entry(entry=_entry(built, 2))
    _refuse(monkeypatch, "restore_entry")
    client.force_login(alice)

    response = client.post(_url("restore", entry), **HTMX)

    content = response.content.decode()
    notice = re.search(
        r'<p id="excluded-notice" class="message message-error" role="alert"[^>]*>(.*?)</p>',
        content,
    )
    assert notice.group(1) == REFUSAL
    assert f'<tr id="entry-{entry.pk}"' not in content
    assert "Excluded programs (1)" in content


@pytest.mark.parametrize(
    ("action", "data", "said"),
    [
        ("status", {"status": "applied"}, "before changing its status"),
        ("pin", {"pinned": "true"}, "before pinning it"),
    ],
)
def test_a_stale_row_of_a_program_excluded_in_another_tab_shows_it_excluded_with_restore(
    client, alice, built, action, data, said
):
    entry = _entry(built, 3)
    exclude_entry(entry=ShortlistEntry.objects.get(pk=entry.pk))  # in the other tab
    client.force_login(alice)

    response = client.post(_url(action, entry), data, **HTMX)

    content = response.content.decode()
    notice = re.search(rf'<p id="excluded-{entry.pk}-notice" class="message ([^"]+)"', content)
    assert notice and notice[1] == "message-error"
    assert f"Restore this program to your list {said}." in content
    assert f'hx-swap-oob="outerHTML:#entry-{entry.pk}"' in content  # in the row's place
    assert re.search(
        rf"Restore<span class=\"visually-hidden\"> {re.escape(entry.program.name)}", content
    )
    assert _written(response)["focus"] == f"#excluded-{entry.pk}-notice"
    stored = ShortlistEntry.objects.get(pk=entry.pk)
    assert stored.excluded and not stored.pinned and stored.applied_on is None


def test_without_javascript_the_refusal_is_an_error_message_on_the_list(client, alice, built):
    entry = _entry(built, 3)
    exclude_entry(entry=ShortlistEntry.objects.get(pk=entry.pk))
    client.force_login(alice)
    response = client.post(_url("status", entry), {"status": "applied"}, follow=True)
    assert re.search(
        r'class="message message-error">Restore this program to your list before changing',
        response.content.decode(),
    )
