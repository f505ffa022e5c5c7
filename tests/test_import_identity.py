"""A file row cannot give two programs one name and state when one of them has no program ID:
rows without an ID find their program by name and state (`identity_clash()`'s rule)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from programs.export import write_catalogue
from programs.importer import CatalogueImportError, import_catalogue
from programs.models import ImportBatch, Program
from tests.factories import make_catalogue_csv, make_catalogue_editor, make_program

pytestmark = pytest.mark.django_db

HEADER = ["program_id", "name", "state", "positions"]
CLASH = "would make this program a second “Beta Neurology” in TX"


@pytest.fixture
def alpha() -> Program:
    """A program with an ID beside a program without one, in the same state."""
    make_program(program_id=None, name="Beta Neurology", state="TX", positions=4)
    return make_program(program_id="1803500001", name="Alpha Neurology", state="TX", positions=6)


def snapshot() -> list[dict]:
    return list(Program.objects.order_by("pk").values())


def run(rows: list[list[str]], **options: object):
    return import_catalogue(
        content=make_catalogue_csv([HEADER, *rows]), file_name="f.csv", **options
    )


def test_a_row_with_an_id_cannot_rename_its_program_to_the_name_of_one_without_an_id(alpha):
    before = snapshot()

    with pytest.raises(CatalogueImportError) as refused:
        run([["1803500001", "Beta Neurology", "TX", "6"]])

    [error] = refused.value.errors
    assert (error.line, error.column, error.value) == (2, "name", "Beta Neurology")
    assert CLASH in str(error)
    assert "give both programs their ACGME program IDs" in str(error)
    assert snapshot() == before
    assert not ImportBatch.objects.filter(dry_run=False).exists()


def test_a_state_change_that_clashes_is_reported_on_the_state_column():
    make_program(program_id=None, name="Beta Neurology", state="TX")
    make_program(program_id="1803500001", name="Beta Neurology", state="CA")

    result = run([["1803500001", "Beta Neurology", "Texas", "6"]], dry_run=True)

    [error] = result.plan.errors
    assert (error.line, error.column, error.value) == (2, "state", "TX")
    assert CLASH in error.message
    assert result.plan.updates == []


def test_the_other_rows_are_imported_when_invalid_rows_are_skipped(alpha):
    result = run(
        [
            ["1803500001", "Beta Neurology", "TX", "7"],
            ["1803500002", "Gamma Neurology", "TX", "3"],
        ],
        skip_invalid=True,
    )

    assert result.summary == "1 created, 0 updated, 0 unchanged, 0 archived, 1 rejected"
    alpha.refresh_from_db()
    assert (alpha.name, alpha.positions) == ("Alpha Neurology", 6)
    assert Program.objects.filter(name="Beta Neurology").count() == 1
    assert Program.objects.filter(name="Gamma Neurology").exists()


def test_a_full_catalogue_import_with_a_clash_is_refused_and_archives_nothing(alpha):
    before = snapshot()

    with pytest.raises(CatalogueImportError, match="full-catalogue import"):
        run([["1803500001", "Beta Neurology", "TX", "6"]], full_catalogue=True)

    assert snapshot() == before


@pytest.mark.parametrize("rename_first", [True, False])
def test_two_rows_of_one_file_cannot_make_the_clash_and_the_later_one_is_refused(
    alpha, rename_first
):
    rename = ["1803500001", "Gamma Neurology", "TX", "6"]
    create = ["", "Gamma Neurology", "TX", "2"]
    rows = [rename, create] if rename_first else [create, rename]

    result = run(rows, dry_run=True)

    [error] = result.plan.errors
    assert error.line == 3
    assert "a second “Gamma Neurology” in TX, after line 2," in error.message
    assert [row.line for row in result.plan.creates + result.plan.updates] == [2]


def test_a_rename_is_allowed_when_both_programs_have_program_ids(alpha):
    make_program(program_id="1803500009", name="Delta Neurology", state="TX")

    result = run([["1803500001", "Delta Neurology", "TX", "6"]])

    assert result.plan.errors == []
    assert Program.objects.filter(name="Delta Neurology").count() == 2


def test_a_rename_is_allowed_when_the_same_file_gives_the_other_program_its_id(alpha):
    result = run(
        [
            ["1803500001", "Beta Neurology", "TX", "6"],
            ["1803500002", "Beta Neurology", "TX", "4"],  # adopts the program without an ID
        ]
    )

    assert result.summary == "0 created, 2 updated, 0 unchanged, 0 archived, 0 rejected"
    assert set(Program.objects.values_list("program_id", flat=True)) == {
        "1803500001",
        "1803500002",
    }


def test_the_catalogue_still_exports_and_imports_again_after_a_refused_clash(alpha, tmp_path):
    with pytest.raises(CatalogueImportError):
        run([["1803500001", "Beta Neurology", "TX", "6"]])
    out = tmp_path / "catalogue.csv"
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        write_catalogue(out=handle, programs=Program.objects.active())

    again = import_catalogue(content=out.read_bytes(), file_name="catalogue.csv")

    assert again.summary == "0 created, 0 updated, 2 unchanged, 0 archived, 0 rejected"


def test_the_preview_shows_the_clash_as_a_row_error_with_its_line_and_column(client, alpha):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_catalogue_editor())
    content = make_catalogue_csv([HEADER, ["1803500001", "Beta Neurology", "TX", "6"]])

    response = client.post(
        reverse("programs:import"), {"file": SimpleUploadedFile("f.csv", content, "text/csv")}
    )

    body = response.content.decode()
    assert response.context["plan"].rejected == 1
    assert (
        f'<td class="num" data-label="Line">2</td><td data-label="Column">name</td>'
        '<td data-label="Value"><code>Beta Neurology</code></td>'
        f'<td data-label="Problem">W{CLASH[1:]}' in body
    )
    assert "Import 1 change" not in body
    batch = ImportBatch.objects.get()
    confirmed = client.post(
        reverse("programs:import_confirm", args=[batch.pk]),
        {"sha256": batch.sha256, "skip_invalid": "true"},
    )
    assert "Import complete" not in confirmed.content.decode()
    assert Program.objects.get(pk=alpha.pk).name == "Alpha Neurology"


def test_the_command_prints_the_clash_and_writes_nothing(alpha, tmp_path, capsys):
    from django.core.management.base import CommandError

    path = tmp_path / "f.csv"
    path.write_bytes(make_catalogue_csv([HEADER, ["1803500001", "Beta Neurology", "TX", "6"]]))

    with pytest.raises(CommandError):
        call_command("import_programs", str(path))

    assert f"Line 2, column “name”: “Beta Neurology” {CLASH}" in capsys.readouterr().err
    assert Program.objects.get(pk=alpha.pk).name == "Alpha Neurology"
