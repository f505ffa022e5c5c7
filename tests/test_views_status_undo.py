"""The list row's status select when a change clears facts: the answer says what, offers Undo
(htmx and a plain form), and the Undo is the owner's alone and safe to send twice or late."""

import json
import re
import zoneinfo
from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from applicants import tracker
from applicants.models import ShortlistEntry
from tests.factories import make_built_list, make_grant, make_profile, make_program, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
CLEARED = (
    "Status saved: Applied. Cleared: invitation of 20 Oct 2026, "
    "interview on 10 Jan 2027 14:00 CST (in person)."
)


@pytest.fixture
def scheduled(alice, mid_season) -> ShortlistEntry:
    """Alice's entry with an interview scheduled, among two others on a built list."""
    profile = make_profile(alice, time_zone="America/Chicago")
    shortlist = make_built_list(profile, *(make_program() for _ in range(3)))
    entry = shortlist.entries.get(rank=2)
    facts = {
        "applied_on": date(2026, 9, 10),
        "invited_on": date(2026, 10, 20),
        "interview_at": datetime(2027, 1, 10, 14, tzinfo=CHICAGO),
        "interview_format": "in_person",
    }
    return tracker.record_facts(entry=entry, changes=facts)


def _url(name: str, entry: ShortlistEntry) -> str:
    return reverse(f"applicants:list_entry_{name}", args=[entry.pk])


def _written(response) -> dict[str, str]:
    return json.loads(response["HX-Trigger-After-Settle"])["nm:written"]


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def _undo_token(client: Client, entry: ShortlistEntry, status: str) -> str:
    """Change `entry`'s status with htmx; the token of the Undo the answer offers."""
    return _token(client.post(_url("status", entry), {"status": status}, **HTMX).content.decode())


def _facts(entry: ShortlistEntry):
    return ShortlistEntry.objects.get(pk=entry.pk).facts


def test_a_change_that_clears_facts_says_which_and_offers_undo_in_its_row(client, alice, scheduled):
    client.force_login(alice)

    response = client.post(_url("status", scheduled), {"status": "applied"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr id="entry-') == 1
    assert CLEARED in html
    assert f'action="{_url("status_undo", scheduled)}"' in html
    assert _written(response) == {
        "focus": f"#status-{scheduled.pk}",
        "announce": f"{CLEARED} To put them back, use Undo after the status.",
    }


def test_a_change_that_clears_nothing_answers_as_before(client, alice, scheduled):
    client.force_login(alice)
    considering = scheduled.shortlist.entries.get(rank=1)

    response = client.post(_url("status", considering), {"status": "applied"}, **HTMX)

    html = response.content.decode()
    assert "Cleared" not in html and "status/undo/" not in html
    assert _written(response)["announce"] == "Status saved: Applied."


def test_undo_with_htmx_puts_every_fact_back_and_keeps_focus_on_the_status(
    client, alice, scheduled
):
    before = scheduled.facts
    client.force_login(alice)
    token = _undo_token(client, scheduled, "applied")

    response = client.post(_url("status_undo", scheduled), {"token": token}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Status back to Interview scheduled." in html
    assert '<option value="interview_scheduled" selected>' in html
    assert _written(response)["focus"] == f"#status-{scheduled.pk}"
    assert _facts(scheduled) == before
    again = client.post(_url("status_undo", scheduled), {"token": token}, **HTMX)
    assert "Already undone" in again.content.decode()
    assert _facts(scheduled) == before


def test_without_javascript_the_message_carries_undo_and_undo_redirects_back(
    client, alice, scheduled
):
    before = scheduled.facts
    client.force_login(alice)

    changed = client.post(_url("status", scheduled), {"status": "applied"}, follow=True)

    html = changed.content.decode()
    assert changed.redirect_chain == [(reverse("applicants:list"), 302)]
    assert CLEARED in html
    assert re.search(r'<form class="undo-form" method="post" action="[^"]+/status/undo/"', html)
    undone = client.post(_url("status_undo", scheduled), {"token": _token(html)}, follow=True)
    assert undone.redirect_chain == [(reverse("applicants:list"), 302)]
    assert "Status back to Interview scheduled." in undone.content.decode()
    assert _facts(scheduled) == before


def test_undo_after_a_newer_change_is_refused_with_the_row_as_it_is(client, alice, scheduled):
    client.force_login(alice)
    token = _undo_token(client, scheduled, "considering")
    client.post(_url("status", scheduled), {"status": "applied"}, **HTMX)

    response = client.post(_url("status_undo", scheduled), {"token": token}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Not undone:" in html and "its status is now Applied" in html
    assert '<option value="applied" selected>' in html
    assert _facts(scheduled).invited_on is None


@pytest.mark.parametrize("token", ["", "garbage", "x" * 5000, "eyJ9:1:2"])
def test_a_garbled_undo_is_a_message_never_a_server_error(client, alice, scheduled, token):
    client.force_login(alice)
    before = scheduled.facts

    htmx = client.post(_url("status_undo", scheduled), {"token": token}, **HTMX)
    plain = client.post(_url("status_undo", scheduled), {"token": token}, follow=True)

    assert htmx.status_code == 200
    assert "This Undo could not be read" in htmx.content.decode()
    assert 'role="alert"' in htmx.content.decode()
    assert "This Undo could not be read" in plain.content.decode()
    assert _facts(scheduled) == before


def test_another_user_gets_404_and_the_token_does_not_help(client, alice, scheduled):
    client.force_login(alice)
    token = _undo_token(client, scheduled, "applied")
    client.force_login(make_user("mallory"))

    response = client.post(_url("status_undo", scheduled), {"token": token}, **HTMX)

    assert response.status_code == 404
    assert _facts(scheduled).invited_on is None


@pytest.mark.parametrize("level", ["view", "comment"])
def test_an_advisor_sharing_the_workspace_cannot_undo(client, alice, scheduled, level):
    advisor = make_user("dr.osei")
    make_grant(alice, advisor, level=level)
    client.force_login(alice)
    token = _undo_token(client, scheduled, "applied")
    client.force_login(advisor)

    undo = client.post(_url("status_undo", scheduled), {"token": token}, **HTMX)
    change = client.post(_url("status", scheduled), {"status": "considering"}, **HTMX)

    assert undo.status_code == change.status_code == 404
    assert _facts(scheduled).applied_on == date(2026, 9, 10)
    assert _facts(scheduled).invited_on is None


def test_undo_answers_only_posts(client, alice, scheduled):
    client.force_login(alice)
    assert client.get(_url("status_undo", scheduled)).status_code == 405
