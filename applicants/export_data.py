"""What an export holds: the list as typed rows, its summary and where its data comes from.

The rows keep values typed — tri-state policies as True / False / None, the graduation window
as years, infinity (no limit) or None (unknown) — so `applicants.export` formats each once, at
the edge, for the workbook or the CSV.
"""

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

import pandas as pd
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from applicants.listbuilder import Outlook
from applicants.model_versions import active_version, estimate_note
from applicants.models import Shortlist, Status
from applicants.outlook import shortlist_outlook
from applicants.profiles import profile_data, shown_profile
from applicants.season import FACT_FIELDS, Facts
from applicants.selectors import listed_entries
from applicants.tracker import applicant_zone
from programs.geography import region_of
from programs.models import ImportBatch, Program, YogPolicy

# The season's facts per row (applicants.season.FACT_FIELDS); `interview_at` is the applicant's
# local time without a zone, as spreadsheets show it.
TRACKER_COLUMNS: tuple[str, ...] = FACT_FIELDS
FACT_DEFAULTS: dict[str, Any] = {name: getattr(Facts(), name) for name in FACT_FIELDS}
ROW_COLUMNS: tuple[str, ...] = (
    "rank",
    "program_pk",
    "program_id",
    "name",
    "institution",
    "city",
    "state",
    "region",
    "setting",
    "tier",
    "band",
    "interview_probability",
    "fit_score",
    "visa_j1",
    "visa_h1b",
    "img_pct",
    "step2_min",
    "yog_window",
    "reasons",
    "status",
    "notes",
    "website",
    "nrmp_codes",
    "pinned",
    "added_by_hand",
    "archived",
    *TRACKER_COLUMNS,
)
# Columns that hold None for unknown beside other values: kept as Python objects.
OBJECT_COLUMNS = ("visa_j1", "visa_h1b", "yog_window")


def graduation_window(program: Program) -> float | None:
    """The program's graduation window in years; infinity for no limit, None when unknown."""
    if program.yog_policy == YogPolicy.NONE:
        return math.inf
    return program.yog_window if program.yog_policy == YogPolicy.LIMIT else None


def rows_frame(ranked: Sequence[int], snapshot: pd.DataFrame) -> pd.DataFrame:
    """The list as rows for export: one per program in `ranked`, in that order.

    `snapshot` is indexed by program pk with the columns `band`, `probability`, `fit_score`,
    `reasons` and optionally `status`, `notes`, `pinned`, `added_by_hand` (a scorer frame
    works as is).
    """
    programs = Program.objects.in_bulk(list(ranked))
    records: list[dict[str, Any]] = []
    for rank, pk in enumerate(ranked, start=1):
        program = programs[pk]
        row = snapshot.loc[pk]
        records.append(
            {
                "rank": rank,
                "program_pk": pk,
                "program_id": program.program_id or "",
                "name": program.name,
                "institution": program.institution,
                "city": program.city,
                "state": program.state,
                "region": region_of(program.state),
                "setting": program.setting,
                "tier": program.tier,
                "band": str(row["band"]),
                "interview_probability": round(float(row["probability"]), 4),
                "fit_score": int(row["fit_score"]),
                "visa_j1": program.visa_j1,
                "visa_h1b": program.visa_h1b,
                "img_pct": program.img_pct,
                "step2_min": program.step2_min,
                "yog_window": graduation_window(program),
                "reasons": [str(reason) for reason in row["reasons"]],
                "status": str(row.get("status", Status.CONSIDERING)),
                "notes": str(row.get("notes", "")),
                "website": program.website,
                "nrmp_codes": program.nrmp_codes,
                "pinned": bool(row.get("pinned", False)),
                "added_by_hand": bool(row.get("added_by_hand", False)),
                "archived": not program.active,
                **{name: row.get(name, FACT_DEFAULTS[name]) for name in TRACKER_COLUMNS},
            }
        )
    frame = pd.DataFrame.from_records(records, columns=list(ROW_COLUMNS))
    for column in ("tier", "step2_min", "rank_position"):
        frame[column] = frame[column].astype("Int64")
    frame["img_pct"] = frame["img_pct"].astype(float)
    for column in OBJECT_COLUMNS:
        frame[column] = pd.Series([record[column] for record in records], dtype=object)
    return frame


SNAPSHOT_COLUMNS = ["band", "probability", "fit_score", "reasons", "status", "notes"]


def list_rows(shortlist: Shortlist, *, zone: tzinfo | None = None) -> pd.DataFrame:
    """The listed (not excluded) entries of `shortlist` as export rows, in rank order; times
    in `zone` (default: the applicant's)."""
    entries = list(listed_entries(shortlist))
    zone = zone or applicant_zone(shortlist.profile.user)
    columns = [*SNAPSHOT_COLUMNS, "pinned", "added_by_hand", *TRACKER_COLUMNS]
    records = []
    for entry in entries:
        record = {"pk": entry.program_id, **{c: getattr(entry, c) for c in columns}}
        if entry.interview_at is not None:
            record["interview_at"] = entry.interview_at.astimezone(zone).replace(tzinfo=None)
        records.append(record)
    snapshot = pd.DataFrame.from_records(records, columns=["pk", *columns]).set_index("pk")
    return rows_frame([entry.program_id for entry in entries], snapshot)


def describe_export(
    *,
    scenario: str,
    profile: Mapping[str, Any],
    outlook: Outlook | None,
    program_pks: Iterable[int],
    zone: tzinfo,
    now: datetime | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `summary` and `about` mappings `write_xlsx` takes, for the listed programs; the
    export's time in `zone`, the one `write_xlsx` is given to name.

    Reads the catalogue for the data sources and last-verified dates of `program_pks` and
    for the latest applied import.
    """
    programs = Program.objects.filter(pk__in=list(program_pks))
    dates = programs.aggregate(
        verified_from=Min("last_verified"),
        verified_to=Max("last_verified"),
        unverified=Count("pk", filter=Q(last_verified__isnull=True)),
    )
    sources = sorted(set(programs.exclude(data_source="").values_list("data_source", flat=True)))
    sources = ["demo (fictional sample data)" if source == "demo" else source for source in sources]
    latest = ImportBatch.objects.filter(dry_run=False).first()
    if latest is not None:
        sources.append(f"last import: {latest.file_name} on {latest.created_at:%Y-%m-%d}")
    exported_at = (now or timezone.now()).astimezone(zone).replace(tzinfo=None)
    summary = {
        "scenario": scenario,
        "profile": shown_profile(profile),
        "outlook": dataclasses.asdict(outlook) if outlook is not None else None,
    }
    note = getattr(outlook, "note", "") or estimate_note(active_version())
    about = {
        "exported_at": exported_at,
        "scenario": scenario,
        "catalogue_sources": sources,
        "estimate_note": note,
    }
    return summary, {**about, **dates}


def export_shortlist(
    shortlist: Shortlist, *, zone: tzinfo, now: datetime | None = None
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, Any]]:
    """The rows, summary and about of a saved shortlist, ready for `write_xlsx`; times in
    `zone`, the applicant's (`tracker.applicant_zone`), which the writers name."""
    profile = shortlist.profile
    rows = list_rows(shortlist, zone=zone)
    outlook = shortlist_outlook(shortlist) if len(rows) else None
    summary, about = describe_export(
        scenario=profile.name,
        profile=profile_data(profile),
        outlook=outlook,
        program_pks=rows["program_pk"].tolist(),
        zone=zone,
        now=now,
    )
    return rows, summary, about
