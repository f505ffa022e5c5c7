import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_profile, make_user

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["login", "signup", "password_reset", "account_reset_password_done"]
NEW_PASSWORD = "reset-passphrase-991"


def sign_in(client, login: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"login": login, "password": password}, **extra)


def form_errors(response) -> list[str]:
    """The texts of the form-wide errors on a page."""
    block = re.search(r'class="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def reset_link(message) -> str:
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)
    assert link, message.body
    return link.group(1)


def set_new_password(client, link: str, password: str = NEW_PASSWORD):
    """Follow a reset link and set `password`; the last response."""
    response = client.get(link, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    return client.post(set_url, {"password1": password, "password2": password})


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


@pytest.mark.parametrize(
    ("referer", "back_to"),
    [
        ("http://testserver/sharing/", "/sharing/"),
        ("http://testserver/list/?sort=state", "/list/%3Fsort%3Dstate"),
        ("https://elsewhere.example/sharing/", "/"),  # another site's page is not followed
        ("", "/"),
    ],
)
def test_a_form_sent_after_the_session_ended_goes_back_to_its_page_and_says_nothing_was_saved(
    client, alice, referer, back_to
):
    # A POST-only address: going back to it after signing in would answer 405.
    response = client.post(
        reverse("applicants:sharing_grant"), {"who": "bob"}, HTTP_REFERER=referer
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={back_to}"
    page = client.get(response["Location"]).content.decode()
    assert (
        "You were signed out, so what you sent was not saved. Sign in, then send it again." in page
    )
    signed_in = client.post(
        response["Location"], {"login": "alice", "password": PASSWORD}, follow=True
    )
    assert signed_in.status_code == 200
    assert signed_in.redirect_chain[-1][0] == back_to.replace("%3F", "?").replace("%3D", "=")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("password_reset_done", "account_reset_password_done"),
        ("password_reset_complete", "account_reset_password_from_key_done"),
    ],
)
def test_the_old_reset_pages_send_people_to_the_new_ones(client, old, new):
    response = client.get(reverse(old))
    assert response.status_code == 302
    assert response["Location"] == reverse(new)


def test_the_old_password_changed_page_sends_people_to_the_change_page(client, alice):
    client.force_login(alice)
    response = client.get(reverse("password_change_done"))
    assert response["Location"] == reverse("account_change_password")


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


@pytest.mark.parametrize(
    ("password1", "password2", "error"),
    [
        ("a-long-unusual-passphrase-42", "a-long-unusual-passphrase-43", "the same password"),
        ("123", "123", "This password is too short"),
    ],
)
def test_signup_rejects_mismatched_and_weak_passwords(client, password1, password2, error):
    response = client.post(
        reverse("signup"),
        {
            "username": "dana",
            "email": "dana@example.org",
            "password1": password1,
            "password2": password2,
        },
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(username="dana").exists()


def test_sign_in_with_the_right_password(client, alice):
    response = sign_in(client, "alice")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("login", ["alice@example.org", "ALICE@Example.org", "Alice"])
def test_sign_in_by_e_mail_address_or_username_in_any_case(client, alice, login):
    response = sign_in(client, login)
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == alice


def test_sign_in_with_a_wrong_password_says_so(client, alice):
    response = sign_in(client, "alice", "nope")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(client, alice):
    known = sign_in(client, "alice@example.org", "nope")
    unknown = sign_in(client, "nobody@example.org", "nope")
    assert known.status_code == unknown.status_code == 200
    assert (
        form_errors(known)
        == form_errors(unknown)
        == ["Please enter a correct e-mail address and password."]
    )


def test_repeated_failures_lock_the_account_out_with_a_clear_message(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "nope")
    response = sign_in(client, "alice")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_failures_typed_as_username_or_e_mail_count_against_one_account(client, alice, settings):
    logins = ["alice", "ALICE@example.org", "Alice", "alice@example.org", "alice"]
    for login in logins[: settings.AXES_FAILURE_LIMIT]:
        sign_in(client, login, "nope")
    assert sign_in(client, "alice@example.org").status_code == 429


def test_an_unknown_account_is_locked_like_a_real_one(client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "nobody", "nope")
    assert sign_in(client, "nobody", "nope").status_code == 429


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
            "oldpassword": PASSWORD,
            "password1": "another-long-passphrase-77",
            "password2": "another-long-passphrase-77",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("account_change_password")
    alice.refresh_from_db()
    assert alice.check_password("another-long-passphrase-77")
    assert "Password successfully changed" in response.content.decode()


def test_password_change_rejects_a_wrong_old_password(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {"oldpassword": "wrong", "password1": "x-long-pass-1", "password2": "x-long-pass-1"},
    )
    assert response.status_code == 200
    assert "That is not your current password" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_password_reset_sends_a_working_link(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    response = set_new_password(client, reset_link(mail.outbox[0]))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_a_reset_link_works_once(client, alice):
    client.post(reverse("password_reset"), {"email": "alice@example.org"})
    link = reset_link(mail.outbox[0])
    set_new_password(client, link)
    response = client.get(link, follow=True)
    assert "This link no longer works" in response.content.decode()


def test_a_reset_for_an_unknown_address_looks_the_same_and_tells_its_owner(client, alice):
    known = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    recipients = [message.to for message in mail.outbox]
    assert recipients == [["alice@example.org"], ["nobody@example.org"]]
    assert "do not have any record of such an account" in mail.outbox[1].body


def test_a_successful_reset_lifts_a_lock_out(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "nope")
    assert sign_in(client, "alice").status_code == 429
    client.post(reverse("password_reset"), {"email": "alice@example.org"})
    set_new_password(client, reset_link(mail.outbox[0]))
    response = sign_in(client, "alice", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    "path", ["/accounts/password/reset/MQ/bad-token/", "/accounts/password/reset/key/1-bad/"]
)
def test_a_bad_reset_link_is_explained(client, path):
    response = client.get(path, follow=True)
    assert "This link no longer works" in response.content.decode()


def test_signed_in_home_page_shows_the_navigation(client, alice):
    client.force_login(alice)
    content = client.get(reverse("home")).content.decode()
    for label in ("Programs", "Profile", "My list", "Account"):
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
    assert "Nothing was saved" not in response.content.decode()


def test_a_post_to_something_deleted_meanwhile_says_nothing_was_saved(client, alice, settings):
    settings.DEBUG = False
    profile = make_profile(alice)
    scenario = make_profile(alice, name="Gone soon", based_on=profile, active=False)
    url = reverse("applicants:scenario_rename", args=[scenario.pk])
    scenario.delete()  # in another tab
    client.force_login(alice)
    response = client.post(url, {"name": "New name"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "deleted (perhaps in another tab" in page and "Nothing was saved." in page


def test_health_check_answers_without_signing_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_make_user_helper_is_staff_only_when_asked(db):
    assert not make_user("eve").is_staff
