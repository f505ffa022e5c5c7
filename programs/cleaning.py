"""Cleaning a read table: headers to canonical fields, cells to values, rows checked.

Pure: no ORM and no request. Uses the cleaners of `programs.normalise`; every bad cell or row
becomes a `RowError` (line, column, value, what it should be), and a file whose columns cannot
be used at all raises `CatalogueImportError`. A file that lacks a required column but has
columns a mapping could give it is not refused: its table has no rows and says what is missing.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from programs.normalise import (
    CLEANERS,
    REQUIRED_COLUMNS,
    VISA_LIST,
    CellError,
    aliases_of,
    canonical_field,
    name_key,
    restore_csv_text,
)
from programs.reading import CatalogueImportError, RowError, Table


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
    # Named headers the importer does not know (a mapping can give them a field), and the
    # headers a mapping gave a field.
    unknown_headers: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)
    header_row: list[str] = field(default_factory=list)
    # Required fields no column holds yet: then there are no rows, only columns to map.
    missing: list[str] = field(default_factory=list)


def accepted_headers(name: str) -> str:
    """A few of the headers read as field `name`, quoted, for messages."""
    return ", ".join(f"“{alias}”" for alias in aliases_of(name)[:4])


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def clean_table(table: Table, mapping: Mapping[str, str] | None = None) -> CleanTable:
    """Map headers to fields, normalise every cell and check each row; collect the errors.

    `mapping` gives a field (a key of CLEANERS) to headers the importer does not know.
    """
    positions: dict[str, int] = {}
    ignored: list[str] = []
    unknown: list[str] = []
    mapped: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        name = canonical_field(header)
        if name is None and header and (mapping or {}).get(header) in CLEANERS:
            name = mapped[header] = (mapping or {})[header]
        if name is None:
            if header or any(cell.strip() for cell in table.columns[index]):
                ignored.append(header or f"(column {_column_letter(index)}, no header)")
            if header:
                unknown.append(header)
            continue
        if clash := table.clash(positions, name, header):
            raise CatalogueImportError(clash, headers=[table.headers[positions[name]], header])
        positions[name] = index
    if missing := [name for name in REQUIRED_COLUMNS if name not in positions]:
        # A mapping can still give the field to a column the importer does not know, or to
        # one it gave an optional field; with no such column the file cannot be used.
        if not unknown and all(name in REQUIRED_COLUMNS for name in mapped.values()):
            found = ", ".join(f"“{header}”" for header in table.headers[:8] if header)
            raise CatalogueImportError(
                f"The file has no {missing[0]} column (accepted headers include "
                f"{accepted_headers(missing[0])}). The header row read was: {found or 'empty'}."
            )
        return CleanTable(
            rows=[],
            fields=(),
            headers={name: table.headers[index] for name, index in positions.items()},
            ignored_columns=ignored,
            errors=[],
            total_rows=len(table.lines),
            unknown_headers=unknown,
            mapped=mapped,
            header_row=list(table.headers),
            missing=missing,
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
        unknown_headers=unknown,
        mapped=mapped,
        header_row=list(table.headers),
        errors=errors,
        total_rows=len(table.lines),
    )
