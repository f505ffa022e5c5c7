"""Comments by the owner and `comment` grantees, and which are new to the owner."""

import pytest

from applicants import comments, sharing
from applicants.models import Comment
from tests.factories import make_grant, make_profile, make_program, make_user
from tests.test_sharing import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(alice):
    return make_profile(alice)


def test_a_commenter_comments_and_the_owner_sees_it_as_new(alice, bob, profile):
    make_grant(alice, bob, level="comment")
    program = make_program()
    comment = comments.add_comment(author=bob, profile=profile, program=program, body=" Apply! ")
    assert comment.body == "Apply!" and comment.owner == alice
    assert list(comments.unseen_comments(alice)) == [comment]
    assert comments.mark_seen(alice, profile, on_programs=False) == 0
    assert comments.mark_seen(alice, profile, on_programs=True) == 1
    assert not comments.unseen_comments(alice).exists()


def test_what_a_page_showed_is_marked_seen_and_a_comment_posted_since_stays_new(
    alice, bob, profile
):
    make_grant(alice, bob, level="comment")
    shown = comments.profile_comments(profile)
    assert comments.mark_shown(shown) == 0  # nothing new shown: nothing written
    first = comments.add_comment(author=bob, profile=profile, body="Add a US letter.")
    shown = comments.profile_comments(profile)
    later = comments.add_comment(author=bob, profile=profile, body="And a second one.")
    assert comments.mark_shown(shown) == 1
    assert list(comments.unseen_comments(alice)) == [later]
    assert Comment.objects.get(pk=first.pk).seen_at is not None
    assert comments.mark_shown(shown) == 0  # already seen: not written again


def test_the_owners_own_comments_are_never_new(alice, profile):
    comments.add_comment(author=alice, profile=profile, body="Note to self")
    assert not comments.unseen_comments(alice).exists()


def test_a_viewer_a_revoked_commenter_and_a_stranger_cannot_comment(alice, bob, charlie, profile):
    make_grant(alice, bob, level="view")
    sharing.revoke_grant(grant=make_grant(alice, charlie, level="comment"))
    for user in (bob, charlie, make_user("dave")):
        refused("not comment", comments.add_comment, author=user, profile=profile, body="Hi")
    assert not Comment.objects.exists()


def test_an_empty_or_too_long_comment_is_refused(alice, profile):
    refused("Write something", comments.add_comment, author=alice, profile=profile, body="  ")
    too_long = "x" * (comments.MAX_COMMENT_LENGTH + 1)
    refused("at most", comments.add_comment, author=alice, profile=profile, body=too_long)
    assert not Comment.objects.exists()
