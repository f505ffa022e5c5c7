import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["login", "signup", "password_reset", "password_reset_done"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_auth_pages_render_for_anonymous_users(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b"<h1>" in response.content


@pytest.mark.parametrize(
    "path", ["/", "/programs/", "/profile/", "/list/", "/accounts/password/change/"]
)
def test_app_pages_redirect_anonymous_users_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_signup_creates_an_account_and_signs_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "dana",
            "email": "dana@example.org",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="dana", email="dana@example.org").exists()
    assert client.get(reverse("home")).status_code == 200


def test_signup_rejects_mismatched_and_weak_passwords(client):
    response = client.post(
        reverse("signup"),
        {"username": "dana", "email": "dana@example.org", "password1": "123", "password2": "124"},
    )
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not User.objects.filter(username="dana").exists()


def test_signup_rejects_an_email_that_is_taken(client, alice):
    response = client.post(
        reverse("signup"),
        {
            "username": "dana",
            "email": "ALICE@example.org",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
        },
    )
    assert "exists already" in response.content.decode()
    assert not User.objects.filter(username="dana").exists()


def test_sign_in_with_the_right_password(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_in_with_a_wrong_password_says_so(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_out_with_a_clear_message(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "nope"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_sign_out_needs_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, alice):
    client.force_login(alice)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase-77",
            "new_password2": "another-long-passphrase-77",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another-long-passphrase-77")
    assert client.get(reverse("password_change_done")).status_code == 200


def test_password_change_rejects_a_wrong_old_password(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "x-long-pass-1",
            "new_password2": "x-long-pass-1",
        },
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()


def test_password_reset_sends_a_working_link(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "reset-passphrase-991", "new_password2": "reset-passphrase-991"}
    )
    assert response.status_code == 302
    assert client.get(reverse("password_reset_complete")).status_code == 200
    alice.refresh_from_db()
    assert alice.check_password("reset-passphrase-991")


def test_a_bad_reset_link_is_explained(client):
    response = client.get("/accounts/password/reset/MQ/bad-token/")
    assert "This link no longer works" in response.content.decode()


def test_signed_in_home_page_shows_the_navigation(client, alice):
    client.force_login(alice)
    content = client.get(reverse("home")).content.decode()
    for label in ("Programs", "Profile", "My list"):
        assert label in content
    assert "Import" not in content


def test_staff_see_the_import_link(client, staff):
    client.force_login(staff)
    assert reverse("programs:import") in client.get(reverse("home")).content.decode()


def test_unknown_pages_get_the_friendly_404(client, alice, settings):
    settings.DEBUG = False
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_health_check_answers_without_signing_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_make_user_helper_is_staff_only_when_asked(db):
    assert not make_user("eve").is_staff
