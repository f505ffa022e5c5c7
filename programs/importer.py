"""Catalogue import: parse → clean → validate → plan → write.

pandas (and openpyxl) appear only in the parse step, which turns the file into columns of cell
text. Cleaning uses the pure cleaners of `programs.normalise`; planning compares the rows with
the catalogue; writing happens in one short transaction with bulk statements. Every problem a
user can cause is raised as `CatalogueImportError`, whose message says what to fix.
"""

import csv
import datetime as dt
import hashlib
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.text import capfirst

from programs.catalogue import ProgramMatcher
from programs.models import ImportBatch, Program
from programs.normalise import (
    CLEANERS,
    REQUIRED_COLUMNS,
    VISA_LIST,
    CellError,
    aliases_of,
    canonical_field,
    format_number,
    name_key,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 300
# Twice what a 20,000-row workbook with every column filled unpacks to (about 25 MB).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_STORED_ERRORS = 500
PENDING_FOR = dt.timedelta(hours=1)
# PostgreSQL advisory lock key taken by every import that writes ("nmca").
CATALOGUE_LOCK = 0x6E6D6361
LOCK_WAIT_SECONDS = 30
CSV_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
XLSX_MAGIC = b"PK\x03\x04"
_DELIMITERS = (",", ";", "\t")
_PANDAS_WIDTH = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass(frozen=True)
class RowError:
    """One bad cell or row: the line as a spreadsheet numbers it, the column, the value."""

    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else f"{self.value[:57]}…"
        return f"Line {self.line}, column “{self.column}”: “{shown}” {self.message}."

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value[:200],
            "message": self.message,
        }


class CatalogueImportError(Exception):
    """A catalogue file that cannot be imported; `errors` lists the rows at fault, if any."""

    def __init__(self, message: str, *, errors: Sequence[RowError] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


@dataclass
class Table:
    """A parsed file: header texts, and per header one list of cell texts (data rows only)."""

    headers: list[str]
    lines: list[int]
    columns: list[list[str]]


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
    plan: ImportPlan
    batch: ImportBatch


# Parse ----------------------------------------------------------------------------------


def parse_file(
    *,
    content: bytes,
    file_name: str,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    rows_are: str = "programs",
) -> Table:
    """Read a CSV or XLSX file into a `Table` of cell texts; blank rows are dropped.

    Other files than catalogues (outcomes) pass their own limits and what a row is.
    """
    extension = Path(file_name).suffix.lower()
    if extension == ".xls":
        raise CatalogueImportError(
            "This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload that."
        )
    if extension not in CSV_EXTENSIONS | {".xlsx"}:
        raise CatalogueImportError(
            f"“{file_name}” is not a CSV or Excel file: upload a .csv or .xlsx file."
        )
    if not content:
        raise CatalogueImportError("The file is empty.")
    if len(content) > max_bytes:
        raise CatalogueImportError(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; "
            f"the limit is {max_bytes / 1024 / 1024:.0f} MB. "
            "Split it into smaller files."
        )
    if content.startswith(XLSX_MAGIC):
        table = _read_xlsx(content, max_rows)
    elif extension == ".xlsx":
        raise CatalogueImportError("The file is not an Excel workbook (.xlsx): is it a CSV?")
    else:
        table = _read_csv(content)
    if not table.headers:
        raise CatalogueImportError("The file is empty.")
    if len(table.headers) > MAX_COLUMNS:
        raise CatalogueImportError(f"The file has more than {MAX_COLUMNS} columns.")
    if not table.lines:
        raise CatalogueImportError(f"The file has a header row but no {rows_are} below it.")
    if len(table.lines) > max_rows:
        raise CatalogueImportError(
            f"The file has more than {max_rows:,} {rows_are}; the limit is {max_rows:,} per file. "
            "Split it into smaller files."
        )
    return table


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in content:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise CatalogueImportError(
        "The file is not readable text: upload a CSV (UTF-8 or Windows encoding) or an .xlsx file."
    )


def _width(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except csv.Error:
        return 0


def _read_csv(content: bytes) -> Table:
    text = _decode(content)
    if sum(1 for char in text[:4096] if ord(char) < 32 and char not in "\r\n\t") > 8:
        raise CatalogueImportError("The file is not readable text: is it really a CSV?")
    lines = text.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and not lines[skipped].strip(" \t,;\r\n"):
        skipped += 1
    if skipped == len(lines):
        raise CatalogueImportError("The file is empty.")
    body = "".join(lines[skipped:])
    delimiter = max(_DELIMITERS, key=lambda candidate: _width(lines[skipped], candidate))
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise CatalogueImportError("The file is empty.") from None
    except pd.errors.ParserError as exc:
        width = _PANDAS_WIDTH.search(str(exc))
        if width:
            expected, line, seen = (int(group) for group in width.groups())
            raise CatalogueImportError(
                f"Line {line + skipped} has {seen} cells but the header row has {expected}: "
                f"check for an unquoted “{delimiter}” in a value."
            ) from None
        raise CatalogueImportError("The file could not be read as CSV: check its quotes.") from None
    frame = frame.fillna("")
    headers = [str(value).strip() for value in frame.iloc[0]]
    data = frame.iloc[1:]
    filled = data.apply(lambda column: column.str.strip().ne("")).any(axis=1)
    data = data[filled]
    return Table(
        headers=headers,
        lines=[int(index) + 1 + skipped for index in data.index],
        columns=[data[column].tolist() for column in data.columns],
    )


def _xlsx_text(cell: object) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        # A cell formatted as a percentage holds 0.35 for 35 %.
        if "%" in str(getattr(cell, "number_format", "")):
            value = round(value * 100, 9)
        return format_number(float(value))
    return str(value)


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a zip bomb before openpyxl inflates it: a 5 MB upload can unpack to gigabytes.

    The sizes come from the zip directory; zipfile never inflates a part beyond its declared
    size, so a part that lies about it is cut short and fails to parse instead.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:  # zipfile raises several types for damaged archives
        raise CatalogueImportError("The file could not be read as an Excel workbook.") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise CatalogueImportError(
            f"The workbook unpacks to {unpacked / 1024 / 1024:,.0f} MB; the limit is "
            f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB. Save it as CSV, or split it."
        )


def _read_xlsx(content: bytes, max_rows: int) -> Table:
    _check_unpacked_size(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged files; all mean the same here
        raise CatalogueImportError("The file could not be read as an Excel workbook.") from None
    try:
        if not book.worksheets:
            raise CatalogueImportError("The workbook has no sheet.")
        headers: list[str] = []
        lines: list[int] = []
        rows: list[list[str]] = []
        for number, cells in enumerate(book.worksheets[0].iter_rows(), start=1):
            texts = [_xlsx_text(cell) for cell in cells[: MAX_COLUMNS + 1]]
            if not any(text.strip() for text in texts):
                continue
            if not headers:
                headers = [text.strip() for text in texts]
                continue
            lines.append(number)
            rows.append(texts)
            if len(rows) > max_rows:
                break
    except CatalogueImportError:
        raise
    except Exception:
        raise CatalogueImportError("The file could not be read as an Excel workbook.") from None
    finally:
        book.close()
    columns = [
        [row[index] if index < len(row) else "" for row in rows] for index in range(len(headers))
    ]
    while headers and not headers[-1] and not any(cell.strip() for cell in columns[-1]):
        headers.pop()
        columns.pop()
    return Table(headers=headers, lines=lines, columns=columns)


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
                results[raw] = cleaner(raw)
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


# Write ------------------------------------------------------------------------------------


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(rows: list[dict[str, object]], now: dt.datetime) -> None:
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


def _write(plan: ImportPlan, batch: ImportBatch) -> None:
    now = timezone.now()
    updated_fields: set[str] = {"updated_at"}
    for planned in plan.updates:
        for name, (_before, after) in planned.changes.items():
            setattr(planned.program, name, after)
            updated_fields.add(name)
        planned.program.updated_at = now
    try:
        with transaction.atomic():
            _insert([planned.values for planned in plan.creates], now)
            if plan.updates:
                Program.objects.bulk_update(
                    [planned.program for planned in plan.updates],
                    sorted(updated_fields),
                    batch_size=500,
                )
            for chunk in _chunks([program.pk for program in plan.archives], 500):
                Program.objects.filter(pk__in=chunk).update(active=False, updated_at=now)
            batch.save()
    except IntegrityError:
        raise CatalogueImportError(
            "The catalogue changed while this file was being imported (another import at the "
            "same time?). Nothing was written: try again."
        ) from None


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

    def plan_and_record() -> ImportResult:
        plan = plan_changes(clean, full_catalogue=full_catalogue)
        problem = plan.problem(skip_invalid=skip_invalid, full_catalogue=full_catalogue)
        if problem and not dry_run:
            raise CatalogueImportError(problem, errors=plan.errors)
        batch = ImportBatch(
            user=user if user is not None and user.is_authenticated else None,
            file_name=Path(file_name).name[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            dry_run=dry_run,
            full_catalogue=full_catalogue,
            skip_invalid=skip_invalid,
            created=len(plan.creates),
            updated=len(plan.updates),
            unchanged=len(plan.unchanged),
            archived=len(plan.archives),
            rejected=plan.rejected,
            errors=[error.as_dict() for error in plan.errors[:MAX_STORED_ERRORS]],
            ignored_columns=plan.ignored_columns,
            content=content if keep_content else None,
        )
        if dry_run:
            if keep_content:
                _forget_stale_previews(user)
            batch.save()
        else:
            _write(plan, batch)
        return ImportResult(plan=plan, batch=batch)

    return plan_and_record() if dry_run else _as_the_only_writer(plan_and_record)


def _as_the_only_writer(work: Callable[[], ImportResult]) -> ImportResult:
    """Plan and write in one transaction that no other import runs beside.

    Two imports planned side by side would both create the programs their files share: twice
    over for rows keyed by name and state. PostgreSQL: an advisory lock held until commit.
    SQLite: transactions begin IMMEDIATE (settings), which takes the database's write lock; an
    import still waiting when the busy timeout ends tries again until LOCK_WAIT_SECONDS.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CATALOGUE_LOCK])
                return work()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise CatalogueImportError(
                    "Another import is being written to the catalogue: try again in a minute."
                ) from None
            time.sleep(0.05)


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
    recorded at preview time and the stored bytes, so exactly the previewed file is imported.
    `skip_invalid` lets the user choose, after seeing the errors, to import the valid rows.
    """
    batch = ImportBatch.objects.filter(
        pk=batch_id,
        user=user,
        dry_run=True,
        content__isnull=False,
        created_at__gte=timezone.now() - PENDING_FOR,
    ).first()
    if batch is None:
        raise CatalogueImportError(
            "This preview was imported already or has expired: upload the file again."
        )
    content = bytes(batch.content)
    if sha256 != batch.sha256 or hashlib.sha256(content).hexdigest() != batch.sha256:
        raise CatalogueImportError("The file does not match its preview: upload it again.")
    # Claim the preview first so a double submit imports once.
    if not ImportBatch.objects.filter(pk=batch.pk, content__isnull=False).update(content=None):
        raise CatalogueImportError("This preview was imported already: upload the file again.")
    return import_catalogue(
        content=content,
        file_name=batch.file_name,
        user=user,
        full_catalogue=batch.full_catalogue,
        skip_invalid=batch.skip_invalid or skip_invalid,
    )
