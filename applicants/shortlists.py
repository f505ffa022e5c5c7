"""Shortlist services: build and rebuild a list, and tune it row by row.

The pure core (`applicants.scoring`, `applicants.listbuilder`) does the maths; this module
loads programs and profiles, calls the core and writes `ShortlistEntry` rows.

A rebuild keeps everything the user did by hand. An entry is *held* on the list when it is
pinned, added by hand, has tracker facts (applied, signalled, …) or has notes: held entries go
to the builder as pins, so they stay listed (and count towards the list size) even when the
automatic choice would drop them. Excluded entries stay excluded, with their notes. Entries
without any user data are replaced by the new automatic choice.
"""

from collections.abc import Collection

import pandas as pd
from django.db import transaction
from django.utils import timezone

from applicants import tracker
from applicants.catalogue import catalogue_frame, score_profile
from applicants.edits import same_text
from applicants.listbuilder import BuiltList, build_list, with_held
from applicants.locks import lock_profile
from applicants.model_versions import active_version, version_of
from applicants.models import Profile, Shortlist, ShortlistEntry
from programs.models import Program

SNAPSHOT_FIELDS = ["rank", "band", "probability", "fit_score", "reasons"]


class ShortlistError(Exception):
    """A list action that cannot be done, with a message for the user."""


class EntryExcluded(ShortlistError):
    """The entry was excluded (in another tab) before this action on its row."""


class EntryGone(ShortlistError):
    """The entry was removed (by a rebuild in another window) before this action could run."""

    def __init__(self) -> None:
        super().__init__(tracker.ENTRY_GONE)


def _locked(entry: ShortlistEntry) -> ShortlistEntry:
    """The entry as the database holds it now, locked until the transaction ends.

    Call inside `transaction.atomic()`. Raises `EntryGone` when a rebuild deleted it meanwhile.
    """
    locked = ShortlistEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise EntryGone
    return locked


def _lock_list(shortlist: Shortlist) -> None:
    """Queue changes to which programs are listed (and their ranks) one behind the other."""
    Shortlist.objects.select_for_update(no_key=True).filter(pk=shortlist.pk).first()


def is_held(entry: ShortlistEntry) -> bool:
    """Whether a rebuild must keep this entry on the list: it carries the user's own data."""
    return entry.pinned or entry.added_by_hand or entry.facts.any or bool(entry.notes.strip())


def _snapshot(entry: ShortlistEntry, row: pd.Series, *, rank: int | None) -> bool:
    """Give the entry its rank and the scorer's figures; whether any of them changed."""
    before = [getattr(entry, name) for name in SNAPSHOT_FIELDS]
    entry.rank = rank
    entry.band = str(row["band"])
    entry.probability = min(1.0, max(0.0, float(row["probability"])))
    entry.fit_score = int(row["fit_score"])
    entry.reasons = [str(reason) for reason in row["reasons"]]
    return [getattr(entry, name) for name in SNAPSHOT_FIELDS] != before


def held_and_excluded(entries: Collection[ShortlistEntry]) -> tuple[list[int], list[int]]:
    """The program pks a rebuild keeps (held) and leaves out (excluded)."""
    held = [entry.program_id for entry in entries if not entry.excluded and is_held(entry)]
    excluded = [entry.program_id for entry in entries if entry.excluded]
    return held, excluded


def _choose(
    profile: Profile, scored: pd.DataFrame, entries: Collection[ShortlistEntry], *, size: int
) -> BuiltList:
    held, excluded = held_and_excluded(entries)
    return build_list(
        scored,
        size=size,
        pinned=held,
        excluded=excluded,
        preferred_states=profile.preferred_states,
    )


def build_shortlist(*, profile: Profile) -> Shortlist:
    """Build (or rebuild) the profile's list from the whole catalogue, keeping the user's data.

    The list is scored with the active model version and records it. Raises `ShortlistError`
    when the catalogue has no active program. Archived programs are
    scored too: the scorer marks them ineligible, so they are never
    chosen automatically, but a held entry for an archived program stays listed and marked.
    """
    programs = catalogue_frame()
    if not programs["active"].any():
        raise ShortlistError(
            "The catalogue has no programs yet, so there is nothing to build a list from. "
            "Staff can import one on the Import page."
        )
    version = active_version()
    scored = score_profile(profile, programs=programs, version=version)
    with transaction.atomic():
        if not lock_profile(profile.pk):
            raise ShortlistError(
                f"“{profile.name}” was deleted in another window: there is no list to build."
            )
        shortlist, _ = Shortlist.objects.select_for_update(no_key=True).get_or_create(
            profile=profile
        )
        entries = {entry.program_id: entry for entry in shortlist.entries.select_for_update().all()}
        held, _excluded = held_and_excluded(entries.values())
        built = _choose(profile, scored, entries.values(), size=profile.list_size)
        ranked = with_held(scored, built, held)
        # Only rows whose rank or figures change are written: a rebuild of an unchanged list
        # writes none of them.
        updated, created = [], []
        for rank, pk in enumerate(ranked, start=1):
            entry = entries.get(pk) or ShortlistEntry(shortlist=shortlist, program_id=pk)
            if entry.pk is None:
                _snapshot(entry, scored.loc[pk], rank=rank)
                created.append(entry)
            elif _snapshot(entry, scored.loc[pk], rank=rank):
                updated.append(entry)
        for entry in entries.values():
            excluded_and_scored = entry.excluded and entry.program_id in scored.index
            if excluded_and_scored and _snapshot(entry, scored.loc[entry.program_id], rank=None):
                updated.append(entry)
        listed = set(ranked)
        dropped = [
            entry.pk for pk, entry in entries.items() if not entry.excluded and pk not in listed
        ]
        ShortlistEntry.objects.filter(pk__in=dropped).delete()
        ShortlistEntry.objects.bulk_update(updated, SNAPSHOT_FIELDS, batch_size=500)
        ShortlistEntry.objects.bulk_create(created, batch_size=500)
        shortlist.built_at = timezone.now()
        shortlist.model_version = version
        shortlist.save(update_fields=["built_at", "model_version", "updated_at"])
    return shortlist


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


def _copy(locked: ShortlistEntry, entry: ShortlistEntry, names: list[str]) -> ShortlistEntry:
    """Bring the caller's copy of the entry up to date with the locked row just saved."""
    for name in names:
        setattr(entry, name, getattr(locked, name))
    return entry


ROW_FIELDS = ["pinned", "excluded", "rank", "notes", "updated_at"]


def set_pinned(*, entry: ShortlistEntry, pinned: bool) -> ShortlistEntry:
    with transaction.atomic():
        locked = _locked(entry)
        if locked.excluded:
            _copy(locked, entry, ROW_FIELDS)
            raise EntryExcluded("Restore this program to your list before pinning it.")
        locked.pinned = pinned
        locked.save(update_fields=["pinned", "updated_at"])
    return _copy(locked, entry, ROW_FIELDS)


def set_status(*, entry: ShortlistEntry, status: str) -> tracker.StatusChange:
    """Move the entry to `status` by recording the facts it implies (see applicants.tracker)."""
    try:
        return tracker.change_status(entry=entry, status=status)
    except tracker.EntryGone:
        raise EntryGone from None
    except tracker.EntryExcluded as error:
        raise EntryExcluded(str(error)) from None
    except tracker.TrackerError as error:
        raise ShortlistError(str(error)) from None


class StaleNotes(ShortlistError):
    """The note changed since the editor that saves over it was opened (another tab)."""


def set_notes(*, entry: ShortlistEntry, notes: str, based_on: str | None = None) -> ShortlistEntry:
    """Save the entry's note; with `based_on` (the note the editor started from), refuse with
    StaleNotes when the stored note has changed since and this save would replace it."""
    with transaction.atomic():
        locked = _locked(entry)
        changed_since = based_on is not None and not same_text(locked.notes, based_on)
        if changed_since and not same_text(locked.notes, notes):
            raise StaleNotes("This note was changed elsewhere since you opened it.")
        locked.notes = notes.strip()
        locked.save(update_fields=["notes", "updated_at"])
    return _copy(locked, entry, ROW_FIELDS)


def exclude_entry(*, entry: ShortlistEntry) -> ShortlistEntry:
    """Take a program off the list; rebuilds will keep it off until it is restored."""
    with transaction.atomic():
        _lock_list(entry.shortlist)
        locked = _locked(entry)
        if not locked.excluded:
            locked.excluded = True
            locked.pinned = False
            locked.rank = None
            locked.save(update_fields=["excluded", "pinned", "rank", "updated_at"])
            _rerank(entry.shortlist)
    return _copy(locked, entry, ROW_FIELDS)


def restore_entry(*, entry: ShortlistEntry) -> ShortlistEntry:
    """Undo an exclusion: the program returns to the list where its probability places it."""
    with transaction.atomic():
        _lock_list(entry.shortlist)
        locked = _locked(entry)
        if locked.excluded:
            locked.excluded = False
            locked.save(update_fields=["excluded", "updated_at"])
            _rerank(entry.shortlist, insert=locked)
    return _copy(locked, entry, ROW_FIELDS)


def add_program(*, shortlist: Shortlist, program: Program) -> ShortlistEntry:
    """Put a catalogue program on the list by hand (restoring it if it was excluded)."""
    one = Program.objects.filter(pk=program.pk).to_frame()
    # Scored with the list's own version, so the list's figures stay comparable.
    scored = score_profile(shortlist.profile, programs=one, version=version_of(shortlist))
    with transaction.atomic():
        # Two quick clicks must not both pass the check: the second waits for the first.
        _lock_list(shortlist)
        entry = shortlist.entries.filter(program=program).first()
        if entry is not None and not entry.excluded:
            raise ShortlistError(f"{program.name} is on your list already.")
        entry = entry or ShortlistEntry(shortlist=shortlist, program=program)
        _snapshot(entry, scored.loc[program.pk], rank=entry.rank)
        entry.excluded = False
        entry.added_by_hand = True
        entry.save()
        _rerank(shortlist, insert=entry)
    return entry
