from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from applicants.models import Profile

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_have_no_inline_scripts_or_styles(client, alice):
    client.force_login(alice)
    for name in ("home", "password_change"):
        html = client.get(reverse(name)).content.decode()
        assert "<script>" not in html
        assert " style=" not in html
        assert " onclick=" not in html


def test_security_headers_are_sent(client):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@override_settings(SECURE_HSTS_SECONDS=3600, SECURE_SSL_REDIRECT=False)
def test_hsts_is_sent_on_https_when_configured(client):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=3600")


def test_session_cookie_is_http_only(client, alice):
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"login": "alice", "password": PASSWORD})
    assert response.cookies["sessionid"]["httponly"]


def test_health_check_fails_when_the_database_does_not_answer(client):
    with mock.patch(
        "neuromatch.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_an_unhandled_error_gives_the_friendly_page_and_is_logged(client, alice, caplog):
    client.raise_request_exception = False
    client.force_login(alice)
    with mock.patch("neuromatch.views.render", side_effect=RuntimeError("boom")):
        response = client.get(reverse("home"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "boom" not in body and "Traceback" not in body
    assert any("boom" in str(record.exc_info) for record in caplog.records if record.exc_info)


def test_the_error_page_never_claims_that_the_change_was_saved(client, alice):
    client.raise_request_exception = False
    client.force_login(alice)
    with mock.patch("neuromatch.views.render", side_effect=RuntimeError("boom")):
        body = client.get(reverse("home")).content.decode()
    # A failed request may have saved nothing, or only part of what was sent.
    assert "lost" not in body and "saved." not in body
    assert "may not have been saved" in body and "reload" in body


def test_uploads_are_kept_in_memory_never_written_under_the_users_file_name(settings):
    assert settings.FILE_UPLOAD_HANDLERS == [
        "django.core.files.uploadhandler.MemoryFileUploadHandler"
    ]


def test_a_stale_security_token_gets_the_site_s_own_page_saying_nothing_was_saved(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("applicants:profile"), {"step2_score": "240"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page was out of date, so nothing was saved" in page
    assert 'class="nav-user"' in page  # in the site's layout, signed in
    assert not Profile.objects.filter(user=alice).exists()
