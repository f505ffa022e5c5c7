"""Every account page is ours: our layout, no inline scripts or styles, labelled fields."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "login",
    "signup",
    "password_reset",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
    "account_reset_password_from_key_done",
]
SIGNED_IN_PAGES = [
    "password_change",
    "account_email",
    "account_reauthenticate",
    "privacy",
    "account_delete",
]


def assert_ours_and_csp_clean(response) -> None:
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html  # our base.html
    assert "<script>" not in html and "<style" not in html
    assert not re.search(r"\s(style|on[a-z]+)=", html)
    assert not re.search(r":\s*</label>", html), "a label ends in a colon, unlike every other form"
    for field_id in re.findall(r'<input[^>]+type="(?:text|email|password)"[^>]+id="([^"]+)"', html):
        assert f'for="{field_id}"' in html, f"field {field_id} has no label"


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_account_pages_for_visitors_are_ours_and_csp_clean(client, name):
    assert_ours_and_csp_clean(client.get(reverse(name)))


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_account_pages_for_members_are_ours_and_csp_clean(client, alice, name):
    client.force_login(alice)
    assert_ours_and_csp_clean(client.get(reverse(name)))


def test_the_reset_and_confirmation_pages_are_ours_and_csp_clean(client, alice, settings):
    client.post(reverse("password_reset"), {"email": "alice@example.org"})
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    assert_ours_and_csp_clean(client.get(link, follow=True))

    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.force_login(alice)
    client.post(reverse("account_email"), {"email": "alice.new@example.org", "action_add": ""})
    page = client.get(reverse("account_email"))
    assert_ours_and_csp_clean(page)
    assert "alice.new@example.org" in page.content.decode()  # waiting for confirmation
    link = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    assert_ours_and_csp_clean(client.get(link))


def test_the_lock_out_and_rate_limit_pages_are_ours(client, alice, settings, working_cache):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse("login"), {"login": "alice", "password": "nope"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_the_sign_in_page_links_to_the_reset_once(client):
    html = client.get(reverse("login")).content.decode()
    assert html.count(f'href="{reverse("password_reset")}"') == 1


def test_the_sign_in_page_names_every_field_the_sign_up_form_asks_for(client):
    login = client.get(reverse("login")).content.decode()
    signup = client.get(reverse("signup")).content.decode()

    asked = set(re.findall(r'<input[^>]*name="(username|email|password1)"', signup))
    assert asked == {"username", "email", "password1"}
    assert "it takes a username, your e-mail address and a password" in login
    assert "only a username" not in login
