"""The share link page: one list, read-only, to anyone with a live link, and nothing personal."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.models import AccessEvent
from tests.factories import make_built_list, make_profile, make_program, make_share_link, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_user("alice.private")


@pytest.fixture
def shared(owner):
    profile = make_profile(owner, name="Alice Secret Scenario")
    programs = [make_program(name="Riverside Neurology"), make_program(name="Lakeside Neurology")]
    shortlist = make_built_list(
        profile,
        *programs,
        notes="call Dr X at home",
        applicant=owner,
        season=2027,
        applied_on=date(2026, 9, 3),
    )
    link, token = make_share_link(profile, label="For my uncle")
    return shortlist, link, reverse("applicants:shared", args=[token])


def test_anyone_with_the_link_sees_the_list_with_bands_reasons_and_outlook(client, shared):
    response = client.get(shared[2])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Riverside Neurology" in html and "Lakeside Neurology" in html
    assert "badge-target" in html and "Sponsors J-1" in html
    assert 'aria-label="What the bands mean"' in html  # the legend explains the badges
    assert "expected interviews" in html and "match chance" in html


def test_the_page_shows_no_username_email_notes_status_or_names_the_owner_chose(client, shared):
    html = client.get(shared[2]).content.decode()
    for private in ("alice.private", "@example.org", "call Dr X", "Applied", "Alice Secret",
                    "For my uncle"):  # fmt: skip
        assert private not in html, private


def test_the_page_asks_search_engines_not_to_index_it_and_is_not_cached(client, shared):
    response = client.get(shared[2])
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_opening_the_link_records_it_for_the_owner(client, shared, owner):
    client.get(shared[2])
    link = shared[1]
    link.refresh_from_db()
    assert link.last_opened_at is not None
    assert AccessEvent.objects.get(owner=owner).link == link


def test_the_list_is_live(client, shared):
    shortlist = shared[0]
    shortlist.entries.filter(program__name="Lakeside Neurology").update(excluded=True, rank=None)
    assert "Lakeside Neurology" not in client.get(shared[2]).content.decode()


def test_signed_in_users_see_it_too(client, shared):
    client.force_login(make_user("someone"))
    assert client.get(shared[2]).status_code == 200


def test_an_expired_link_is_not_found(client, shared):
    link = shared[1]
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.created_at = link.expires_at - timedelta(days=1)
    link.save()
    assert client.get(shared[2]).status_code == 404


def test_a_revoked_link_is_not_found(client, shared):
    link = shared[1]
    link.revoked_at = timezone.now()
    link.save()
    assert client.get(shared[2]).status_code == 404


@pytest.mark.parametrize("token", ["x", "A" * 43, "%00", "a" * 300])
def test_a_made_up_link_is_not_found_and_logs_nothing(client, shared, token):
    assert client.get(f"/s/{token}/").status_code == 404
    assert not AccessEvent.objects.exists()


def test_posting_to_a_link_is_not_allowed(client, shared):
    assert client.post(shared[2]).status_code == 405


def test_a_deleted_scenario_takes_its_links_with_it(client, shared):
    shared[0].profile.delete()
    assert client.get(shared[2]).status_code == 404
