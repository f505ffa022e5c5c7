import io
import math
import re
import zipfile
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest

from applicants import export, export_columns, export_data, rank_export, shortlists
from applicants.listbuilder import outlook
from applicants.models import Shortlist
from applicants.profiles import shown_profile
from programs.models import ImportBatch
from tests.factories import make_list_rows, make_profile, make_profile_data, make_program

HEADERS = [
    "Rank",
    "Program",
    "Institution",
    "City",
    "State",
    "Region",
    "Setting",
    "Tier",
    "Band",
    "Interview probability",
    "Fit score",
    "J-1",
    "H-1B",
    "IMG share",
    "Step 2 minimum",
    "Graduation window (years)",
    "Reasons",
    "Status",
    "Signalled",
    "Applied on",
    "Invited on",
    "Rejected on",
    "Withdrawn on",
    "Interview",
    "Interview format",
    "Interviewed",
    "Rank position",
    "Matched",
    "Notes",
    "Website",
    "NRMP codes",
    "Program ID",
]
ZONE = ZoneInfo("Asia/Kolkata")  # the applicant's, which the rows' times are in
# The headers as the files show them: the interview column names the zone of its times.
SHOWN_HEADERS = [
    "Interview (Asia/Kolkata)" if header == "Interview" else header for header in HEADERS
]
PAYLOADS = [
    "=1+2",
    '=HYPERLINK("https://evil.example","Click")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+2",
    "\r=1+2",
    "=cmd|' /C calc'!A0",
]
ABOUT = {
    "exported_at": datetime(2026, 11, 25, 9, 30),  # in ZONE
    "scenario": "My profile",
    "catalogue_sources": ["FREIDA 2026"],
    "verified_from": date(2026, 3, 1),
    "verified_to": date(2026, 9, 15),
    "unverified": 0,
}


def summary(**fields: object) -> dict:
    return {
        "scenario": "My profile",
        "profile": shown_profile(make_profile_data()),
        "outlook": {
            "size": 3,
            "expected_interviews": 1.5,
            "at_least": {1: 0.8, 2: 0.45, 3: 0.1},
            "match_chance": 0.27,
            "fee_usd": 33,
        },
        **fields,
    }


def sample_rows() -> pd.DataFrame:
    return make_list_rows(
        {
            "name": "São Paulo Memorial Neurology",
            "city": "Zürich",
            "state": "TX",
            "region": "South",
            "band": "reach",
            "interview_probability": 0.1234,
            "fit_score": 12,
            "visa_j1": True,
            "visa_h1b": False,
            "img_pct": 35.0,
            "step2_min": 230,
            "yog_window": 5,
            "reasons": ["+ Sponsors J-1", "− Step 2 CK 226 is below the minimum 230"],
            "status": "applied",
            "notes": "Emailed the coordinator",
        },
        {
            "program_id": "1854000002",
            "setting": "community",
            "tier": None,
            "band": "target",
            "interview_probability": 0.5,
            "img_pct": None,
            "yog_window": math.inf,
            "website": "",
        },
        {
            "program_id": "1804000003",
            "state": "TX",
            "region": "South",
            "setting": "community_affiliated",
            "band": "safety",
            "interview_probability": 0.8765,
            "visa_j1": None,
            "yog_window": None,
            "reasons": [],
            "website": "www.no-scheme.example.org",
        },
    )


def workbook(
    rows: pd.DataFrame | None = None, *, zone=ZONE, **summary_fields: object
) -> openpyxl.Workbook:
    rows = sample_rows() if rows is None else rows
    data = export.write_xlsx(rows, summary=summary(**summary_fields), about=ABOUT, zone=zone)
    return openpyxl.load_workbook(io.BytesIO(data))


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


def ooxml_text(value: str) -> str:
    """Undo the OOXML escape of a carriage return, which Excel decodes and openpyxl does not."""
    return value.replace("_x000D_", "\r")


def column(sheet, header: str) -> list:
    index = HEADERS.index(header) + 1
    return [sheet.cell(row=row, column=index) for row in range(2, sheet.max_row + 1)]


def labelled(sheet, label_column: int = 1) -> dict[str, object]:
    return {
        row[label_column - 1].value: row[label_column]
        for row in sheet.iter_rows()
        if row[label_column - 1].value is not None
    }


def test_the_workbook_has_the_shortlist_summary_and_about_sheets_in_that_order():
    assert workbook().sheetnames == ["Shortlist", "Summary", "About"]


def test_the_shortlist_sheet_has_one_row_per_listed_program_in_rank_order_under_the_headers():
    sheet = workbook()["Shortlist"]
    assert [cell.value for cell in sheet[1]] == SHOWN_HEADERS
    assert [cell.value for cell in column(sheet, "Rank")] == [1, 2, 3]
    assert [cell.value for cell in column(sheet, "Program ID")] == [
        "1804000001",
        "1854000002",
        "1804000003",
    ]


def test_codes_become_labels_and_unknown_policies_say_unknown():
    sheet = workbook()["Shortlist"]
    assert [c.value for c in column(sheet, "Band")] == ["Long shot", "Possible", "Best odds"]
    assert [c.value for c in column(sheet, "Setting")] == [
        "University-based",
        "Community-based",
        "Community, university-affiliated",
    ]
    assert [c.value for c in column(sheet, "Status")] == ["Applied", "Considering", "Considering"]
    assert [c.value for c in column(sheet, "J-1")] == ["Yes", "Yes", "Unknown"]
    assert [c.value for c in column(sheet, "H-1B")] == ["No", "Unknown", "Unknown"]
    assert [c.value for c in column(sheet, "Graduation window (years)")] == [
        5,
        "No limit",
        "Unknown",
    ]
    assert [c.value for c in column(sheet, "Tier")] == [2, None, 2]
    assert [c.value for c in column(sheet, "Step 2 minimum")] == [230, None, None]


def test_accents_survive_in_the_workbook():
    sheet = workbook()["Shortlist"]
    assert sheet["B2"].value == "São Paulo Memorial Neurology"
    assert sheet["D2"].value == "Zürich"


def test_probabilities_and_img_shares_are_real_numbers_in_percent_format():
    sheet = workbook()["Shortlist"]
    probability = column(sheet, "Interview probability")
    assert [c.value for c in probability] == [0.1234, 0.5, 0.8765]
    assert all(c.data_type == "n" and "%" in c.number_format for c in probability)
    # An estimate never reads 0 % or 100 % in Excel either: the format has sections for both.
    assert all(
        '[>=0.995]"> 99 %"' in c.number_format and '[<0.005]"< 1 %"' in c.number_format
        for c in probability
    )
    share = column(sheet, "IMG share")
    assert share[0].value == pytest.approx(0.35)
    assert share[0].number_format == "0%"
    assert share[1].value is None


def test_reasons_are_joined_one_per_line_and_wrapped():
    reasons = column(workbook()["Shortlist"], "Reasons")
    assert reasons[0].value == "+ Sponsors J-1\n− Step 2 CK 226 is below the minimum 230"
    assert reasons[0].alignment.wrap_text
    assert reasons[2].value is None


def test_a_website_is_a_clickable_link_and_anything_else_stays_plain_text():
    websites = column(workbook()["Shortlist"], "Website")
    assert websites[0].hyperlink.target == "https://neurology.example.org/residency"
    assert websites[0].value == "https://neurology.example.org/residency"
    assert websites[1].value is None
    assert websites[2].hyperlink is None
    assert websites[2].value == "www.no-scheme.example.org"


def test_the_header_is_frozen_with_the_program_names_and_filterable():
    sheet = workbook()["Shortlist"]
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == "A1:AF4"
    assert sheet["A1"].font.bold


def test_columns_are_wide_enough_for_their_content():
    rows = sample_rows()
    rows.loc[0, "name"] = "A Very Long Program Name At A University Medical Center In Texas"
    sheet = workbook(rows)["Shortlist"]
    widths = {header: sheet.column_dimensions[chr(ord("A") + i)].width for i, header in
              enumerate(HEADERS)}  # fmt: skip
    assert widths["Reasons"] >= 50
    assert 40 <= widths["Program"] <= 50
    assert widths["State"] < widths["Institution"]
    assert sheet.row_dimensions[2].height >= 30  # two reasons, two lines


def test_bands_are_coloured_by_conditional_formats_on_the_band_column():
    sheet = workbook()["Shortlist"]
    rules = {
        rule.formula[0]: rule.dxf.fill.bgColor.rgb
        for cf in sheet.conditional_formatting
        for rule in cf.rules
        if str(cf.sqref).startswith("I")
    }
    assert set(rules) >= {'"Long shot"', '"Possible"', '"Best odds"'}
    assert len({rules['"Long shot"'], rules['"Possible"'], rules['"Best odds"']}) == 3


def test_the_summary_sheet_shows_the_profile_and_the_outlook_with_number_formats():
    sheet = workbook()["Summary"]
    values = labelled(sheet)
    assert "My profile" in sheet["A1"].value
    assert values["USMLE Step 2 CK score"].value == 245
    assert values["Visa you need"].value == "Needs a J-1 visa"
    assert values["USMLE Step 3 score"].value == "Not taken"
    assert values["Expected interviews"].value == 1.5
    assert values["Match chance (estimate)"].value == 0.27
    assert values["Match chance (estimate)"].number_format.endswith(";0 %")
    for label in ("Match chance (estimate)", "Chance of at least 1 interview"):
        assert '[>=0.995]"> 99 %";[<0.005]"< 1 %"' in values[label].number_format
    assert values["ERAS application fee"].value == 33
    assert "$" in values["ERAS application fee"].number_format
    assert values["Chance of at least 1 interview"].value == 0.8
    assert values["Chance of at least 3 interviews"].value == 0.1


def test_the_summary_counts_programs_by_band_state_and_setting():
    rows = sample_rows()
    sheet = workbook(rows)["Summary"]
    bands = labelled(sheet, label_column=4)
    assert {label: bands[label].value for label in ("Long shot", "Possible", "Best odds")} == {
        "Long shot": 1,
        "Possible": 1,
        "Best odds": 1,
    }
    assert bands["University-based"].value == 1
    assert bands["Community-based"].value == 1
    states = labelled(sheet, label_column=7)
    assert states["Texas (TX)"].value == (rows["state"] == "TX").sum()
    assert states["Illinois (IL)"].value == (rows["state"] == "IL").sum()


def test_the_about_sheet_dates_the_export_and_explains_the_estimate():
    sheet = workbook()["About"]
    values = labelled(sheet)
    assert values["Exported (Asia/Kolkata)"].value == datetime(2026, 11, 25, 9, 30)
    assert values["Catalogue source"].value == "FREIDA 2026"
    assert values["Programs last verified"].value == "From 2026-03-01 to 2026-09-15"
    text = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)
    assert len(export.ESTIMATE_EXPLAINED) == 6
    assert all(sentence in text for sentence in export.ESTIMATE_EXPLAINED)
    assert "Best odds: 20 % or more chance of an interview" in text
    assert "Verify each program's current policies" in text


def test_the_about_sheet_says_which_zone_the_export_time_is_in():
    assert "Exported (UTC)" in labelled(workbook(zone=UTC)["About"])
    assert "Exported" not in labelled(workbook()["About"])


def listed_sheets(book: openpyxl.Workbook) -> list[str]:
    """The sheet names the About sheet lists under "The sheets", in order."""
    names = [row[0] for row in book["About"].iter_rows(values_only=True)]
    return [name for name in names[names.index("The sheets") + 1 :] if name]


@pytest.mark.parametrize("calendar", [None, [], [{"date": date(2027, 3, 19), "what": "Match Day"}]])
def test_the_about_sheet_lists_every_sheet_the_workbook_has_in_order(calendar):
    data = export.write_xlsx(
        sample_rows(), summary=summary(), about=ABOUT, zone=ZONE, calendar=calendar
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert listed_sheets(book) == book.sheetnames
    assert ("Calendar" in book.sheetnames) == (calendar is not None)


def test_the_summary_takes_an_outlook_object_as_well_as_a_mapping():
    result = outlook([0.5, 0.25])
    values = labelled(workbook(outlook=result)["Summary"])
    assert values["Expected interviews"].value == 0.75
    assert values["Match chance (estimate)"].value == pytest.approx(result.match_chance)


def test_an_empty_list_still_gives_a_valid_workbook_with_headers():
    book = workbook(make_list_rows(), outlook=None)
    assert [cell.value for cell in book["Shortlist"][1]] == SHOWN_HEADERS
    assert book["Shortlist"].max_row == 1


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_text_is_written_as_literal_text_in_the_workbook(payload):
    rows = make_list_rows(
        {
            "name": payload,
            "institution": payload,
            "city": payload,
            "notes": payload,
            "nrmp_codes": payload,
            "website": payload,
            "reasons": [payload],
        }
    )
    data = export.write_xlsx(rows, summary=summary(scenario=payload), about=ABOUT, zone=ZONE)
    assert "<f>" not in sheet_xml(data) and "<f " not in sheet_xml(data)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Shortlist"]
    for header in ("Program", "Institution", "City", "Notes", "NRMP codes", "Website", "Reasons"):
        cell = column(sheet, header)[0]
        assert (ooxml_text(cell.value), cell.data_type, cell.quotePrefix) == (payload, "s", True)
    assert column(sheet, "Interview probability")[0].data_type == "n"


def test_a_scenario_name_or_profile_value_cannot_become_a_formula_either():
    data = export.write_xlsx(
        make_list_rows({}),
        summary=summary(scenario="=1+2", profile={"=label": "@value"}),
        about={**ABOUT, "scenario": "+1", "catalogue_sources": ["-1"]},
        zone=ZONE,
    )
    assert "<f>" not in sheet_xml(data)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert labelled(book["Summary"])["=label"].value == "@value"
    assert labelled(book["Summary"])["=label"].quotePrefix
    assert labelled(book["About"])["Scenario"].value == "+1"


def test_reasons_starting_with_plus_are_neutralised_and_with_a_true_minus_sign_they_need_not_be():
    sheet = workbook()["Shortlist"]
    assert column(sheet, "Reasons")[0].quotePrefix
    assert not export.is_formula_like("− Step 2 CK 226 is below the minimum 230")
    assert export.is_formula_like("+ Sponsors J-1")


def test_the_csv_starts_with_a_byte_order_mark_and_round_trips_through_pandas():
    data = export.write_csv(sample_rows(), zone=ZONE)
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(table.columns) == SHOWN_HEADERS
    assert table.loc[0, "Program"] == "São Paulo Memorial Neurology"
    assert table.loc[0, "City"] == "Zürich"
    assert table["Rank"].tolist() == [1, 2, 3]
    assert table["Interview probability"].tolist() == [0.1234, 0.5, 0.8765]
    assert table.loc[0, "IMG share"] == pytest.approx(0.35)
    assert math.isnan(table.loc[1, "IMG share"])
    assert table.loc[0, "Step 2 minimum"] == 230
    assert table.loc[0, "Reasons"] == "'+ Sponsors J-1; − Step 2 CK 226 is below the minimum 230"
    assert table["Graduation window (years)"].tolist() == ["5", "No limit", "Unknown"]
    assert table.loc[0, "Website"] == "https://neurology.example.org/residency"


def test_numbers_in_the_csv_stay_numbers():
    table = pd.read_csv(
        io.BytesIO(export.write_csv(sample_rows(), zone=ZONE)), encoding="utf-8-sig"
    )
    for header in ("Rank", "Interview probability", "Fit score", "IMG share", "Step 2 minimum"):
        assert pd.api.types.is_numeric_dtype(table[header]), header


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_text_is_prefixed_with_a_quote_in_the_csv(payload):
    rows = make_list_rows(
        {"name": payload, "notes": payload, "website": payload, "reasons": [payload]}
    )
    table = read_csv(export.write_csv(rows, zone=ZONE))
    for header in ("Program", "Notes", "Website", "Reasons"):
        assert table.loc[0, header] == "'" + payload, header
    assert table.loc[0, "Rank"] == 1


def test_every_csv_text_cell_is_safe_whatever_the_row_holds():
    rows = make_list_rows(*({"notes": payload, "city": payload} for payload in PAYLOADS))
    table = read_csv(export.write_csv(rows, zone=ZONE))
    cells = [value for value in table.to_numpy().ravel() if isinstance(value, str)]
    assert cells and not any(export.is_formula_like(value) for value in cells)


def test_an_empty_list_gives_a_csv_with_the_header_only():
    data = export.write_csv(make_list_rows(), zone=ZONE)
    assert data.decode("utf-8-sig").splitlines() == [",".join(SHOWN_HEADERS)]


def test_the_interview_header_names_the_zone_its_times_are_in_and_no_other_header_changes():
    rows = make_list_rows({"interview_at": datetime(2026, 12, 7, 20, 30)})  # in Kolkata
    sheet = workbook(rows)["Shortlist"]
    changed = [(a, b.value) for a, b in zip(HEADERS, sheet[1], strict=True) if a != b.value]
    assert changed == [("Interview", "Interview (Asia/Kolkata)")]
    assert column(sheet, "Interview")[0].value == datetime(2026, 12, 7, 20, 30)
    table = read_csv(export.write_csv(rows, zone=ZONE))
    assert [a for a, b in zip(HEADERS, table.columns, strict=True) if a != b] == ["Interview"]
    assert table.loc[0, "Interview (Asia/Kolkata)"] == "2026-12-07 20:30"  # to the minute


def test_times_in_utc_are_headed_utc():
    rows = make_list_rows({})
    assert "Interview (UTC)" in [cell.value for cell in workbook(rows, zone=UTC)["Shortlist"][1]]
    assert "Interview (UTC)" in read_csv(export.write_csv(rows, zone=UTC)).columns


def test_the_list_and_the_rank_order_list_head_interview_times_alike():
    chicago = ZoneInfo("America/Chicago")
    assert rank_export.headers(chicago)[6] == "Interview (America/Chicago)"
    assert rank_export.headers(chicago)[6] in export_columns.shortlist_headers(chicago)


def test_the_table_reads_scorer_style_floats_as_well_as_catalogue_text():
    rows = make_list_rows({"visa_j1": 1.0, "visa_h1b": math.nan, "yog_window": math.inf},
                          {"visa_j1": 0.0, "visa_h1b": True, "yog_window": 7.0})  # fmt: skip
    table = export.shortlist_table(rows)
    assert table["J-1"].tolist() == ["Yes", "No"]
    assert table["H-1B"].tolist() == ["Unknown", "Yes"]
    assert table["Graduation window (years)"].tolist() == ["No limit", 7]


def test_the_file_name_carries_the_scenario_and_the_date():
    day = date(2026, 11, 25)
    assert export.export_filename("With Step 3 = 235!", day, "xlsx") == (
        "neuromatch-with-step-3-235-2026-11-25.xlsx"
    )
    assert (
        export.export_filename("Zürich plan", day, "csv") == "neuromatch-zurich-plan-2026-11-25.csv"
    )
    assert export.export_filename("???", day, "csv") == "neuromatch-list-2026-11-25.csv"


def test_the_profile_snapshot_labels_every_profile_key_once():
    snapshot = shown_profile(make_profile_data(preferred_states=["TX", "IL"]))
    assert len(snapshot) == len(make_profile_data())
    assert snapshot["Preferred states"] == "TX, IL"
    assert snapshot["States you will not apply to"] == "None"
    assert snapshot["USMLE Step 1 score"] == "Not reported"


@pytest.mark.django_db
def test_describe_export_reads_sources_and_verification_dates_of_the_listed_programs():
    listed = [
        make_program(data_source="FREIDA 2026", last_verified=date(2026, 2, 1)),
        make_program(data_source="Program websites", last_verified=date(2026, 8, 30)),
        make_program(data_source="FREIDA 2026", last_verified=None),
    ]
    make_program(data_source="Not listed", last_verified=date(2020, 1, 1))
    ImportBatch.objects.create(file_name="catalogue-2026.csv", sha256="0" * 64)
    result = outlook([0.5, 0.5])
    summary_, about = export_data.describe_export(
        scenario="Plan B",
        profile=make_profile_data(),
        outlook=result,
        program_pks=[program.pk for program in listed],
        zone=ZONE,
        now=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
    )
    assert summary_["outlook"]["match_chance"] == result.match_chance
    assert summary_["scenario"] == "Plan B"
    assert (about["verified_from"], about["verified_to"]) == (date(2026, 2, 1), date(2026, 8, 30))
    assert about["unverified"] == 1
    assert about["catalogue_sources"][:2] == ["FREIDA 2026", "Program websites"]
    assert re.match(r"last import: catalogue-2026\.csv on \d{4}-", about["catalogue_sources"][2])
    assert about["exported_at"] == datetime(2026, 11, 25, 17, 30)  # in Kolkata, as ZONE says
    assert about["exported_at"].tzinfo is None


@pytest.mark.django_db
def test_export_shortlist_gives_the_listed_programs_and_their_outlook(alice):
    for number in range(5):
        make_program(state="TX", tier=4, img_pct=60.0, name=f"Program {number}")
    profile = make_profile(alice)
    shortlist = shortlists.build_shortlist(profile=profile)
    rows, summary_, about = export_data.export_shortlist(shortlist, zone=ZONE)
    listed = shortlist.entries.filter(excluded=False)
    assert len(rows) == listed.count() > 0
    assert summary_["outlook"]["size"] == len(rows)
    assert summary_["outlook"]["expected_interviews"] == pytest.approx(
        sum(entry.probability for entry in listed)
    )
    assert about["scenario"] == "My profile"
    book = openpyxl.load_workbook(
        io.BytesIO(export.write_xlsx(rows, summary=summary_, about=about, zone=ZONE))
    )
    assert book["Shortlist"].max_row == len(rows) + 1
    assert Shortlist.objects.count() == 1
