"""Population check: a cohort drawn from the design's reference figures, seen by the active
version of the estimates, against the published non-US IMG neurology outcomes.

    DEBUG=true .venv/bin/python benchmarks/calibration.py [--applicants N] [--seed S] [--demo]

Reads the catalogue and the active model version of the configured database (DATABASE_URL, else
db.sqlite3); with --demo, or when that catalogue is empty, a throwaway database with the demo
catalogue and version 1 (the judgement weights). Each applicant of the cohort
(`applicants.cohort.draw_cohort`) gets the list the builder would give them; the script prints
the cohort's mean match chance (published: 45-55 % for non-US IMGs in neurology, about 68 % for
those who rank neurology alone) and the Step 2 CK mean weighted by match chance (published
matched mean: 245).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import setup_django, test_database  # noqa: E402

setup_django()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from applicants.cohort import draw_cohort  # noqa: E402
from applicants.listbuilder import build_list, outlook  # noqa: E402
from applicants.model_versions import active_version, estimate_note  # noqa: E402
from applicants.scoring import score_programs  # noqa: E402
from programs.models import Program  # noqa: E402

PUBLISHED_MATCH_RATE = (0.45, 0.55)
PUBLISHED_MATCH_RATE_NEUROLOGY_ONLY = 0.68
PUBLISHED_MATCHED_STEP2 = 245


def check(applicants: int, seed: int, where: str) -> None:
    version = active_version()
    programs = Program.objects.active().to_frame()
    season = timezone.now().year + 1
    cohort = draw_cohort(applicants, season=season, seed=seed)
    started = time.perf_counter()
    chances, step2 = [], []
    for row in cohort.to_dict("records"):
        profile = {
            **row,
            "step2_score": None if np.isnan(row["step2_score"]) else int(row["step2_score"]),
            "step3_score": None if np.isnan(row["step3_score"]) else int(row["step3_score"]),
        }
        scored = score_programs(profile, programs, as_of_year=season - 1, params=version.parameters)
        built = build_list(scored, size=int(row["list_size"]),
                           preferred_states=profile["preferred_states"])  # fmt: skip
        listed = scored["probability"].loc[built.ranked].to_numpy()
        chances.append(outlook(listed, conversion=version.conversion).match_chance)
        step2.append(row["step2_score"])
    chances, step2 = np.array(chances), np.array(step2)
    taken = ~np.isnan(step2)
    weighted = float(np.sum(chances[taken] * step2[taken]) / np.sum(chances[taken]))
    low, high = PUBLISHED_MATCH_RATE
    print(f"Catalogue: {where}, {len(programs):,} active programs.")
    print(f"Version {version.number}: {estimate_note(version)}")
    print(
        f"Cohort: {applicants:,} applicants drawn from the reference figures "
        f"(seed {seed}), each with the list the builder gives them "
        f"({time.perf_counter() - started:.1f} s)."
    )
    print(
        f"Cohort mean match chance: {chances.mean():.2f} (published non-US IMG neurology "
        f"match rate {low:.0%}-{high:.0%}; about {PUBLISHED_MATCH_RATE_NEUROLOGY_ONLY:.0%} "
        "when neurology is ranked alone)"
    )
    print(
        f"Match-weighted Step 2 CK: {weighted:.0f} (published matched mean "
        f"{PUBLISHED_MATCHED_STEP2}); cohort mean {np.nanmean(step2):.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--demo", action="store_true", help="use the demo catalogue, version 1")
    args = parser.parse_args()
    if not args.demo and Program.objects.active().exists():
        check(args.applicants, args.seed, f"the {connection.vendor} database")
        return
    with test_database(demo=True):
        check(args.applicants, args.seed, "the demo catalogue in a throwaway database")


if __name__ == "__main__":
    main()
