"""The owner's sharing page: grant, change, revoke and restore access; create and revoke links."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applicants import sharing
from applicants.models import Grant, ShareLink
from tests.factories import (
    make_built_list,
    make_grant,
    make_profile,
    make_program,
    make_share_link,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("applicants:sharing")
GRANT = reverse("applicants:sharing_grant")
LINK = reverse("applicants:sharing_link")


@pytest.fixture
def profile(alice):
    return make_profile(alice)


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def test_the_page_lists_people_invitations_links_and_the_log(signed_in, alice, bob, profile):
    make_grant(alice, bob, level="comment")
    make_grant(alice, email="mentor@clinic.example")
    make_share_link(profile, label="For Dr Okafor")
    sharing.record_view(owner_pk=alice.pk, viewer=bob, page="list", profile=profile)
    html = signed_in.get(PAGE).content.decode()
    assert "bob" in html and "mentor@clinic.example" in html and "Invited" in html
    assert "For Dr Okafor" in html and "never" in html
    assert "list of “My profile”" in html


def test_sharing_with_a_username_grants_and_says_so(signed_in, alice, bob):
    response = signed_in.post(GRANT, {"who": "bob", "level": "comment"}, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "bob can now view and comment" in response.content.decode()
    assert Grant.objects.active().get(owner=alice).grantee == bob


def test_inviting_an_address_without_an_account_mails_an_invitation(signed_in, alice):
    response = signed_in.post(GRANT, {"who": "mentor@clinic.example", "level": "view"}, follow=True)
    assert "Invitation sent to mentor@clinic.example" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["mentor@clinic.example"]
    assert "http://testserver" + reverse("signup") in message.body
    assert Grant.objects.pending().get(owner=alice).email == "mentor@clinic.example"


def test_an_invitation_that_cannot_be_mailed_still_waits_and_says_so(signed_in, alice, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(sharing, "send_mail", broken)
    response = signed_in.post(GRANT, {"who": "mentor@clinic.example", "level": "view"}, follow=True)
    assert "could not be sent" in response.content.decode()
    assert Grant.objects.pending().filter(owner=alice).exists()


@pytest.mark.parametrize(
    ("who", "level", "message"),
    [
        ("alice", "view", "yourself"),
        ("alice@example.org", "view", "yourself"),
        ("nobody-here", "view", "No account has the username"),
        ("mentor@clinic", "view", "not a valid e-mail address"),
        ("", "view", "This field is required"),
        ("bob", "owner", "Select a valid choice"),
        ("x" * 255, "view", "at most 254 characters"),
    ],
)
def test_a_bad_grant_says_what_to_fix_and_writes_nothing(signed_in, bob, who, level, message):
    response = signed_in.post(GRANT, {"who": who, "level": level})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Grant.objects.exists()


def test_a_duplicate_grant_is_refused_with_a_message(signed_in, alice, bob):
    make_grant(alice, bob)
    response = signed_in.post(GRANT, {"who": "bob", "level": "comment"})
    assert response.status_code == 400
    assert "bob already has access" in response.content.decode()
    assert Grant.objects.get().level == "view"


def test_revoking_is_one_post_and_can_be_undone(signed_in, alice, bob):
    grant = make_grant(alice, bob)
    response = signed_in.post(reverse("applicants:sharing_revoke", args=[grant.pk]), follow=True)
    assert "bob no longer has access" in response.content.decode()
    assert sharing.access_of(bob, alice.pk) is None
    assert "Undo: restore access" in response.content.decode()
    signed_in.post(reverse("applicants:sharing_restore", args=[grant.pk]))
    assert sharing.access_of(bob, alice.pk) == "view"


def test_withdrawing_an_invitation_says_so_and_can_be_undone(signed_in, alice):
    grant = make_grant(alice, email="dana@example.org")
    response = signed_in.post(reverse("applicants:sharing_revoke", args=[grant.pk]), follow=True)
    page = response.content.decode()
    assert "Withdrew the invitation to dana@example.org. Changed your mind? Reopen it" in page
    assert "no longer has access" not in page  # nobody had any
    assert "invitation withdrawn" in page and "Undo: reopen the invitation" in page
    response = signed_in.post(reverse("applicants:sharing_restore", args=[grant.pk]), follow=True)
    assert (
        "The invitation to dana@example.org is open again (no new e-mail is sent)."
        in response.content.decode()
    )
    grant.refresh_from_db()
    assert grant.revoked_at is None and grant.grantee is None


def test_restoring_after_a_new_grant_explains_why_not(signed_in, alice, bob):
    old = make_grant(alice, bob, revoked_at=timezone.now())
    make_grant(alice, bob, level="comment")
    url = reverse("applicants:sharing_restore", args=[old.pk])
    response = signed_in.post(url, follow=True)
    assert "bob already has access" in response.content.decode()


def test_changing_the_level_takes_effect_at_once(signed_in, alice, bob):
    grant = make_grant(alice, bob)
    signed_in.post(reverse("applicants:sharing_level", args=[grant.pk]), {"level": "comment"})
    assert sharing.access_of(bob, alice.pk) == "comment"


def test_an_unknown_level_changes_nothing(signed_in, alice, bob):
    grant = make_grant(alice, bob)
    url = reverse("applicants:sharing_level", args=[grant.pk])
    response = signed_in.post(url, {"level": "edit"}, follow=True)
    assert "Choose View or View and comment" in response.content.decode()
    grant.refresh_from_db()
    assert grant.level == "view"


def test_a_new_link_is_shown_once_then_only_its_details(signed_in, alice, profile):
    make_built_list(profile, make_program())
    response = signed_in.post(LINK, {"profile": profile.pk, "days": 30, "label": "Dr O"})
    assert response.status_code == 302
    html = signed_in.get(PAGE).content.decode()
    link = ShareLink.objects.get()
    url = html.split('id="new-link-url" type="text" value="')[1].split('"')[0]
    assert url.startswith("http://testserver/s/")
    assert signed_in.get(url).status_code == 200
    assert link.expires_at - link.created_at == timedelta(days=30)
    assert url not in signed_in.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("31", "Enter a whole number of days from 1 to 30."),
        ("0", "Enter a whole number of days from 1 to 30."),
        ("-3", "Enter a whole number of days from 1 to 30."),
        ("soon", "Enter a whole number of days from 1 to 30."),
        ("", "This field is required"),
    ],
)
def test_a_bad_link_expiry_says_what_to_fix_and_writes_nothing(signed_in, profile, days, message):
    make_built_list(profile, make_program())
    response = signed_in.post(LINK, {"profile": profile.pk, "days": days})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    days_input = re.search(r'<input[^>]*name="days"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in days_input  # said at the field, not above the form
    assert not ShareLink.objects.exists()


def test_a_link_to_someone_elses_list_is_refused(signed_in, profile, bob):
    other = make_profile(bob)
    make_built_list(other, make_program())
    response = signed_in.post(LINK, {"profile": other.pk, "days": 7})
    assert response.status_code == 400
    assert "Choose one of your own lists" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_a_link_to_a_list_not_built_is_refused(signed_in, profile):
    response = signed_in.post(LINK, {"profile": profile.pk, "days": 7})
    assert response.status_code == 400
    assert "Build the list" in response.content.decode()


def test_revoking_a_link_closes_it(signed_in, profile):
    link, token = make_share_link(profile)
    signed_in.post(reverse("applicants:sharing_link_revoke", args=[link.pk]))
    assert signed_in.get(reverse("applicants:shared", args=[token])).status_code == 404


def test_a_revoked_link_can_be_restored_until_it_expires(signed_in, alice, profile):
    make_built_list(profile, make_program(name="Riverside Neurology"))
    link, token = make_share_link(profile, label="For Dr Okafor")
    assert signed_in.get(reverse("applicants:shared", args=[token])).status_code == 200
    response = signed_in.post(
        reverse("applicants:sharing_link_revoke", args=[link.pk]), follow=True
    )
    page = response.content.decode()
    assert "restore it under “Expired and revoked links”" in page
    assert reverse("applicants:sharing_link_restore", args=[link.pk]) in page
    assert signed_in.get(reverse("applicants:shared", args=[token])).status_code == 404

    restore = reverse("applicants:sharing_link_restore", args=[link.pk])
    page = signed_in.post(restore, follow=True).content.decode()
    assert "The link “For Dr Okafor” works again." in page
    assert signed_in.get(reverse("applicants:shared", args=[token])).status_code == 200
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None

    sharing.revoke_share_link(link=link)
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = signed_in.get(PAGE).content.decode()
    assert restore not in page  # an expired link offers no Restore
    page = signed_in.post(restore, follow=True).content.decode()
    assert "The link “For Dr Okafor” has expired meanwhile: make a new one." in page
    assert signed_in.get(reverse("applicants:shared", args=[token])).status_code == 404


def test_restoring_a_link_in_two_tabs_restores_it_once_and_says_so_both_times(
    signed_in, alice, profile
):
    link, _ = make_share_link(profile, label="For Dr Okafor")
    sharing.revoke_share_link(link=link)
    restore = reverse("applicants:sharing_link_restore", args=[link.pk])
    for _ in range(2):  # the second tab's page still offers Restore
        page = signed_in.post(restore, follow=True).content.decode()
        assert "The link “For Dr Okafor” works again." in page
    assert ShareLink.objects.get(pk=link.pk).revoked_at is None
    stale = ShareLink.objects.get(pk=link.pk)
    ShareLink.objects.filter(pk=link.pk).delete()  # its scenario deleted meanwhile
    with pytest.raises(sharing.SharingError, match="was deleted with its scenario"):
        sharing.restore_share_link(link=stale)


def test_restoring_a_link_keeps_to_the_limit_of_live_links(signed_in, alice, profile):
    first, _ = make_share_link(profile)
    sharing.revoke_share_link(link=first)
    for _ in range(sharing.MAX_LIVE_LINKS):
        make_share_link(profile)
    restore = reverse("applicants:sharing_link_restore", args=[first.pk])
    page = signed_in.post(restore, follow=True).content.decode()
    assert f"You have {sharing.MAX_LIVE_LINKS} live links." in page
    assert ShareLink.objects.get(pk=first.pk).revoked_at is not None


def test_another_users_grants_and_links_are_not_found(signed_in, bob, charlie):
    grant = make_grant(bob, charlie)
    link, _ = make_share_link(make_profile(bob))
    for name in ("sharing_revoke", "sharing_restore", "sharing_level"):
        response = signed_in.post(reverse(f"applicants:{name}", args=[grant.pk]), {"level": "view"})
        assert response.status_code == 404, name
    for name in ("sharing_link_revoke", "sharing_link_restore"):
        assert signed_in.post(reverse(f"applicants:{name}", args=[link.pk])).status_code == 404
    grant.refresh_from_db()
    link.refresh_from_db()
    assert grant.revoked_at is None and link.revoked_at is None
