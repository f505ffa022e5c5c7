"""Reset and verification links never reach a log: Django's, runserver's or gunicorn's."""

import io
import logging
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.account.views import ConfirmEmailView
from django.core import mail
from django.test import Client
from django.urls import reverse
from gunicorn.app.base import Application as BaseApplication
from gunicorn.config import Config

from neuromatch.gunicorn_conf import RedactingLogger
from neuromatch.logs import REDACTED, RedactSecrets, redact

ROOT = Path(__file__).resolve().parent.parent
RESET = "/accounts/password/reset/key/2-cz5cbq-7b3e0c1d2f9a8b6e5d4c3b2a1f0e9d8c/"
CONFIRM = "/accounts/confirm-email/Mg:1w9Xyz:Ab-cD_ef0123456789/"
LEGACY = "/accounts/password/reset/MQ/cz5cbq-7b3e0c1d2f9a8b6e5d4c/"
SECRETS = ("cz5cbq", "Mg:1w9Xyz", "Ab-cD_ef0123456789")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f'"GET {RESET} HTTP/1.1" 302',
            f'"GET /accounts/password/reset/key/{REDACTED}/ HTTP/1.1" 302',
        ),
        (
            f"Internal Server Error: {CONFIRM}",
            f"Internal Server Error: /accounts/confirm-email/{REDACTED}/",
        ),
        (
            f"https://nm.example.org{LEGACY}",
            f"https://nm.example.org/accounts/password/reset/{REDACTED}/",
        ),
        (
            '"GET /season/calendar/q1W2e3R4t5Y6u7I8o9P0-aSdFgHjKlZxCvBnM.ics HTTP/1.1" 200',
            f'"GET /season/calendar/{REDACTED}.ics HTTP/1.1" 200',
        ),
        (
            '"GET /s/Zx9_q-1234567890abcdefghijklmnopqrstuvwxyzABC/ HTTP/1.1" 200',
            f'"GET /s/{REDACTED}/ HTTP/1.1" 200',
        ),
        (
            "Not Found: /s/Zx9_q-1234567890abcdef/",
            f"Not Found: /s/{REDACTED}/",
        ),
        (
            "https://nm.example.org/s/Zx9_q-1234567890abcdef/",
            f"https://nm.example.org/s/{REDACTED}/",
        ),
        (
            '"GET /accounts/password/reset/key/2-set-password/ HTTP/1.1"',
            f'"GET /accounts/password/reset/key/{REDACTED}/ HTTP/1.1"',
        ),
    ],
)
def test_secret_links_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '"GET /accounts/password/reset/ HTTP/1.1" 200',
        '"GET /accounts/password/reset/done/ HTTP/1.1" 200',
        '"GET /accounts/password/reset/key/done/ HTTP/1.1" 200',
        '"GET /list/?profile=3 HTTP/1.1" 200',
        '"GET /season/calendar/ HTTP/1.1" 200',
        '"GET /programs/s/ HTTP/1.1" 404',
        '"GET /programs/?q=s/ HTTP/1.1" 200',
        '"GET /sharing/links/3/revoke/ HTTP/1.1" 405',
        '"GET /season/entries/4/interview.ics HTTP/1.1" 200',
    ],
)
def test_other_paths_are_left_alone(text):
    assert redact(text) == text


def console_handler() -> logging.Handler:
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(each, RedactSecrets) for each in handler.filters)
    ]
    assert handlers, "the root logger has no redacting handler"
    return handlers[0]


@pytest.fixture
def console():
    """What the configured console handler writes."""
    handler = console_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_the_console_log_redacts_messages_and_tracebacks(console):
    try:
        raise ValueError(f"cannot handle {CONFIRM}")
    except ValueError:
        logger = logging.getLogger("django.request")
        logger.error("Internal Server Error: %s", CONFIRM, exc_info=True)
    written = console.getvalue()
    assert "Traceback" in written and "ValueError" in written
    assert not any(secret in written for secret in SECRETS)
    assert written.count(REDACTED) == 2


def test_runserver_request_lines_are_redacted():
    handler = next(h for h in logging.getLogger("django.server").handlers)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.server").info('"%s" %s %s', f"GET {RESET} HTTP/1.1", "302", "0")
    finally:
        handler.setStream(previous)
    assert "cz5cbq" not in stream.getvalue()
    assert REDACTED in stream.getvalue()


@pytest.mark.django_db
def test_an_error_on_a_verification_link_is_logged_without_the_key(console, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ConfirmEmailView, "get", broken)
    client = Client(raise_request_exception=False)
    assert client.get(CONFIRM).status_code == 500
    written = console.getvalue()
    assert "Internal Server Error: /accounts/confirm-email/" in written
    assert not any(secret in written for secret in SECRETS)


@pytest.mark.django_db
def test_a_real_reset_link_is_redacted(console, alice):
    Client().post(reverse("password_reset"), {"email": "alice@example.org"})
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    logging.getLogger("django.request").error("Internal Server Error: %s", link)
    key = link.rstrip("/").rsplit("/", 1)[-1]
    assert key not in console.getvalue()


def gunicorn_logger(tmp_path: Path) -> tuple[RedactingLogger, Path, Path]:
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    config = Config()
    config.set("accesslog", str(access))
    config.set("errorlog", str(errors))
    return RedactingLogger(config), access, errors


def test_gunicorn_s_access_log_is_redacted(tmp_path):
    logger, access, _ = gunicorn_logger(tmp_path)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": RESET,
        "PATH_INFO": RESET,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://nm.example.org{CONFIRM}",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    written = access.read_text()
    assert "GET /accounts/password/reset/key/" in written and " 302 " in written
    assert not any(secret in written for secret in SECRETS)


def test_gunicorn_s_error_log_is_redacted(tmp_path):
    logger, _, errors = gunicorn_logger(tmp_path)
    logger.error("Error handling request %s", LEGACY)
    written = errors.read_text()
    assert "Error handling request /accounts/password/reset/" in written
    assert "cz5cbq" not in written


def test_production_serves_with_the_redacting_gunicorn_configuration():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn -c python:neuromatch.gunicorn_conf neuromatch.wsgi:application" in dockerfile

    class Probe(BaseApplication):
        def load_config(self) -> None:
            self.load_config_from_module_name_or_filename("python:neuromatch.gunicorn_conf")

        def load(self) -> None:  # pragma: no cover - never serves
            raise AssertionError

    config = Probe().cfg
    assert config.logger_class is RedactingLogger
    assert config.accesslog == "-"
