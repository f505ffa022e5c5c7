"""Shortlist services: build and rebuild a list, tune it row by row, and read it back.

The pure core (`applicants.scoring`, `applicants.listbuilder`) does the maths; this module
loads programs and profiles, calls the core and writes `ShortlistEntry` rows.

A rebuild keeps everything the user did by hand. An entry is *held* on the list when it is
pinned, added by hand, has tracker facts (applied, signalled, …) or has notes: held entries go
to the builder as pins, so they stay listed (and count towards the list size) even when the
automatic choice would drop them. Excluded entries stay excluded, with their notes. Entries
without any user data are replaced by the new automatic choice.
"""

import hashlib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from applicants import services, tracker
from applicants.listbuilder import (
    BuiltList,
    Outlook,
    build_list,
    diminishing_returns_point,
    match_curve,
    outlook,
    suggest_signals,
)
from applicants.models import Band, Profile, Shortlist, ShortlistEntry, Status
from applicants.profiles import profile_data
from applicants.scoring import RULES
from applicants.season import FACT_FIELDS, Facts
from programs.geography import region_of
from programs.models import Program
from programs.normalise import format_tristate, format_yog

FACT_DEFAULTS: dict[str, Any] = {name: getattr(Facts(), name) for name in FACT_FIELDS}
CURVE_SIZES: tuple[int, ...] = tuple(range(30, 201, 10))
AT_LEAST_SHOWN: tuple[int, ...] = (1, 3, 5, 8, 10)
SEARCH_LIMIT = 20
SNAPSHOT_FIELDS = ["rank", "band", "probability", "fit_score", "reasons"]

# The season's facts per row (applicants.season.FACT_FIELDS); `interview_at` is the applicant's
# local time without a zone, as spreadsheets show it.
TRACKER_COLUMNS: tuple[str, ...] = FACT_FIELDS
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


class ShortlistError(Exception):
    """A list action that cannot be done, with a message for the user."""


def active_profile(user: AbstractBaseUser) -> Profile | None:
    """The profile or scenario `/list/` shows: the active one (the base profile as fallback)."""
    return services.active_profile(user) or services.base_profile(user)


def is_held(entry: ShortlistEntry) -> bool:
    """Whether a rebuild must keep this entry on the list: it carries the user's own data."""
    return entry.pinned or entry.added_by_hand or entry.facts.any or bool(entry.notes.strip())


def _snapshot(entry: ShortlistEntry, row: pd.Series) -> None:
    entry.band = str(row["band"])
    entry.probability = min(1.0, max(0.0, float(row["probability"])))
    entry.fit_score = int(row["fit_score"])
    entry.reasons = [str(reason) for reason in row["reasons"]]


def _choose(
    profile: Profile, scored: pd.DataFrame, entries: Collection[ShortlistEntry], *, size: int
) -> BuiltList:
    held = [entry.program_id for entry in entries if not entry.excluded and is_held(entry)]
    excluded = [entry.program_id for entry in entries if entry.excluded]
    return build_list(
        scored,
        size=size,
        pinned=held,
        excluded=excluded,
        preferred_states=profile.preferred_states,
    )


def build_shortlist(*, profile: Profile) -> Shortlist:
    """Build (or rebuild) the profile's list from the whole catalogue, keeping the user's data.

    Raises `ShortlistError` when the catalogue has no active program. Archived programs are
    scored too: the scorer marks them ineligible, so they are never
    chosen automatically, but a held entry for an archived program stays listed and marked.
    """
    programs = services.catalogue_frame()
    if not programs["active"].any():
        raise ShortlistError(
            "The catalogue has no programs yet, so there is nothing to build a list from. "
            "Staff can import one on the Import page."
        )
    scored = services.score_profile(profile, programs=programs)
    with transaction.atomic():
        shortlist, _ = Shortlist.objects.select_for_update().get_or_create(profile=profile)
        entries = {entry.program_id: entry for entry in shortlist.entries.select_for_update().all()}
        built = _choose(profile, scored, entries.values(), size=profile.list_size)
        # Held programs the builder leaves out (ineligible or archived ones, pins beyond the
        # size) stay listed: user data is never dropped. Same order as the builder's ranking.
        kept = {pk for pk, entry in entries.items() if not entry.excluded and is_held(entry)}
        ranked = sorted(
            set(built.ranked) | kept, key=lambda pk: (-float(scored.at[pk, "probability"]), pk)
        )
        updated, created = [], []
        for rank, pk in enumerate(ranked, start=1):
            entry = entries.get(pk) or ShortlistEntry(shortlist=shortlist, program_id=pk)
            entry.rank = rank
            _snapshot(entry, scored.loc[pk])
            (updated if entry.pk else created).append(entry)
        for entry in entries.values():
            if entry.excluded and entry.program_id in scored.index:
                entry.rank = None
                _snapshot(entry, scored.loc[entry.program_id])
                updated.append(entry)
        listed = set(ranked)
        dropped = [
            entry.pk for pk, entry in entries.items() if not entry.excluded and pk not in listed
        ]
        ShortlistEntry.objects.filter(pk__in=dropped).delete()
        ShortlistEntry.objects.bulk_update(updated, SNAPSHOT_FIELDS, batch_size=500)
        ShortlistEntry.objects.bulk_create(created, batch_size=500)
        shortlist.built_at = timezone.now()
        shortlist.save(update_fields=["built_at", "updated_at"])
    return shortlist


def listed_entries(shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    return shortlist.entries.filter(excluded=False).select_related("program")


def excluded_entries(shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    return (
        shortlist.entries.filter(excluded=True).select_related("program").order_by("program__name")
    )


def _rerank(shortlist: Shortlist, *, insert: ShortlistEntry | None = None) -> None:
    """Number the listed entries 1..n in their current order, placing `insert` by probability."""
    order = [
        entry
        for entry in shortlist.entries.filter(excluded=False).order_by("rank", "id")
        if insert is None or entry.pk != insert.pk
    ]
    if insert is not None:
        key = (-insert.probability, insert.program_id)  # the builder's order
        position = next(
            (i for i, entry in enumerate(order) if (-entry.probability, entry.program_id) > key),
            len(order),
        )
        order.insert(position, insert)
    changed = []
    for rank, entry in enumerate(order, start=1):
        if entry.rank != rank:
            entry.rank = rank
            changed.append(entry)
    ShortlistEntry.objects.bulk_update(changed, ["rank"], batch_size=500)


def set_pinned(*, entry: ShortlistEntry, pinned: bool) -> ShortlistEntry:
    if entry.excluded:
        raise ShortlistError("Restore this program to your list before pinning it.")
    entry.pinned = pinned
    entry.save(update_fields=["pinned", "updated_at"])
    return entry


def set_status(*, entry: ShortlistEntry, status: str) -> ShortlistEntry:
    """Move the entry to `status` by recording the facts it implies (see applicants.tracker)."""
    try:
        return tracker.record_status(entry=entry, status=status)
    except tracker.TrackerError as error:
        raise ShortlistError(str(error)) from None


def set_notes(*, entry: ShortlistEntry, notes: str) -> ShortlistEntry:
    entry.notes = notes.strip()
    entry.save(update_fields=["notes", "updated_at"])
    return entry


def exclude_entry(*, entry: ShortlistEntry) -> ShortlistEntry:
    """Take a program off the list; rebuilds will keep it off until it is restored."""
    with transaction.atomic():
        entry.excluded = True
        entry.pinned = False
        entry.rank = None
        entry.save(update_fields=["excluded", "pinned", "rank", "updated_at"])
        _rerank(entry.shortlist)
    return entry


def restore_entry(*, entry: ShortlistEntry) -> ShortlistEntry:
    """Undo an exclusion: the program returns to the list where its probability places it."""
    with transaction.atomic():
        entry.excluded = False
        entry.save(update_fields=["excluded", "updated_at"])
        _rerank(entry.shortlist, insert=entry)
    return entry


def add_program(*, shortlist: Shortlist, program: Program) -> ShortlistEntry:
    """Put a catalogue program on the list by hand (restoring it if it was excluded)."""
    one = Program.objects.filter(pk=program.pk).to_frame()
    scored = services.score_profile(shortlist.profile, programs=one)
    with transaction.atomic():
        # Two quick clicks must not both pass the check: the second waits for the first.
        Shortlist.objects.select_for_update().filter(pk=shortlist.pk).first()
        entry = shortlist.entries.filter(program=program).first()
        if entry is not None and not entry.excluded:
            raise ShortlistError(f"{program.name} is on your list already.")
        entry = entry or ShortlistEntry(shortlist=shortlist, program=program)
        _snapshot(entry, scored.loc[program.pk])
        entry.excluded = False
        entry.added_by_hand = True
        entry.save()
        _rerank(shortlist, insert=entry)
    return entry


def search_programs(*, query: str, limit: int = SEARCH_LIMIT) -> list[Program]:
    """Active catalogue programs whose name, institution, city, state or ID match `query`."""
    words = query.split()
    if not words:
        return []
    programs = Program.objects.active()
    for word in words:
        programs = programs.filter(
            Q(name__icontains=word)
            | Q(institution__icontains=word)
            | Q(city__icontains=word)
            | Q(state__iexact=word)
            | Q(program_id__startswith=word)
        )
    return list(programs.order_by("name")[:limit])


@dataclass(frozen=True)
class ListSummary:
    """What the listed entries add up to."""

    size: int
    bands: dict[str, int]
    states: list[tuple[str, int]]
    outlook: Outlook
    at_least: list[tuple[int, float]]


def summarise(probabilities: Sequence[float], bands: Sequence[str], states: Sequence[str]):
    result = outlook(list(probabilities), fee_schedule=settings.ERAS_FEE_SCHEDULE)
    band_counts = Counter(bands)
    return ListSummary(
        size=len(probabilities),
        bands={band: band_counts.get(band, 0) for band in Band.values},
        states=Counter(states).most_common(),
        outlook=result,
        at_least=[(k, result.at_least.get(k, 0.0)) for k in AT_LEAST_SHOWN],
    )


def shortlist_summary(shortlist: Shortlist) -> ListSummary:
    rows = list(listed_entries(shortlist).values_list("probability", "band", "program__state"))
    return summarise([row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows])


@dataclass(frozen=True)
class Analysis:
    """What the catalogue offers this profile around its current list."""

    curve: list[tuple[int, float]]
    diminishing_point: int | None
    longest: int  # the most programs a build can list; the curve is flat beyond it
    eligible_count: int
    shortfall: int
    excluded_by_rule: list[tuple[str, str, int]]
    signals: list[tuple[Program, str]]


def analyse(profile: Profile, shortlist: Shortlist) -> Analysis:
    """Score the catalogue for the profile: the size curve, shortfall and preference signals.

    The curve alone builds 18 lists, so the result is cached under everything it reads: the
    profile's data, the held, excluded and ranked programs, the catalogue stamp and the year.
    A status or note edit that does not change which entries are held reuses it.
    """
    entries = list(shortlist.entries.all())
    ranked = list(
        listed_entries(shortlist).order_by("rank", "id").values_list("program_id", flat=True)
    )
    inputs = (
        profile.pk,
        sorted(profile_data(profile).items()),
        sorted(entry.program_id for entry in entries if not entry.excluded and is_held(entry)),
        sorted(entry.program_id for entry in entries if entry.excluded),
        ranked,
        services.catalogue_stamp(),
        services.as_of_year(),
        settings.PREFERENCE_SIGNALS,
    )
    key = "analysis:" + hashlib.sha256(repr(inputs).encode()).hexdigest()
    analysis = cache.get(key)
    if analysis is None:
        analysis = _analyse(profile, entries, ranked)
        cache.set(key, analysis)
    return analysis


def _analyse(profile: Profile, entries: list[ShortlistEntry], ranked: list[int]) -> Analysis:
    scored = services.score_profile(profile)
    held = [entry.program_id for entry in entries if not entry.excluded and is_held(entry)]
    excluded = [entry.program_id for entry in entries if entry.excluded]
    built = _choose(profile, scored, entries, size=profile.list_size)
    curve = match_curve(
        scored,
        sizes=CURVE_SIZES,
        pinned=held,
        excluded=excluded,
        preferred_states=profile.preferred_states,
    )
    longest = len(_choose(profile, scored, entries, size=max(CURVE_SIZES)).ranked)
    point = diminishing_returns_point(curve)
    if point is not None and point >= longest:
        point = None  # flat because the catalogue ran out, not because returns diminish
    suggested = suggest_signals(scored, ranked, n=settings.PREFERENCE_SIGNALS)
    programs = Program.objects.in_bulk([pk for pk, _ in suggested])
    return Analysis(
        curve=curve,
        diminishing_point=point,
        longest=longest,
        eligible_count=built.eligible_count,
        shortfall=built.shortfall,
        excluded_by_rule=[
            (code, RULES.get(code, code), count)
            for code, count in sorted(built.excluded_by_rule.items(), key=lambda item: -item[1])
            if count and code != "archived"  # archived programs are out of the catalogue
        ],
        signals=[(programs[pk], reason) for pk, reason in suggested if pk in programs],
    )


@dataclass(frozen=True)
class ScenarioOutlook:
    profile: Profile
    built: bool
    summary: ListSummary


def compare_scenarios(user: AbstractBaseUser) -> list[ScenarioOutlook]:
    """Each of the user's profiles and scenarios with its list's outlook.

    A built list is summarised as it stands (with the user's pins and exclusions); a profile
    without a list gets a preview of the list a build would give it.
    """
    profiles = list(services.profiles_of(user).select_related("shortlist"))
    result = []
    for profile in profiles:
        shortlist = getattr(profile, "shortlist", None)
        if shortlist is not None and shortlist.built_at is not None:
            result.append(ScenarioOutlook(profile, True, shortlist_summary(shortlist)))
            continue
        scored = services.score_profile(profile)
        built = build_list(
            scored, size=profile.list_size, preferred_states=profile.preferred_states
        )
        chosen = scored.loc[list(built.ranked)]
        summary = summarise(
            chosen["probability"].tolist(), chosen["band"].tolist(), chosen["state_code"].tolist()
        )
        result.append(ScenarioOutlook(profile, False, summary))
    return result


def rows_frame(ranked: Sequence[int], snapshot: pd.DataFrame) -> pd.DataFrame:
    """The list as rows for export: one per program in `ranked`, in that order.

    `snapshot` is indexed by program pk with the columns `band`, `probability`, `fit_score`,
    `reasons` and optionally `status`, `notes`, `pinned`, `added_by_hand` (a scorer frame
    works as is). Policy columns are text as in the catalogue: "yes" / "no" / "" (unknown),
    and `yog_window` a number of years, "none" (no limit) or "" (unknown).
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
                "visa_j1": format_tristate(program.visa_j1),
                "visa_h1b": format_tristate(program.visa_h1b),
                "img_pct": program.img_pct,
                "step2_min": program.step2_min,
                "yog_window": format_yog(program.yog_policy, program.yog_window),
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
    return frame


def list_rows(shortlist: Shortlist) -> pd.DataFrame:
    """The listed (not excluded) entries of `shortlist` as export rows, in rank order."""
    entries = list(listed_entries(shortlist).order_by("rank", "id"))
    zone = tracker.applicant_zone(shortlist.profile.user)
    snapshot = pd.DataFrame.from_records(
        [
            {
                **{name: getattr(entry, name) for name in TRACKER_COLUMNS},
                "interview_at": entry.interview_at.astimezone(zone).replace(tzinfo=None)
                if entry.interview_at
                else None,
                "pk": entry.program_id,
                "band": entry.band,
                "probability": entry.probability,
                "fit_score": entry.fit_score,
                "reasons": entry.reasons,
                "status": entry.status,
                "notes": entry.notes,
                "pinned": entry.pinned,
                "added_by_hand": entry.added_by_hand,
            }
            for entry in entries
        ],
        columns=[
            "pk",
            "band",
            "probability",
            "fit_score",
            "reasons",
            "status",
            "notes",
            "pinned",
            "added_by_hand",
            *TRACKER_COLUMNS,
        ],
    ).set_index("pk")
    return rows_frame([entry.program_id for entry in entries], snapshot)
