"""Writing an import plan to the catalogue, under the catalogue lock.

`catalogue_lock()` is the one way to run a catalogue write that no other import runs beside;
`write_plan` applies a planned import in one short transaction with bulk statements.
"""

import datetime as dt
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from programs.history import Origin, field_changes, record_changes
from programs.models import ChangeSource, ImportBatch, Program
from programs.reading import CatalogueImportError

Changes = Mapping[str, tuple[object, object]]

# PostgreSQL advisory lock key taken by every import that writes ("nmca").
CATALOGUE_LOCK = 0x6E6D6361
LOCK_WAIT_SECONDS = 30


@contextmanager
def catalogue_lock() -> Iterator[None]:
    """A transaction that no other catalogue write runs beside, held until it commits.

    Two imports planned side by side would both create the programs their files share: twice
    over for rows keyed by name and state. PostgreSQL: an advisory lock held until commit.
    SQLite: transactions begin IMMEDIATE (settings), which takes the database's write lock; a
    write still waiting when the busy timeout ends tries again until LOCK_WAIT_SECONDS.
    Plan inside the block, so that the plan sees the catalogue it will be written to.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    with ExitStack() as stack:
        while True:
            try:
                stack.enter_context(transaction.atomic())
                break
            except OperationalError as exc:
                if connection.vendor != "sqlite" or "locked" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise CatalogueImportError(
                        "Another import is being written to the catalogue: try again in a minute."
                    ) from None
                time.sleep(0.05)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CATALOGUE_LOCK])
        yield


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(
    rows: Sequence[Mapping[str, object]], now: dt.datetime, *, batch: ImportBatch | None
) -> None:
    """Insert new programs: COPY on PostgreSQL, multi-row INSERT statements elsewhere.

    bulk_create spends most of a 10,000-row import compiling SQL value by value (about 0.55 s
    of the 1 s budget on SQLite; on PostgreSQL psycopg then quotes every value in Python).
    Our values are already clean Python scalars of the column types, which both database
    drivers take as they are.
    """
    fields = [field for field in Program._meta.concrete_fields if not field.primary_key]
    stamps = {"created_at", "updated_at"}
    defaults = {
        field.attname: field.get_db_prep_save(now, connection)
        if field.attname in stamps
        else field.get_default()
        for field in fields
    }
    defaults["created_batch_id"] = batch.pk if batch is not None else None
    names = [field.attname for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(Program._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The raw psycopg cursor bypasses Django's error translation: an IntegrityError
            # here would otherwise escape as psycopg's own UniqueViolation.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row([row.get(name, defaults[name]) for name in names])
            return
        placeholders = f"({', '.join(['%s'] * len(fields))})"
        size = max(1, (connection.features.max_query_params or 999) // len(fields))
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params = [row.get(name, defaults[name]) for row in chunk for name in names]
            values = ", ".join([placeholders] * len(chunk))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)


def write_changes(
    *,
    creates: Sequence[Mapping[str, object]],
    updates: Sequence[tuple[Program, Changes]],
    archives: Sequence[Program],
    origin: Origin,
) -> None:
    """Insert `creates`, apply each update's (before, after) changes, archive `archives`, save
    the origin's batch and record every change in the programs' history: all or nothing."""
    now = timezone.now()
    updated_fields: set[str] = {"updated_at"}
    for program, changes in updates:
        for name, (_before, after) in changes.items():
            setattr(program, name, after)
            updated_fields.add(name)
        program.updated_at = now
    history = [
        (program.pk, name, before, after)
        for program, changes in updates
        for name, (before, after) in changes.items()
    ]
    history += [(program.pk, "active", True, False) for program in archives]
    try:
        with transaction.atomic():
            if origin.batch is not None:
                origin.batch.save()  # first: new programs point at the batch that added them
            _insert(creates, now, batch=origin.batch)
            if updates:
                Program.objects.bulk_update(
                    [program for program, _changes in updates],
                    sorted(updated_fields),
                    batch_size=500,
                )
            for chunk in _chunks([program.pk for program in archives], 500):
                Program.objects.filter(pk__in=chunk).update(active=False, updated_at=now)
            record_changes(origin, history, at=now)
    except IntegrityError:
        raise CatalogueImportError(
            "The catalogue changed while this file was being imported (another import at the "
            "same time?). Nothing was written: try again."
        ) from None


def save_program_edit(*, program: Program, user: AbstractBaseUser) -> None:
    """Save a program edited by hand (the admin) and record each field it changed."""
    origin = Origin(ChangeSource.ADMIN, user=user)
    with catalogue_lock():
        now = timezone.now()
        before = Program.objects.filter(pk=program.pk).first() if program.pk else None
        program.save()
        if before is None:
            record_changes(origin, [(program.pk, "", None, None)], at=now)
            return
        changes = field_changes(before, program)
        record_changes(
            origin, [(program.pk, n, old, new) for n, (old, new) in changes.items()], at=now
        )


def set_active(*, programs: QuerySet[Program], active: bool, user: AbstractBaseUser) -> int:
    """Archive (`active=False`) or restore the programs, recording each; return how many
    changed."""
    with catalogue_lock():
        now = timezone.now()
        changing = list(programs.filter(active=not active).values_list("pk", flat=True))
        for chunk in _chunks(changing, 500):
            Program.objects.filter(pk__in=chunk).update(active=active, updated_at=now)
        history = [(pk, "active", not active, active) for pk in changing]
        record_changes(Origin(ChangeSource.ADMIN, user=user), history, at=now)
    return len(changing)
