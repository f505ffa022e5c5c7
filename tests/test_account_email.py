"""E-mail settings from the environment, and e-mail that goes out or says it did not."""

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from neuromatch.settings import email_url_settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "p" * 20 + "r0duct10n-k3y-that-is-long-and-random-en0ugh-x9"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": PRODUCTION_KEY,
    "ALLOWED_HOSTS": "neuromatch.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://neuromatch.example.org",
}
MAIL = {
    "EMAIL_URL": "smtp+tls://neuromatch:secret@smtp.example.net:587",
    "DEFAULT_FROM_EMAIL": "neuromatch <noreply@neuromatch.example.org>",
}
_MAIL_VARIABLES = {
    "EMAIL_URL", "EMAIL_HOST", "EMAIL_BACKEND", "DEFAULT_FROM_EMAIL", "ACCOUNT_EMAIL_VERIFICATION",
    "PAGE_CACHE", "CACHE_URL", "BEHIND_HTTPS_PROXY", "TRUSTED_PROXY_COUNT",
}  # fmt: skip


def run_django(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", *_MAIL_VARIABLES}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def setting(env: dict[str, str], expression: str) -> str:
    code = f"from django.conf import settings as s; print({expression})"
    result = run_django(env, "shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def refused_smtp(settings):
    """The production symptom: an SMTP server that refuses connections."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()


# --- EMAIL_URL ---------------------------------------------------------------------------


def test_an_email_url_with_starttls_gives_host_port_user_and_password():
    assert email_url_settings("smtp+tls://me%40example.org:p%2Fss@mail.example.org:2525") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "me@example.org",
        "EMAIL_HOST_PASSWORD": "p/ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example.org", 25, False, False),
        ("smtp://mail.example.org?tls=true", 587, True, False),
        ("smtp+tls://mail.example.org", 587, True, False),
        ("smtps://mail.example.org", 465, False, True),
        ("smtp+ssl://mail.example.org", 465, False, True),
    ],
)
def test_an_email_url_chooses_the_usual_port_for_its_kind_of_tls(url, port, tls, ssl):
    parsed = email_url_settings(url)
    assert (parsed["EMAIL_PORT"], parsed["EMAIL_USE_TLS"], parsed["EMAIL_USE_SSL"]) == (
        port,
        tls,
        ssl,
    )


def test_a_console_email_url_prints_e_mails():
    assert email_url_settings("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:port"])
def test_a_bad_email_url_is_refused_with_a_message(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_url_settings(url)


@pytest.mark.slow  # Django in a subprocess
def test_email_url_sets_django_s_email_settings():
    env = {"DEBUG": "true", "EMAIL_URL": "smtps://bot:pw@smtp.example.net"}
    assert setting(env, "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL") == (
        "django.core.mail.backends.smtp.EmailBackend smtp.example.net 465 True"
    )


@pytest.mark.slow  # Django in a subprocess
def test_separate_email_variables_work_too():
    env = {
        "DEBUG": "true",
        "EMAIL_HOST": "smtp.example.net",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "bot",
        "EMAIL_USE_TLS": "true",
    }
    assert setting(env, "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS") == (
        "django.core.mail.backends.smtp.EmailBackend smtp.example.net 587 True"
    )


@pytest.mark.slow  # Django in a subprocess
def test_locally_e_mails_go_to_the_console():
    assert setting({"DEBUG": "true"}, "s.EMAIL_BACKEND") == (
        "django.core.mail.backends.console.EmailBackend"
    )


# --- check --deploy ----------------------------------------------------------------------


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_django(env, "check", "--deploy", "--fail-level", "WARNING")


@pytest.mark.slow  # Django in a subprocess
def test_check_deploy_reports_unconfigured_e_mail_as_an_error():
    result = run_django(PRODUCTION, "check", "--deploy", "--fail-level", "ERROR")
    assert result.returncode != 0
    assert "neuromatch.E001" in result.stderr
    assert "E-mail is not configured" in result.stderr


@pytest.mark.slow  # Django in a subprocess
def test_check_deploy_reports_a_sender_at_localhost_as_an_error():
    result = deploy_check({**PRODUCTION, "EMAIL_URL": MAIL["EMAIL_URL"]})
    assert "neuromatch.E002" in result.stderr
    assert "neuromatch.E001" not in result.stderr


@pytest.mark.slow  # Django in a subprocess
def test_check_deploy_warns_about_settings_that_weaken_accounts():
    weak = {"ACCOUNT_EMAIL_VERIFICATION": "optional", "PAGE_CACHE": "false"}
    result = deploy_check({**PRODUCTION, **MAIL, **weak, "BEHIND_HTTPS_PROXY": "true"})
    assert result.returncode != 0
    assert "neuromatch.W001" in result.stderr  # sign-up reveals registered addresses
    assert "neuromatch.W002" in result.stderr  # no rate limits without a cache
    assert "neuromatch.W003" in result.stderr  # every client has the proxy's address


@pytest.mark.slow  # Django in a subprocess
def test_behind_a_proxy_with_its_hop_count_the_deploy_check_is_clean():
    result = deploy_check(
        {**PRODUCTION, **MAIL, "BEHIND_HTTPS_PROXY": "true", "TRUSTED_PROXY_COUNT": "1"}
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.slow  # Django in a subprocess
@pytest.mark.parametrize(
    ("env", "value"),
    [
        ({}, "mandatory"),
        ({"DEBUG": "true"}, "optional"),
        ({"ACCOUNT_EMAIL_VERIFICATION": "none"}, "none"),
    ],
)
def test_email_verification_is_mandatory_unless_debug_or_configured(env, value):
    env = {"SECRET_KEY": PRODUCTION_KEY, **env}
    assert setting(env, "s.ACCOUNT_EMAIL_VERIFICATION") == value


@pytest.mark.slow  # Django in a subprocess
def test_a_bad_verification_setting_is_refused():
    result = run_django({"DEBUG": "true", "ACCOUNT_EMAIL_VERIFICATION": "sometimes"}, "check")
    assert result.returncode != 0
    assert "ACCOUNT_EMAIL_VERIFICATION must be one of" in result.stderr


# --- failures reach the user and the log -------------------------------------------------


@pytest.mark.django_db
def test_a_reset_e_mail_that_cannot_be_sent_says_so_and_is_logged(
    client, alice, refused_smtp, neuromatch_log
):
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 503
    content = response.content.decode()
    assert "We could not send the e-mail" in content
    assert "Check your e-mail" not in content and "have sent" not in content
    errors = [r for r in neuromatch_log.records if r.name == "neuromatch.accounts"]
    assert [record.levelno for record in errors] == [logging.ERROR]
    message = errors[0].getMessage()
    assert "password_reset_key e-mail was not sent: ConnectionRefusedError" in message


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_fails_the_same_way(client, alice, refused_smtp):
    known = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 503


@pytest.mark.django_db
def test_a_sign_up_whose_confirmation_cannot_be_sent_keeps_nothing(
    client, settings, refused_smtp, neuromatch_log
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    data = {
        "username": "dana",
        "email": "dana@example.org",
        "password1": "a-long-unusual-passphrase-42",
        "password2": "a-long-unusual-passphrase-42",
    }
    response = client.post(reverse("signup"), data)
    assert response.status_code == 503
    assert "We could not send the e-mail" in response.content.decode()
    assert not User.objects.filter(username="dana").exists()
    assert any("was not sent" in record.getMessage() for record in neuromatch_log.records)
