"""Reading a catalogue file: CSV or XLSX bytes → a `Table` of header and cell texts.

Pure: no ORM and no request. pandas (CSV) and openpyxl (XLSX) appear only here. Every problem
with the file itself is raised as `CatalogueImportError`, whose message says what to fix.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from programs.normalise import format_number

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 300
# Twice what a 20,000-row workbook with every column filled unpacks to (about 25 MB).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
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


def rows_with_errors(errors: Iterable[RowError]) -> int:
    """How many lines of the file have at least one error (a row can have several)."""
    return len({error.line for error in errors})


class CatalogueImportError(Exception):
    """A catalogue file that cannot be imported; `errors` lists the rows at fault, if any, and
    `headers` the columns at fault (two that mean one field)."""

    def __init__(
        self, message: str, *, errors: Sequence[RowError] = (), headers: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)
        self.headers = list(headers)


@dataclass
class Table:
    """A parsed file: header texts, and per header one list of cell texts (data rows only)."""

    headers: list[str]
    lines: list[int]
    columns: list[list[str]]

    def clash(self, positions: Mapping[str, int], name: str, header: str) -> str:
        """Why `header` cannot be read as `name`: another column is already; else ""."""
        if name not in positions:
            return ""
        other = self.headers[positions[name]]
        return f"Columns “{other}” and “{header}” both mean {name}: keep one of them."


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
    # A row is blank when every cell is empty or spaces; spaces-only cells are rare, so they
    # are looked for among each column's distinct values (100,000 rows: 0.5 s instead of 1.4).
    blank = {value for column in data for value in data[column].unique() if not value.strip()}
    filled = (~data.isin(blank)).any(axis=1) if blank - {""} else data.ne("").any(axis=1)
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


# How a value, an inline string or a formula ends in a sheet's XML, with or without a prefix.
_VALUE_ENDS = (b"</v>", b":v>", b"</is>", b":is>", b"</f>", b":f>")
_ROW_STARTS = (b"<row", b":row")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")


def _last_row_with_data(archive: zipfile.ZipFile, sheet: object) -> int | None:
    """The number of the sheet's last row that holds a value: 0 for none, None if unknown.

    A sheet can declare millions of formatted but empty rows, which openpyxl would walk one by
    one (2 million take many seconds). The sheet's XML is at most MAX_UNPACKED_BYTES (checked
    first), and finding its last value from the end is a byte search, not a parse.
    """
    path = str(getattr(sheet, "_worksheet_path", "") or "").lstrip("/")
    try:
        xml = archive.read(path)
    except KeyError:
        return None
    value = max(xml.rfind(end) for end in _VALUE_ENDS)
    if value == -1:
        return 0
    row = max(xml.rfind(start, 0, value) for start in _ROW_STARTS)
    while row != -1 and xml[row + 4 : row + 5] not in (b" ", b"\t", b"\r", b"\n", b">", b"/"):
        row = max(xml.rfind(start, 0, row) for start in _ROW_STARTS)
    if row == -1:
        return None
    tag_end = xml.find(b">", row)
    number = _ROW_NUMBER.search(xml, row, tag_end if tag_end != -1 else len(xml))
    # Rows without numbers are consecutive.
    return (
        int(number.group(1)) if number else sum(xml.count(start, 0, value) for start in _ROW_STARTS)
    )


def _sheet_rows(
    sheet: object, last_row: int | None, max_rows: int
) -> tuple[list[str], list[int], list[list[str]]]:
    """The header texts, the line numbers and the cell texts of a sheet's non-blank rows."""
    headers: list[str] = []
    lines: list[int] = []
    rows: list[list[str]] = []
    if last_row == 0:
        return headers, lines, rows
    for number, cells in enumerate(sheet.iter_rows(max_row=last_row), start=1):
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
    return headers, lines, rows


def _read_xlsx(content: bytes, max_rows: int) -> Table:
    """The first sheet; when it is empty, the error names a sheet that holds data."""
    _check_unpacked_size(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged files; all mean the same here
        raise CatalogueImportError("The file could not be read as an Excel workbook.") from None
    try:
        if not book.worksheets:
            raise CatalogueImportError("The workbook has no sheet.")
        first, *others = book.worksheets
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            headers, lines, rows = _sheet_rows(first, _last_row_with_data(archive, first), max_rows)
            if not headers:
                filled = next(
                    (sheet.title for sheet in others if _last_row_with_data(archive, sheet) != 0),
                    None,
                )
                if filled is not None:
                    raise CatalogueImportError(
                        f"The first sheet, “{first.title}”, is empty; data found on sheet "
                        f"“{filled}”. Move that sheet to the front (or save it as CSV) and "
                        "upload again."
                    )
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
