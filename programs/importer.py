"""Catalogue import: read → clean → validate → plan → write.

Reading (`programs.reading`) turns the file into columns of cell text. Cleaning uses the pure
cleaners of `programs.normalise`; planning compares the rows with the catalogue; writing
(`programs.writer`) happens under the catalogue lock in one short transaction with bulk
statements. Every problem a user can cause is raised as `CatalogueImportError`, whose message
says what to fix.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.text import capfirst

from programs.history import Origin
from programs.models import ChangeSource, ImportBatch, Program
from programs.normalise import (
    CLEANERS,
    REQUIRED_COLUMNS,
    VISA_LIST,
    CellError,
    aliases_of,
    canonical_field,
    format_number,
    name_key,
    restore_csv_text,
)
from programs.reading import (
    MAX_BYTES,
    MAX_ROWS,
    CatalogueImportError,
    RowError,
    Table,
    parse_file,
)
from programs.writer import catalogue_lock, write_changes

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "CatalogueImportError",
    "ImportPlan",
    "ImportResult",
    "RowError",
    "Table",
    "clean_table",
    "confirm_import",
    "import_catalogue",
    "plan_changes",
]

MAX_STORED_ERRORS = 500
PENDING_FOR = dt.timedelta(hours=1)


@dataclass
class CleanRow:
    line: int
    values: dict[str, object]


@dataclass
class CleanTable:
    rows: list[CleanRow]
    fields: tuple[str, ...]
    headers: dict[str, str]
    ignored_columns: list[str]
    errors: list[RowError]
    total_rows: int


@dataclass
class PlannedRow:
    """A row of the file: the program it updates (None when new), its values, what changes."""

    line: int
    values: dict[str, object]
    program: Program | None = None
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)

    def change_list(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) as text, for the preview."""
        described = []
        for name, (before, after) in self.changes.items():
            model_field = Program._meta.get_field(name)
            choices = dict(model_field.flatchoices)
            described.append(
                (
                    capfirst(str(model_field.verbose_name)),
                    display(choices.get(before, before)),
                    display(choices.get(after, after)),
                )
            )
        return described


def display(value: object) -> str:
    """A field value as the preview shows it."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass
class ImportPlan:
    """What importing a file would do; nothing in it is saved yet."""

    total_rows: int
    creates: list[PlannedRow]
    updates: list[PlannedRow]
    unchanged: list[PlannedRow]
    archives: list[Program]
    errors: list[RowError]
    ignored_columns: list[str]
    headers: dict[str, str]

    @property
    def rejected(self) -> int:
        return len({error.line for error in self.errors})

    @property
    def changes(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.archives)

    def digest(self) -> str:
        """A hash of everything the plan would do and report: equal digests, equal imports."""
        described = (
            [("create", row.line, sorted(row.values.items())) for row in self.creates],
            [
                ("update", row.line, row.program.pk, sorted(row.changes.items()))
                for row in self.updates
            ],
            [("same", row.line, row.program.pk) for row in self.unchanged],
            sorted(program.pk for program in self.archives),
            [(error.line, error.column, error.message) for error in self.errors],
        )
        return hashlib.sha256(repr(described).encode()).hexdigest()

    def problem(self, *, skip_invalid: bool, full_catalogue: bool) -> str | None:
        """Why this plan may not be applied with these options, or None when it may."""
        if not self.errors:
            return None
        rows = "1 row has" if self.rejected == 1 else f"{self.rejected} rows have"
        if full_catalogue:
            return (
                f"{rows} errors. A full-catalogue import archives every program missing "
                "from the file, so it needs a file without errors: fix the rows listed, or "
                "import without “full catalogue”."
            )
        if not skip_invalid:
            return (
                f"{rows} errors, so nothing is imported. Fix the rows listed, or import "
                "the valid rows and skip the invalid ones."
            )
        return None


@dataclass
class ImportResult:
    """What an import did (a dry run: would do), and why it may not be applied as asked."""

    plan: ImportPlan
    batch: ImportBatch
    problem: str | None = None

    @property
    def summary(self) -> str:
        """The counts in words: `3 created, 2 updated, 10 unchanged, 0 archived, 1 rejected`."""
        plan = self.plan
        return (
            f"{len(plan.creates)} created, {len(plan.updates)} updated, "
            f"{len(plan.unchanged)} unchanged, {len(plan.archives)} archived, "
            f"{plan.rejected} rejected"
        )


# Clean and validate ----------------------------------------------------------------------


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def clean_table(table: Table) -> CleanTable:
    """Map headers to fields, normalise every cell and check each row; collect the errors."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(table.headers):
        name = canonical_field(header)
        if name is None:
            if header or any(cell.strip() for cell in table.columns[index]):
                ignored.append(header or f"(column {_column_letter(index)}, no header)")
            continue
        if name in positions:
            other = table.headers[positions[name]]
            raise CatalogueImportError(
                f"Columns “{other}” and “{header}” both mean {name}: keep one of them."
            )
        positions[name] = index
    for required in REQUIRED_COLUMNS:
        if required not in positions:
            accepted = ", ".join(f"“{alias}”" for alias in aliases_of(required)[:4])
            found = ", ".join(f"“{header}”" for header in table.headers[:8] if header)
            raise CatalogueImportError(
                f"The file has no {required} column (accepted headers include {accepted}). "
                f"The header row read was: {found or 'empty'}."
            )

    errors: list[RowError] = []
    bad: set[int] = set()
    cleaned: dict[str, list[object]] = {}
    for name, index in positions.items():
        cleaner = CLEANERS[name]
        column = table.columns[index]
        results: dict[str, object] = {}
        for raw in dict.fromkeys(column):
            try:
                results[raw] = cleaner(restore_csv_text(raw))
            except CellError as exc:
                results[raw] = exc
        values = list(map(results.__getitem__, column))
        if any(isinstance(value, CellError) for value in results.values()):
            for row, value in enumerate(values):
                if isinstance(value, CellError):
                    errors.append(
                        RowError(table.lines[row], table.headers[index], column[row], str(value))
                    )
                    bad.add(row)
                    values[row] = None
        cleaned[name] = values

    plain = [name for name in positions if name not in (VISA_LIST, "yog_window")]
    fields = list(plain)
    if "yog_window" in positions:
        fields += ["yog_policy", "yog_window"]
    if VISA_LIST in positions:
        fields += [name for name in ("visa_j1", "visa_h1b") if name not in fields]

    rows: list[CleanRow] = []
    ids: dict[str, int] = {}
    names: dict[tuple[str, str], int] = {}
    cells_by_row = zip(*(cleaned[name] for name in plain), strict=True)
    for row, (line, cells) in enumerate(zip(table.lines, cells_by_row, strict=True)):
        values = dict(zip(plain, cells, strict=True))
        for required in REQUIRED_COLUMNS:
            if not values[required] and row not in bad:
                errors.append(RowError(line, table.headers[positions[required]], "", "is required"))
                bad.add(row)
        if row in bad:
            continue
        if "yog_window" in positions:
            values["yog_policy"], values["yog_window"] = cleaned["yog_window"][row]
        if VISA_LIST in positions:
            j1, h1b = cleaned[VISA_LIST][row]
            if values.get("visa_j1") is None:
                values["visa_j1"] = j1
            if values.get("visa_h1b") is None:
                values["visa_h1b"] = h1b
        program_id = values.get("program_id")
        if program_id:
            if program_id in ids:
                errors.append(
                    RowError(
                        line,
                        table.headers[positions["program_id"]],
                        str(program_id),
                        f"repeats the program ID of line {ids[program_id]}",
                    )
                )
                continue
            ids[program_id] = line
        else:
            key = (name_key(str(values["name"])), str(values["state"]))
            if key in names:
                errors.append(
                    RowError(
                        line,
                        table.headers[positions["name"]],
                        str(values["name"]),
                        f"repeats the program of line {names[key]} (same name and state, "
                        "no program ID)",
                    )
                )
                continue
            names[key] = line
        rows.append(CleanRow(line, values))
    errors.sort(key=lambda error: error.line)
    return CleanTable(
        rows=rows,
        fields=tuple(fields),
        headers={name: table.headers[index] for name, index in positions.items()},
        ignored_columns=ignored,
        errors=errors,
        total_rows=len(table.lines),
    )


# Plan -------------------------------------------------------------------------------------


def plan_changes(clean: CleanTable, *, full_catalogue: bool) -> ImportPlan:
    """Match each row with the catalogue (program ID, else name + state) and diff it."""
    programs = list(Program.objects.all())
    by_id = {program.program_id: program for program in programs if program.program_id}
    by_name: dict[tuple[str, str], list[Program]] = defaultdict(list)
    for program in programs:
        by_name[(name_key(program.name), program.state)].append(program)

    errors = list(clean.errors)
    creates: list[PlannedRow] = []
    updates: list[PlannedRow] = []
    unchanged: list[PlannedRow] = []
    claimed: dict[int, int] = {}
    fields = clean.fields
    for row in clean.rows:
        values = row.values
        program_id = values.get("program_id")
        if program_id and program_id in by_id:
            candidates = [by_id[program_id]]
        else:
            key = (name_key(str(values["name"])), str(values["state"]))
            candidates = [
                program
                for program in by_name.get(key, ())
                if not (program_id and program.program_id)
            ]
        if len(candidates) > 1:
            errors.append(
                RowError(
                    row.line,
                    clean.headers["name"],
                    str(values["name"]),
                    f"matches {len(candidates)} programs in the catalogue with this name and "
                    "state: add their program IDs to the file",
                )
            )
            continue
        if not candidates:
            creates.append(PlannedRow(row.line, values))
            continue
        program = candidates[0]
        if program.pk in claimed:
            errors.append(
                RowError(
                    row.line,
                    clean.headers["name"],
                    str(values["name"]),
                    f"is the same catalogue program as line {claimed[program.pk]}",
                )
            )
            continue
        claimed[program.pk] = row.line
        changes: dict[str, tuple[object, object]] = {}
        for name in fields:
            after = values[name]
            if name == "program_id" and after is None:
                continue
            before = getattr(program, name)
            if before != after:
                changes[name] = (before, after)
        if not program.active:
            changes["active"] = (False, True)
        (updates if changes else unchanged).append(PlannedRow(row.line, values, program, changes))

    archives = (
        [program for program in programs if program.active and program.pk not in claimed]
        if full_catalogue
        else []
    )
    errors.sort(key=lambda error: error.line)
    return ImportPlan(
        total_rows=clean.total_rows,
        creates=creates,
        updates=updates,
        unchanged=unchanged,
        archives=archives,
        errors=errors,
        ignored_columns=clean.ignored_columns,
        headers=clean.headers,
    )


# Services ---------------------------------------------------------------------------------


def import_catalogue(
    *,
    content: bytes,
    file_name: str,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    full_catalogue: bool = False,
    skip_invalid: bool = False,
    keep_content: bool = False,
) -> ImportResult:
    """Import a catalogue file, or with `dry_run` only plan it; either way record an ImportBatch.

    Raises CatalogueImportError when the file cannot be read, or (unless `dry_run`) when rows
    have errors and `skip_invalid` is off; then nothing is written. `keep_content` stores the
    file's bytes on the batch so that a preview can be confirmed later (`confirm_import`).
    """
    clean = clean_table(parse_file(content=content, file_name=file_name))
    run = _Run(content, file_name, user, full_catalogue, skip_invalid)
    if dry_run:
        return _preview(clean, run, keep_content=keep_content)
    with catalogue_lock():
        return _apply(clean, run)


@dataclass(frozen=True)
class _Run:
    content: bytes
    file_name: str
    user: AbstractBaseUser | None
    full_catalogue: bool
    skip_invalid: bool

    def batch(self, plan: ImportPlan, *, dry_run: bool) -> ImportBatch:
        """The unsaved record of this run and its plan."""
        user = self.user
        return ImportBatch(
            user=user if user is not None and user.is_authenticated else None,
            file_name=Path(self.file_name).name[:255],
            sha256=hashlib.sha256(self.content).hexdigest(),
            dry_run=dry_run,
            full_catalogue=self.full_catalogue,
            skip_invalid=self.skip_invalid,
            created=len(plan.creates),
            updated=len(plan.updates),
            unchanged=len(plan.unchanged),
            archived=len(plan.archives),
            rejected=plan.rejected,
            errors=[error.as_dict() for error in plan.errors[:MAX_STORED_ERRORS]],
            ignored_columns=plan.ignored_columns,
            plan_digest=plan.digest(),
        )

    def problem(self, plan: ImportPlan) -> str | None:
        return plan.problem(skip_invalid=self.skip_invalid, full_catalogue=self.full_catalogue)


def _preview(clean: CleanTable, run: _Run, *, keep_content: bool) -> ImportResult:
    plan = plan_changes(clean, full_catalogue=run.full_catalogue)
    batch = run.batch(plan, dry_run=True)
    if keep_content:
        batch.content = run.content
        _forget_stale_previews(run.user)
    batch.save()
    return ImportResult(plan=plan, batch=batch, problem=run.problem(plan))


def _apply(clean: CleanTable, run: _Run, *, previewed: str | None = None) -> ImportResult:
    """Plan and write; call under `catalogue_lock()`. With `previewed` (a plan digest), write
    only a plan equal to the one the preview showed."""
    plan = plan_changes(clean, full_catalogue=run.full_catalogue)
    if previewed is not None and plan.digest() != previewed:
        raise CatalogueImportError(
            "The catalogue has changed since this preview (another import or an edit), so "
            "importing now would not do what the preview showed. Nothing was written: upload "
            "the file again for a new preview."
        )
    problem = run.problem(plan)
    if problem:
        raise CatalogueImportError(problem, errors=plan.errors)
    batch = run.batch(plan, dry_run=False)
    write_changes(
        creates=[planned.values for planned in plan.creates],
        updates=[(planned.program, planned.changes) for planned in plan.updates],
        archives=plan.archives,
        origin=Origin(ChangeSource.IMPORT, user=batch.user, batch=batch),
    )
    return ImportResult(plan=plan, batch=batch, problem=None)


def _forget_stale_previews(user: AbstractBaseUser | None) -> None:
    stale = ImportBatch.objects.filter(content__isnull=False)
    stale.filter(created_at__lt=timezone.now() - PENDING_FOR).update(content=None)
    if user is not None:
        stale.filter(user=user).update(content=None)


def confirm_import(
    *, batch_id: int, sha256: str, user: AbstractBaseUser, skip_invalid: bool = False
) -> ImportResult:
    """Apply the file previewed as ImportBatch `batch_id`, if it is this user's pending preview.

    The bytes come from the batch, never from the client; `sha256` must match both the hash
    recorded at preview time and the stored bytes, so exactly the previewed file is imported,
    and only if the catalogue still gives the plan the preview showed. `skip_invalid` lets the
    user choose, after seeing the errors, to import the valid rows. A confirm that fails
    leaves the preview pending.
    """
    pending = ImportBatch.objects.filter(
        pk=batch_id,
        user=user,
        dry_run=True,
        content__isnull=False,
        created_at__gte=timezone.now() - PENDING_FOR,
    )
    batch = pending.first()
    if batch is None:
        raise CatalogueImportError(
            "This preview was imported already or has expired: upload the file again."
        )
    content = bytes(batch.content)
    if sha256 != batch.sha256 or hashlib.sha256(content).hexdigest() != batch.sha256:
        raise CatalogueImportError("The file does not match its preview: upload it again.")
    clean = clean_table(parse_file(content=content, file_name=batch.file_name))
    run = _Run(
        content, batch.file_name, user, batch.full_catalogue, batch.skip_invalid or skip_invalid
    )
    with catalogue_lock():
        # Claimed in the import's own transaction: a double submit imports once, and a confirm
        # that fails rolls the claim back with everything else.
        if not pending.filter(pk=batch.pk).update(content=None):
            raise CatalogueImportError("This preview was imported already: upload the file again.")
        return _apply(clean, run, previewed=batch.plan_digest)
