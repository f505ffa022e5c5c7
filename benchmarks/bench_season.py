"""Benchmark: the season calendar page and the iCalendar feed for a full season.

    DEBUG=true .venv/bin/python benchmarks/bench_season.py [--runs N]

Full stack through the Django test client on a throwaway test database (SQLite in memory, or
`test_<name>` on PostgreSQL when DATABASE_URL is set): one applicant with 120 programs applied
to and 25 interviews (tests.factories.make_full_season), the 2027 key dates from the fixture.
Server time is measured around the request in the client (no network).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuromatch.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from datetime import UTC, datetime  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from applicants import calendar  # noqa: E402
from benchmarks.bench_scoring import report, time_runs  # noqa: E402
from tests.factories import make_full_season  # noqa: E402

TARGET_MS = 50.0
MID_SEASON = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def run(runs: int) -> None:
    timezone.now = lambda: MID_SEASON  # the season of the data, whatever the day
    user = User.objects.create_user("bench", password="a-long-unusual-passphrase-42")
    make_full_season(user)
    client = Client()
    client.force_login(user)
    page_url = reverse("season:calendar") + "?month=2026-11"
    feed_url = reverse("season:feed", args=[calendar.feed_token(user)])
    anonymous = Client()

    def page() -> None:
        response = client.get(page_url)
        assert response.status_code == 200, response.status_code

    def feed() -> None:
        response = anonymous.get(feed_url)
        assert response.status_code == 200, response.status_code

    for name, call in (("calendar page", page), ("feed", feed)):
        with CaptureQueriesContext(connection) as queries:
            call()
        print(f"{name}: {len(queries)} queries")
    print(f"Full season: 120 entries, 25 interviews, database {connection.vendor}.")
    medians = []
    for label, call in (("GET /season/calendar/ (month)", page), ("GET feed .ics", feed)):
        timings = time_runs(call, runs)
        report(label, timings, TARGET_MS)
        medians.append(statistics.median(timings))
    if max(medians) >= TARGET_MS:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
