"""Benchmark: our catalogue import against django-import-export on a 10,000-row file.

    .venv/bin/python benchmarks/bench_import.py            # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/bench_import.py --backend sqlite

Each backend runs in its own process on a throwaway database (a temporary SQLite file; a new
PostgreSQL database on the server of $DATABASE_URL, else postgres://postgres@127.0.0.1:5432,
dropped afterwards). The user's db.sqlite3 is never touched. For each tool it times a first
import into an empty catalogue and a re-import of the same file (0 changes), best of
--repeat runs, and prints seconds and the ratio peer / ours.
Targets: ours at least 8x faster than the peer, first import under 1 s on SQLite.
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
STATES = ["TX", "NY", "CA", "FL", "IL", "PA", "OH", "MI", "GA", "NC", "MA", "NJ", "WA", "MO"]


def generate_csv(path: Path, rows: int) -> None:
    """A canonical-column catalogue of fictional programs (IDs starting 77), deterministic."""
    import csv

    from programs.normalise import CANONICAL_COLUMNS

    rng = random.Random(2025)
    tristate = ["yes", "no", ""]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CANONICAL_COLUMNS)
        for number in range(rows):
            writer.writerow(
                {
                    "program_id": f"77{number:08d}",
                    "nrmp_codes": f"{1000 + number % 9000:04d}180C0",
                    "name": f"Benchmark Neurology Program {number}",
                    "institution": f"Benchmark Medical Center {number}",
                    "city": f"City {number % 500}",
                    "state": rng.choice(STATES),
                    "setting": rng.choice(["university", "community_affiliated", "community"]),
                    "tier": str(rng.randint(1, 4)),
                    "track": rng.choice(["categorical", "advanced", "child"]),
                    "positions": str(rng.randint(2, 16)),
                    "visa_j1": rng.choice(tristate),
                    "visa_h1b": rng.choice(tristate),
                    "img_pct": rng.choice(
                        ["", str(rng.randint(0, 90)), f"{rng.random() * 90:.1f}"]
                    ),
                    "step2_min": rng.choice(["", str(rng.randint(200, 240))]),
                    "yog_window": rng.choice(["", "none", str(rng.randint(1, 10))]),
                    "multiple_attempts_ok": rng.choice(tristate),
                    "usce_min_months": rng.choice(["", "0", "3", "6"]),
                    "website": f"https://example.org/neurology/{number}",
                    "notes": rng.choice(["", "Interviews virtual."]),
                    "data_source": "benchmark",
                    "last_verified": "2025-06-01",
                }.get(column, "")
                for column in CANONICAL_COLUMNS
            )


def peer_resource() -> type:
    """A django-import-export resource for the same columns, as a careful user would write it."""
    from import_export import fields, resources, widgets

    from programs.models import Program

    class TriState(widgets.Widget):
        def clean(self, value: object, row: object = None, **kwargs: object) -> bool | None:
            text = str(value or "").strip().lower()
            return None if text == "" else text in {"yes", "y", "true", "1"}

    class ProgramResource(resources.ModelResource):
        visa_j1 = fields.Field("visa_j1", "visa_j1", widget=TriState())
        visa_h1b = fields.Field("visa_h1b", "visa_h1b", widget=TriState())
        multiple_attempts_ok = fields.Field(
            "multiple_attempts_ok", "multiple_attempts_ok", widget=TriState()
        )

        class Meta:
            model = Program
            import_id_fields = ("program_id",)
            fields = (
                "program_id", "nrmp_codes", "name", "institution", "city", "state", "setting",
                "tier", "track", "positions", "visa_j1", "visa_h1b", "img_pct", "step2_min",
                "yog_policy", "yog_window", "multiple_attempts_ok", "usce_min_months",
                "website", "notes", "data_source", "last_verified",
            )  # fmt: skip
            use_bulk = True
            batch_size = 1000
            skip_unchanged = True
            report_skipped = False

        def before_import_row(self, row: dict, **kwargs: object) -> None:
            window = str(row.get("yog_window") or "").strip()
            row["yog_policy"] = "none" if window == "none" else ("limit" if window else "unknown")
            row["yog_window"] = window if window.isdigit() else ""

    return ProgramResource


def _best(seconds: list[float]) -> float:
    return min(seconds)


def worker(database_url: str, csv_path: Path, repeat: int) -> dict[str, object]:
    """Runs inside a child process whose DATABASE_URL is the throwaway database."""
    os.environ["DATABASE_URL"] = database_url
    # Production settings: DEBUG off, so Django does not record every query.
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_SETTINGS_MODULE"] = "neuromatch.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import tablib
    from django.core.management import call_command

    from programs.importer import import_catalogue
    from programs.models import ImportBatch, Program

    call_command("migrate", verbosity=0, interactive=False)
    content = csv_path.read_bytes()
    rows = content.count(b"\n") - 1
    resource_class = peer_resource()

    def ours() -> tuple[float, float]:
        start = time.perf_counter()
        first = import_catalogue(content=content, file_name=csv_path.name)
        middle = time.perf_counter()
        again = import_catalogue(content=content, file_name=csv_path.name)
        end = time.perf_counter()
        assert len(first.plan.creates) == rows and not first.plan.errors, "first import failed"
        assert again.plan.changes == 0 and len(again.plan.unchanged) == rows, "re-import changed"
        return middle - start, end - middle

    def peer() -> tuple[float, float]:
        times = []
        for _ in range(2):
            start = time.perf_counter()
            dataset = tablib.Dataset().load(content.decode("utf-8"), format="csv")
            result = resource_class().import_data(dataset, dry_run=False, use_transactions=True)
            times.append(time.perf_counter() - start)
            assert not result.has_errors() and not result.has_validation_errors(), "peer failed"
        assert Program.objects.count() == rows, "peer imported a different number of rows"
        return times[0], times[1]

    results: dict[str, list[float]] = {key: [] for key in ("ours1", "ours2", "peer1", "peer2")}
    for _ in range(repeat):
        for name, run in (("ours", ours), ("peer", peer)):
            Program.objects.all().delete()
            ImportBatch.objects.all().delete()
            first, again = run()
            results[f"{name}1"].append(first)
            results[f"{name}2"].append(again)
    return {"rows": rows, **{key: _best(values) for key, values in results.items()}}


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run_backend(backend: str, csv_path: Path, repeat: int, workdir: Path) -> dict[str, object]:
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        cleanup = None
    else:
        import psycopg

        server = os.environ.get("DATABASE_URL", "")
        server = server if server.startswith("postgres") else DEFAULT_SERVER
        name = f"nm_bench_import_{os.getpid()}"
        admin_url = _with_database(server, "postgres")
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        url = _with_database(server, name)

        def cleanup() -> None:
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    try:
        output = subprocess.run(
            [sys.executable, __file__, "--worker", url, "--csv", str(csv_path), "--repeat",
             str(repeat)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout  # fmt: skip
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stderr)
        raise SystemExit(f"The {backend} benchmark failed.") from None
    finally:
        if cleanup:
            cleanup()
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure; best is kept")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, Path(args.csv), args.repeat)))
        return

    sys.path.insert(0, str(ROOT))
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="nm-bench-import-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "catalogue.csv"
        generate_csv(csv_path, args.rows)
        size = csv_path.stat().st_size / 1024 / 1024
        print(f"{args.rows:,} rows, {size:.1f} MB, best of {args.repeat} runs")
        header = f"{'backend':<10} {'import':<10} {'ours s':>8} {'peer s':>8} {'peer/ours':>10}"
        print(header)
        print("-" * len(header))
        failed = False
        for backend in backends:
            figures = run_backend(backend, csv_path, args.repeat, workdir)
            for label, key in (("first", "1"), ("re-import", "2")):
                ours, peer = figures[f"ours{key}"], figures[f"peer{key}"]
                ratio = peer / ours
                print(f"{backend:<10} {label:<10} {ours:>8.3f} {peer:>8.2f} {ratio:>9.1f}x")
                failed |= ratio < 8
            if backend == "sqlite" and args.rows == 10_000:
                failed |= figures["ours1"] >= 1.0
        print("targets: ours >= 8x faster than the peer; 10,000-row first import < 1 s on SQLite")
        print("targets " + ("MISSED" if failed else "met"))
        if failed:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
