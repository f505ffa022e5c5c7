"""The advisor dashboard (`/advising/`): every applicant who shared with me, one row each."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applicants import advising, outlook, sharing
from applicants.models import ShortlistEntry
from applicants.scoring import estimate_percent
from tests.factories import make_built_list, make_grant, make_profile, make_program, make_user

pytestmark = pytest.mark.django_db

URL = reverse("applicants:advisor")


@pytest.fixture
def advisor(client, charlie):
    client.force_login(charlie)
    return charlie


def applicant(name: str, advisor, *, probabilities=(0.3, 0.2), level="view", **profile_fields):
    """An applicant with a built list of programs at these probabilities, sharing with advisor."""
    owner = make_user(name)
    profile = make_profile(owner, **profile_fields)
    shortlist = make_built_list(profile)
    for rank, probability in enumerate(probabilities, start=1):
        ShortlistEntry.objects.create(
            shortlist=shortlist,
            program=make_program(),
            rank=rank,
            band="target",
            probability=probability,
            fit_score=50,
        )
    make_grant(owner, advisor, level=level)
    return owner, shortlist


def rows(client, **query) -> list[advising.ApplicantRow]:
    response = client.get(URL, query)
    assert response.status_code == 200
    return [row for row, _ in response.context["rows"]]


def test_with_nobody_sharing_the_page_says_how_people_appear(client, advisor):
    html = client.get(URL).content.decode()
    assert "Nobody has shared with you yet" in html


def test_it_lists_live_grants_only(client, advisor, alice, bob):
    applicant("dana", advisor)
    revoked_owner, _ = applicant("erin", advisor)
    revoked_owner.grants_given.update(revoked_at=timezone.now())
    make_grant(alice, email="charlie@elsewhere.example")  # an invitation, not a grant
    make_grant(alice, bob)  # shared with someone else
    assert [row.name for row in rows(client)] == ["dana"]


def test_the_outlook_is_the_one_the_list_page_shows(client, advisor):
    _, shortlist = applicant("dana", advisor, probabilities=(0.45, 0.3, 0.12, 0.05))
    ShortlistEntry.objects.filter(shortlist=shortlist, probability=0.05).update(excluded=True)
    [row] = rows(client)
    expected = outlook.shortlist_outlook(shortlist)
    assert row.list_size == expected.size == 3
    assert row.expected_interviews == pytest.approx(expected.expected_interviews)
    assert row.match_chance == pytest.approx(expected.match_chance)
    html = client.get(URL).content.decode()
    assert f"{expected.expected_interviews:.1f}" in html
    assert escape(estimate_percent(expected.match_chance)) in html


def test_a_row_sums_up_the_active_profile_in_one_line(client, advisor):
    owner, _ = applicant("dana", advisor, step2_score=238, step1_attempts=2, visa="h1b")
    make_profile(owner, name="With Step 3", based_on=owner.profiles.get(), active=False)
    [row] = rows(client)
    assert row.summary == (
        f"Needs H-1B · Step 2 CK 238 · 1 failed attempt · graduated "
        f"{row.profile.graduation_year} · {row.profile.usce_months} mo USCE"
    )


def test_an_active_scenario_is_the_one_shown(client, advisor):
    owner, _ = applicant("dana", advisor)
    base = owner.profiles.get()
    base.active = False
    base.save()
    make_profile(owner, name="With Step 3", based_on=base, active=True, step3_score=240)
    [row] = rows(client)
    assert "Step 3 240" in row.summary and "scenario “With Step 3”" in row.summary
    assert row.list_size is None  # the scenario has no list yet
    assert "not built" in client.get(URL).content.decode()


def test_an_applicant_without_a_profile_is_listed_without_figures(client, advisor, alice):
    make_grant(alice, advisor)
    [row] = rows(client)
    assert row.summary == "No profile yet" and row.match_chance is None


def test_upcoming_interviews_count_scheduled_ones_ahead_not_withdrawn(client, advisor):
    owner, shortlist = applicant("dana", advisor, probabilities=(0.4, 0.3, 0.2, 0.1))
    entries = list(shortlist.entries.order_by("rank"))
    soon, later = timezone.now() + timedelta(days=3), timezone.now() + timedelta(days=30)
    past = timezone.now() - timedelta(days=3)
    for entry, interview_at, withdrawn in (
        (entries[0], soon, False),
        (entries[1], later, False),
        (entries[2], past, False),
        (entries[3], later, True),
    ):
        ShortlistEntry.objects.filter(pk=entry.pk).update(
            applicant=owner,
            season=2027,
            interview_at=interview_at,
            withdrawn_on=timezone.localdate() if withdrawn else None,
        )
    assert rows(client)[0].upcoming_interviews == 2


def test_last_activity_is_the_latest_change_to_any_profile_or_list(client, advisor):
    owner, shortlist = applicant("dana", advisor)
    later = timezone.now() + timedelta(hours=1)
    ShortlistEntry.objects.filter(shortlist=shortlist).update(updated_at=later)
    assert rows(client)[0].last_activity == later


@pytest.mark.parametrize(
    ("sort", "direction", "expected"),
    [
        ("name", "", ["anna", "beth", "cleo"]),
        ("name", "desc", ["cleo", "beth", "anna"]),
        ("size", "", ["beth", "cleo", "anna"]),
        ("expected", "", ["cleo", "beth", "anna"]),
        ("expected", "asc", ["anna", "beth", "cleo"]),
        ("chance", "", ["cleo", "beth", "anna"]),
    ],
)
def test_rows_sort_by_any_column(client, advisor, sort, direction, expected):
    applicant("anna", advisor, probabilities=(0.1,))
    applicant("beth", advisor, probabilities=(0.1, 0.1, 0.1))
    applicant("cleo", advisor, probabilities=(0.5, 0.3))
    assert [row.name for row in rows(client, sort=sort, dir=direction)] == expected


def test_applicants_without_a_list_sort_last_both_ways(client, advisor, alice):
    applicant("anna", advisor, probabilities=(0.1,))
    make_grant(alice, advisor)
    for direction in ("asc", "desc"):
        assert rows(client, sort="chance", dir=direction)[-1].name == "alice"


@pytest.mark.parametrize("query", [{"sort": "salary"}, {"sort": "name", "dir": "sideways"}, {}])
def test_an_unknown_sort_falls_back_to_latest_activity(client, advisor, query):
    applicant("anna", advisor)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response.context["sort"] == advising.DEFAULT_SORT


def test_the_current_sort_is_announced_and_its_header_reverses_it(client, advisor):
    applicant("anna", advisor)
    html = client.get(URL, {"sort": "chance", "dir": "desc"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert 'href="?sort=chance&amp;dir=asc"' in html


def test_the_number_of_queries_does_not_grow_with_the_applicants(client, advisor):
    applicant("anna", advisor)
    client.get(URL)  # fills what each process caches (which earlier tests may have done)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for number in range(6):
        applicant(f"more{number}", advisor, probabilities=(0.2,) * (number + 1))
    with CaptureQueriesContext(connection) as seven:
        assert len(rows(client)) == 7
    assert len(seven) == len(one)


# Invitations by address, accepted by whoever holds it verified


def test_an_invitation_to_my_address_waits_on_the_dashboard_until_i_accept_it(
    client, advisor, alice
):
    make_profile(alice)
    invitation = make_grant(alice, email="charlie@example.org", level="comment")
    html = client.get(URL).content.decode()
    assert "Invitations for you" in html and "alice" in html
    assert rows(client) == []
    response = client.post(reverse("applicants:invitation_accept", args=[invitation.pk]))
    assert response.status_code == 302
    assert [row.name for row in rows(client)] == ["alice"]
    assert "Invitations for you" not in client.get(URL).content.decode()


def test_declining_an_invitation_ends_it(client, advisor, alice):
    invitation = make_grant(alice, email="charlie@example.org")
    client.post(reverse("applicants:invitation_decline", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.grantee is None


@pytest.mark.parametrize("name", ["invitation_accept", "invitation_decline"])
def test_an_invitation_withdrawn_meanwhile_is_said_to_be_closed(client, advisor, alice, name):
    invitation = make_grant(alice, email="charlie@example.org")
    sharing.revoke_grant(grant=invitation)  # the owner, in their own tab
    response = client.post(reverse(f"applicants:{name}", args=[invitation.pk]), follow=True)
    assert response.status_code == 200
    assert "This invitation is no longer open: its sender withdrew it" in response.content.decode()
    assert rows(client) == []
    invitation.refresh_from_db()
    assert invitation.grantee is None


def test_an_invitation_accepted_in_another_tab_is_said_to_be_closed(client, advisor, alice):
    invitation = make_grant(alice, email="charlie@example.org")
    url = reverse("applicants:invitation_accept", args=[invitation.pk])
    client.post(url)
    again = client.post(url, follow=True).content.decode()
    assert "This invitation is no longer open" in again
    assert [row.name for row in rows(client)] == ["alice"]


@pytest.mark.parametrize("name", ["invitation_accept", "invitation_decline"])
def test_an_invitation_to_someone_elses_address_is_not_found(client, advisor, alice, name):
    invitation = make_grant(alice, email="dana@example.org")
    response = client.post(reverse(f"applicants:{name}", args=[invitation.pk]))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.grantee is None
