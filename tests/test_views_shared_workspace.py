"""An applicant's pages as the people they share them with see them: read-only, marked as
someone else's, with comments in place; and the owner told about new comments."""

import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from applicants import calendar, comments, sharing
from applicants.models import AccessEvent, Comment, Grant
from tests.factories import (
    make_built_list,
    make_grant,
    make_profile,
    make_program,
    make_user,
)

pytestmark = pytest.mark.django_db

POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"', re.S)


def post_forms(html: str) -> set[str]:
    """Where the page's forms post to."""
    return set(POST_FORM.findall(html))


@pytest.fixture
def profile(alice):
    return make_profile(alice)


@pytest.fixture
def shortlist(profile):
    programs = [make_program(name="Riverside Neurology"), make_program(name="Lakeside Neurology")]
    return make_built_list(profile, *programs, notes="Ask about J-1 waiver")


@pytest.fixture
def viewer(alice):
    victor = make_user("victor")
    make_grant(alice, victor, level="view")
    return victor


@pytest.fixture
def commenter(alice):
    cora = make_user("cora")
    make_grant(alice, cora, level="comment")
    return cora


def list_url(profile) -> str:
    return reverse("applicants:list_of", args=[profile.pk])


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# The list


def test_a_viewer_sees_the_live_list_marked_as_someone_elses_without_any_write_form(
    client, shortlist, viewer
):
    client.force_login(viewer)
    html = html_of(client, list_url(shortlist.profile))
    assert "alice’s list" in html and "alice’s workspace" in html
    assert "Riverside Neurology" in html and "Ask about J-1 waiver" in html
    assert post_forms(html) == {reverse("logout")}
    for action in ("Rebuild list", 'class="status-select"', "Add a program", "Post comment"):
        assert action not in html


def test_a_commenter_gets_a_comment_form_on_every_row(client, shortlist, commenter):
    client.force_login(commenter)
    html = html_of(client, list_url(shortlist.profile))
    comment_forms = {
        reverse("applicants:list_entry_comment", args=[entry.pk])
        for entry in shortlist.entries.all()
    }
    assert post_forms(html) == comment_forms | {reverse("logout")}


def test_viewing_a_shared_list_is_logged_for_the_owner_and_the_owners_own_views_are_not(
    client, alice, shortlist, viewer
):
    client.force_login(alice)
    client.get(list_url(shortlist.profile))
    assert not AccessEvent.objects.exists()
    client.force_login(viewer)
    client.get(list_url(shortlist.profile))
    event = AccessEvent.objects.get()
    assert (event.owner, event.viewer, event.page, event.profile) == (
        alice,
        viewer,
        "list",
        shortlist.profile,
    )


def test_the_owner_and_a_grantee_never_share_a_cached_page(
    client, settings, alice, shortlist, viewer
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "x"}
    }
    cache.clear()
    url = list_url(shortlist.profile)
    client.force_login(alice)
    assert "Rebuild list" in html_of(client, url)
    client.force_login(viewer)
    assert "Rebuild list" not in html_of(client, url)
    client.force_login(alice)
    assert "Rebuild list" in html_of(client, url)
    cache.clear()


def test_a_revoked_grantee_is_refused_at_once_even_with_the_page_cached(
    client, settings, alice, shortlist, viewer
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "y"}
    }
    cache.clear()
    client.force_login(viewer)
    assert client.get(list_url(shortlist.profile)).status_code == 200
    sharing.revoke_grant(grant=alice.grants_given.get(grantee=viewer))
    assert client.get(list_url(shortlist.profile)).status_code == 404
    cache.clear()


# Comments


def test_a_comment_is_shown_in_place_with_its_author_and_time(client, shortlist, commenter):
    entry = shortlist.entries.get(program__name="Riverside Neurology")
    client.force_login(commenter)
    url = reverse("applicants:list_entry_comment", args=[entry.pk])
    response = client.post(url, {"body": "Strong IMG intake: apply early."})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comments-{entry.pk}")
    comment = Comment.objects.get()
    html = html_of(client, list_url(shortlist.profile))
    assert f'id="comments-{entry.pk}"' in html  # the place the answer points to
    assert "Strong IMG intake: apply early." in html
    assert "cora" in html and comment.created_at.strftime("%-d %b %Y") in html


@pytest.mark.parametrize("target", ["entry", "profile"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Write something"),
        ("x" * (comments.MAX_COMMENT_LENGTH + 1), "at most"),
        (None, "Write something"),
    ],
)
def test_a_bad_comment_says_what_to_fix_and_writes_nothing(
    client, shortlist, commenter, target, body, message
):
    if target == "entry":
        url = reverse("applicants:list_entry_comment", args=[shortlist.entries.first().pk])
    else:
        url = reverse("applicants:profile_comment", args=[shortlist.profile.pk])
    client.force_login(commenter)
    response = client.post(url, {} if body is None else {"body": body}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_a_too_long_comment_comes_back_with_what_was_written(client, shortlist, commenter):
    url = reverse("applicants:list_entry_comment", args=[shortlist.entries.first().pk])
    client.force_login(commenter)
    written = "Consider this program: " + "x" * 2000
    page = client.post(url, {"body": written}, follow=True).content.decode()
    assert f"What you wrote: “{written}”" in page
    assert not Comment.objects.exists()


def test_a_commenter_made_view_only_while_typing_is_told_and_keeps_the_text(
    client, alice, shortlist, commenter
):
    entry = shortlist.entries.first()
    client.force_login(commenter)
    Grant.objects.filter(owner=alice, grantee=commenter).update(level="view")  # the owner
    url = reverse("applicants:list_entry_comment", args=[entry.pk])
    response = client.post(url, {"body": "Apply early here"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == list_url(shortlist.profile) + f"#comments-{entry.pk}"
    page = response.content.decode()
    assert "You can only view this workspace now, so your comment was not posted." in page
    assert "What you wrote: “Apply early here”" in page
    assert not Comment.objects.exists()
    Grant.objects.filter(owner=alice, grantee=commenter).update(revoked_at=timezone.now())
    assert client.post(url, {"body": "Apply early here"}).status_code == 404  # no access at all


def test_the_owner_sees_new_comments_on_the_home_page_and_the_list_then_they_are_read(
    client, alice, shortlist, commenter
):
    entry = shortlist.entries.first()
    comments.add_comment(author=commenter, profile=shortlist.profile, program=entry.program,
                        body="Consider it")  # fmt: skip
    comments.add_comment(author=commenter, profile=shortlist.profile, body="Step 3 first?")
    client.force_login(alice)
    home = html_of(client, reverse("home"))
    assert "1 new</span> on the list of “My profile”" in home
    assert "1 new</span> on the profile “My profile”" in home
    page = html_of(client, reverse("applicants:list"))
    assert "1 new comment</span></a> on programs of this list" in page
    assert 'class="comment is-new"' in page
    page = html_of(client, reverse("applicants:list"))
    assert "on programs of this list" not in page and "is-new" not in page
    assert "1 new comment</span></a> on the profile" in page
    assert "on the list of" not in html_of(client, reverse("home"))
    assert "on the profile “My profile”" in html_of(client, reverse("home"))
    html_of(client, reverse("applicants:profile"))
    assert "New comments" not in html_of(client, reverse("home"))


def test_the_owner_can_answer_on_the_profile(client, alice, profile, commenter):
    comments.add_comment(author=commenter, profile=profile, body="Why no Step 3?")
    client.force_login(alice)
    html = html_of(client, reverse("applicants:profile"))
    assert "Why no Step 3?" in html
    client.post(reverse("applicants:profile_comment", args=[profile.pk]), {"body": "Booked!"})
    assert [c.body for c in comments.profile_comments(profile)] == ["Why no Step 3?", "Booked!"]


# The profile, scenarios, season and calendar


def test_a_shared_profile_is_shown_read_only_with_its_comments(client, profile, commenter):
    comments.add_comment(author=commenter, profile=profile, body="Looks solid")
    client.force_login(commenter)
    html = html_of(client, reverse("applicants:scenario", args=[profile.pk]))
    assert "alice’s profile" in html and "Looks solid" in html
    assert "USMLE Step 2 CK score" in html and str(profile.step2_score) in html
    assert reverse("applicants:profile_comment", args=[profile.pk]) in html
    assert reverse("applicants:scenario_create") not in html
    for write in ("scenario_rename", "scenario_activate", "scenario_delete"):
        assert reverse(f"applicants:{write}", args=[profile.pk]) not in html
    assert AccessEvent.objects.get().page == "profile"


def test_a_grantee_cannot_save_the_shared_profile(client, profile, commenter):
    client.force_login(commenter)
    url = reverse("applicants:scenario", args=[profile.pk])
    response = client.post(url, {"step2_score": "260", "graduation_year": "2020", "visa": "j1"})
    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.step2_score != 260


def test_shared_scenarios_are_compared_without_the_owners_actions(client, alice, profile, viewer):
    make_profile(alice, name="With Step 3", based_on=profile, active=False, step3_score=240)
    client.force_login(viewer)
    html = html_of(client, reverse("applicants:shared_scenarios", args=[alice.pk]))
    assert "alice’s scenarios" in html and "With Step 3" in html
    assert "Make active" not in html and "Create the copy" not in html


def test_the_shared_calendar_shows_interviews_but_never_the_feed_address(
    client, alice, shortlist, viewer
):
    entry = shortlist.entries.first()
    interview = timezone.now() + timedelta(days=10)
    type(entry).objects.filter(pk=entry.pk).update(
        applicant=alice, season=2027, interview_at=interview
    )
    client.force_login(viewer)
    html = html_of(client, reverse("applicants:shared_calendar", args=[alice.pk]) + "?view=agenda")
    assert entry.program.name in html
    assert "feed-url" not in html and calendar.feed_token(alice) not in html
    assert reverse("season:feed_reset") not in html and reverse("season:time_zone") not in html
    season = html_of(client, reverse("applicants:shared_season", args=[alice.pk]))
    assert "alice’s" in season and entry.program.name in season
    assert reverse("season:entry", args=[entry.pk]) not in season
    assert [e.page for e in AccessEvent.objects.order_by("at")] == ["calendar", "tracker"]


def test_a_grantees_export_is_the_owners_list_and_is_logged(client, alice, shortlist, viewer):
    entry = shortlist.entries.first()
    interview = datetime(2026, 11, 5, 15, tzinfo=UTC)
    type(entry).objects.filter(pk=entry.pk).update(
        applicant=alice, season=2027, interview_at=interview
    )
    client.force_login(viewer)
    url = reverse("applicants:export_xlsx") + f"?profile={shortlist.profile.pk}"
    response = client.get(url)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book["Shortlist"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Lakeside Neurology", "Riverside Neurology"]
    calendar_text = " ".join(
        str(cell) for row in book["Calendar"].iter_rows(values_only=True) for cell in row
    )
    assert entry.program.name in calendar_text
    assert AccessEvent.objects.get().page == "export"


def test_the_advisor_dashboard_links_to_the_applicants_pages(client, alice, shortlist, viewer):
    client.force_login(viewer)
    html = html_of(client, reverse("applicants:advisor"))
    for url in (
        list_url(shortlist.profile),
        reverse("applicants:scenario", args=[shortlist.profile.pk]),
        reverse("applicants:shared_season", args=[alice.pk]),
        reverse("applicants:shared_calendar", args=[alice.pk]),
    ):
        assert f'href="{url}"' in html
