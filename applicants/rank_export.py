"""The rank order list as CSV and as a workbook, to copy into the NRMP's R3 system."""

import csv
import io
from collections.abc import Sequence
from datetime import tzinfo

from xlsxwriter import Workbook

from applicants.export import CSV_TIME_FORMAT
from applicants.models import ShortlistEntry
from applicants.season import zoned_label
from programs.normalise import neutralise_csv_text

HEADERS = (
    "Rank",
    "Program",
    "Institution",
    "City",
    "State",
    "NRMP codes",
    "Interview",
    "Format",
    "Pros",
    "Cons",
)


def headers(zone: tzinfo) -> tuple[str, ...]:
    """The column headers; the interview's names the zone its times are in."""
    return tuple(zoned_label(name, zone) if name == "Interview" else name for name in HEADERS)


def rank_rows(entries: Sequence[ShortlistEntry], zone: tzinfo) -> list[list[object]]:
    """One row per ranked program, in rank order; the interview in the applicant's zone."""
    return [
        [
            entry.rank_position,
            entry.program.name,
            entry.program.institution,
            entry.program.city,
            entry.program.state,
            entry.program.nrmp_codes,
            entry.interview_at.astimezone(zone).strftime(CSV_TIME_FORMAT)
            if entry.interview_at
            else "",
            entry.get_interview_format_display(),
            entry.pros,
            entry.cons,
        ]
        for entry in entries
    ]


def write_csv(rows: list[list[object]], *, zone: tzinfo) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads accents); formula-like text behind a `'`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers(zone))
    writer.writerows([[neutralise_csv_text(value) for value in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: list[list[object]], *, title: str, zone: tzinfo) -> bytes:
    """One sheet; text is written as text (never a formula), the rank as a number."""
    out = io.BytesIO()
    book = Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Rank order list")
    bold = book.add_format({"bold": True, "bg_color": "#E8EEFC", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
    for col, header in enumerate(headers(zone)):
        sheet.write_string(2, col, header, bold)
    for r, row in enumerate(rows, start=3):
        sheet.write_number(r, 0, row[0])
        for col, value in enumerate(row[1:], start=1):
            sheet.write_string(r, col, str(value or ""), wrap)
    for col, width in enumerate((6, 40, 34, 16, 7, 22, 24, 10, 40, 40)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(3, 2)
    book.close()
    return out.getvalue()
