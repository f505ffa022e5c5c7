"""The shortlist as a file people keep working in: an XLSX workbook or a CSV table.

`write_xlsx` and `write_csv` are pure: an `export_data.list_rows` DataFrame (and plain
mappings) in, bytes out; `applicants.export_data` reads what goes in from the database and
`applicants.export_columns` declares the Shortlist's columns.

No text cell can run as a formula: text starting with a formula trigger is written as a
literal string with Excel's quote prefix (XLSX) or behind a single quote (CSV).
"""

import dataclasses
import io
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

import pandas as pd
from django.utils.text import slugify
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from applicants.export_columns import (
    SHORTLIST_COLUMNS,
    SHORTLIST_HEADERS,
    shortlist_headers,
    shortlist_table,
)
from applicants.listbuilder import Outlook
from applicants.models import Band
from applicants.scoring import BANDS
from applicants.season import zoned_label
from programs.geography import STATE_NAMES
from programs.normalise import is_formula_like, neutralise_csv_text

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M"

# An estimate stays a number but reads as `scoring.estimate_percent` writes it: never 0 % or 100 %.
ESTIMATE_NUM_FORMAT = '[>=0.995]"> 99 %";[<0.005]"< 1 %";0 %'

LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_LINES = 12
ABOUT_TEXT_WIDTH = 90

BAND_COLOURS = {  # the site's badge colours: font, fill
    Band.REACH.label: ("#b42318", "#fde8e6"),
    Band.TARGET.label: ("#8a5a00", "#fff4d6"),
    Band.SAFETY.label: ("#1f7a45", "#e6f4ec"),
    Band.INELIGIBLE.label: ("#5b6475", "#eef1f6"),
}

ESTIMATE_EXPLAINED = (
    "Each program's interview probability comes from a logistic model: it starts from the "
    "program's competitiveness tier and moves with your Step 2 CK margin over its minimum, "
    "its share of IMG residents, visa sponsorship, failed attempts, years since graduation, "
    "US clinical experience, neurology research and US letters.",
    "Programs whose published rules you do not meet are left out, while a policy the "
    "catalogue does not know lowers the estimate and asks you to verify it instead of "
    "excluding the program.",
    "The outlook adds these probabilities up to expected interviews and turns them into a "
    "match chance assuming each interview leads to a match a fixed share of the time; the "
    "weights and that share are those of the version of the estimates named above, so treat "
    "every figure as guidance.",
    *(BANDS[key].meaning for key in ("reach", "target", "safety")),
)
VERIFY_REMINDER = (
    "Verify each program's current policies (visa sponsorship, score minimums, graduation-year "
    "limits, attempts, US clinical experience) on the program's website or with its "
    "coordinator before you apply: programs change them from one season to the next."
)
SHEET_PURPOSES = {  # the About sheet lists each sheet the workbook has with its purpose
    "Shortlist": "One row per program on your list, in rank order, with its reasons.",
    "Summary": "Your profile, the outlook for the list and counts by band, state, setting.",
    "Calendar": "Your interviews in your time and the program's, clashes, the season's key dates.",
    "About": "This page.",
}


def _csv_text(value: object) -> object:
    """A cell as the CSV shows it: times to the minute, as on the page and in the rank order
    list's CSV; text that could run as a formula behind a quote."""
    if isinstance(value, datetime) and value is not pd.NaT:  # NaT, a datetime too, stays blank
        return value.strftime(CSV_TIME_FORMAT)
    return neutralise_csv_text(value)


def write_csv(rows: pd.DataFrame, *, zone: tzinfo) -> bytes:
    """The Shortlist columns as CSV, UTF-8 with a byte-order mark so Excel reads accents.

    `zone`: the one the rows' times are in (the applicant's), named in their header."""
    table = shortlist_table(rows, reasons_separator="; ")
    for header in table.columns:
        if not pd.api.types.is_numeric_dtype(table[header]):
            table[header] = table[header].map(_csv_text).astype(object)
    table.columns = list(shortlist_headers(zone))
    text = table.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def write_xlsx(
    rows: pd.DataFrame,
    *,
    summary: Mapping[str, Any],
    about: Mapping[str, Any],
    zone: tzinfo,
    calendar: Sequence[Mapping[str, Any]] | None = None,
) -> bytes:
    """The shortlist as a workbook with the sheets Shortlist, Summary, Calendar and About.

    `zone`: the one the rows' times and `exported_at` are in (the applicant's), named beside them.

    `calendar`: the season's interviews and key dates as `applicants.calendar.calendar_rows`
    gives them (no Calendar sheet when None, as for `build_list`, which has no applicant).

    `summary`: `scenario` (name), `profile` (label -> value, in display order) and `outlook`
    (an `Outlook`, or its fields as a mapping: size, expected_interviews, at_least,
    match_chance, fee_usd; or None). `about`: `exported_at` (datetime in `zone`), `scenario`,
    `catalogue_sources` (list of str), `verified_from` / `verified_to` (date or None) and
    `unverified` (count). `export_data.describe_export` builds both.
    """
    table = shortlist_table(rows)
    buffer = io.BytesIO()
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "remove_timezone": True,
        "in_memory": True,  # no temporary files: a request should not touch the disk
    }
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        table.to_excel(writer, sheet_name="Shortlist", index=False, header=False, startrow=1)
        book: Workbook = writer.book
        styles = _Styles(book)
        _finish_shortlist(writer.sheets["Shortlist"], table, shortlist_headers(zone), styles)
        _write_summary(book.add_worksheet("Summary"), table, summary, styles)
        if calendar is not None:
            _write_calendar(book.add_worksheet("Calendar"), calendar, styles)
        about_sheet = book.add_worksheet("About")
        sheets = [sheet.get_name() for sheet in book.worksheets()]
        _write_about(about_sheet, about, zone, sheets, styles)
        book.set_properties(
            {
                "title": f"neuromatch list: {summary.get('scenario', '')}",
                "comments": "Exported from neuromatch",
            }
        )
    return buffer.getvalue()


class _Styles:
    """The workbook's cell formats, each with a quote-prefixed twin for formula-like text."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self._formats: dict[tuple[str, bool], Format] = {}
        self.properties: dict[str, dict[str, Any]] = {
            "text": {"valign": "top"},
            "integer": {"valign": "top", "align": "center", "num_format": "0"},
            "band": {"valign": "top"},
            "percent": {"valign": "top", "num_format": "0%"},
            "chance": {"valign": "top", "num_format": ESTIMATE_NUM_FORMAT},
            "window": {"valign": "top", "align": "left"},
            "wrap": {"valign": "top", "text_wrap": True},
            "url": {"valign": "top", "font_color": "#2a4fb5", "underline": 1},
            "header": {
                "bold": True,
                "text_wrap": True,
                "valign": "top",
                "font_color": "#1e3a8a",
                "bg_color": "#e8eefc",
                "bottom": 1,
            },
            "title": {"bold": True, "font_size": 14},
            "section": {"bold": True, "font_color": "#1e3a8a", "bottom": 1},
            "label": {"valign": "top"},
            "value": {"valign": "top", "align": "left"},
            "decimal": {"valign": "top", "align": "left", "num_format": "0.0"},
            "share": {"valign": "top", "align": "left", "num_format": ESTIMATE_NUM_FORMAT},
            "dollars": {"valign": "top", "align": "left", "num_format": "$#,##0"},
            "count": {"valign": "top", "num_format": "0"},
            "datetime": {"valign": "top", "align": "left", "num_format": "yyyy-mm-dd hh:mm"},
            "date": {"valign": "top", "align": "left", "num_format": "yyyy-mm-dd"},
            "paragraph": {"valign": "top", "text_wrap": True},
        }
        self.bands = {
            label: book.add_format({"font_color": font, "bg_color": fill, "bold": True})
            for label, (font, fill) in BAND_COLOURS.items()
        }

    def get(self, kind: str, *, quoted: bool = False) -> Format:
        key = (kind, quoted)
        if key not in self._formats:
            properties = dict(self.properties[kind])
            if quoted:
                properties["quote_prefix"] = True
            self._formats[key] = self.book.add_format(properties)
        return self._formats[key]


def _put(sheet: Worksheet, row: int, col: int, value: object, styles: _Styles, kind: str) -> None:
    """Write one value by its type; text is always a string cell, never a formula."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, col, None, styles.get(kind))
    elif isinstance(value, bool):
        sheet.write_string(row, col, "Yes" if value else "No", styles.get(kind))
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, styles.get(kind))
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, styles.get(kind))
    else:
        text = str(value)
        sheet.write_string(row, col, text, styles.get(kind, quoted=is_formula_like(text)))


def _finish_shortlist(
    sheet: Worksheet, table: pd.DataFrame, headers: Sequence[str], styles: _Styles
) -> None:
    last_row = len(table)
    for col, column in enumerate(SHORTLIST_COLUMNS):
        values, kind = table[column.header], column.kind
        sheet.write_string(0, col, headers[col], styles.get("header"))
        sheet.set_column(
            col, col, _width(values, column.min_width, column.max_width), styles.get(kind)
        )
        if kind in ("integer", "percent", "chance"):
            continue
        for row, value in enumerate(values, start=1):
            if _is_web_address(value) and sheet.write_url(row, col, value, styles.get(kind)) == 0:
                continue
            if is_formula_like(value):
                sheet.write_string(row, col, value, styles.get(kind, quoted=True))

    band_col = SHORTLIST_HEADERS.index("Band")
    for label, band_format in styles.bands.items():
        sheet.conditional_format(
            1,
            band_col,
            max(last_row, 1),
            band_col,
            {"type": "cell", "criteria": "==", "value": f'"{label}"', "format": band_format},
        )
    sheet.set_row(0, 45)
    for row, height in enumerate(_row_heights(table), start=1):
        if height > 1:
            sheet.set_row(row, LINE_HEIGHT * height)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(last_row, 1), len(SHORTLIST_COLUMNS) - 1)
    program_id = xl_col_to_name(SHORTLIST_HEADERS.index("Program ID"))
    sheet.ignore_errors({"number_stored_as_text": f"{program_id}2:{program_id}{last_row + 1}"})
    sheet.set_landscape()
    sheet.repeat_rows(0)
    sheet.repeat_columns(0, 1)
    sheet.fit_to_pages(2, 0)  # two pages wide stays readable; one would shrink text to ~30 %


def _write_summary(
    sheet: Worksheet, table: pd.DataFrame, summary: Mapping[str, Any], styles: _Styles
) -> None:
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    # profile and outlook, a gap, counts by band and setting, a gap, counts by state
    for col, width in enumerate((34, 22, 3, 30, 9, 3, 24, 9)):
        sheet.set_column(col, col, width)
    _put(sheet, 0, 0, f"neuromatch list: {summary.get('scenario', '')}", styles, "title")

    row = _section(sheet, 2, 0, "Profile", styles)
    for label, value in summary.get("profile", {}).items():
        _put(sheet, row, 0, label, styles, "label")
        _put(sheet, row, 1, value, styles, "value")
        row += 1

    row = _section(sheet, row + 1, 0, "Outlook", styles)
    outlook = summary.get("outlook")
    if isinstance(outlook, Outlook):
        outlook = dataclasses.asdict(outlook)
    if outlook:
        lines: list[tuple[str, object, str]] = [
            ("Programs on the list", outlook["size"], "value"),
            ("Expected interviews", outlook["expected_interviews"], "decimal"),
            ("Match chance (estimate)", outlook["match_chance"], "share"),
            ("ERAS application fee", outlook["fee_usd"], "dollars"),
        ]
        for k, chance in sorted(outlook.get("at_least", {}).items()):
            noun = "interview" if k == 1 else "interviews"
            lines.append((f"Chance of at least {k} {noun}", chance, "share"))
        for label, value, kind in lines:
            _put(sheet, row, 0, label, styles, "label")
            _put(sheet, row, 1, value, styles, kind)
            row += 1
    else:
        _put(sheet, row, 0, "No outlook: the list is empty.", styles, "label")

    bands = table["Band"].value_counts()
    band_counts = [(band.label, int(bands.get(band.label, 0))) for band in Band]
    band_counts = [(label, n) for label, n in band_counts if n or label != Band.INELIGIBLE.label]
    row = _counts(sheet, 2, 3, "Programs by band", band_counts, styles)
    settings = table["Setting"].replace("", "Not recorded").value_counts()
    row = _counts(sheet, row + 1, 3, "Programs by setting", _sorted_counts(settings), styles)
    states = table["State"].map(lambda code: f"{STATE_NAMES.get(code, code)} ({code})")
    _counts(sheet, 2, 6, "Programs by state", _sorted_counts(states.value_counts()), styles)


CALENDAR_COLUMNS: tuple[tuple[str, str, str, int], ...] = (  # key, header, kind, width
    ("date", "Date", "date", 11),
    ("time", "Your time", "text", 22),
    ("program_time", "Program's time", "text", 22),
    ("what", "What", "text", 40),
    ("format", "Format", "text", 10),
    ("flags", "Check", "text", 28),
    ("source", "Source", "wrap", 60),
)


def _write_calendar(
    sheet: Worksheet, calendar: Sequence[Mapping[str, Any]], styles: _Styles
) -> None:
    for col, (key, header, kind, width) in enumerate(CALENDAR_COLUMNS):
        sheet.write_string(0, col, header, styles.get("header"))
        sheet.set_column(col, col, width)
        for row, item in enumerate(calendar, start=1):
            _put(sheet, row, col, item.get(key) or None, styles, kind)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(calendar), 1), len(CALENDAR_COLUMNS) - 1)
    sheet.set_landscape()


def _write_about(
    sheet: Worksheet,
    about: Mapping[str, Any],
    zone: tzinfo,
    sheets: Sequence[str],
    styles: _Styles,
) -> None:
    sheet.fit_to_pages(1, 0)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, ABOUT_TEXT_WIDTH)
    _put(sheet, 0, 0, "About this export", styles, "title")
    verified_from, verified_to = about.get("verified_from"), about.get("verified_to")
    if verified_from and verified_to:
        verified = f"From {verified_from:%Y-%m-%d} to {verified_to:%Y-%m-%d}"
    else:
        verified = "No verification dates recorded"
    unverified = about.get("unverified", 0)
    if unverified and verified_from:
        noun = "program has" if unverified == 1 else "programs have"
        verified += f"; {unverified} listed {noun} no verification date"
    facts: list[tuple[str, object, str]] = [
        (zoned_label("Exported", zone), about["exported_at"], "datetime"),
        ("Scenario", about.get("scenario", ""), "paragraph"),
        (
            "Catalogue source",
            ", ".join(about.get("catalogue_sources", [])) or "Not recorded",
            "paragraph",
        ),
        ("Programs last verified", verified, "paragraph"),
        ("Estimates", about.get("estimate_note", ""), "paragraph"),
    ]
    row = 2
    for label, value, kind in facts:
        _put(sheet, row, 0, label, styles, "label")
        _put(sheet, row, 1, value, styles, kind)
        if isinstance(value, str):
            sheet.set_row(row, LINE_HEIGHT * _lines(value, ABOUT_TEXT_WIDTH))
        row += 1
    row = _section(sheet, row + 1, 0, "How the estimate works", styles)
    for sentence in ESTIMATE_EXPLAINED:
        _paragraph(sheet, row, sentence, styles)
        row += 1
    row = _section(sheet, row + 1, 0, "Before you apply", styles)
    _paragraph(sheet, row, VERIFY_REMINDER, styles)
    row = _section(sheet, row + 2, 0, "The sheets", styles)
    for name in sheets:
        sheet.write_string(row, 0, name, styles.get("label"))
        sheet.write_string(row, 1, SHEET_PURPOSES[name], styles.get("paragraph"))
        row += 1


def _section(sheet: Worksheet, row: int, col: int, title: str, styles: _Styles) -> int:
    sheet.write_string(row, col, title, styles.get("section"))
    sheet.write_blank(row, col + 1, None, styles.get("section"))
    return row + 1


def _counts(
    sheet: Worksheet,
    row: int,
    col: int,
    title: str,
    counts: list[tuple[str, int]],
    styles: _Styles,
) -> int:
    row = _section(sheet, row, col, title, styles)
    for label, n in counts:
        _put(sheet, row, col, label, styles, "label")
        sheet.write_number(row, col + 1, n, styles.get("count"))
        row += 1
    return row


def _sorted_counts(counts: pd.Series) -> list[tuple[str, int]]:
    return sorted(
        ((str(label), int(n)) for label, n in counts.items()), key=lambda c: (-c[1], c[0])
    )


def _row_heights(table: pd.DataFrame) -> list[int]:
    """Lines each row needs: spreadsheets do not grow rows for wrapped text on their own."""
    heights = [1] * len(table)
    for column in SHORTLIST_COLUMNS:
        if column.kind != "wrap":
            continue
        for i, text in enumerate(table[column.header]):
            heights[i] = max(heights[i], min(_lines(text, column.min_width), MAX_ROW_LINES))
    return heights


def _lines(text: str, width: int) -> int:
    return sum(max(1, math.ceil(len(line) / (width - 2))) for line in text.split("\n"))


def _paragraph(sheet: Worksheet, row: int, text: str, styles: _Styles) -> None:
    sheet.write_string(row, 1, text, styles.get("paragraph"))
    sheet.set_row(row, LINE_HEIGHT * _lines(text, ABOUT_TEXT_WIDTH))


def _is_web_address(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def _width(column: pd.Series, min_width: int, max_width: int) -> int:
    if column.empty or min_width == max_width:
        return min_width
    longest = int(column.astype(str).str.len().max())
    return max(min_width, min(max_width, longest + 2))


def export_filename(scenario: str, day: date, extension: str) -> str:
    """`neuromatch-<scenario slug>-<YYYY-MM-DD>.<extension>`."""
    return f"neuromatch-{slugify(scenario) or 'list'}-{day:%Y-%m-%d}.{extension}"
