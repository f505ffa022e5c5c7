"""The catalogue as CSV in exactly the canonical columns (also the import template).

UTF-8 with a byte-order mark (so Excel reads accents), and formula-safe as the list exports
are: text a spreadsheet would run as a formula is written behind a `'`, which the importer
removes again, so importing an export still changes nothing.
"""

import csv
from collections.abc import Iterable
from typing import TextIO

from programs.models import CutoffKind, Program
from programs.normalise import (
    CANONICAL_COLUMNS,
    format_number,
    format_tristate,
    format_yog,
    neutralise_csv_text,
)

BYTE_ORDER_MARK = "\ufeff"

_TRISTATE = frozenset({"visa_j1", "visa_h1b", "multiple_attempts_ok", "img_observerships"})
_NUMBERS = frozenset({"tier", "positions", "img_pct", "step2_min", "usce_min_months"})
# A cut-off's kind means something only where the cut-off is given: without one, the default
# (required) is left blank, which the importer reads back as required.
_CUTOFF_GIVEN = {
    "step2_min_kind": lambda program: program.step2_min is not None,
    "yog_window_kind": lambda program: program.yog_policy == "limit",
    "usce_kind": lambda program: program.usce_min_months is not None,
}


def catalogue_row(program: Program) -> list[str]:
    """One program as the cells of a canonical-column row; importing it changes nothing."""
    cells: list[str] = []
    for column in CANONICAL_COLUMNS:
        if column == "yog_window":
            cells.append(format_yog(program.yog_policy, program.yog_window))
        elif column in _TRISTATE:
            cells.append(format_tristate(getattr(program, column)))
        elif column in _NUMBERS:
            cells.append(format_number(getattr(program, column)))
        elif column == "last_verified":
            cells.append(program.last_verified.isoformat() if program.last_verified else "")
        elif column in _CUTOFF_GIVEN:
            kind = getattr(program, column)
            given = _CUTOFF_GIVEN[column](program)
            cells.append("" if kind == CutoffKind.REQUIRED and not given else kind)
        else:
            cells.append(getattr(program, column) or "")
    return cells


def write_catalogue(*, out: TextIO, programs: Iterable[Program]) -> int:
    """Write a byte-order mark, the header and one row per program to `out`; return the number
    of programs."""
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CANONICAL_COLUMNS)
    count = 0
    for program in programs:
        writer.writerow([neutralise_csv_text(cell) for cell in catalogue_row(program)])
        count += 1
    return count
