import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from programs.models import ImportBatch, Program
from tests.factories import make_catalogue_csv, make_program

pytestmark = pytest.mark.django_db

HEADER = ["program_id", "name", "state", "visa_j1"]


def write(tmp_path, rows: list[list[str]], name: str = "catalogue.csv"):
    path = tmp_path / name
    path.write_bytes(make_catalogue_csv(rows))
    return path


def command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_programs_imports_and_prints_the_counts(tmp_path):
    make_program(program_id="1803500001", name="Old Neurology")
    path = write(
        tmp_path,
        [HEADER, ["1803500001", "Old Neurology", "IL", "yes"], ["1803500002", "New", "TX", "no"]],
    )

    out, _ = command("import_programs", str(path))

    assert "1 created, 0 updated, 1 unchanged, 0 archived, 0 rejected" in out
    assert Program.objects.count() == 2


def test_import_programs_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path, [HEADER, ["1803500002", "New Neurology", "TX", "no"]])

    out, _ = command("import_programs", str(path), "--dry-run")

    assert "Dry run" in out and "1 created" in out
    assert not Program.objects.exists()
    assert ImportBatch.objects.get().dry_run is True


def test_import_programs_fails_with_the_row_errors_and_writes_nothing(tmp_path):
    path = write(
        tmp_path,
        [HEADER, ["1803500002", "New Neurology", "TX", "no"], ["1803500003", "B", "Nowhere", ""]],
    )
    err = StringIO()

    with pytest.raises(CommandError, match="1 row has errors, so nothing is imported"):
        call_command("import_programs", str(path), stdout=StringIO(), stderr=err)

    assert "Line 3, column “state”: “Nowhere” should be a US state" in err.getvalue()
    assert not Program.objects.exists()


def test_import_programs_dry_run_of_a_bad_file_fails_too(tmp_path):
    path = write(tmp_path, [HEADER, ["1803500003", "B", "Nowhere", ""]])
    err = StringIO()

    with pytest.raises(CommandError, match="Dry run of catalogue.csv"):
        call_command("import_programs", str(path), "--dry-run", stdout=StringIO(), stderr=err)

    assert "Line 2, column “state”" in err.getvalue()


def test_import_programs_skip_invalid_imports_the_rest(tmp_path):
    path = write(
        tmp_path,
        [HEADER, ["1803500002", "New Neurology", "TX", "no"], ["1803500003", "B", "Nowhere", ""]],
    )

    out, err = command("import_programs", str(path), "--skip-invalid")

    assert "1 created" in out and "1 rejected" in out
    assert "Skipped: Line 3" in err
    assert list(Program.objects.values_list("program_id", flat=True)) == ["1803500002"]


def test_import_programs_full_catalogue_archives_the_missing(tmp_path):
    missing = make_program(program_id="1803500009")
    path = write(tmp_path, [HEADER, ["1803500002", "New Neurology", "TX", "no"]])

    out, _ = command("import_programs", str(path), "--full-catalogue")

    assert "1 archived" in out
    missing.refresh_from_db()
    assert missing.active is False


def test_import_programs_if_empty_skips_a_catalogue_that_has_programs(tmp_path):
    make_program()
    path = write(tmp_path, [HEADER, ["1803500002", "New Neurology", "TX", "no"]])

    out, _ = command("import_programs", str(path), "--if-empty")

    assert "skipped" in out
    assert Program.objects.count() == 1


def test_import_programs_if_empty_imports_into_an_empty_catalogue(tmp_path):
    path = write(tmp_path, [HEADER, ["1803500002", "New Neurology", "TX", "no"]])

    out, _ = command("import_programs", str(path), "--if-empty")

    assert "1 created" in out and Program.objects.count() == 1


def test_import_programs_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        command("import_programs", str(tmp_path / "nope.csv"))


def test_export_programs_writes_the_canonical_columns_and_round_trips(tmp_path):
    make_program(img_pct=12.5, visa_h1b=False, yog_policy="limit", yog_window=5)
    make_program(active=False)
    out_path = tmp_path / "out.csv"

    out, _ = command("export_programs", str(out_path))

    assert "Exported 1 programs" in out
    assert out_path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out_path.open(encoding="utf-8-sig")))
    assert rows[0][:4] == ["program_id", "nrmp_codes", "name", "institution"]
    assert len(rows) == 2
    again, _ = command("import_programs", str(out_path))
    assert "0 created, 0 updated, 1 unchanged" in again
