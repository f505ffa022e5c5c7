import csv
import datetime as dt
import hashlib
import io

import openpyxl
import pytest
from django.utils import timezone

from programs.export import write_catalogue
from programs.importer import (
    MAX_ROWS,
    CatalogueImportError,
    confirm_import,
    import_catalogue,
)
from programs.models import ImportBatch, Program
from tests.factories import make_catalogue_csv, make_program, make_user

pytestmark = pytest.mark.django_db


def snapshot() -> list[dict]:
    return list(Program.objects.order_by("pk").values())


def run(content: bytes, file_name: str = "catalogue.csv", **options: object):
    return import_catalogue(content=content, file_name=file_name, **options)


def xlsx_bytes(rows: list[list[object]], *, percent_column: int | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if percent_column is not None:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=percent_column, max_col=percent_column):
            cell.number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FREIDA_HEADER = [
    "program_name",
    "ACGME ID",
    "state",
    "city",
    "pct_img",
    "visa_statuses_accepted",
    "program_best_described_as",
    "first_year_positions",
    "Min Step 2 Score",
    "YOG Cutoff (Years)",
]


def test_a_freida_style_export_imports_with_canonical_values():
    content = make_catalogue_csv(
        [
            FREIDA_HEADER,
            [
                "Lakeside Neurology",
                "1803512345",
                "Texas",
                "Houston",
                "35%",
                "['J-1 through ECFMG', 'H-1B']",
                "Community-based university affiliated",
                "6",
                "230",
                "within the past 5 year(s)",
            ],
            [
                "Hillview Neurology",
                "1853512346",
                "new york",
                "Albany",
                "12",
                "['J-1 through ECFMG']",
                "University-based",
                "4",
                "",
                "no cap on years since graduation",
            ],
            ["Valley Neurology", "", "ca", "Fresno", "N/A", "", "Community-based", "2", "", ""],
        ]
    )

    result = run(content)

    assert len(result.plan.creates) == 3 and not result.plan.errors
    lakeside = Program.objects.get(program_id="1803512345")
    assert (lakeside.state, lakeside.img_pct, lakeside.setting) == (
        "TX",
        35.0,
        "community_affiliated",
    )
    assert (lakeside.visa_j1, lakeside.visa_h1b, lakeside.positions) == (True, True, 6)
    assert (lakeside.step2_min, lakeside.yog_policy, lakeside.yog_window) == (230, "limit", 5)
    hillview = Program.objects.get(program_id="1853512346")
    assert (hillview.state, hillview.setting, hillview.img_pct) == ("NY", "university", 12.0)
    assert (hillview.visa_j1, hillview.visa_h1b) == (True, False)
    assert (hillview.step2_min, hillview.yog_policy, hillview.yog_window) == (None, "none", None)
    valley = Program.objects.get(name="Valley Neurology")
    assert valley.program_id is None and valley.state == "CA"
    assert (valley.img_pct, valley.visa_j1, valley.visa_h1b) == (None, None, None)
    assert (valley.yog_policy, valley.setting) == ("unknown", "community")


def test_a_hand_made_spreadsheet_header_style_is_understood():
    content = make_catalogue_csv(
        [
            ["Program Name", "State", "IMG %", "J1 Visa", "H1B Visa", "Multiple attempts"],
            ["Riverside Neurology", "OH", "48 %", "Y", "False", "Unknown"],
        ]
    )

    run(content)

    program = Program.objects.get()
    assert (program.img_pct, program.visa_j1, program.visa_h1b) == (48.0, True, False)
    assert program.multiple_attempts_ok is None


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_delimiters_and_encodings_are_detected(delimiter, encoding):
    content = make_catalogue_csv(
        [["name", "city", "state"], ["Neurología São Tomé", "Coeur d’Alène", "ID"]],
        delimiter=delimiter,
        encoding=encoding,
    )

    run(content)

    program = Program.objects.get()
    assert (program.name, program.city, program.state) == (
        "Neurología São Tomé",
        "Coeur d’Alène",
        "ID",
    )


def test_an_xlsx_file_imports_and_a_percentage_cell_counts_as_percent():
    content = xlsx_bytes(
        [
            ["Program Name", "ACGME ID", "State", "IMG %", "Last verified", "Positions"],
            ["Prairie Neurology", 1803500077, "Kansas", 0.35, dt.datetime(2025, 3, 14), 5.0],
        ],
        percent_column=4,
    )

    run(content, "catalogue.xlsx")

    program = Program.objects.get()
    assert (program.program_id, program.state, program.img_pct) == ("1803500077", "KS", 35.0)
    assert (program.last_verified, program.positions) == (dt.date(2025, 3, 14), 5)


def test_reimporting_the_same_file_reports_no_changes():
    content = make_catalogue_csv(
        [["program_id", "name", "state", "img_pct"], ["1803500001", "A Neurology", "TX", "33.3"]]
    )
    run(content)

    again = run(content)

    assert again.plan.changes == 0 and len(again.plan.unchanged) == 1


def test_export_then_import_round_trips_with_no_changes():
    make_program(img_pct=33.3, yog_policy="none", visa_h1b=False, notes="Line one\nline two")
    make_program(name='=HYPERLINK("https://evil.example")', institution="+ Sponsors", city="-")
    make_program(name="@SUM(A1)", notes="'=already quoted", data_source="－full width")
    make_program(program_id=None, img_pct=None, yog_policy="limit", yog_window=7, tier=None)
    make_program(last_verified=dt.date(2025, 1, 31), website="https://example.org/neuro")
    before = snapshot()
    out = io.StringIO()
    write_catalogue(out=out, programs=Program.objects.active())

    result = run(out.getvalue().encode(), full_catalogue=True)

    assert result.plan.changes == 0 and len(result.plan.unchanged) == 5
    assert snapshot() == before


def test_an_update_lists_each_changed_value_before_and_after():
    program = make_program(program_id="1803500001", img_pct=20.0, visa_j1=None)
    content = make_catalogue_csv(
        [
            ["program_id", "name", "state", "img_pct", "visa_j1"],
            ["1803500001", program.name, "IL", "45", "yes"],
        ]
    )

    result = run(content)

    (update,) = result.plan.updates
    assert update.changes == {"img_pct": (20.0, 45.0), "visa_j1": (None, True)}
    program.refresh_from_db()
    assert (program.img_pct, program.visa_j1) == (45.0, True)


def test_columns_missing_from_the_file_are_left_as_they_are():
    program = make_program(program_id="1803500001", step2_min=225, tier=1)
    content = make_catalogue_csv(
        [["program_id", "name", "state"], ["1803500001", program.name, "IL"]]
    )

    result = run(content)

    assert len(result.plan.unchanged) == 1
    program.refresh_from_db()
    assert (program.step2_min, program.tier) == (225, 1)


def test_a_row_without_program_id_matches_by_normalised_name_and_state():
    program = make_program(program_id=None, name="St. Mary's Neurology", state="MO", img_pct=10.0)
    content = make_catalogue_csv(
        [["name", "state", "img_pct"], ["ST MARYS  neurology", "Missouri", "25"]]
    )

    result = run(content)

    assert len(result.plan.updates) == 1 and not result.plan.creates
    program.refresh_from_db()
    assert program.img_pct == 25.0


def test_a_file_with_program_ids_adopts_a_program_that_had_none():
    program = make_program(program_id=None, name="Harbor Neurology", state="WA")
    content = make_catalogue_csv(
        [["program_id", "name", "state"], ["1803500555", "Harbor Neurology", "WA"]]
    )

    run(content)

    program.refresh_from_db()
    assert program.program_id == "1803500555"
    assert Program.objects.count() == 1


def test_full_catalogue_archives_missing_programs_and_deletes_none():
    kept = make_program(program_id="1803500001")
    missing = make_program(program_id="1803500002")
    content = make_catalogue_csv([["program_id", "name", "state"], ["1803500001", kept.name, "IL"]])

    result = run(content, full_catalogue=True)

    assert [program.pk for program in result.plan.archives] == [missing.pk]
    missing.refresh_from_db()
    assert missing.active is False
    assert Program.objects.count() == 2


def test_importing_an_archived_program_brings_it_back():
    program = make_program(program_id="1803500001", active=False)
    content = make_catalogue_csv(
        [["program_id", "name", "state"], ["1803500001", program.name, "IL"]]
    )

    result = run(content)

    assert result.plan.updates[0].changes == {"active": (False, True)}
    program.refresh_from_db()
    assert program.active is True


def test_every_import_is_recorded_as_a_batch_with_counts_and_hash():
    make_program(program_id="1803500001")
    content = make_catalogue_csv(
        [["program_id", "name", "state", "colour"], ["1803500009", "New Neurology", "TX", "blue"]]
    )
    staff = make_user("stella", is_staff=True)

    run(content, dry_run=True, user=staff)
    run(content, user=staff)

    dry, applied = ImportBatch.objects.order_by("pk")
    assert (dry.dry_run, applied.dry_run) == (True, False)
    for batch in (dry, applied):
        assert (batch.created, batch.updated, batch.unchanged, batch.rejected) == (1, 0, 0, 0)
        assert batch.sha256 == hashlib.sha256(content).hexdigest()
        assert batch.ignored_columns == ["colour"] and batch.user == staff
    assert Program.objects.count() == 2


# Bad input: a clear message, and the database as it was --------------------------------------

HEADER = ["program_id", "name", "state", "img_pct"]


@pytest.fixture
def catalogue():
    make_program(program_id="1803500001", name="Existing Neurology", img_pct=20.0)
    make_program(program_id=None, name="Other Neurology", state="TX")
    return snapshot()


def bad_files() -> list[tuple[str, bytes, str, str]]:
    good_row = ["1803500100", "New Neurology", "TX", "30"]
    return [
        ("empty", b"", "catalogue.csv", "empty"),
        ("blank lines", b"\n\n \n", "catalogue.csv", "empty"),
        ("header only", make_catalogue_csv([HEADER]), "catalogue.csv", "no programs"),
        ("binary", bytes(range(256)) * 4, "catalogue.csv", "not readable text"),
        ("binary as xlsx", b"PK\x03\x04" + bytes(range(256)), "catalogue.xlsx", "Excel"),
        ("text as xlsx", make_catalogue_csv([HEADER, good_row]), "catalogue.xlsx", "not an Excel"),
        (
            "missing name column",
            make_catalogue_csv([["program_id", "state"], ["1803500100", "TX"]]),
            "catalogue.csv",
            "no name column",
        ),
        (
            "wrong extension",
            make_catalogue_csv([HEADER, good_row]),
            "catalogue.pdf",
            ".csv or .xlsx",
        ),
        ("old excel", b"\xd0\xcf\x11\xe0", "catalogue.xls", "old Excel"),
        (
            "two name columns",
            make_catalogue_csv([["name", "Program Name", "state"], ["A", "B", "TX"]]),
            "catalogue.csv",
            "both mean name",
        ),
        (
            "a row wider than the header",
            b"name,state\nA Neurology,TX,extra\n",
            "catalogue.csv",
            "Line 2 has 3 cells",
        ),
    ]


@pytest.mark.parametrize(
    ("content", "file_name", "expected"),
    [case[1:] for case in bad_files()],
    ids=[case[0] for case in bad_files()],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_changes(
    catalogue, content, file_name, expected
):
    with pytest.raises(CatalogueImportError) as raised:
        run(content, file_name)

    assert expected in raised.value.message
    assert snapshot() == catalogue
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("row", "column", "value", "expected"),
    [
        (["1803500100", "New Neurology", "TX", "135"], "img_pct", "135", "between 0 and 100"),
        (["18035", "New Neurology", "TX", "30"], "program_id", "18035", "10-digit"),
        (["1803500100", "New Neurology", "Texass", "30"], "state", "Texass", "US state"),
        (["1803500100", "New Neurology", "TX", "lots"], "img_pct", "lots", "number"),
        (["1803500100", "", "TX", "30"], "name", "", "required"),
        (["1803500100", "New Neurology", "", "30"], "state", "", "required"),
    ],
)
def test_a_bad_value_names_line_column_and_value_and_nothing_changes(
    catalogue, row, column, value, expected
):
    content = make_catalogue_csv([HEADER, ["1803500101", "Fine Neurology", "TX", "10"], row])

    with pytest.raises(CatalogueImportError) as raised:
        run(content)

    (error,) = raised.value.errors
    assert (error.line, error.column, error.value) == (3, column, value)
    assert expected in error.message
    assert f"Line 3, column “{column}”" in str(error)
    assert "nothing is imported" in raised.value.message
    assert snapshot() == catalogue


def test_line_numbers_count_blank_rows_as_a_spreadsheet_does(catalogue):
    content = b"name,state\nA Neurology,TX\n\n\nB Neurology,Narnia\n"

    with pytest.raises(CatalogueImportError) as raised:
        run(content)

    assert [error.line for error in raised.value.errors] == [5]


@pytest.mark.parametrize(
    "rows",
    [
        [["1803500100", "A Neurology", "TX", "1"], ["1803500100", "B Neurology", "TX", "2"]],
        [["", "Same Neurology", "TX", "1"], ["", "same neurology", "Texas", "2"]],
        [["1803500001", "Existing Neurology", "IL", "1"], ["", "Existing Neurology", "IL", "2"]],
    ],
    ids=["same program id", "same name and state", "two rows for one catalogue program"],
)
def test_duplicate_keys_in_one_file_are_an_error_and_nothing_changes(catalogue, rows):
    with pytest.raises(CatalogueImportError) as raised:
        run(make_catalogue_csv([HEADER, *rows]))

    (error,) = raised.value.errors
    assert error.line == 3 and "line 2" in error.message
    assert snapshot() == catalogue


def test_a_file_over_five_megabytes_is_refused(catalogue):
    content = make_catalogue_csv([HEADER]) + b"x" * (5 * 1024 * 1024)

    with pytest.raises(CatalogueImportError, match="limit is 5 MB"):
        run(content)
    assert snapshot() == catalogue


def test_a_file_over_twenty_thousand_rows_is_refused(catalogue):
    rows = [[f"18{n:08d}", f"P {n}", "TX", ""] for n in range(MAX_ROWS + 1)]

    with pytest.raises(CatalogueImportError, match="limit is 20,000"):
        run(make_catalogue_csv([HEADER, *rows]))
    assert snapshot() == catalogue


def test_a_row_matching_two_catalogue_programs_by_name_asks_for_ids(catalogue):
    make_program(program_id="1803500200", name="Twin Neurology", state="OH")
    make_program(program_id="1803500201", name="Twin Neurology", state="OH")
    before = snapshot()

    with pytest.raises(CatalogueImportError) as raised:
        run(make_catalogue_csv([HEADER, ["", "Twin Neurology", "OH", "5"]]))

    assert "add their program IDs" in raised.value.errors[0].message
    assert snapshot() == before


def test_skip_invalid_imports_the_valid_rows_and_reports_the_others(catalogue):
    content = make_catalogue_csv(
        [HEADER, ["1803500100", "Good Neurology", "TX", "30"], ["1803500101", "Bad", "TX", "x"]]
    )

    result = run(content, skip_invalid=True)

    assert (len(result.plan.creates), result.plan.rejected) == (1, 1)
    assert Program.objects.filter(program_id="1803500100").exists()
    assert not Program.objects.filter(program_id="1803500101").exists()
    assert result.batch.rejected == 1 and result.batch.errors[0]["line"] == 3


def test_full_catalogue_refuses_a_file_with_errors_even_when_skipping(catalogue):
    content = make_catalogue_csv([HEADER, ["1803500101", "Bad", "TX", "x"]])

    with pytest.raises(CatalogueImportError, match="full-catalogue import"):
        run(content, full_catalogue=True, skip_invalid=True)
    assert snapshot() == catalogue


def test_a_dry_run_writes_no_program_but_records_its_plan(catalogue):
    result = run(make_catalogue_csv([HEADER, ["1803500100", "New", "TX", "1"]]), dry_run=True)

    assert len(result.plan.creates) == 1
    assert snapshot() == catalogue
    assert ImportBatch.objects.get().dry_run is True


# Confirming a preview -------------------------------------------------------------------------


def preview(user, content: bytes | None = None, **options: object) -> ImportBatch:
    content = content or make_catalogue_csv([HEADER, ["1803500100", "New Neurology", "TX", "1"]])
    return run(content, user=user, dry_run=True, keep_content=True, **options).batch


def test_confirming_a_preview_imports_exactly_the_stored_file_once():
    staff = make_user("stella", is_staff=True)
    batch = preview(staff)

    result = confirm_import(batch_id=batch.pk, sha256=batch.sha256, user=staff)

    assert len(result.plan.creates) == 1 and result.batch.dry_run is False
    assert Program.objects.filter(program_id="1803500100").exists()
    batch.refresh_from_db()
    assert batch.content is None
    with pytest.raises(CatalogueImportError, match="imported already"):
        confirm_import(batch_id=batch.pk, sha256=batch.sha256, user=staff)


def test_a_preview_cannot_be_confirmed_with_another_hash_by_another_user_or_late():
    staff = make_user("stella", is_staff=True)
    other = make_user("otto", is_staff=True)
    batch = preview(staff)

    with pytest.raises(CatalogueImportError, match="does not match"):
        confirm_import(batch_id=batch.pk, sha256="0" * 64, user=staff)
    with pytest.raises(CatalogueImportError, match="expired"):
        confirm_import(batch_id=batch.pk, sha256=batch.sha256, user=other)
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    with pytest.raises(CatalogueImportError, match="expired"):
        confirm_import(batch_id=batch.pk, sha256=batch.sha256, user=staff)
    assert not Program.objects.exists()


def test_a_new_preview_forgets_the_previous_pending_file():
    staff = make_user("stella", is_staff=True)
    first = preview(staff)

    preview(staff)

    first.refresh_from_db()
    assert first.content is None


def test_a_preview_replaced_by_a_newer_upload_says_so_and_that_nothing_was_imported():
    staff = make_user("stella", is_staff=True)
    a_csv = make_catalogue_csv([HEADER, ["1803500100", "A Neurology", "TX", "1"]])
    b_csv = make_catalogue_csv([HEADER, ["1803500200", "B Neurology", "TX", "1"]])
    tab_a = preview(staff, a_csv, file_name="a.csv")
    tab_b = preview(staff, b_csv, file_name="b.csv")
    confirm_import(batch_id=tab_b.pk, sha256=tab_b.sha256, user=staff)

    with pytest.raises(CatalogueImportError) as refused:
        confirm_import(batch_id=tab_a.pk, sha256=tab_a.sha256, user=staff)

    assert refused.value.message.startswith("A newer upload (b.csv, ")
    assert "replaced this preview, so nothing was imported from a.csv" in refused.value.message
    assert "imported already" not in refused.value.message
    assert list(Program.objects.values_list("name", flat=True)) == ["B Neurology"]


def test_an_expired_preview_says_it_expired_and_an_imported_one_that_it_was_imported():
    staff = make_user("stella", is_staff=True)
    old, done = preview(staff), None
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    done = preview(staff)  # also forgets the old file, as expired
    confirm_import(batch_id=done.pk, sha256=done.sha256, user=staff)

    with pytest.raises(CatalogueImportError, match=r"^This preview has expired \(a preview"):
        confirm_import(batch_id=old.pk, sha256=old.sha256, user=staff)
    with pytest.raises(CatalogueImportError, match=r"^This preview was imported already"):
        confirm_import(batch_id=done.pk, sha256=done.sha256, user=staff)


def test_the_canonical_export_is_the_template_header():
    out = io.StringIO()
    write_catalogue(out=out, programs=Program.objects.none())

    header = next(csv.reader(io.StringIO(out.getvalue().removeprefix("\ufeff"))))
    assert header[:3] == ["program_id", "nrmp_codes", "name"]
    assert header[20:] == [
        "last_verified", "step2_min_kind", "yog_window_kind", "usce_kind", "img_observerships",
    ]  # fmt: skip


def test_the_result_carries_its_counts_and_its_problem(catalogue):
    content = make_catalogue_csv(
        [HEADER, ["1803500100", "New Neurology", "TX", "1"], ["1803500101", "Bad", "ZZ", "1"]]
    )

    result = run(content, dry_run=True)

    assert result.summary == "1 created, 0 updated, 0 unchanged, 0 archived, 1 rejected"
    assert result.problem is not None and "1 row has errors" in result.problem
    assert run(content, skip_invalid=True).problem is None


def test_the_catalogue_export_protects_every_formula_like_cell_behind_a_quote():
    make_program(name="=1+1 Neurology", institution="@cmd", city="+City", notes="-2")
    make_program(name="Plain Neurology", notes="'=quoted already")
    out = io.StringIO()

    write_catalogue(out=out, programs=Program.objects.order_by("name"))

    text = out.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell and cell[0] in "=+-@\t\r"]
    assert (rows[0]["name"], rows[0]["institution"], rows[0]["city"], rows[0]["notes"]) == (
        "'=1+1 Neurology",
        "'@cmd",
        "'+City",
        "'-2",
    )
    assert rows[1]["notes"] == "''=quoted already"


def test_a_confirm_refuses_when_the_catalogue_changed_since_the_preview():
    staff = make_user("stella", is_staff=True)
    make_program(program_id="1803500001", name="Kept Neurology")
    full = make_catalogue_csv([HEADER, ["1803500001", "Kept Neurology", "IL", "20"]])
    batch = preview(staff, full, full_catalogue=True)
    assert batch.archived == 0
    # Another staff member imports a program between the preview and the confirm.
    run(make_catalogue_csv([HEADER, ["1803500002", "Newer Neurology", "TX", "30"]]))

    with pytest.raises(CatalogueImportError, match="changed since this preview"):
        confirm_import(batch_id=batch.pk, sha256=batch.sha256, user=staff)

    assert Program.objects.get(program_id="1803500002").active is True
    assert ImportBatch.objects.filter(dry_run=False).count() == 1


def test_a_confirm_writes_the_previewed_plan_when_other_programs_did_not_change_it():
    staff = make_user("stella", is_staff=True)
    batch = preview(staff)
    make_program(program_id="1803500002", name="Unrelated Neurology", state="NY")

    confirm_import(batch_id=batch.pk, sha256=batch.sha256, user=staff)

    assert Program.objects.filter(program_id="1803500100").exists()


def test_a_failed_confirm_leaves_the_preview_usable():
    staff = make_user("stella", is_staff=True)
    content = make_catalogue_csv(
        [HEADER, ["1803500100", "New Neurology", "TX", "1"], ["1803500101", "Bad", "ZZ", "1"]]
    )
    batch = preview(staff, content)

    with pytest.raises(CatalogueImportError, match="1 row has errors"):
        confirm_import(batch_id=batch.pk, sha256=batch.sha256, user=staff)
    assert not Program.objects.exists()

    result = confirm_import(batch_id=batch.pk, sha256=batch.sha256, user=staff, skip_invalid=True)

    assert len(result.plan.creates) == 1
    assert Program.objects.filter(program_id="1803500100").exists()


def test_large_counts_are_written_with_thousands_separators_as_the_page_writes_them():
    rows = [HEADER] + [["", f"Bad Neurology {n}", "Narnia", "1"] for n in range(15_000)]
    rows.append(["1803500100", "Good Neurology", "TX", "1"])

    result = run(make_catalogue_csv(rows), dry_run=True)

    assert result.problem.startswith("15,000 rows have errors, so nothing is imported.")
    assert result.summary == "1 created, 0 updated, 0 unchanged, 0 archived, 15,000 rejected"


def test_a_file_without_a_valid_row_does_not_offer_to_skip_the_invalid_ones(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.factories import make_catalogue_editor

    client.force_login(make_catalogue_editor())
    content = make_catalogue_csv([HEADER, ["", "Bad Neurology", "Narnia", "1"]])

    response = client.post(
        reverse("programs:import"), {"file": SimpleUploadedFile("bad.csv", content, "text/csv")}
    )

    page = response.content.decode()
    assert "1 row has errors, so nothing is imported. Fix the rows listed." in page
    assert "skip the invalid ones" not in page and "skip the 1 row" not in page
