"""Two imports of overlapping files at the same time end in a consistent catalogue.

Real threads, each with its own database connection, start together at a barrier. Whatever
order the database lets them write in, the catalogue must hold each program once (by program
ID, and by name + state for rows without one), every batch's counts must add up to its file,
and the overlapping programs must carry the values of the import that finished last.
"""

import threading
from collections import Counter

import pytest
from django.db import connections

from programs.importer import CatalogueImportError, ImportResult, import_catalogue
from programs.models import ImportBatch, Program
from programs.normalise import name_key
from tests.factories import make_catalogue_csv, make_program

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

HEADER = ["program_id", "name", "state", "positions", "img_pct", "J1 Visa"]
ROUNDS = 5


def row(number: int, *, positions: int, ids: bool = True) -> list[str]:
    """Program `number`; every third one (or, without `ids`, every one) has no program ID, so
    it is keyed by name + state."""
    program_id = "" if number % 3 == 0 or not ids else f"18{number:08d}"
    state = ("TX", "NY", "CA")[number % 3]
    return [program_id, f"Concurrent Neurology {number}", state, str(positions), "25", "yes"]


def catalogue_file(numbers: range, *, positions: int, ids: bool) -> bytes:
    rows = [row(number, positions=positions, ids=ids) for number in numbers]
    return make_catalogue_csv([HEADER] + rows)


FIRST = range(0, 60)
SECOND = range(30, 90)


def overlapping_files(*, ids: bool) -> dict[str, bytes]:
    return {
        "first.csv": catalogue_file(FIRST, positions=4, ids=ids),
        "second.csv": catalogue_file(SECOND, positions=8, ids=ids),
    }


def import_together(files: dict[str, bytes]) -> tuple[dict[str, ImportResult], list[str]]:
    """Import each file in its own thread, all released at once; results and failures."""
    barrier = threading.Barrier(len(files))
    results: dict[str, ImportResult] = {}
    failures: list[str] = []

    def run(file_name: str, content: bytes) -> None:
        try:
            barrier.wait(timeout=30)
            results[file_name] = import_catalogue(content=content, file_name=file_name)
        except Exception as exc:
            failures.append(f"{file_name}: {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in files.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an import never finished"
    return results, failures


def keys(numbers: range) -> set[tuple[str, str]]:
    return {(name_key(f"Concurrent Neurology {n}"), ("TX", "NY", "CA")[n % 3]) for n in numbers}


@pytest.mark.parametrize("ids", [True, False], ids=["mostly program IDs", "names only"])
@pytest.mark.parametrize("seeded", [False, True], ids=["empty catalogue", "seeded catalogue"])
def test_two_overlapping_imports_at_once_leave_each_program_once_with_counts_that_add_up(
    seeded, ids
):
    # Seeded: part of the overlap is in the catalogue already, so both imports update it.
    existing = range(40, 50) if seeded else range(0)
    for round_number in range(ROUNDS):
        Program.objects.all().delete()
        ImportBatch.objects.all().delete()
        for number in existing:
            program_id, name, state, *_ = row(number, positions=1, ids=ids)
            make_program(program_id=program_id or None, name=name, state=state, positions=1)

        results, failures = import_together(overlapping_files(ids=ids))

        assert not failures, f"round {round_number}: {failures}"
        programs = list(Program.objects.all())
        by_key = Counter((name_key(program.name), program.state) for program in programs)
        by_id = Counter(program.program_id for program in programs if program.program_id)
        assert set(by_key.values()) == {1}, f"round {round_number}: duplicate name + state"
        assert set(by_id.values()) <= {1}, f"round {round_number}: duplicate program ID"
        assert set(by_key) == keys(FIRST) | keys(SECOND)

        earlier, later = sorted(results.values(), key=lambda result: result.batch.pk)
        for result in (earlier, later):
            batch = result.batch
            assert batch.created + batch.updated + batch.unchanged == 60
            assert (batch.archived, batch.rejected) == (0, 0)
        overlap = len(FIRST) + len(SECOND) - len(by_key)
        assert earlier.batch.created + later.batch.created == len(programs) - len(existing)
        assert later.batch.created == 60 - overlap
        assert later.batch.updated == overlap
        later_positions = 4 if later.batch.file_name == "first.csv" else 8
        shared = [program for program in programs if 30 <= int(program.name.split()[-1]) < 60]
        assert {program.positions for program in shared} == {later_positions}
        assert ImportBatch.objects.filter(dry_run=False).count() == 2


def test_a_program_id_taken_between_planning_and_writing_fails_cleanly_and_writes_nothing(
    monkeypatch,
):
    from programs import importer

    plan_changes = importer.plan_changes

    def plan_then_race(*args, **kwargs):
        plan = plan_changes(*args, **kwargs)
        make_program(program_id="1800000001", name="Raced Neurology")
        return plan

    monkeypatch.setattr(importer, "plan_changes", plan_then_race)

    with pytest.raises(CatalogueImportError, match="changed while this file was being imported"):
        import_catalogue(content=catalogue_file(FIRST, positions=4, ids=True), file_name="a.csv")

    assert not Program.objects.exists()
    assert not ImportBatch.objects.exists()


def test_a_second_catalogue_write_waits_for_the_first_to_commit_and_then_sees_it():
    from programs.writer import catalogue_lock

    first_inside = threading.Event()
    order: list[str] = []
    seen: list[bool] = []

    def first() -> None:
        try:
            with catalogue_lock():
                make_program(program_id="1800000077", name="Locked Neurology")
                first_inside.set()
                threading.Event().wait(0.5)
                order.append("first commits")
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_inside.wait(timeout=30)
            with catalogue_lock():
                order.append("second enters")
                seen.append(Program.objects.filter(program_id="1800000077").exists())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert order == ["first commits", "second enters"]
    assert seen == [True]


def test_a_failure_inside_the_catalogue_lock_writes_nothing():
    from programs.writer import catalogue_lock

    with pytest.raises(RuntimeError), catalogue_lock():
        make_program(program_id="1800000078")
        raise RuntimeError("stop")

    assert not Program.objects.exists()


def test_two_accepts_giving_two_programs_one_name_at_once_let_only_one_through():
    from programs.corrections import CorrectionError, accept_correction
    from programs.models import Correction
    from tests.factories import make_catalogue_editor, make_user

    alice, editor = make_user("alice"), make_catalogue_editor()
    corrections = [
        Correction.objects.create(
            program=make_program(program_id=None, name=f"NoID {name} Neurology", state="OH"),
            user=alice,
            field="name",
            value="NoID Gamma Neurology",
            evidence="The program's own page.",
        )
        for name in ("Alpha", "Beta")
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(correction_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            accept_correction(correction_id=correction_id, reviewer=editor)
            outcomes.append("accepted")
        except CorrectionError as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=[c.pk]) for c in corrections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes)[0].startswith("Another program in OH is already called")
    assert sorted(outcomes)[1] == "accepted"
    names = [name_key(name) for name in Program.objects.values_list("name", flat=True)]
    assert Counter(names)[name_key("NoID Gamma Neurology")] == 1
