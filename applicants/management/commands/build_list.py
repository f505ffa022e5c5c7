"""`python manage.py build_list PROFILE.json`: the list for a JSON profile, from the terminal."""

import json
import math
from argparse import ArgumentParser
from datetime import UTC
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from applicants import export
from applicants.catalogue import catalogue_frame
from applicants.export_data import describe_export, rows_frame
from applicants.forms import ProfileDataError, validate_profile_data
from applicants.listbuilder import BuiltList, Outlook
from applicants.models import Profile
from applicants.outlook import ListOutlook, preview_list
from applicants.scoring import BANDS, RULES, estimate_percent

OUT_SUFFIXES = (".csv", ".xlsx")
SIZE_FIELD = Profile._meta.get_field("list_size")
SIZE_MIN, SIZE_MAX = (
    min(v.limit_value for v in SIZE_FIELD.validators if v.code == "min_value"),
    max(v.limit_value for v in SIZE_FIELD.validators if v.code == "max_value"),
)


# Longer than any profile number (a Step score, a year, a count); Python refuses to read an
# integer of more than 4,300 digits with a ValueError, and even shorter ones are nonsense here.
MAX_INTEGER_DIGITS = 12


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows: write a number or null")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:20]} is too large")
    return number


def _short_integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ValueError(f"the number {text[:12]}… has {len(text.lstrip('-')):,} digits")
    return int(text)


def parse_profile_json(text: str) -> object:
    """JSON as `json.loads` reads it, but refusing what no profile holds: NaN, Infinity,
    numbers out of float range, overlong integers and nesting deep enough to exhaust the
    stack. Raises ValueError (JSONDecodeError for syntax) with a message for the user."""
    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_short_integer,
        )
    except RecursionError:
        raise ValueError("it is nested too deeply") from None


def read_profile(path: Path) -> dict[str, Any]:
    """The validated profile dict from a profile JSON file, or a CommandError."""
    try:
        # utf-8-sig: files saved by Windows editors start with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot read it ({error}).") from None
    try:
        data = parse_profile_json(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}."
        ) from None
    except ValueError as error:
        raise CommandError(f"{path}: not a usable profile: {error}.") from None
    try:
        return validate_profile_data(data)
    except ProfileDataError as error:
        raise CommandError(f"{path}: " + " ".join(error.messages)) from None


def write_rows(rows: pd.DataFrame, path: Path, *, profile: dict[str, Any], outlook: Outlook):
    # No applicant and so no time zone chosen: UTC, as for an applicant who has not chosen one.
    if path.suffix.lower() == ".csv":
        content = export.write_csv(rows, zone=UTC)
    else:
        summary, about = describe_export(
            scenario=path.stem,
            profile=profile,
            outlook=outlook if len(rows) else None,
            program_pks=rows["program_pk"].tolist(),
            zone=UTC,
        )
        content = export.write_xlsx(rows, summary=summary, about=about, zone=UTC)
    try:
        path.write_bytes(content)
    except OSError as error:
        raise CommandError(f"{path}: cannot write it ({error}).") from None


class Command(BaseCommand):
    help = (
        "Build the application list for a profile JSON file (its format: the README, “Profile "
        "JSON”) from the active catalogue, print a summary and optionally write it as CSV or "
        "XLSX."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("profile", type=Path, help="Profile JSON file.")
        parser.add_argument(
            "--size", type=int, help=f"List size ({SIZE_MIN}-{SIZE_MAX}); default list_size."
        )
        parser.add_argument("--out", type=Path, help="Write the list to FILE.csv or FILE.xlsx.")
        parser.add_argument(
            "--json", action="store_true", help="End with a one-line JSON summary on stdout."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path | None = options["out"]
        if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
            raise CommandError(f"--out {out}: use a file name ending in .csv or .xlsx.")
        if out is not None and not out.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {out.parent} does not exist.")
        size = options["size"]
        if size is not None and not SIZE_MIN <= size <= SIZE_MAX:
            raise CommandError(f"--size {size}: choose between {SIZE_MIN} and {SIZE_MAX}.")
        profile = read_profile(options["profile"])
        size = size or profile["list_size"]

        frame = catalogue_frame()
        programs = frame[frame["active"]]
        if programs.empty:
            raise CommandError(
                "The catalogue has no active programs: import one with import_programs first."
            )
        preview = preview_list({**profile, "list_size": size}, programs=programs)
        built, summary = preview.built, preview.outlook
        self._report(built, summary, size=size, catalogue=len(programs))
        if out is not None:
            rows = rows_frame(built.ranked, preview.scored)
            write_rows(rows, out, profile=profile, outlook=summary)
            self.stdout.write(self.style.SUCCESS(f"Wrote {summary.size} programs to {out}."))
        if options["json"]:
            self.stdout.write(json.dumps(self._json(built, summary)))

    def _report(self, built: BuiltList, summary: ListOutlook, *, size: int, catalogue: int):
        result = summary
        self.stdout.write(
            self.style.SUCCESS(f"Built a list of {summary.size} programs")
            + f" ({built.eligible_count} of {catalogue} active programs are open to this profile)."
        )
        if built.shortfall > 0:
            rules = ", ".join(
                f"{RULES.get(code, code)}: {count}"
                for code, count in sorted(built.excluded_by_rule.items(), key=lambda i: -i[1])
                if count
            )
            self.stdout.write(
                self.style.WARNING(f"Only {summary.size} of the {size} asked for are eligible.")
                + f" Ruled out by: {rules}."
            )
        bands = ", ".join(
            f"{count} {BANDS[band].label.lower()}"
            + (f" ({BANDS[band].range})" if BANDS[band].range else "")
            for band, count in summary.bands.items()
            if count
        )
        states = ", ".join(f"{state} {count}" for state, count in summary.states[:8])
        self.stdout.write(f"Bands: {bands or 'none'}.")
        self.stdout.write(f"States ({len(summary.states)}): {states or 'none'}.")
        self.stdout.write(
            f"Expected interviews: {result.expected_interviews:.1f}. "
            f"Match chance: {estimate_percent(result.match_chance)}. ERAS fee: ${result.fee_usd:,}."
        )
        chances = ", ".join(
            f"{k}: {estimate_percent(chance)}" for k, chance in summary.at_least_shown
        )
        self.stdout.write(f"Chance of at least k interviews: {chances}.")

    def _json(self, built: BuiltList, summary: ListOutlook) -> dict[str, Any]:
        return {
            "size": summary.size,
            "eligible": built.eligible_count,
            "expected_interviews": round(summary.expected_interviews, 3),
            "match_chance": round(summary.match_chance, 4),
            "fee_usd": summary.fee_usd,
            "excluded_by_rule": built.excluded_by_rule,
        }
