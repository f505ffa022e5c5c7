"""Reading catalogue files (`programs.reading`): pure, and every file problem said plainly."""

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from programs.reading import CatalogueImportError, parse_file
from tests.factories import make_catalogue_csv


@pytest.mark.slow  # a fresh interpreter importing pandas, per module
@pytest.mark.parametrize("module", ["programs.reading", "programs.cleaning", "programs.normalise"])
def test_the_pure_catalogue_modules_load_no_django(module):
    probe = (
        f"import sys, {module}; print(*sorted(n for n in sys.modules if n.startswith('django')))"
    )
    environment = {name: value for name, value in os.environ.items() if "DJANGO" not in name}
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == ""


def test_a_csv_is_read_into_headers_columns_and_spreadsheet_line_numbers():
    content = make_catalogue_csv([["name", "state"], ["A", "TX"], ["", ""], ["B", "NY"]])

    table = parse_file(content=content, file_name="catalogue.csv")

    assert table.headers == ["name", "state"]
    assert table.columns == [["A", "B"], ["TX", "NY"]]
    assert table.lines == [2, 4]


def test_an_unknown_extension_is_refused_by_name():
    with pytest.raises(CatalogueImportError, match="“list.pdf” is not a CSV or Excel file"):
        parse_file(content=b"name,state\n", file_name="list.pdf")


def _workbook(*sheets: tuple[str, list[list[object]]], blank_rows_after: int = 0) -> bytes:
    """An .xlsx file with the given sheets; the first one can end in `blank_rows_after` rows
    that are declared (in the sheet's dimension too) but hold nothing, as some exports write."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    if not blank_rows_after:
        return out.getvalue()
    saved = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    padded = io.BytesIO()
    with zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in saved.infolist():
            data = saved.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                used = len(sheets[0][1])
                last = used + blank_rows_after
                blank = b"".join(b'<row r="%d"/>' % n for n in range(used + 1, last + 1))
                data = data.replace(b"</sheetData>", blank + b"</sheetData>")
                data = re.sub(
                    rb'<dimension ref="A1:([A-Z]+)\d+"',
                    rb'<dimension ref="A1:\g<1>%d"' % last,
                    data,
                )
            archive.writestr(info.filename, data)
    return padded.getvalue()


@pytest.mark.slow  # a timed read of a 2,000,000-row workbook: a benchmark
def test_a_workbook_with_two_million_empty_rows_is_read_in_under_two_seconds():
    content = _workbook(
        ("Programs", [["name", "state"], ["Alpha Neurology", "TX"], ["Beta Neurology", "NY"]]),
        blank_rows_after=2_000_000,
    )
    assert 4 * 1024 * 1024 < len(content) <= 5 * 1024 * 1024

    started = time.perf_counter()
    table = parse_file(content=content, file_name="padded.xlsx")

    assert time.perf_counter() - started < 2
    assert table.columns == [["Alpha Neurology", "Beta Neurology"], ["TX", "NY"]]
    assert table.lines == [2, 3]


def test_rows_after_a_long_blank_stretch_are_still_read_with_their_line_numbers():
    rows = [["name", "state"], ["Alpha Neurology", "TX"]] + [[None, None]] * 3000
    rows.append(["Omega Neurology", "CA"])

    table = parse_file(content=_workbook(("Programs", rows)), file_name="gap.xlsx")

    assert table.columns[0] == ["Alpha Neurology", "Omega Neurology"]
    assert table.lines == [2, 3003]


def test_an_empty_first_sheet_names_the_sheet_where_the_data_is():
    content = _workbook(("Notes", []), ("2026 programs", [["name", "state"], ["A", "TX"]]))

    with pytest.raises(CatalogueImportError) as error:
        parse_file(content=content, file_name="two-sheets.xlsx")

    assert "data found on sheet “2026 programs”" in error.value.message
    assert "“Notes”" in error.value.message


def test_a_workbook_with_nothing_on_any_sheet_is_empty():
    with pytest.raises(CatalogueImportError, match="The file is empty"):
        parse_file(content=_workbook(("Notes", []), ("Other", [])), file_name="blank.xlsx")
