"""Reading catalogue files (`programs.reading`): pure, and every file problem said plainly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from programs.reading import CatalogueImportError, parse_file
from tests.factories import make_catalogue_csv


@pytest.mark.parametrize("module", ["programs.reading", "programs.normalise"])
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
