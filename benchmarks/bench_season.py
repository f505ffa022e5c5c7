"""Benchmark: the season calendar page and the iCalendar feed for a full season.

    DEBUG=true .venv/bin/python benchmarks/bench_season.py [--runs N]

Full stack through the Django test client on a throwaway test database (SQLite in memory, or
`test_<name>` on PostgreSQL when DATABASE_URL is set): one applicant with 120 programs applied
to and 25 interviews (tests.factories.make_full_season), the 2027 key dates from the fixture.
Server time is measured around the request in the client (no network).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import arguments, report, setup_django, test_database, time_runs  # noqa: E402

setup_django()

from datetime import UTC, datetime  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from applicants import calendar  # noqa: E402
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
    with test_database():
        run(arguments(__doc__, runs=21).runs)


if __name__ == "__main__":
    main()
