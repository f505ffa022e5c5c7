"""Import application outcomes (`import_outcomes`): read → clean → check → match → write.

One row per application, as advising offices keep them (README, "Outcomes"). The file is
read by the catalogue's own reader, cells are cleaned with the catalogue's cleaners where the
meaning is the same (states, yes/no, program IDs), and rows are matched with programs exactly
as a catalogue import matches them. Every problem is collected with its line, column and value;
nothing is written unless every row is valid. An import replaces what earlier imports said
about the same applicants in the same seasons. Rows are never tied to a user.
"""

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction

from applicants.models import (
    ApplicationOutcome,
    OutcomeImport,
    OutcomeSource,
    Visa,
    model_bounds,
    next_year,
)
from applicants.scoring import APPLICATION_FACTS
from programs.catalogue import ProgramMatcher
from programs.geography import REGION_STATES
from programs.models import Program
from programs.normalise import (
    CellError,
    canonical_field,
    clean_program_id,
    clean_state,
    clean_tristate,
    is_unknown,
    squash,
)
from programs.reading import CatalogueImportError, RowError, Table, parse_file

PROFILE_COLUMNS = APPLICATION_FACTS
OUTCOME_FLAGS: tuple[str, ...] = ("signalled", "invited", "interviewed", "matched")
OUTCOME_COLUMNS: tuple[str, ...] = (
    "season",
    "applicant",
    "program_id",
    *PROFILE_COLUMNS,
    *OUTCOME_FLAGS,
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "season",
    "applicant",
    "visa",
    "graduation_year",
    "step2_score",
)
# Columns that name the program when `program_id` is blank, read as the catalogue reads them.
PROGRAM_COLUMNS: tuple[str, ...] = ("program_id", "name", "state")
MAX_ROWS = 250_000
MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS_SHOWN = 200
FIRST_SEASON = 1990
_APPLICANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:#-]{0,63}", re.ASCII)
_WHOLE = re.compile(r"\s*([+-]?\d+)(?:[.,]0+)?(?:[eE]\+?(\d+))?\s*", re.ASCII)
_REGIONS = {squash(region): region for region in REGION_STATES}


class OutcomeImportError(CatalogueImportError):
    """An outcomes file that cannot be imported; `errors` lists the rows at fault, if any.

    The catalogue import's error type: the same message and row errors, so one display serves.
    """


@dataclass
class OutcomeImportResult:
    """What an import did (or, for a dry run, would do)."""

    rows: int
    applicants: int
    seasons: dict[int, int]
    replaced: int
    ignored_columns: list[str] = field(default_factory=list)
    batch: OutcomeImport | None = None

    @property
    def summary(self) -> str:
        seasons = ", ".join(f"{season}: {count:,}" for season, count in self.seasons.items())
        return (
            f"{_count(self.rows, 'application')} of {_count(self.applicants, 'applicant')} "
            f"(by season {seasons}); {_count(self.replaced, 'row')} of earlier imports replaced"
        )


def _count(number: int, noun: str) -> str:
    """`1 applicant`, `2 applicants`, `15,000 rows`."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


# Clean -------------------------------------------------------------------------------------


def _whole(low: int, high: int, *, blank: object = CellError) -> Callable[[str], object]:
    """A cleaner of whole numbers in [low, high]; a blank cell gives `blank` (or is an error)."""

    def clean(text: str) -> object:
        if is_unknown(text):
            if blank is CellError:
                raise CellError("is required")
            return blank
        match = _WHOLE.fullmatch(text)
        if not match:
            raise CellError("should be a whole number")
        # Negative or huge (`-2`, `1e9`) is a number out of range, not a misspelt one.
        number = float(f"{match.group(1)}e{match.group(2) or 0}")
        if not low <= number <= high:
            raise CellError(f"should be between {low} and {high}")
        return int(number)

    return clean


def _default(name: str) -> object:
    """The model's default for a profile column the file leaves blank or out."""
    return ApplicationOutcome._meta.get_field(name).get_default()


def _bounded(name: str, *, blank: object) -> Callable[[str], object]:
    low, high = model_bounds(name)
    return _whole(low or 0, high or 10_000, blank=blank)


def clean_applicant(text: str) -> str:
    text = text.strip()
    if not text:
        raise CellError("is required")
    if not _APPLICANT.fullmatch(text):
        raise CellError(
            "should be an opaque id of letters, digits and - _ . : # (never a name or an "
            "e-mail address)"
        )
    return text


def clean_visa(text: str) -> str:
    word = squash(text)
    if word in Visa.values:
        return word
    raise CellError("should be none, j1, h1b or any")


def clean_states(text: str) -> list[str]:
    """`TX;NY` (commas work too; names as well as codes) → ["TX", "NY"]."""
    states = (clean_state(part) for part in re.split(r"[;,]", text) if part.strip())
    return list(dict.fromkeys(states))


def clean_regions(text: str) -> list[str]:
    regions = []
    for part in re.split(r"[;,]", text):
        if not part.strip():
            continue
        region = _REGIONS.get(squash(part))
        if region is None:
            raise CellError("should be US Census regions (Northeast, Midwest, South, West)")
        regions.append(region)
    return list(dict.fromkeys(regions))


def _cleaners() -> dict[str, Callable[[str], object]]:
    scores = {"blank": None}
    return {
        "season": _whole(FIRST_SEASON, next_year() + 1),
        "applicant": clean_applicant,
        "program_id": clean_program_id,
        "name": str.strip,
        "state": clean_state,
        "visa": clean_visa,
        "graduation_year": _bounded("graduation_year", blank=CellError),
        "step2_score": _bounded("step2_score", **scores),
        "step3_score": _bounded("step3_score", **scores),
        **{
            name: _bounded(name, blank=_default(name))
            for name in (
                "step1_attempts",
                "step2_attempts",
                "usce_months",
                "observership_months",
                "neuro_publications",
                "neuro_presentations",
                "us_neuro_letters",
            )
        },
        "preferred_states": clean_states,
        "preferred_regions": clean_regions,
        **{flag: clean_tristate for flag in OUTCOME_FLAGS},
    }


def _positions(table: Table) -> tuple[dict[str, int], list[str]]:
    """Field → column index, and the headers that are ignored."""
    own = {squash(column): column for column in OUTCOME_COLUMNS}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(table.headers):
        name = own.get(squash(header))
        if name is None and canonical_field(header) in PROGRAM_COLUMNS:
            name = canonical_field(header)
        if name is None:
            if header.strip():
                ignored.append(header)
            continue
        if clash := table.clash(positions, name, header):
            raise OutcomeImportError(clash)
        positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if "program_id" not in positions and not {"name", "state"} <= set(positions):
        missing.append("program_id (or name and state)")
    if missing:
        found = ", ".join(f"“{header}”" for header in table.headers[:10] if header)
        raise OutcomeImportError(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"The columns are those in the README, “Outcomes”: {', '.join(OUTCOME_COLUMNS)}. "
            f"The header row read was: {found or 'empty'}."
        )
    return positions, ignored


@dataclass
class _Cleaned:
    values: dict[str, list[object]]
    bad: set[int]
    errors: list[RowError]


def _clean_columns(table: Table, positions: dict[str, int]) -> _Cleaned:
    """Every column cleaned once per distinct cell text; errors carry line, column and value."""
    cleaners = _cleaners()
    values: dict[str, list[object]] = {}
    bad: set[int] = set()
    errors: list[RowError] = []
    rows = len(table.lines)
    for name in OUTCOME_COLUMNS + ("name", "state"):
        if name not in positions:
            default = _default(name) if name in PROFILE_COLUMNS else None
            values[name] = [default] * rows
            continue
        column = table.columns[positions[name]]
        results: dict[str, object] = {}
        for raw in dict.fromkeys(column):
            try:
                results[raw] = cleaners[name](raw)
            except CellError as exc:
                results[raw] = exc
        cleaned = list(map(results.__getitem__, column))
        if any(isinstance(value, CellError) for value in results.values()):
            header = table.headers[positions[name]]
            for row, value in enumerate(cleaned):
                if isinstance(value, CellError):
                    errors.append(RowError(table.lines[row], header, column[row], str(value)))
                    bad.add(row)
                    cleaned[row] = None
        values[name] = cleaned
    return _Cleaned(values, bad, errors)


# Check and match ---------------------------------------------------------------------------


class _Checks:
    """Row errors of the cross-column checks, found column-wise: only flagged rows loop."""

    def __init__(self, table: Table, positions: dict[str, int], cleaned: _Cleaned) -> None:
        self.table, self.positions, self.cleaned = table, positions, cleaned
        self.ok = np.ones(len(table.lines), dtype=bool)
        self.ok[list(cleaned.bad)] = False

    def flag(self, rows: np.ndarray, name: str, messages: str | list[str]) -> None:
        """An error at column `name` for each of `rows` (a mask, or positions), with one
        message for all or one each; those rows are no longer valid."""
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        if isinstance(messages, str):
            messages = [messages] * len(rows)
        index = self.positions.get(name)
        header = self.table.headers[index] if index is not None else name
        for row, message in zip(rows, messages, strict=True):
            raw = self.table.columns[index][row] if index is not None else ""
            self.cleaned.errors.append(RowError(self.table.lines[row], header, raw, message))
        self.ok[rows] = False


def _says(values: pd.Series, answer: bool) -> np.ndarray:
    """Rows whose yes/no cell says `answer` (blank, unknown, says neither)."""
    return np.fromiter((value is answer for value in values.tolist()), bool, count=len(values))


def _program_pks(frame: pd.DataFrame, checks: _Checks) -> np.ndarray:
    """Each row's catalogue program (0 where none), matched once per distinct key."""
    matcher = ProgramMatcher(Program.objects.only("pk", "program_id", "name", "state"))
    keys = list(
        zip(
            frame["program_id"].tolist(),
            frame["name"].fillna("").tolist(),
            frame["state"].fillna("").tolist(),
            strict=True,
        )
    )
    found = {
        key: [program.pk for program in matcher.candidates(key[0], str(key[1]), str(key[2]))]
        if any(key)
        else []
        for key in dict.fromkeys(keys)
    }
    rows = len(keys)
    counts = np.fromiter((len(found[key]) for key in keys), dtype=int, count=rows)
    blank = np.fromiter((not any(key) for key in keys), dtype=bool, count=rows)
    checks.flag(
        checks.ok & blank, "program_id", "is required (or give the program's name and state)"
    )
    for row in np.flatnonzero(checks.ok & (counts != 1)):
        key = keys[row]
        column = "program_id" if key[0] else "name"
        if counts[row] == 0:
            where = "with this ID" if key[0] else f"with this name in {key[2] or 'that state'}"
            checks.flag(np.array([row]), column, f"matches no program in the catalogue {where}")
        else:
            many = f"matches {counts[row]} programs: give the program ID"
            checks.flag(np.array([row]), column, many)
    first = {key: pks[0] if len(pks) == 1 else 0 for key, pks in found.items()}
    return np.fromiter((first[key] for key in keys), dtype=np.int64, count=rows)


def _repeats(frame: pd.DataFrame, ok: np.ndarray, keys: list[str]) -> tuple[np.ndarray, list]:
    """Positions of valid rows that repeat `keys` of an earlier valid row, and that row's line."""
    valid = frame[ok]
    again = valid.duplicated(keys).to_numpy()
    first = valid.groupby(keys, sort=False)["line"].transform("first")[again]
    return np.flatnonzero(ok)[again], first.tolist()


def _check_rows(table: Table, positions: dict[str, int], cleaned: _Cleaned) -> pd.DataFrame:
    """Cross-column checks, program matching and duplicates; errors go to `cleaned.errors`.

    Returns the valid rows (cleaned values, `line` and `program`).
    """
    frame = pd.DataFrame(
        {name: pd.Series(values, dtype=object) for name, values in cleaned.values.items()}
    )
    frame["line"] = table.lines
    checks = _Checks(table, positions, cleaned)
    ok = checks.ok.copy()
    season = pd.to_numeric(frame["season"]).to_numpy()
    late = ok & (pd.to_numeric(frame["graduation_year"]).to_numpy() > season)
    checks.flag(late, "graduation_year", [f"is after the season {int(s)}" for s in season[late]])
    invited_no, interviewed_no = _says(frame["invited"], False), _says(frame["interviewed"], False)
    matched = _says(frame["matched"], True)
    no_invitation = ok & _says(frame["interviewed"], True) & invited_no
    checks.flag(no_invitation, "interviewed", "says yes, but invited says no")
    no_interview = ok & matched & (interviewed_no | invited_no)
    checks.flag(
        no_interview, "matched", "says yes, but the applicant was not invited or interviewed"
    )
    frame["program"] = _program_pks(frame, checks)
    rows, lines = _repeats(frame, checks.ok, ["season", "applicant", "program"])
    by_id = frame["program_id"].notna().to_numpy()[rows]
    for name, mine in (("program_id", by_id), ("name", ~by_id)):
        repeated = [f"is the same application as line {line}" for line in np.array(lines)[mine]]
        checks.flag(rows[mine], name, repeated)
    rows, lines = _repeats(frame, checks.ok & matched, ["season", "applicant"])
    checks.flag(
        rows, "matched", [f"is a second match in this season (line {line})" for line in lines]
    )
    cleaned.errors.sort(key=lambda item: item.line)
    return frame[checks.ok]


# Write -------------------------------------------------------------------------------------

_INSERTED = ("season", "applicant", *PROFILE_COLUMNS, *OUTCOME_FLAGS)


def _insert(rows: pd.DataFrame, batch: OutcomeImport) -> None:
    """One executemany INSERT: bulk_create compiles SQL value by value, 10× slower here."""
    meta = ApplicationOutcome._meta
    names = ("source", "line", *_INSERTED, "program", "batch")
    columns = [meta.get_field(name).column for name in names]
    values = {name: rows[name].tolist() for name in _INSERTED}
    for name in ("preferred_states", "preferred_regions"):  # few distinct lists: adapt each once
        json_field = meta.get_field(name)
        prepared: dict[tuple[str, ...], object] = {}
        for items in map(tuple, values[name]):
            if items not in prepared:
                prepared[items] = json_field.get_db_prep_save(list(items), connection)
        values[name] = [prepared[tuple(items)] for items in values[name]]
    params = list(
        zip(
            [OutcomeSource.IMPORT.value] * len(rows),
            rows["line"].tolist(),
            *(values[name] for name in _INSERTED),
            rows["program"].tolist(),
            [batch.pk] * len(rows),
            strict=True,
        )
    )
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _people(rows: pd.DataFrame) -> set[tuple[int, str]]:
    """(season, applicant) of every row: the people a file speaks for."""
    people = rows[["season", "applicant"]].drop_duplicates()
    return set(zip(people["season"].tolist(), people["applicant"].tolist(), strict=True))


def _replace(rows: pd.DataFrame, batch: OutcomeImport) -> int:
    """Delete earlier imported rows of the file's applicants and seasons, insert the file's."""
    people: dict[int, list[str]] = {}
    for season, applicant in sorted(_people(rows)):
        people.setdefault(season, []).append(applicant)
    replaced = 0
    for season, applicants in people.items():
        for start in range(0, len(applicants), 500):
            chunk = applicants[start : start + 500]
            replaced += ApplicationOutcome.objects.filter(
                source=OutcomeSource.IMPORT, season=season, applicant__in=chunk
            ).delete()[0]
    _insert(rows, batch)
    return replaced


def import_outcomes(
    *,
    content: bytes,
    file_name: str,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> OutcomeImportResult:
    """Import an outcomes file (CSV or XLSX), or with `dry_run` only check it.

    Raises `OutcomeImportError` (with every row error) when the file cannot be read or any row
    is invalid; then nothing is written. Otherwise the file's rows replace earlier imported rows
    of the same applicants in the same seasons, in one transaction, recorded as an
    `OutcomeImport`.
    """
    try:
        table = parse_file(
            content=content,
            file_name=file_name,
            max_bytes=MAX_BYTES,
            max_rows=MAX_ROWS,
            rows_are="applications",
        )
    except CatalogueImportError as exc:
        raise OutcomeImportError(exc.message) from None
    positions, ignored = _positions(table)
    cleaned = _clean_columns(table, positions)
    rows = _check_rows(table, positions, cleaned)
    if cleaned.errors:
        count = len({error.line for error in cleaned.errors})
        raise OutcomeImportError(
            f"{count:,} row{' has' if count == 1 else 's have'} errors, so nothing is imported: "
            "fix the rows listed and import the file again.",
            errors=cleaned.errors,
        )
    seasons = Counter(rows["season"].tolist())
    people = _people(rows)
    result = OutcomeImportResult(
        rows=len(rows),
        applicants=len(people),
        seasons=dict(sorted(seasons.items())),
        replaced=0,
        ignored_columns=ignored,
    )
    batch = OutcomeImport(
        user=user if user is not None and user.is_authenticated else None,
        file_name=Path(file_name).name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        rows=result.rows,
        applicants=result.applicants,
        seasons=sorted(seasons),
    )
    if dry_run:
        earlier = ApplicationOutcome.objects.filter(
            source=OutcomeSource.IMPORT,
            season__in=list(seasons),
            applicant__in={applicant for _, applicant in people},
        ).values_list("season", "applicant")
        result.replaced = sum(1 for person in earlier.iterator() if person in people)
        return result
    try:
        with transaction.atomic():
            batch.save()
            result.replaced = _replace(rows, batch)
            batch.replaced = result.replaced
            batch.save(update_fields=["replaced"])
    except IntegrityError:
        raise OutcomeImportError(
            "Another import wrote outcomes of the same applicants at the same time. Nothing "
            "was written: import the file again."
        ) from None
    result.batch = batch
    return result
