"""Export a 120-program list as XLSX (and CSV): median of repeated runs, target under 150 ms.

Run: `.venv/bin/python benchmarks/bench_export.py` (or `make bench`). It builds a 120-program
list in a throw-away test database (in memory on SQLite, `test_<name>` on PostgreSQL), then
times the writers alone and the whole export the download view does (read the saved list, its
outlook and catalogue facts, write the workbook).
"""

import statistics
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import setup_django, test_database, time_runs  # noqa: E402

setup_django()

from django.contrib.auth.models import User  # noqa: E402

from applicants import shortlists  # noqa: E402
from applicants.export import write_csv, write_xlsx  # noqa: E402
from applicants.export_data import export_shortlist  # noqa: E402
from applicants.models import Profile, Shortlist  # noqa: E402
from applicants.tracker import applicant_zone  # noqa: E402
from programs.models import Program  # noqa: E402

PROGRAMS = 120
RUNS = 25
TARGET_MS = 150
STATES = ("TX", "NY", "IL", "OH", "MI", "PA", "FL", "CA", "GA", "NJ", "MO", "TN")


def saved_list(n: int) -> Shortlist:
    """A built list of `n` programs, as the download view reads it."""
    for i in range(n + 40):
        Program.objects.create(
            program_id=f"18040{i:05d}",
            nrmp_codes=f"1104180C{i % 10};1104180A{i % 10}",
            name=f"University Hospital Neurology Residency {i + 1}",
            institution=f"University Medical Center {i + 1}",
            city="São Paulo" if i % 17 == 0 else "Springfield",
            state=STATES[i % len(STATES)],
            setting=("university", "community_affiliated", "community")[i % 3],
            tier=1 + i % 4,
            visa_j1=(True, None)[i % 2],
            img_pct=None if i % 5 == 0 else float(10 + i % 60),
            website=f"https://neurology{i}.example.org/residency",
            data_source="benchmark",
            last_verified=date(2026, 1 + i % 9, 1),
        )
    user = User.objects.create_user("bench", password="not-used-for-anything-here")
    profile = Profile.objects.create(
        user=user, graduation_year=2023, step2_score=245, usce_months=3, list_size=n
    )
    shortlist = shortlists.build_shortlist(profile=profile)
    for entry in shortlist.entries.filter(rank__lte=n // 10):
        shortlists.set_notes(entry=entry, notes="=Ask about research time; São Paulo alumni")
    return shortlist


def median_ms(action: Callable[[], object]) -> float:
    return statistics.median(time_runs(action, RUNS, warm_up=1))  # warm-up: imports, caches


def main() -> int:
    with test_database():
        shortlist = saved_list(PROGRAMS)
        zone = applicant_zone(shortlist.profile.user)
        rows, summary, about = export_shortlist(shortlist, zone=zone)
        size = len(write_xlsx(rows, summary=summary, about=about, zone=zone))
        xlsx = median_ms(lambda: write_xlsx(rows, summary=summary, about=about, zone=zone))
        csv = median_ms(lambda: write_csv(rows, zone=zone))

        def whole_export() -> bytes:
            zone = applicant_zone(shortlist.profile.user)
            rows, summary, about = export_shortlist(shortlist, zone=zone)
            return write_xlsx(rows, summary=summary, about=about, zone=zone)

        whole = median_ms(whole_export)
    verdict = "OK" if whole < TARGET_MS else "SLOWER THAN TARGET"
    print(f"export {len(rows)} listed programs, median of {RUNS} runs, target < {TARGET_MS} ms")
    print(f"  write_xlsx              {xlsx:6.1f} ms  ({size / 1024:.0f} KiB)")
    print(f"  write_csv               {csv:6.1f} ms")
    print(f"  whole XLSX export       {whole:6.1f} ms  (database reads + write_xlsx): {verdict}")
    return 0 if whole < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
