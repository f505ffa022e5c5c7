"""Export a 120-program list as XLSX (and CSV): median of repeated runs, target under 150 ms.

Run: `.venv/bin/python benchmarks/bench_export.py` (or `make bench`). Two figures: the writers
alone, on rows built in memory in the `list_rows` shape, and the whole export the download view
does (read the saved list, its outlook and catalogue facts, write the workbook) against a
throw-away test database.
"""

import dataclasses
import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuromatch.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

import pandas as pd  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from applicants import shortlists  # noqa: E402
from applicants.export import (  # noqa: E402
    export_shortlist,
    profile_snapshot,
    write_csv,
    write_xlsx,
)
from applicants.listbuilder import outlook  # noqa: E402
from applicants.models import Profile  # noqa: E402
from programs.models import Program  # noqa: E402

PROGRAMS = 120
RUNS = 25
TARGET_MS = 150
STATES = ("TX", "NY", "IL", "OH", "MI", "PA", "FL", "CA", "GA", "NJ", "MO", "TN")
REGIONS = {"TX": "South", "NY": "Northeast", "IL": "Midwest", "OH": "Midwest", "MI": "Midwest",
           "PA": "Northeast", "FL": "South", "CA": "West", "GA": "South", "NJ": "Northeast",
           "MO": "Midwest", "TN": "South"}  # fmt: skip
REASONS = [
    "+ Sponsors J-1",
    "+ Step 2 CK 245 is 15 above the minimum 230",
    "+ High share of IMG residents (55 %)",
    "− Graduated 6 years ago; programs prefer 5 or fewer",
    "? H-1B sponsorship unknown — verify with the program",
    "+ In a preferred region (South)",
]


def list_rows(n: int) -> pd.DataFrame:
    bands = ("reach", "target", "safety")
    records = []
    for i in range(n):
        state = STATES[i % len(STATES)]
        probability = 0.05 + 0.9 * (n - i) / n
        records.append(
            {
                "rank": i + 1,
                "program_pk": i + 1,
                "program_id": f"18040{i:05d}",
                "name": f"University Hospital Neurology Residency {i + 1}",
                "institution": f"University Medical Center {i + 1}",
                "city": "São Paulo" if i % 17 == 0 else "Springfield",
                "state": state,
                "region": REGIONS[state],
                "setting": ("university", "community_affiliated", "community")[i % 3],
                "tier": 1 + i % 4,
                "band": bands[min(2, int(probability * 3))],
                "interview_probability": round(probability, 4),
                "fit_score": round(probability * 100),
                "visa_j1": ("yes", "no", "")[i % 3],
                "visa_h1b": ("", "yes", "no")[i % 3],
                "img_pct": None if i % 5 == 0 else float(10 + i % 60),
                "step2_min": None if i % 4 == 0 else 220 + i % 20,
                "yog_window": ("5", "none", "")[i % 3],
                "reasons": REASONS[: 3 + i % 4],
                "status": ("considering", "applied", "interview_offered")[i % 3],
                "notes": "=Ask about research time" if i % 10 == 0 else "",
                "website": f"https://neurology{i}.example.org/residency",
                "nrmp_codes": f"1104180C{i % 10};1104180A{i % 10}",
                "pinned": i % 11 == 0,
                "added_by_hand": False,
                "archived": False,
            }
        )
    frame = pd.DataFrame.from_records(records)
    for column in ("tier", "step2_min"):
        frame[column] = frame[column].astype("Int64")
    return frame


def median_ms(action, runs: int = RUNS) -> float:
    action()  # warm-up: imports, format caches
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def saved_list(n: int):
    """A built list of `n` programs in the test database, as the download view reads it."""
    for i in range(n + 40):
        state = STATES[i % len(STATES)]
        Program.objects.create(
            program_id=f"18040{i:05d}",
            name=f"University Hospital Neurology Residency {i + 1}",
            institution=f"University Medical Center {i + 1}",
            city="São Paulo" if i % 17 == 0 else "Springfield",
            state=state,
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
    return shortlists.build_shortlist(profile=profile)


def full_export_ms() -> tuple[float, int]:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        shortlist = saved_list(PROGRAMS)
        listed = shortlist.entries.filter(excluded=False).count()

        def export() -> bytes:
            rows, summary, about = export_shortlist(shortlist)
            return write_xlsx(rows, summary=summary, about=about)

        return median_ms(export), listed
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> int:
    rows = list_rows(PROGRAMS)
    summary = {
        "scenario": "Benchmark profile",
        "profile": profile_snapshot(
            {
                "visa": "j1",
                "graduation_year": 2021,
                "step1_attempts": 1,
                "step1_score": None,
                "step2_score": 245,
                "step2_attempts": 1,
                "step3_score": None,
                "usce_months": 3,
                "observership_months": 2,
                "neuro_publications": 4,
                "neuro_presentations": 6,
                "us_neuro_letters": 2,
                "preferred_states": ["TX"],
                "preferred_regions": ["South"],
                "excluded_states": [],
                "list_size": PROGRAMS,
            }  # fmt: skip
        ),
        "outlook": dataclasses.asdict(outlook(rows["interview_probability"].tolist())),
    }
    about = {
        "exported_at": datetime(2026, 11, 25, 9, 0),
        "scenario": "Benchmark profile",
        "catalogue_sources": ["FREIDA 2026"],
        "verified_from": date(2026, 1, 15),
        "verified_to": date(2026, 9, 30),
        "unverified": 3,
    }
    size = len(write_xlsx(rows, summary=summary, about=about))
    xlsx = median_ms(lambda: write_xlsx(rows, summary=summary, about=about))
    csv = median_ms(lambda: write_csv(rows))
    full, listed = full_export_ms()
    verdict = "OK" if max(xlsx, full) < TARGET_MS else "SLOWER THAN TARGET"
    print(f"export {PROGRAMS} programs, median of {RUNS} runs (target < {TARGET_MS} ms): {verdict}")
    print(f"  write_xlsx            {xlsx:6.1f} ms  ({size / 1024:.0f} KiB)")
    print(f"  write_csv             {csv:6.1f} ms")
    print(f"  whole XLSX export     {full:6.1f} ms  (database reads + write_xlsx, {listed} listed)")
    return 0 if max(xlsx, full) < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
