"""Benchmark: score 10,000 programs for one applicant (target: median under 20 ms).

    DEBUG=true .venv/bin/python benchmarks/bench_scoring.py [--programs N] [--runs N]

Pure core only: no Django, no database. Programs are generated with a fixed seed in the
`Program.objects.to_frame()` shape, with about a quarter of the policies unknown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from applicants.scoring import score_programs  # noqa: E402
from benchmarks.harness import arguments, report, time_runs  # noqa: E402
from programs.geography import STATE_REGION  # noqa: E402

TARGET_MS = 20.0
YEAR = 2025
PROFILE = {
    "visa": "j1",
    "graduation_year": YEAR - 3,
    "step1_attempts": 1,
    "step1_score": None,
    "step2_score": 238,
    "step2_attempts": 1,
    "step3_score": None,
    "usce_months": 3,
    "observership_months": 2,
    "neuro_publications": 2,
    "neuro_presentations": 3,
    "us_neuro_letters": 2,
    "preferred_states": ["TX", "IL"],
    "preferred_regions": ["Midwest"],
    "excluded_states": ["AK"],
    "list_size": 100,
}


def generate_programs(count: int, seed: int = 42) -> pd.DataFrame:
    """`count` random programs as the scorer's input frame (pk 1..count)."""
    rng = np.random.default_rng(seed)
    states = np.array(sorted(STATE_REGION))
    nan = np.nan

    def tristate(p_yes: float, p_no: float) -> np.ndarray:
        return rng.choice([1.0, 0.0, nan], size=count, p=[p_yes, p_no, 1 - p_yes - p_no])

    def maybe(values: list[float], p_unknown: float) -> np.ndarray:
        chosen = rng.choice(values, size=count)
        return np.where(rng.random(count) < p_unknown, nan, chosen).astype(float)

    state = rng.choice(states, size=count)
    frame = pd.DataFrame(
        {
            "program_id": [f"99{i:08d}" for i in range(count)],
            "name": [f"Benchmark Program {i}" for i in range(count)],
            "institution": "Benchmark Medical Center",
            "city": "Springfield",
            "state": state,
            "setting": rng.choice(["university", "community_affiliated", "community"], count),
            "track": "categorical",
            "tier": maybe([1.0, 2.0, 3.0, 4.0], 0.05),
            "positions": rng.integers(1, 15, size=count).astype(float),
            "img_pct": maybe(list(np.arange(0.0, 101.0)), 0.22),
            "step2_min": maybe([210.0, 215.0, 220.0, 225.0, 230.0, 235.0, 240.0], 0.45),
            "usce_min_months": maybe([0.0, 0.0, 1.0, 2.0, 3.0, 6.0], 0.3),
            "visa_j1": tristate(0.65, 0.17),
            "visa_h1b": tristate(0.2, 0.5),
            "multiple_attempts_ok": tristate(0.35, 0.35),
            "yog_window": maybe([3.0, 5.0, 7.0, 10.0, np.inf, np.inf], 0.28),
            "active": rng.random(count) > 0.02,
        },
        index=pd.RangeIndex(1, count + 1, name="pk"),
    )
    frame["region"] = frame["state"].map(STATE_REGION).fillna("")
    return frame


def run_benchmark(
    doc: str, label: str, target_ms: float, make_run: Callable[[pd.DataFrame], Callable[[], object]]
) -> None:
    """Parse --programs/--runs, generate the catalogue, time `make_run(programs)`, print."""
    args = arguments(doc, programs=10_000, runs=31)
    programs = generate_programs(args.programs)
    timings = time_runs(make_run(programs), args.runs)
    report(f"{label}, {args.programs:,} programs", timings, target_ms)


def main() -> None:
    run_benchmark(
        __doc__,
        "score_programs",
        TARGET_MS,
        lambda programs: lambda: score_programs(PROFILE, programs, as_of_year=YEAR),
    )


if __name__ == "__main__":
    main()
