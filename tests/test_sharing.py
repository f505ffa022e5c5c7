"""The sharing services: grants and invitations, comments, share links and the access log."""

import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.db import connections
from django.utils import timezone

from applicants import comments, privacy, sharing
from applicants.models import AccessEvent, Comment, Grant, ShareLink
from applicants.sharing import SharingError
from tests.factories import (
    make_built_list,
    make_grant,
    make_profile,
    make_program,
    make_share_link,
    make_user,
)

pytestmark = pytest.mark.django_db


def refused(message_part: str, call, **kwargs) -> str:
    """Run a service call that must be refused; the message, checked for `message_part`."""
    with pytest.raises(SharingError) as error:
        call(**kwargs)
    assert message_part in str(error.value)
    return str(error.value)


# Granting


def test_sharing_by_username_gives_that_user_access(alice, bob):
    grant = sharing.grant_access(owner=alice, who="bob", level="comment")
    assert grant.grantee == bob and grant.accepted_at is not None
    assert sharing.access_of(bob, alice.pk) == "comment"


def test_a_username_is_found_whatever_its_case(alice, bob):
    assert sharing.grant_access(owner=alice, who="  BOB ", level="view").grantee == bob


def test_sharing_with_yourself_is_refused_and_writes_nothing(alice):
    refused("yourself", sharing.grant_access, owner=alice, who="alice", level="view")
    refused("yourself", sharing.grant_access, owner=alice, who="ALICE@example.org", level="view")
    assert not Grant.objects.exists()


def test_an_address_only_asked_for_is_not_yours_and_can_be_invited(alice):
    EmailAddress.objects.create(user=alice, email="alice.work@example.org", verified=True)
    EmailAddress.objects.create(user=alice, email="advisor@example.org", verified=False)
    refused(
        "yourself", sharing.grant_access, owner=alice, who="alice.work@example.org", level="view"
    )
    grant = sharing.grant_access(owner=alice, who="ADVISOR@example.org", level="view")
    assert grant.email == "advisor@example.org" and grant.grantee is None


def test_an_unknown_username_is_refused_with_a_hint_to_invite_by_address(alice):
    message = refused("“bobby”", sharing.grant_access, owner=alice, who="bobby", level="view")
    assert "e-mail" in message
    assert not Grant.objects.exists()


@pytest.mark.parametrize("address", ["bob@", "bob@example", "@example.org", "bob@@example.org"])
def test_a_malformed_address_is_refused(alice, address):
    refused("not a valid e-mail", sharing.grant_access, owner=alice, who=address, level="view")
    assert not Grant.objects.exists()


def test_an_empty_entry_is_refused(alice):
    refused("Enter the username", sharing.grant_access, owner=alice, who="  ", level="view")


def test_an_unknown_level_is_refused(alice, bob):
    refused("View", sharing.grant_access, owner=alice, who="bob", level="edit")
    assert not Grant.objects.exists()


def test_a_second_grant_to_the_same_person_is_refused(alice, bob):
    sharing.grant_access(owner=alice, who="bob", level="view")
    refused("already has access", sharing.grant_access, owner=alice, who="BOB", level="comment")
    assert Grant.objects.count() == 1


def test_a_second_invitation_to_the_same_address_is_refused_whatever_its_case(alice):
    sharing.grant_access(owner=alice, who="mentor@clinic.example", level="view")
    refused(
        "already waiting",
        sharing.grant_access,
        owner=alice,
        who="Mentor@Clinic.Example",
        level="view",
    )
    assert Grant.objects.count() == 1


def test_two_applicants_may_share_with_the_same_person(alice, bob, charlie):
    sharing.grant_access(owner=alice, who="charlie", level="view")
    sharing.grant_access(owner=bob, who="charlie", level="view")
    assert Grant.objects.active().filter(grantee=charlie).count() == 2


def test_an_address_is_always_an_invitation_so_sharing_reveals_no_account(alice, bob):
    grant = sharing.grant_access(owner=alice, who="bob@example.org", level="view")
    assert grant.is_pending and grant.grantee is None
    assert sharing.access_of(bob, alice.pk) is None


def test_the_holder_of_a_verified_address_accepts_an_invitation(alice, bob):
    invitation = sharing.grant_access(owner=alice, who="bob@example.org", level="comment")
    assert list(sharing.invitations_for(bob)) == [invitation]
    grant = sharing.accept_invitation(invitation=invitation, user=bob)
    assert grant.grantee == bob and sharing.access_of(bob, alice.pk) == "comment"
    assert not sharing.invitations_for(bob).exists()
    refused("withdrawn or accepted", sharing.accept_invitation, invitation=invitation, user=bob)


def test_an_invitation_is_not_for_an_unverified_address_or_another_account(alice, bob, charlie):
    unverified = make_user("dora", verified=False)
    sharing.grant_access(owner=alice, who="dora@example.org", level="view")
    invitation = sharing.grant_access(owner=alice, who="bob@example.org", level="view")
    assert not sharing.invitations_for(unverified).exists()
    assert not sharing.invitations_for(charlie).exists()
    refused("withdrawn", sharing.accept_invitation, invitation=invitation, user=charlie)


def test_accepting_an_address_invitation_merges_with_access_by_username(alice, bob):
    make_grant(alice, bob, level="view")
    invitation = sharing.grant_access(owner=alice, who="bob@example.org", level="comment")
    grant = sharing.accept_invitation(invitation=invitation, user=bob)
    assert Grant.objects.active().filter(owner=alice, grantee=bob).get() == grant
    assert grant.level == "comment"


def test_a_declined_invitation_ends(alice, bob):
    invitation = sharing.grant_access(owner=alice, who="bob@example.org", level="view")
    sharing.decline_invitation(invitation=invitation)
    assert not sharing.invitations_for(bob).exists()
    assert sharing.access_of(bob, alice.pk) is None


def test_there_is_a_cap_on_how_many_people_share_one_workspace(alice, settings):
    for number in range(sharing.MAX_GRANTS):
        make_grant(alice, email=f"person{number}@example.org")
    refused("Revoke", sharing.grant_access, owner=alice, who="late@example.org", level="view")


def test_a_grant_lost_to_a_simultaneous_request_becomes_the_duplicate_message(
    alice, bob, monkeypatch
):
    # The other request's grant was not visible to this one's check (PostgreSQL, read
    # committed), so only the unique constraint stops the insert.
    make_grant(alice, bob, level="comment")
    check = sharing._check_not_shared
    calls = []

    def check_sees_nothing_at_first(owner, **kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else check(owner, **kwargs)

    monkeypatch.setattr(sharing, "_check_not_shared", check_sees_nothing_at_first)
    refused("already has access", sharing.grant_access, owner=alice, who="bob", level="view")
    assert len(calls) == 2
    assert Grant.objects.get().level == "comment"


@pytest.mark.django_db(transaction=True)
def test_two_grants_at_once_leave_one_grant_and_one_message(alice, bob, threads_database):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def grant() -> None:
        try:
            barrier.wait(timeout=30)
            sharing.grant_access(owner=alice, who="bob", level="view")
            outcomes.append("granted")
        except Exception as error:
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=grant) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes)[1] == "granted", outcomes
    assert sorted(outcomes)[0].startswith("SharingError") and "already has" in sorted(outcomes)[0]
    assert Grant.objects.filter(owner=alice).count() == 1


# Invitations


def test_an_invitation_waits_until_an_account_verifies_that_address(alice):
    grant = sharing.grant_access(owner=alice, who="Mentor@Clinic.example", level="comment")
    assert grant.is_pending and grant.email == "mentor@clinic.example"
    mentor = make_user("mentor", verified=False)
    address = EmailAddress.objects.create(user=mentor, email="mentor@clinic.example")
    assert sharing.access_of(mentor, alice.pk) is None  # signed up, not verified yet
    address.verified = True
    address.save()
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    grant.refresh_from_db()
    assert grant.grantee == mentor and grant.accepted_at is not None
    assert sharing.access_of(mentor, alice.pk) == "comment"


def test_an_address_an_account_holds_unverified_stays_an_invitation(alice):
    make_user("mentor", verified=False)
    grant = sharing.grant_access(owner=alice, who="mentor@example.org", level="view")
    assert grant.is_pending


def test_a_withdrawn_invitation_is_not_claimed(alice):
    grant = sharing.grant_access(owner=alice, who="mentor@clinic.example", level="view")
    sharing.revoke_grant(grant=grant)
    mentor = make_user("mentor")
    sharing.claim_invitations(user=mentor, email="mentor@clinic.example")
    assert sharing.access_of(mentor, alice.pk) is None


def test_claiming_keeps_one_grant_at_the_higher_level(alice, bob):
    make_grant(alice, bob, level="view")
    invitation = make_grant(alice, email="bob.work@example.org", level="comment")
    assert sharing.claim_invitations(user=bob, email="Bob.Work@example.org") == 0
    assert Grant.objects.active().get(owner=alice, grantee=bob).level == "comment"
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_an_owner_never_claims_their_own_invitation(alice):
    invitation = make_grant(alice, email="alice.new@example.org")
    assert sharing.claim_invitations(user=alice, email="alice.new@example.org") == 0
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and invitation.grantee is None


def test_an_invitation_is_mailed_with_the_sign_up_address(alice):
    grant = sharing.grant_access(owner=alice, who="mentor@clinic.example", level="view")
    assert sharing.invite_by_email(grant=grant, signup_url="https://nm.example/signup/")
    [message] = mail.outbox
    assert message.to == ["mentor@clinic.example"]
    assert "alice" in message.subject
    assert "https://nm.example/signup/" in message.body
    # What it grants (the whole workspace), and that the invitation still has to be accepted.
    assert "alice invited you to view their neuromatch workspace" in message.body
    assert message.body.count("accept the invitation under “Shared with me”") == 2


# Revoking, restoring, levels


def test_revoking_ends_access_at_once_and_restoring_brings_it_back(alice, bob):
    grant = make_grant(alice, bob, level="comment")
    sharing.revoke_grant(grant=grant)
    assert sharing.access_of(bob, alice.pk) is None
    sharing.restore_grant(grant=grant)
    assert sharing.access_of(bob, alice.pk) == "comment"


def test_a_revocation_cannot_be_undone_once_access_was_given_again(alice, bob):
    old = make_grant(alice, bob)
    sharing.revoke_grant(grant=old)
    make_grant(alice, bob, level="comment")
    refused("already has access", sharing.restore_grant, grant=old)
    assert Grant.objects.active().get(owner=alice, grantee=bob).level == "comment"


def test_the_level_of_a_live_grant_can_change(alice, bob):
    grant = make_grant(alice, bob)
    sharing.set_level(grant=grant, level="comment")
    assert sharing.access_of(bob, alice.pk) == "comment"
    sharing.revoke_grant(grant=grant)
    refused("revoked", sharing.set_level, grant=grant, level="view")


def test_strangers_and_anonymous_users_have_no_access(alice, bob):
    from django.contrib.auth.models import AnonymousUser

    assert sharing.access_of(bob, alice.pk) is None
    assert sharing.access_of(AnonymousUser(), alice.pk) is None
    assert sharing.access_of(alice, alice.pk) == "owner"


# Share links


@pytest.fixture
def profile(alice):
    return make_profile(alice)


def test_a_share_link_lasts_the_days_asked_and_stores_only_a_digest(alice, profile):
    make_built_list(profile, make_program())
    link, token = sharing.create_share_link(owner=alice, profile=profile, days=30)
    assert link.expires_at - link.created_at == timedelta(days=30)
    assert token not in link.token_digest and len(token) >= 40
    assert sharing.open_share_link(token) == link


@pytest.mark.parametrize(("days", "message"), [(31, "at most 30 days"), (0, "at least 1 day")])
def test_a_share_link_beyond_30_days_or_under_one_is_refused(alice, profile, days, message):
    make_built_list(profile, make_program())
    refused(message, sharing.create_share_link, owner=alice, profile=profile, days=days)
    assert not ShareLink.objects.exists()


def test_a_list_not_built_yet_cannot_be_shared(alice, profile):
    refused("Build the list", sharing.create_share_link, owner=alice, profile=profile, days=7)


def test_only_the_owner_can_make_a_link_to_a_list(alice, bob, profile):
    make_built_list(profile, make_program())
    make_grant(alice, bob, level="comment")
    refused("your own", sharing.create_share_link, owner=bob, profile=profile, days=7)


def test_opening_a_link_records_when_and_logs_the_view(alice, profile):
    link, token = make_share_link(profile)
    assert sharing.open_share_link(token) == link
    link.refresh_from_db()
    assert link.last_opened_at is not None
    event = AccessEvent.objects.get()
    assert (event.owner, event.link, event.viewer, event.page) == (alice, link, None, "list")


def test_expired_revoked_and_unknown_links_open_nothing(alice, profile):
    now = timezone.now()
    expired, expired_token = make_share_link(
        profile, created_at=now - timedelta(days=8), expires_at=now - timedelta(seconds=1)
    )
    revoked, revoked_token = make_share_link(profile)
    sharing.revoke_share_link(link=revoked)
    for token in (expired_token, revoked_token, "not-a-token", "", "x" * 500):
        assert sharing.open_share_link(token) is None
    assert not AccessEvent.objects.exists()
    assert ShareLink.objects.filter(last_opened_at__isnull=False).count() == 0


# The access log


def test_a_grantee_viewing_a_page_again_soon_is_logged_once(alice, bob, profile):
    for _ in range(3):
        sharing.record_view(owner_pk=alice.pk, viewer=bob, page="list", profile=profile)
    sharing.record_view(owner_pk=alice.pk, viewer=bob, page="profile", profile=profile)
    assert AccessEvent.objects.count() == 2
    AccessEvent.objects.update(at=timezone.now() - sharing.EVENT_WINDOW)
    sharing.record_view(owner_pk=alice.pk, viewer=bob, page="list", profile=profile)
    assert AccessEvent.objects.count() == 3


def test_the_owner_viewing_their_own_pages_is_not_logged(alice, profile):
    sharing.record_view(owner_pk=alice.pk, viewer=alice, page="list", profile=profile)
    assert not AccessEvent.objects.exists()


def test_the_access_log_says_who_viewed_what(alice, bob, profile):
    link, _ = make_share_link(profile, label="For Dr Okafor")
    sharing.record_view(owner_pk=alice.pk, viewer=bob, page="profile", profile=profile)
    sharing.record_view(owner_pk=alice.pk, link=link, page="list", profile=profile)
    log = sharing.access_log(alice)
    assert [(row.who, row.what) for row in log] == [
        ("Share link “For Dr Okafor”", "list of “My profile”"),
        ("bob", "profile of “My profile”"),
    ]


# Deleting an account


def test_deleting_an_account_removes_what_it_shared_and_wrote(alice, bob, profile):
    make_grant(alice, bob, level="comment")
    comments.add_comment(author=bob, profile=profile, body="Looks good")
    make_share_link(profile)
    sharing.record_view(owner_pk=alice.pk, viewer=bob, page="list", profile=profile)
    privacy.delete_account(user=bob)
    assert not Grant.objects.exists() and not Comment.objects.exists()
    assert not AccessEvent.objects.exists()
    privacy.delete_account(user=alice)
    assert not ShareLink.objects.exists()


def test_download_my_data_hands_over_grants_and_comments(alice, bob, profile):
    make_grant(alice, bob, level="comment")
    comments.add_comment(author=bob, profile=profile, body="Looks good")
    records = privacy.user_data(user=bob)["other_records"]
    assert records["applicants.grant.grantee"][0]["level"] == "comment"
    assert records["applicants.comment.author"][0]["body"] == "Looks good"
