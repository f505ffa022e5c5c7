"""The import plan: each cleaned row matched with the catalogue and compared with it.

Reads the catalogue and saves nothing: `plan_changes` says what importing a cleaned table
would create, update, leave unchanged and archive, and which rows cannot be imported.
"""

import datetime as dt
import hashlib
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from django.utils.text import capfirst

from programs.catalogue import ProgramMatcher, identity_key
from programs.cleaning import CleanTable, accepted_headers
from programs.models import Program
from programs.normalise import format_number
from programs.reading import RowError, rows_with_errors


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
    # Unknown named headers, the ones a mapping gave a field, and the whole header row.
    unknown_headers: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)
    header_row: list[str] = field(default_factory=list)
    # Required fields no column holds: nothing is planned until a mapping gives them one.
    missing: list[str] = field(default_factory=list)

    @property
    def missing_columns(self) -> str:
        """The required fields no column holds, in words: `name`, `name and state`."""
        return " and ".join(self.missing)

    @property
    def mappable_headers(self) -> list[str]:
        """The named columns a mapping can give a field: unknown ones and mapped ones."""
        return [h for h in self.header_row if h in self.mapped or h in self.unknown_headers]

    @property
    def rejected(self) -> int:
        return rows_with_errors(self.errors)

    @property
    def changes(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.archives)

    def digest(self) -> str:
        """A hash of everything the plan would do and report: equal digests, equal imports.

        New programs count by line only: their values come from the file, which a confirm
        checks by its own hash; everything that depends on the catalogue counts in full.
        """
        described = (
            [row.line for row in self.creates],
            [(row.line, row.program.pk, sorted(row.changes.items())) for row in self.updates],
            [(row.line, row.program.pk) for row in self.unchanged],
            sorted(program.pk for program in self.archives),
            [(error.line, error.column, error.message) for error in self.errors],
            self.missing,
        )
        return hashlib.sha256(repr(described).encode()).hexdigest()

    def problem(self, *, skip_invalid: bool, full_catalogue: bool) -> str | None:
        """Why this plan may not be applied with these options, or None when it may."""
        if self.missing:
            columns = "columns" if len(self.missing) > 1 else "column"
            accepted = "; ".join(f"{name}: {accepted_headers(name)}" for name in self.missing)
            return (
                f"The file has no {self.missing_columns} {columns} (accepted headers include "
                f"{accepted}), so nothing can be imported from it. If one of its columns "
                f"holds the {self.missing_columns} under another header, map it on the import "
                "page's preview (“Map columns the importer does not know”): the mapping is "
                "remembered for files with this header row, by import_programs too. Or rename "
                "the header."
            )
        if not self.errors:
            return None
        rows = "1 row has" if self.rejected == 1 else f"{self.rejected:,} rows have"
        if full_catalogue:
            return (
                f"{rows} errors. A full-catalogue import archives every program missing "
                "from the file, so it needs a file without errors: fix the rows listed, or "
                "import without “full catalogue”."
            )
        if not self.changes:  # no valid row would change anything: skipping is no way out
            return f"{rows} errors, so nothing is imported. Fix the rows listed."
        if not skip_invalid:
            return (
                f"{rows} errors, so nothing is imported. Fix the rows listed, or import "
                "the valid rows and skip the invalid ones."
            )
        return None


def plan_changes(clean: CleanTable, *, full_catalogue: bool) -> ImportPlan:
    """Match each row with the catalogue (program ID, else name + state) and diff it."""
    programs = list(Program.objects.all())
    matcher = ProgramMatcher(programs)

    errors = list(clean.errors)
    creates: list[PlannedRow] = []
    updates: list[PlannedRow] = []
    unchanged: list[PlannedRow] = []
    claimed: dict[int, int] = {}
    fields = clean.fields
    for row in clean.rows:
        values = row.values
        program_id = values.get("program_id")
        candidates = matcher.candidates(program_id, str(values["name"]), str(values["state"]))
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

    if clashes := _identity_clashes(matcher, creates + updates, clean.headers):
        errors += clashes
        refused = {error.line for error in clashes}
        creates = [row for row in creates if row.line not in refused]
        updates = [row for row in updates if row.line not in refused]
    archives = (
        [program for program in programs if program.active and program.pk not in claimed]
        if full_catalogue and not clean.missing
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
        unknown_headers=clean.unknown_headers,
        mapped=clean.mapped,
        header_row=clean.header_row,
        missing=clean.missing,
    )


def _identity_clashes(
    matcher: ProgramMatcher, rows: list[PlannedRow], headers: Mapping[str, str]
) -> list[RowError]:
    """Errors for the rows that would leave two programs files cannot tell apart: one name in
    one state, and one of the two without a program ID (`identity_clash()`'s rule).

    A row is checked when it adds a program or gives one another name or state, in line order,
    against the catalogue as this file leaves it (programs it gives an ID included) and the
    rows before it that passed.
    """
    adopted: list[tuple[Program, str | None]] = []
    moves: list[tuple[PlannedRow, tuple[str, str], tuple[str, str] | None]] = []
    for row in sorted(rows, key=lambda planned: planned.line):
        key = identity_key(str(row.values["name"]), str(row.values["state"]))
        if (program := row.program) is None:
            moves.append((row, key, None))
            continue
        old = identity_key(program.name, program.state)
        if "program_id" in row.changes:
            adopted.append((program, row.changes["program_id"][1]))
        if key != old:
            moves.append((row, key, old))
    if not moves:
        return []
    identities = matcher.identities()
    for program, program_id in adopted:
        identities.place(program, identity_key(program.name, program.state), program_id)
    placed: dict[Hashable, int] = {}
    errors: list[RowError] = []
    for row, key, old in moves:
        holder: Hashable = row.line if row.program is None else row.program
        program_id = row.values.get("program_id") or getattr(row.program, "program_id", None)
        other = identities.clash(holder, key, program_id)
        if other is None:
            if old is not None:
                identities.remove(holder, old)
            identities.place(holder, key, program_id)
            placed[holder] = row.line
            continue
        name, state = str(row.values["name"]), str(row.values["state"])
        column = "name" if old is None or old[0] != key[0] else "state"
        if other in placed:
            second = f"a second “{name}” in {state}, after line {placed[other]},"
        else:
            second = f"a second “{getattr(other, 'name', name)}” in {state},"
        errors.append(
            RowError(
                row.line,
                headers[column],
                name if column == "name" else state,
                f"would make this program {second} and one of the two has no program ID: a "
                "file row without one finds its program by name and state, so imports could "
                "no longer tell them apart. Keep the names different, or give both programs "
                "their ACGME program IDs",
            )
        )
    return errors
