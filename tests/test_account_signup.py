"""Sign-up with e-mail verification, without revealing registered addresses, rate limited."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-unusual-passphrase-42"


@pytest.fixture
def mandatory(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def sign_up(client, username: str = "dana", email: str = "dana@example.org", **extra):
    data = {"username": username, "email": email}
    data.update(password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    return client.post(reverse("signup"), data, **extra)


def confirmation_link(message) -> str:
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body)
    assert link, message.body
    return link.group(1)


def test_a_new_account_cannot_sign_in_before_confirming_its_address(client, mandatory):
    response = sign_up(client)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("home")).status_code == 302  # not signed in
    assert [message.to for message in mail.outbox] == [["dana@example.org"]]

    other_browser = client.__class__()
    response = other_browser.post(reverse("login"), {"login": "dana", "password": NEW_PASSWORD})
    assert response["Location"] == reverse("account_email_verification_sent")
    assert other_browser.get(reverse("home")).status_code == 302
    assert len(mail.outbox) == 2  # the link again


def test_confirming_the_address_signs_the_new_account_in(client, mandatory):
    sign_up(client)
    link = confirmation_link(mail.outbox[0])
    page = client.get(link)
    assert "Confirm your e-mail address" in page.content.decode()
    assert not EmailAddress.objects.get(email="dana@example.org").verified  # a GET changes nothing

    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="dana@example.org").verified
    assert client.get(reverse("home")).status_code == 200


def test_an_unknown_confirmation_link_is_explained(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert "This link no longer works" in response.content.decode()


def test_signing_up_with_a_registered_address_looks_like_any_sign_up(client, alice, mandatory):
    fresh = sign_up(client, "dana", "dana@example.org")
    taken = sign_up(client.__class__(), "erin", "ALICE@example.org")
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert not User.objects.filter(username="erin").exists()
    to_alice = [message for message in mail.outbox if message.to == ["alice@example.org"]]
    assert len(to_alice) == 1
    assert "an account using that email address already exists" in to_alice[0].body


def test_the_verification_sent_page_does_not_tell_the_two_apart(client, alice, mandatory):
    fresh = sign_up(client, "dana", "dana@example.org", follow=True)
    taken = sign_up(client.__class__(), "erin", "alice@example.org", follow=True)
    strip_token = re.compile(r'"X-CSRFToken": "[^"]+"')
    fresh_page = strip_token.sub("", fresh.content.decode())
    taken_page = strip_token.sub("", taken.content.decode()).replace("alice@", "dana@")
    assert fresh_page == taken_page  # only the address typed differs


def test_a_taken_username_is_refused(client, alice):
    response = sign_up(client, "Alice", "dana@example.org")
    assert response.status_code == 200
    assert "A user with that username already exists" in response.content.decode()


def test_sign_ups_from_one_address_are_rate_limited(client, working_cache):
    for _ in range(20):
        assert client.post(reverse("signup"), {}).status_code == 200
    response = client.post(reverse("signup"), {})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_reset_requests_for_one_address_are_rate_limited(client, alice, working_cache):
    for _ in range(5):
        client.post(reverse("password_reset"), {"email": "alice@example.org"})
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 429
    assert len(mail.outbox) == 5


def test_sign_in_attempts_from_one_address_are_rate_limited(client, alice, working_cache):
    for number in range(30):
        client.post(reverse("login"), {"login": f"someone-{number}", "password": "x"})
    response = client.post(reverse("login"), {"login": "alice", "password": PASSWORD})
    assert response.status_code == 429
