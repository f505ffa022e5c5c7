"""`import_outcomes`: an advising office's spreadsheet of applications and what came of them."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applicants.models import ApplicationOutcome, OutcomeImport, OutcomeSource
from applicants.outcomes import PROFILE_COLUMNS, OutcomeImportError, import_outcomes
from tests.factories import OUTCOME_ROW_DEFAULTS, make_outcomes_csv, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs():
    return [
        make_program(program_id="1801000001", name="Saint Louis Neurology", state="MO"),
        make_program(program_id="1801000002", name="Lakeside Neurology", state="IL"),
    ]


def run(content: bytes, **options: object):
    return import_outcomes(content=content, file_name="outcomes.csv", **options)


def errors_of(content: bytes) -> list[str]:
    with pytest.raises(OutcomeImportError) as caught:
        run(content)
    return [str(error) for error in caught.value.errors]


def test_the_profile_columns_are_the_designs_in_its_order():
    assert ",".join(PROFILE_COLUMNS) == (
        "visa,graduation_year,step1_attempts,step2_score,step2_attempts,step3_score,"
        "usce_months,observership_months,neuro_publications,neuro_presentations,"
        "us_neuro_letters,preferred_states,preferred_regions"
    )


def test_a_file_in_the_design_layout_is_imported_row_by_row(programs):
    content = make_outcomes_csv(
        {"program_id": "1801000001", "invited": "yes", "interviewed": "yes", "matched": "yes",
         "preferred_states": "MO;IL", "preferred_regions": "Midwest", "step3_score": "231"},
        {"program_id": "1801000002", "invited": "no", "step2_score": "", "signalled": ""},
    )  # fmt: skip
    result = run(content)
    assert (result.rows, result.applicants, result.seasons, result.replaced) == (2, 1, {2026: 2}, 0)
    first, second = ApplicationOutcome.objects.order_by("line")
    assert first.program == programs[0] and first.line == 2
    assert (first.invited, first.interviewed, first.matched) == (True, True, True)
    assert first.preferred_states == ["MO", "IL"] and first.preferred_regions == ["Midwest"]
    assert first.step3_score == 231 and first.step2_score == 240
    assert first.source == OutcomeSource.IMPORT and first.batch == result.batch
    assert second.step2_score is None and second.signalled is None and second.invited is False
    assert second.interviewed is None and second.matched is None


def test_an_imported_outcome_cannot_point_at_a_user():
    related = {field.related_model for field in ApplicationOutcome._meta.get_fields()
               if field.is_relation}  # fmt: skip
    assert {model.__name__ for model in related} == {"OutcomeImport", "Program"}


def test_one_bad_row_means_nothing_is_written_and_the_error_names_line_column_and_value(programs):
    content = make_outcomes_csv(
        {"program_id": "1801000001"},
        {"program_id": "1801000002", "step2_score": "two-forty"},
        {"program_id": "1801000002", "applicant": "A002", "usce_months": "500"},
    )
    assert errors_of(content) == [
        "Line 3, column “step2_score”: “two-forty” should be a whole number.",
        "Line 4, column “usce_months”: “500” should be between 0 and 120.",
    ]
    assert not ApplicationOutcome.objects.exists()
    assert not OutcomeImport.objects.exists()


def test_programs_are_matched_by_name_and_state_as_the_catalogue_import_matches_them(programs):
    content = make_outcomes_csv(
        {"Program Name": "SAINT LOUIS  neurology", "State": "Missouri"},
        columns=["season", "applicant", "Program Name", "State", "visa", "graduation_year",
                 "step2_score", "invited"],
    )  # fmt: skip
    run(content)
    assert ApplicationOutcome.objects.get().program == programs[0]


def test_a_program_the_catalogue_does_not_know_is_an_error(programs):
    content = make_outcomes_csv({"program_id": "1809999999"})
    assert errors_of(content) == [
        "Line 2, column “program_id”: “1809999999” matches no program in the catalogue with "
        "this ID."
    ]


def test_a_row_without_a_program_is_an_error(programs):
    assert errors_of(make_outcomes_csv({"program_id": ""})) == [
        "Line 2, column “program_id”: “” is required (or give the program's name and state)."
    ]


def test_outcomes_read_yes_no_and_blank_in_the_catalogues_spellings(programs):
    content = make_outcomes_csv(
        {"program_id": "1801000001", "invited": "Y", "interviewed": "TRUE", "matched": "N/A"},
        {"program_id": "1801000002", "invited": "0", "interviewed": "", "matched": "No"},
    )
    run(content)
    first, second = ApplicationOutcome.objects.order_by("line")
    assert (first.invited, first.interviewed, first.matched) == (True, True, None)
    assert (second.invited, second.interviewed, second.matched) == (False, None, False)


def test_impossible_outcomes_are_errors(programs):
    content = make_outcomes_csv(
        {"program_id": "1801000001", "invited": "no", "interviewed": "yes"},
        {"program_id": "1801000002", "invited": "yes", "interviewed": "no", "matched": "yes"},
    )
    assert errors_of(content) == [
        "Line 2, column “interviewed”: “yes” says yes, but invited says no.",
        "Line 3, column “matched”: “yes” says yes, but the applicant was not invited or "
        "interviewed.",
    ]


def test_an_applicant_matches_at_most_once_a_season(programs):
    content = make_outcomes_csv(
        {"program_id": "1801000001", "interviewed": "yes", "matched": "yes"},
        {"program_id": "1801000002", "interviewed": "yes", "matched": "yes"},
        {"program_id": "1801000002", "season": "2027", "interviewed": "yes", "matched": "yes"},
    )
    assert errors_of(content) == [
        "Line 3, column “matched”: “yes” is a second match in this season (line 2)."
    ]


def test_the_same_application_twice_is_an_error(programs):
    content = make_outcomes_csv({"program_id": "1801000001"}, {"program_id": "1801-000-001"})
    assert errors_of(content) == [
        "Line 3, column “program_id”: “1801-000-001” is the same application as line 2."
    ]


@pytest.mark.parametrize("applicant", ["maria.silva@example.org", "Maria Silva", ""])
def test_an_applicant_must_be_an_opaque_id(programs, applicant):
    [error] = errors_of(make_outcomes_csv({"program_id": "1801000001", "applicant": applicant}))
    assert error.startswith(f"Line 2, column “applicant”: “{applicant}” ")
    assert "never a name" in error or "required" in error


def test_graduating_after_the_season_is_an_error(programs):
    content = make_outcomes_csv({"program_id": "1801000001", "graduation_year": "2027"})
    assert errors_of(content) == [
        "Line 2, column “graduation_year”: “2027” is after the season 2026."
    ]


def test_states_and_regions_are_lists_separated_by_semicolons(programs):
    content = make_outcomes_csv(
        {"program_id": "1801000001", "preferred_states": "tx; New York",
         "preferred_regions": "south;WEST"},
        {"program_id": "1801000002", "preferred_states": "TX;Atlantis"},
    )  # fmt: skip
    [error] = errors_of(content)
    assert error.startswith("Line 3, column “preferred_states”: “TX;Atlantis” should be a US state")
    run(make_outcomes_csv(
        {"program_id": "1801000001", "preferred_states": "tx; New York",
         "preferred_regions": "south;WEST"}
    ))  # fmt: skip
    row = ApplicationOutcome.objects.get()
    assert (row.preferred_states, row.preferred_regions) == (["TX", "NY"], ["South", "West"])


def test_a_file_without_a_required_column_names_it(programs):
    content = make_outcomes_csv({}, columns=["season", "applicant", "program_id", "visa"])
    with pytest.raises(OutcomeImportError, match="no graduation_year, step2_score columns"):
        run(content)


def test_two_columns_for_one_field_are_refused_naming_both(programs):
    content = make_outcomes_csv({}, columns=[*OUTCOME_ROW_DEFAULTS, "Visa"])
    with pytest.raises(OutcomeImportError, match="Columns “visa” and “Visa” both mean visa"):
        run(content)
    assert not OutcomeImport.objects.exists()


def test_missing_optional_columns_take_the_profile_defaults(programs):
    columns = ["season", "applicant", "program_id", "visa", "graduation_year", "step2_score"]
    run(make_outcomes_csv({"program_id": "1801000001"}, columns=columns))
    row = ApplicationOutcome.objects.get()
    assert (row.step1_attempts, row.usce_months, row.us_neuro_letters) == (1, 0, 0)
    assert row.invited is None and row.preferred_states == []


def test_importing_the_same_applicants_again_replaces_their_rows(programs):
    run(make_outcomes_csv({"program_id": "1801000001", "invited": ""},
                          {"program_id": "1801000002", "invited": ""}))  # fmt: skip
    result = run(make_outcomes_csv({"program_id": "1801000001", "invited": "yes"},
                                   {"program_id": "1801000001", "applicant": "B7"}))  # fmt: skip
    assert result.replaced == 2
    assert sorted(ApplicationOutcome.objects.values_list("applicant", "invited")) == [
        ("A001", True),
        ("B7", True),
    ]


def test_a_dry_run_writes_nothing_and_counts_what_it_would_replace(programs):
    run(make_outcomes_csv({"program_id": "1801000001"}))
    result = run(make_outcomes_csv({"program_id": "1801000002"}), dry_run=True)
    assert (result.rows, result.replaced, result.batch) == (1, 1, None)
    assert ApplicationOutcome.objects.get().program == programs[0]
    assert OutcomeImport.objects.count() == 1


def test_an_xlsx_workbook_is_read_like_a_csv(programs):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["season", "applicant", "program_id", "visa", "graduation_year", "step2_score",
                  "invited"])  # fmt: skip
    sheet.append([2026, "X1", 1801000002, "J1", 2021, 238, True])
    buffer = io.BytesIO()
    book.save(buffer)
    import_outcomes(content=buffer.getvalue(), file_name="outcomes.xlsx")
    row = ApplicationOutcome.objects.get()
    assert (row.program, row.visa, row.step2_score, row.invited) == (programs[1], "j1", 238, True)


def test_the_command_prints_what_it_imported(programs, tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_bytes(make_outcomes_csv({"program_id": "1801000001"}, {"program_id": "1801000002"}))
    out = io.StringIO()
    call_command("import_outcomes", str(path), "--dry-run", stdout=out)
    assert "Dry run of outcomes.csv, nothing written: would import 2 applications" in out.getvalue()
    assert not ApplicationOutcome.objects.exists()
    call_command("import_outcomes", str(path), stdout=out)
    assert "Imported outcomes.csv: 2 applications of 1 applicant (by season" in out.getvalue()
    assert ApplicationOutcome.objects.count() == 2


def test_the_command_lists_each_error_and_fails(programs, tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_bytes(make_outcomes_csv({"program_id": "1801000001", "visa": "f1"}))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 row has errors, so nothing is imported"):
        call_command("import_outcomes", str(path), stderr=err)
    assert "Line 2, column “visa”: “f1” should be none, j1, h1b or any." in err.getvalue()


def test_the_command_says_when_the_file_cannot_be_read(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_outcomes", str(tmp_path / "missing.csv"))


def test_a_name_two_catalogue_programs_share_in_a_state_asks_for_the_program_id(programs):
    make_program(program_id=None, name="Twin Neurology", state="TX")
    make_program(program_id=None, name="Twin  neurology", state="TX")
    content = make_outcomes_csv(
        {"name": "Twin Neurology", "state": "TX"},
        columns=["season", "applicant", "name", "state", "visa", "graduation_year", "step2_score"],
    )
    assert errors_of(content) == [
        "Line 2, column “name”: “Twin Neurology” matches 2 programs: give the program ID."
    ]


def test_a_negative_or_huge_count_is_out_of_range_not_misspelt(programs):
    content = make_outcomes_csv(
        {"program_id": "1801000001", "usce_months": "-2"},
        {"program_id": "1801000002", "neuro_publications": "1e9"},
        {"program_id": "1801000002", "applicant": "A002", "step2_score": "-240"},
    )
    errors = errors_of(content)
    assert errors[0] == "Line 2, column “usce_months”: “-2” should be between 0 and 120."
    assert errors[1].startswith("Line 3, column “neuro_publications”: “1e9” should be between 0")
    assert errors[2].startswith("Line 4, column “step2_score”: “-240” should be between")
