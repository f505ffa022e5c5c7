import os
from datetime import UTC, datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import settings

from tests.factories import make_catalogue_editor, make_user

# Property tests take their size from one place. `make test` runs the thorough profile;
# `make test-fast` sets HYPOTHESIS_PROFILE=fast for a quick loop while working.
settings.register_profile("thorough", max_examples=150, deadline=None)
settings.register_profile("fast", max_examples=5, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "thorough"))

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    # The real hasher is slow on purpose; tests create hundreds of users. Session-wide, so that
    # data built once for a whole module (before any test's own fixtures) is quick to make too.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _patient_browser_expectations():
    # A shared 2-core machine (CI runs the suite twice beside a database server) can take
    # several seconds for a list rebuild: browser assertions wait up to 20 s, not 5.
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def charlie(db):
    return make_user("charlie")


@pytest.fixture
def staff(db):
    return make_catalogue_editor("stella")


# A Monday of interview season 2027: tests that record tracker facts "today" run on this day,
# whatever the calendar says (facts outside the season are refused). The clock keeps ticking
# from there: caches keyed on `updated_at` must still see every change.
MID_SEASON = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def mid_season(monkeypatch) -> datetime:
    real_now = timezone.now
    start = real_now()
    monkeypatch.setattr(timezone, "now", lambda: MID_SEASON + (real_now() - start))
    return MID_SEASON


@pytest.fixture
def working_cache(settings):
    """A real (in-process) default cache, as in production: allauth counts rate limits in it."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-working-cache",
        }
    }
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def neuromatch_log(caplog):
    """`caplog`, also capturing the `neuromatch` loggers (which do not propagate to the root)."""
    import logging

    logger = logging.getLogger("neuromatch")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


@pytest.fixture
def threads_database(django_db_setup, django_db_blocker, tmp_path):
    """A test database that real threads can write to at once, on every database.

    PostgreSQL: the test database as it is. SQLite: the in-memory test database reports a lock
    at once instead of waiting for it, so the test runs on a copy of it in a file (WAL, each
    write transaction waiting for the one before, as in production); the in-memory database is
    kept open and put back afterwards. Use with `django_db(transaction=True)` tests.
    """
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    with django_db_blocker.unblock():
        connection.ensure_connection()
        path = tmp_path / "test.sqlite3"
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        # In WAL already, as a production database is after its first connection: two threads
        # opening their first connections at once would otherwise both switch the journal
        # mode, which takes the whole file, and one would be told "database is locked".
        copy.execute("PRAGMA journal_mode=WAL")
        copy.close()
        memory_name, in_memory = connection.settings_dict["NAME"], connection.connection
        connection.connection = None  # detached, not closed: closing would drop the database
        connection.settings_dict["NAME"] = str(path)  # every thread's connection reads it
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = memory_name
            connection.connection = in_memory
