"""Benchmark: the `/list/` page for the demo catalogue, plus a row action and a rebuild.

    DEBUG=true .venv/bin/python benchmarks/bench_list_page.py [--runs N]

Full stack through the Django test client: a throwaway test database (SQLite in memory, or
`test_<name>` on PostgreSQL when DATABASE_URL is set), the demo catalogue loaded with the
`import_programs` command, the matched-average reference applicant with a 100-program list.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import arguments, report, setup_django, test_database, time_runs  # noqa: E402

setup_django()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from applicants.models import Profile  # noqa: E402
from tests.factories import make_profile_data  # noqa: E402

PAGE_TARGET_MS = 250.0
ROW_TARGET_MS = 50.0
BUILD_TARGET_MS = 500.0


def matched_average(user: User) -> Profile:
    data = make_profile_data(graduation_year=timezone.now().year - 2, preferred_states=["TX"])
    return Profile.objects.create(user=user, **data)


def run(runs: int) -> None:
    user = User.objects.create_user("bench", password="a-long-unusual-passphrase-42")
    profile = matched_average(user)
    client = Client()
    client.force_login(user)
    build_url = reverse("applicants:list_build", args=[profile.pk])
    client.post(build_url)
    entry = profile.shortlist.entries.order_by("rank").first()
    pin_url = reverse("applicants:list_entry_pin", args=[entry.pk])
    listed = profile.shortlist.entries.filter(excluded=False).count()
    print(f"Demo catalogue: {profile.shortlist.entries.model.objects.count()} entries, "
          f"{listed} listed, database {connection.vendor}.")  # fmt: skip

    def page() -> None:
        response = client.get(reverse("applicants:list"))
        assert response.status_code == 200, response.status_code

    def pin() -> None:
        response = client.post(pin_url, {"pinned": "true"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.status_code

    def rebuild() -> None:
        response = client.post(build_url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.status_code

    report("GET /list/ (100 programs listed)", time_runs(page, runs), PAGE_TARGET_MS)
    report("POST pin, htmx row swap", time_runs(pin, runs), ROW_TARGET_MS)
    report("POST rebuild, htmx workspace swap", time_runs(rebuild, max(5, runs // 3)),
           BUILD_TARGET_MS)  # fmt: skip


def main() -> None:
    with test_database(demo=True):
        run(arguments(__doc__, runs=21).runs)


if __name__ == "__main__":
    main()
