"""What the benchmark scripts share: Django on a throwaway database, timing and printing.

A script puts the project on `sys.path`, calls `setup_django()` before it imports a model (the
pure-core scripts do not), runs inside `test_database()` and prints its figures with `report`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_CSV = ROOT / "fixtures" / "demo_programs.csv"


def setup_django() -> None:
    """Settings from the environment, DEBUG on unless it says otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuromatch.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


@contextmanager
def test_database(*, demo: bool = False) -> Iterator[None]:
    """A throwaway test database, with the demo catalogue if `demo`, dropped afterwards.

    SQLite in memory, or `test_<name>` on PostgreSQL when DATABASE_URL is set; the user's own
    database is never touched.
    """
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if demo:
            with open(os.devnull, "w") as quiet:
                call_command("import_programs", str(DEMO_CSV), stdout=quiet)
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def arguments(doc: str, **defaults: int) -> argparse.Namespace:
    """The script's integer options (`--runs 21` …) with their defaults, from its docstring."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, default in defaults.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    return parser.parse_args()


def time_runs(run: Callable[[], object], runs: int, *, warm_up: int = 3) -> list[float]:
    """Wall-clock milliseconds of `runs` calls, after `warm_up` calls."""
    return _measure(run, runs, time.perf_counter, warm_up)


def cpu_runs(run: Callable[[], object], runs: int) -> list[float]:
    """CPU milliseconds this process spends on each of `runs` calls."""
    return _measure(run, runs, time.process_time, 0)


def _measure(
    run: Callable[[], object], runs: int, clock: Callable[[], float], warm_up: int
) -> list[float]:
    for _ in range(warm_up):
        run()
    timings = []
    for _ in range(runs):
        start = clock()
        run()
        timings.append((clock() - start) * 1000.0)
    return timings


def verdict(value: float, target: float) -> str:
    return "meets the target" if value < target else "OVER the target"


def report(label: str, timings: list[float], target_ms: float) -> None:
    median = statistics.median(timings)
    print(
        f"{label}: median {median:.1f} ms, best {min(timings):.1f} ms over {len(timings)} runs "
        f"(target < {target_ms:.0f} ms: {verdict(median, target_ms)})"
    )


def load_average() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
