import contextlib
import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.importer import CatalogueImportError, Table, clean_table, import_catalogue
from programs.normalise import (
    CANONICAL_COLUMNS,
    CLEANERS,
    CellError,
    canonical_field,
    clean_img_pct,
    clean_last_verified,
    clean_positions,
    clean_program_id,
    clean_setting,
    clean_state,
    clean_step2_min,
    clean_tier,
    clean_track,
    clean_tristate,
    clean_usce_min_months,
    clean_visa_list,
    clean_yog_window,
    format_number,
)

DESIGN_ALIASES = {
    "pct_img": "img_pct",
    "IMG %": "img_pct",
    "visa_statuses_accepted": "visa_statuses_accepted",
    "program_best_described_as": "setting",
    "first_year_positions": "positions",
    "program_name": "name",
    "Program Name": "name",
    "J1 Visa": "visa_j1",
    "H1B Visa": "visa_h1b",
    "Min Step 2 Score": "step2_min",
    "YOG Cutoff (Years)": "yog_window",
}


@pytest.mark.parametrize(("header", "field"), DESIGN_ALIASES.items())
def test_every_alias_in_the_design_is_understood(header, field):
    assert canonical_field(header) == field


@pytest.mark.parametrize("column", CANONICAL_COLUMNS)
def test_canonical_headers_match_in_any_case_spacing_and_punctuation(column):
    assert canonical_field(column) == column
    assert canonical_field(f"  {column.upper().replace('_', ' ')} ") == column
    assert canonical_field(column.replace("_", "-").title()) == column


def test_an_unknown_header_is_not_ours():
    assert canonical_field("Favourite colour") is None
    assert canonical_field("") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[(text, True) for text in ["Yes", "YES", "y", "Y", "True", "true", "1", "1.0", "x"]],
        *[(text, False) for text in ["No", "no", "N", "n", "False", "FALSE", "0", "0.0"]],
        *[(text, None) for text in ["", "  ", "N/A", "n/a", "NA", "Unknown", "unknown", "-"]],
    ],
)
def test_yes_no_in_the_usual_spellings_and_unknown(text, expected):
    assert clean_tristate(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("35%", 35.0), ("35", 35.0), (" 35 % ", 35.0), ("35.5", 35.5), ("35,5", 35.5), ("0", 0.0)],
)
def test_img_share_in_percent_styles(text, expected):
    assert clean_img_pct(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TX", "TX"),
        ("tx", "TX"),
        ("Texas", "TX"),
        ("TEXAS", "TX"),
        ("new york", "NY"),
        ("District of Columbia", "DC"),
        ("Washington, D.C.", "DC"),
        ("Puerto Rico", "PR"),
    ],
)
def test_states_by_code_or_full_name_in_any_case(text, expected):
    assert clean_state(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("['J-1 through ECFMG', 'H-1B']", (True, True)),
        ("['J-1 through ECFMG']", (True, False)),
        ("H1B", (False, True)),
        ("J1; H1B", (True, True)),
        ("None", (False, False)),
        ("", (None, None)),
        ("[]", (None, None)),
    ],
)
def test_visa_lists_become_j1_and_h1b_flags(text, expected):
    assert clean_visa_list(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("University-based", "university"),
        ("Community-based university affiliated", "community_affiliated"),
        ("Community-based University Affiliated Hospital", "community_affiliated"),
        ("Community-based", "community"),
        ("Military-based", "military"),
        ("community_affiliated", "community_affiliated"),
        ("Other", "other"),
        ("", ""),
    ],
)
def test_freida_setting_wording_becomes_a_canonical_setting(text, expected):
    assert clean_setting(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("within the past 5 year(s)", ("limit", 5)),
        ("Within the past 3 years", ("limit", 3)),
        ("5", ("limit", 5)),
        ("5 years", ("limit", 5)),
        ("0", ("limit", 0)),
        ("none", ("none", None)),
        ("no cap on years since graduation", ("none", None)),
        ("No limit", ("none", None)),
        ("", ("unknown", None)),
        ("Unknown", ("unknown", None)),
    ],
)
def test_graduation_windows_in_freida_and_plain_styles(text, expected):
    assert clean_yog_window(text) == expected


@pytest.mark.parametrize(
    ("cleaner", "text", "expected"),
    [
        (clean_program_id, "1803512345", "1803512345"),
        (clean_program_id, "1803512345.0", "1803512345"),
        (clean_program_id, "180-351-2345", "1803512345"),
        (clean_program_id, "", None),
        (clean_step2_min, "230", 230),
        (clean_step2_min, "230+", 230),
        (clean_step2_min, ">= 230", 230),
        (clean_step2_min, "None", None),
        (clean_step2_min, "N/A", None),
        (clean_usce_min_months, "3 months", 3),
        (clean_usce_min_months, "Not required", 0),
        (clean_usce_min_months, "", None),
        (clean_track, "Child Neurology", "child"),
        (clean_track, "A", "advanced"),
        (clean_track, "", "categorical"),
        (clean_last_verified, "2025-03-14", dt.date(2025, 3, 14)),
        (clean_last_verified, "3/14/2025", dt.date(2025, 3, 14)),
    ],
)
def test_other_value_styles(cleaner, text, expected):
    assert cleaner(text) == expected


@pytest.mark.parametrize(
    ("cleaner", "text", "message"),
    [
        (clean_tristate, "maybe", "yes, no or blank"),
        (clean_img_pct, "101", "between 0 and 100"),
        (clean_img_pct, "-5", "percentage between 0 and 100"),
        (clean_img_pct, "-3", "percentage between 0 and 100"),
        (clean_img_pct, "1e9", "percentage between 0 and 100"),
        (clean_positions, "-4", "between 0 and 200"),
        (clean_positions, "1e9", "between 0 and 200"),
        (clean_positions, "-4.5", "between 0 and 200"),
        (clean_step2_min, "-5", "between 1 and 300"),
        (clean_step2_min, "1e999", "between 1 and 300"),
        (clean_tier, "-1", "between 1 and 4"),
        (clean_usce_min_months, "-2", "between 0 and 120"),
        (clean_yog_window, "-3", "number of years"),
        (clean_img_pct, "12abc", "should be a number"),
        (clean_state, "Texass", "US state"),
        (clean_program_id, "12345", "10-digit"),
        (clean_step2_min, "299.5", "whole number"),
        (clean_yog_window, "2015", "not a graduation year"),
        (clean_yog_window, "soon", "number of years"),
        (clean_setting, "Spaceship", "university, community_affiliated"),
        (clean_last_verified, "yesterday", "date"),
    ],
)
def test_a_bad_value_says_what_the_cell_should_contain(cleaner, text, message):
    with pytest.raises(CellError, match=message):
        cleaner(text)


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_exported_numbers_read_back_as_the_same_float(value):
    assert clean_img_pct(format_number(value)) == value


ANY_CELL = st.text(max_size=40) | st.sampled_from(["", "yes", "35%", "TX", "none", "1e400"])


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(column=st.sampled_from(sorted(CLEANERS)), text=ANY_CELL)
def test_a_cleaner_raises_nothing_but_a_cell_error(column, text):
    with contextlib.suppress(CellError):
        CLEANERS[column](text)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries({c: ANY_CELL for c in CANONICAL_COLUMNS}), max_size=5))
def test_cleaning_arbitrary_rows_raises_nothing_but_the_import_error(rows):
    table = Table(
        headers=list(CANONICAL_COLUMNS),
        lines=list(range(2, len(rows) + 2)),
        columns=[[row[column] for row in rows] for column in CANONICAL_COLUMNS],
    )
    with contextlib.suppress(CatalogueImportError):
        clean_table(table)


@pytest.mark.django_db
@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.fixed_dictionaries({c: ANY_CELL for c in CANONICAL_COLUMNS}), min_size=1, max_size=4
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_importing_a_file_of_arbitrary_cells_raises_nothing_but_the_import_error(rows, delimiter):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CANONICAL_COLUMNS, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    with contextlib.suppress(CatalogueImportError):
        import_catalogue(content=out.getvalue().encode(), file_name="fuzz.csv", skip_invalid=True)


BIDI_CONTROLS = [
    chr(code) for code in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
]


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=lambda char: f"U+{ord(char):04X}")
@pytest.mark.parametrize("column", ["name", "institution", "city", "notes", "data_source"])
def test_bidirectional_controls_are_stripped_from_imported_text(column, control):
    assert CLEANERS[column](f"Sa{control}int Mary{control} Neurology") == "Saint Mary Neurology"


@pytest.mark.django_db
def test_an_imported_program_name_cannot_hide_a_reversed_text_override():
    content = "name,state\n\u202eygoloruen Hospital,TX\n".encode()

    import_catalogue(content=content, file_name="trojan.csv")

    from programs.models import Program

    assert Program.objects.get().name == "ygoloruen Hospital"
