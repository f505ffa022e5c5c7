"""The Shortlist's columns: which `export_data.list_rows` column each shows, under which
header, and how its typed values become cells, once for the workbook and the CSV.

`applicants.export` writes the table; this module decides what each cell holds.
"""

import dataclasses
import math
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

import pandas as pd

from applicants.models import Band, InterviewFormat, Status
from applicants.season import zoned_label
from programs.models import Setting

Converter = Callable[[pd.Series], Any]  # a `list_rows` column in, a Shortlist column out


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _texts(column: pd.Series) -> list[str]:
    return ["" if _missing(value) else str(value) for value in column]


def _labels(choices: type) -> Converter:
    """Codes as the labels `choices` gives them."""
    labels = dict(choices.choices)
    return lambda column: [
        "" if _missing(value) else str(labels.get(value, value)) for value in column
    ]


def _integers(column: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(pd.Series(list(column), dtype=object), errors="coerce")
    return numbers.round().astype("Int64")


def _fractions(*, scale: float) -> Converter:
    def convert(column: pd.Series) -> pd.Series:
        numbers = pd.to_numeric(pd.Series(list(column), dtype=object), errors="coerce")
        return (numbers.astype(float) / scale).round(4)

    return convert


def _flags(column: pd.Series) -> list[str]:
    """Tracker yes/no facts: "Yes" or blank (not recorded)."""
    return ["Yes" if value is True or value == 1 else "" for value in column]


def _dates(column: pd.Series) -> list[object]:
    return [None if _missing(value) or value is pd.NaT else value for value in column]


def _yes_no_unknown(column: pd.Series) -> list[str]:
    """Tri-state policies (True, False, or None / NaN for unknown) in words."""
    return ["Unknown" if _missing(value) else "Yes" if bool(value) else "No" for value in column]


def _windows(column: pd.Series) -> list[int | str]:
    """Graduation windows (years, infinity for no limit, None / NaN for unknown)."""
    return [_window(value) for value in column]


def _window(value: object) -> int | str:
    if _missing(value):
        return "Unknown"
    number = float(value)  # type: ignore[arg-type]
    return "No limit" if math.isinf(number) else int(number)


def _joined(reasons: object, separator: str) -> str:
    if _missing(reasons):
        return ""
    if isinstance(reasons, str):
        return reasons
    return separator.join(str(reason) for reason in reasons)  # type: ignore[union-attr]


@dataclasses.dataclass(frozen=True)
class _Column:
    header: str
    source: str  # the `list_rows` column shown
    convert: Converter
    kind: str  # the cell format, a key of `export._Styles.properties`
    min_width: int  # in characters
    max_width: int
    zoned: bool = False  # times in the applicant's zone: the header names it


SHORTLIST_COLUMNS: tuple[_Column, ...] = (
    _Column("Rank", "rank", _integers, "integer", 6, 6),
    _Column("Program", "name", _texts, "text", 24, 48),
    _Column("Institution", "institution", _texts, "text", 20, 40),
    _Column("City", "city", _texts, "text", 10, 22),
    _Column("State", "state", _texts, "text", 6, 6),
    _Column("Region", "region", _texts, "text", 10, 10),
    _Column("Setting", "setting", _labels(Setting), "text", 12, 32),
    _Column("Tier", "tier", _integers, "integer", 6, 6),
    _Column("Band", "band", _labels(Band), "band", 10, 10),
    _Column(
        "Interview probability", "interview_probability", _fractions(scale=1), "chance", 12, 12
    ),
    _Column("Fit score", "fit_score", _integers, "integer", 7, 7),
    _Column("J-1", "visa_j1", _yes_no_unknown, "text", 9, 9),
    _Column("H-1B", "visa_h1b", _yes_no_unknown, "text", 9, 9),
    _Column("IMG share", "img_pct", _fractions(scale=100), "percent", 9, 9),
    _Column("Step 2 minimum", "step2_min", _integers, "integer", 9, 9),
    _Column("Graduation window (years)", "yog_window", _windows, "window", 12, 12),
    _Column("Reasons", "reasons", list, "wrap", 60, 60),  # joined by `shortlist_table`
    _Column("Status", "status", _labels(Status), "text", 12, 18),
    _Column("Signalled", "signalled", _flags, "text", 9, 9),
    _Column("Applied on", "applied_on", _dates, "date", 11, 11),
    _Column("Invited on", "invited_on", _dates, "date", 11, 11),
    _Column("Rejected on", "rejected_on", _dates, "date", 11, 11),
    _Column("Withdrawn on", "withdrawn_on", _dates, "date", 11, 11),
    _Column("Interview", "interview_at", _dates, "datetime", 16, 16, zoned=True),
    _Column("Interview format", "interview_format", _labels(InterviewFormat), "text", 10, 10),
    _Column("Interviewed", "interviewed", _flags, "text", 11, 11),
    _Column("Rank position", "rank_position", _integers, "integer", 8, 8),
    _Column("Matched", "matched", _flags, "text", 8, 8),
    _Column("Notes", "notes", _texts, "wrap", 30, 40),
    _Column("Website", "website", _texts, "url", 16, 40),
    _Column("NRMP codes", "nrmp_codes", _texts, "text", 12, 24),
    _Column("Program ID", "program_id", _texts, "text", 12, 12),
)
SHORTLIST_HEADERS = tuple(column.header for column in SHORTLIST_COLUMNS)


def shortlist_headers(zone: tzinfo) -> tuple[str, ...]:
    """The headers as the files show them: a column of times names `zone`, the one they are in."""
    return tuple(zoned_label(c.header, zone) if c.zoned else c.header for c in SHORTLIST_COLUMNS)


def shortlist_table(rows: pd.DataFrame, *, reasons_separator: str = "\n") -> pd.DataFrame:
    """The Shortlist sheet as a DataFrame with human headers.

    Codes become labels (band, status, setting), tri-state visa flags become Yes / No / Unknown,
    probabilities and IMG shares become fractions (0.42 is 42 %), integers stay nullable
    integers, and the graduation window is a number of years, "No limit" or "Unknown".
    """
    columns = {column.header: column.convert(rows[column.source]) for column in SHORTLIST_COLUMNS}
    columns["Reasons"] = [_joined(reasons, reasons_separator) for reasons in columns["Reasons"]]
    table = pd.DataFrame(columns, index=range(len(rows)), columns=list(SHORTLIST_HEADERS))
    table["Graduation window (years)"] = table["Graduation window (years)"].astype(object)
    return table
