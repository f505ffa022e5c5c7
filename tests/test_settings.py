import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# Most tests here start Django in a subprocess: seconds each, so left out of `make test-fast`.
pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEY = "p" * 20 + "r0duct10n-k3y-that-is-long-and-random-en0ugh-x9"


def _run_django(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _run_django({}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_the_development_key_in_production():
    result = _run_django({"SECRET_KEY": "django-insecure-" + "x" * 50}, "check")
    assert result.returncode != 0
    assert "development key" in result.stderr


def test_it_refuses_a_bad_debug_value():
    result = _run_django({"DEBUG": "maybe"}, "check")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_check_deploy_is_clean_with_production_values_including_e_mail():
    result = _run_django(
        {
            "DEBUG": "false",
            "SECRET_KEY": PRODUCTION_KEY,
            "ALLOWED_HOSTS": "neuromatch.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://neuromatch.example.org",
            "EMAIL_URL": "smtp+tls://neuromatch:secret@smtp.example.net:587",
            "DEFAULT_FROM_EMAIL": "neuromatch <noreply@neuromatch.example.org>",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_defaults_to_off_and_https_settings_follow():
    code = (
        "from neuromatch import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env["SECRET_KEY"] = PRODUCTION_KEY
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["False", "True", "31536000"]


def test_whitenoise_comes_right_after_the_security_middleware():
    middleware = settings.MIDDLEWARE
    assert middleware[0] == "django.middleware.security.SecurityMiddleware"
    assert middleware[1] == "whitenoise.middleware.WhiteNoiseMiddleware"


@pytest.mark.parametrize("url", ["sqlite:////tmp/x.sqlite3", "postgres://u@h:5432/db"])
def test_database_url_selects_the_engine(url):
    code = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    env["DJANGO_SETTINGS_MODULE"] = "neuromatch.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    expected = "sqlite3" if url.startswith("sqlite") else "postgresql"
    assert result.stdout.strip().endswith(expected), result.stderr
