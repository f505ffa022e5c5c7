"""Benchmark: score + build a 100-program list + outlook for 10,000 programs (target < 100 ms).

    DEBUG=true .venv/bin/python benchmarks/bench_build.py [--programs N] [--runs N]

Pure core only: no Django, no database; the same generated catalogue as bench_scoring.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from applicants.listbuilder import build_list, outlook, suggest_signals  # noqa: E402
from applicants.scoring import score_programs  # noqa: E402
from benchmarks.bench_scoring import (  # noqa: E402
    PROFILE,
    YEAR,
    generate_programs,
    report,
    time_runs,
)

TARGET_MS = 100.0


def build_once(programs) -> None:
    scored = score_programs(PROFILE, programs, as_of_year=YEAR)
    built = build_list(
        scored,
        size=PROFILE["list_size"],
        preferred_states=PROFILE["preferred_states"],
    )
    outlook(scored["probability"].loc[built.ranked].to_numpy())
    suggest_signals(scored, built.ranked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args()
    programs = generate_programs(args.programs)
    timings = time_runs(lambda: build_once(programs), args.runs)
    report(f"score + build_list + outlook, {args.programs:,} programs", timings, TARGET_MS)


if __name__ == "__main__":
    main()
