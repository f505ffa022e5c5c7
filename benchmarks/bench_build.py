"""Benchmark: score + build a 100-program list + outlook for 10,000 programs (target < 100 ms).

    DEBUG=true .venv/bin/python benchmarks/bench_build.py [--programs N] [--runs N]

Pure core only: no Django, no database; the same generated catalogue as bench_scoring.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from applicants.listbuilder import build_list, outlook, suggest_signals  # noqa: E402
from applicants.scoring import score_programs  # noqa: E402
from benchmarks.bench_scoring import PROFILE, YEAR, run_benchmark  # noqa: E402

TARGET_MS = 100.0


def build_once(programs: pd.DataFrame) -> None:
    scored = score_programs(PROFILE, programs, as_of_year=YEAR)
    built = build_list(
        scored,
        size=PROFILE["list_size"],
        preferred_states=PROFILE["preferred_states"],
    )
    outlook(scored["probability"].loc[built.ranked].to_numpy())
    suggest_signals(scored, built.ranked)


def main() -> None:
    run_benchmark(
        __doc__,
        "score + build_list + outlook",
        TARGET_MS,
        lambda programs: lambda: build_once(programs),
    )


if __name__ == "__main__":
    main()
