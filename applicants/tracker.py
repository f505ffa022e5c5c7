"""Tracker services: record what happened with each program this season, signals, the rank
order list, and the applicant's time zone.

`applicants.season` (pure) says what facts mean and which cannot be true together; this module
loads and writes them. Every write runs in one transaction behind a lock on the applicant's user
row, so two tabs cannot both take the last signal or both record a match; the database
constraints stay as the last guard, and their errors come back as messages.
"""

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Max, QuerySet, Value, When
from django.utils import timezone

from applicants.edits import and_list, changed_since
from applicants.locks import lock_applicant
from applicants.models import (
    Profile,
    SeasonDate,
    SeasonDateKind,
    ShortlistEntry,
    validate_time_zone,
)
from applicants.season import (
    FACT_FIELDS,
    FACT_LABELS,
    FLAG_FACTS,
    STATUS_BY_FACT,
    Facts,
    Problem,
    check_facts,
    facts_for_status,
    season_of,
)
from applicants.season import Status as Stage
from programs.models import Track

# Saved with the facts from the entry page, but facts of nothing: they never track an entry.
DETAIL_FIELDS: tuple[str, ...] = ("pros", "cons", "travel_estimate")
DETAIL_LABELS: dict[str, str] = {"pros": "Pros", "cons": "Cons", "travel_estimate": "Travel"}
UTC = zoneinfo.ZoneInfo("UTC")


class TrackerError(Exception):
    """Facts that cannot be recorded, with one message per problem for the user."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(" ".join(problem.message for problem in problems))
        self.problems = problems


ENTRY_GONE = (
    "This program is no longer on your list: a rebuild in another window removed it. "
    "Nothing was saved; reload to see your list as it is now."
)


class EntryGone(TrackerError):
    """The entry was removed (by a rebuild in another window) before its facts were written."""

    def __init__(self) -> None:
        super().__init__([Problem("", ENTRY_GONE)])


class EntryExcluded(TrackerError):
    """The entry was excluded (in another tab) before this change to it."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem("", message)])


class StaleFacts(TrackerError):
    """Fields this save changes were changed elsewhere since the page that saves was opened."""

    def __init__(self, names: list[str]) -> None:
        labels = [FACT_LABELS.get(name) or DETAIL_LABELS[name] for name in names]
        summary = Problem(
            "",
            f"{and_list(labels)} changed in another tab or on another device since you opened "
            "this page. What you entered is below, with what is saved now under {}: save again "
            "to keep yours, or reload to see the saved facts.".format(
                "each of those fields" if len(names) > 1 else "it"
            ),
        )
        here = [Problem(name, "Changed elsewhere since you opened this page.") for name in names]
        super().__init__([summary, *here])
        self.names = names


def applicant_zone(user: AbstractBaseUser) -> tzinfo:
    """The applicant's time zone (set on the base profile), UTC until they choose one."""
    name = (
        Profile.objects.filter(user=user, based_on__isnull=True)
        .values_list("time_zone", flat=True)
        .first()
    )
    return zoneinfo.ZoneInfo(name) if name else UTC


@dataclass(frozen=True)
class Clock:
    """The applicant's time zone, today's date there and the season it is in: one query."""

    zone: tzinfo
    zone_is_set: bool
    today: date
    season: int


def clock(user: AbstractBaseUser, *, now: datetime | None = None) -> Clock:
    name = (
        Profile.objects.filter(user=user, based_on__isnull=True)
        .values_list("time_zone", flat=True)
        .first()
    )
    zone = zoneinfo.ZoneInfo(name) if name else UTC
    today = (now or timezone.now()).astimezone(zone).date()
    return Clock(zone, bool(name), today, season_of(today))


def zone_is_set(user: AbstractBaseUser) -> bool:
    return Profile.objects.filter(user=user, based_on__isnull=True).exclude(time_zone="").exists()


def set_time_zone(*, user: AbstractBaseUser, name: str) -> bool:
    """Save the applicant's time zone on their base profile.

    An update, not `save()`: the zone changes no estimate, so it must not bump `updated_at`
    (which would tell the list page that the profile changed and the list needs a rebuild).
    False when the user has no profile yet to keep it on.
    """
    validate_time_zone(name)
    return bool(Profile.objects.filter(user=user, based_on__isnull=True).update(time_zone=name))


def today_for(user: AbstractBaseUser, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(applicant_zone(user)).date()


def current_season(user: AbstractBaseUser, *, now: datetime | None = None) -> int:
    """The season the applicant is in (or preparing for) today, in their time zone."""
    return season_of(today_for(user, now=now))


def season_entries(user: AbstractBaseUser, season: int) -> QuerySet[ShortlistEntry]:
    """The applicant's tracked entries of one season, across all their lists."""
    return ShortlistEntry.objects.filter(applicant=user, season=season).select_related("program")


def status_expression() -> Case:
    """`applicants.season.derive_status` in SQL, to filter and sort entries by status."""
    whens = (
        When(
            **({name: True} if name in FLAG_FACTS else {f"{name}__isnull": False}),
            then=Value(status.value),
        )
        for name, status in STATUS_BY_FACT
    )
    return Case(*whens, default=Value(Stage.CONSIDERING.value), output_field=CharField())


def _locked_entry(entry: ShortlistEntry) -> ShortlistEntry:
    locked = (
        ShortlistEntry.objects.select_for_update(of=("self",))
        .select_related("program", "shortlist__profile")
        .filter(pk=entry.pk)
        .first()
    )
    if locked is None:
        raise EntryGone
    return locked


def _problems(
    entry: ShortlistEntry, facts: Facts, *, user_id: int, season: int, when: Clock, now: datetime
) -> list[Problem]:
    others = ShortlistEntry.objects.filter(applicant_id=user_id, season=season).exclude(pk=entry.pk)
    matched = others.filter(matched=True).select_related("program").first()
    match_day = None
    if facts.matched and not entry.matched:  # a match recorded now: not before Match Day
        match_day = SeasonDate.objects.day_of(season, SeasonDateKind.MATCH_DAY)
    problems = check_facts(
        facts,
        season=season,
        zone=when.zone,
        zone_is_set=when.zone_is_set,
        now=now,
        signals_elsewhere=others.filter(signalled=True).count() if facts.signalled else 0,
        signal_limit=settings.PREFERENCE_SIGNALS,
        matched_elsewhere=matched.program.name if matched is not None else "",
        match_day=match_day,
    )
    if facts.any:
        twin = others.filter(program_id=entry.program_id).select_related("shortlist__profile")
        if (twin := twin.first()) is not None:
            problems.append(
                Problem(
                    "",
                    f"You track {entry.program.name} on your list “{twin.shortlist.profile}” "
                    "already: record this season's facts there.",
                )
            )
    if facts.rank_position is not None and facts.rank_position != entry.rank_position:
        holder = others.filter(rank_position=facts.rank_position).select_related("program")
        if (holder := holder.first()) is not None:
            problems.append(
                Problem(
                    "rank_position",
                    f"Rank {facts.rank_position} is {holder.program.name}'s: reorder on your "
                    "rank order list.",
                )
            )
    return problems


def _save(entry: ShortlistEntry, names: list[str]) -> None:
    try:
        with transaction.atomic():
            entry.save(update_fields=[*names, "applicant", "season", "updated_at"])
    except IntegrityError:
        # Another request got there first (a second match, a rank taken): say so, write nothing.
        raise TrackerError(
            [Problem("", "Something changed in another window meanwhile: reload and try again.")]
        ) from None


def _checked(
    entry: ShortlistEntry, changes: Mapping[str, Any], *, now: datetime
) -> tuple[Facts, int, list[Problem]]:
    """The entry's facts with `changes`, the season they are for, and what is wrong with them."""
    when = clock(entry.shortlist.profile.user, now=now)
    facts = replace(entry.facts, **{k: v for k, v in changes.items() if k in FACT_FIELDS})
    season = entry.season or when.season
    user_id = entry.shortlist.profile.user_id
    problems = _problems(entry, facts, user_id=user_id, season=season, when=when, now=now)
    return facts, season, problems


def _ending_unranks(entry: ShortlistEntry, changes: Mapping[str, Any]) -> Mapping[str, Any]:
    """`changes`, and when they end the application (a rejection or a withdrawal recorded),
    the program off the rank order list, as the list's status select does. A match keeps its
    place: its own check asks to untick it first."""
    ends = any(changes.get(name) is not None for name in ("rejected_on", "withdrawn_on"))
    ranked = entry.rank_position is not None and "rank_position" not in changes
    if ends and ranked and not entry.matched:
        return {**changes, "rank_position": None}
    return changes


def problems_with(
    *, entry: ShortlistEntry, changes: Mapping[str, Any], now: datetime | None = None
) -> list[Problem]:
    """What recording `changes` would be refused for, writing nothing: a page with errors in
    some fields says at once what the others' facts break, not one round at a time."""
    return _checked(entry, _ending_unranks(entry, changes), now=now or timezone.now())[2]


def record_facts(
    *,
    entry: ShortlistEntry,
    changes: Mapping[str, Any],
    based_on: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> ShortlistEntry:
    """Record changed facts (and ranking details) of one entry, or raise `TrackerError`.

    Only the fields in `changes` are written; the others keep what is stored. `based_on` holds
    what the page that saves showed of those fields: when one of them has been changed
    elsewhere since, `StaleFacts` names it. The first fact makes the entry tracked for the
    applicant's current season; clearing every fact untracks it. Nothing is written when any
    problem is found.
    """
    now = now or timezone.now()
    unknown = set(changes) - set(FACT_FIELDS) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not tracker fields: {sorted(unknown)}")
    if not changes:
        return entry
    user_id = entry.shortlist.profile.user_id
    with transaction.atomic():
        lock_applicant(user_id)
        entry = _locked_entry(entry)
        if stale := changed_since(entry, changes, based_on or {}):
            raise StaleFacts(stale)
        changes = _ending_unranks(entry, changes)
        facts, season, problems = _checked(entry, changes, now=now)
        if problems:
            raise TrackerError(problems)
        for name, value in changes.items():
            setattr(entry, name, value)
        entry.applicant_id, entry.season = (user_id, season) if facts.any else (None, None)
        _save(entry, list(changes))
        if "rank_position" in changes:
            _compact_ranks(user_id, season)
    return entry


@dataclass(frozen=True)
class StatusChange:
    """A quick status edit as written: the entry now, its facts before, and the rank order list
    it left behind (the entries' ids in order), so that an undo can tell whether it changed."""

    entry: ShortlistEntry
    before: Facts
    season: int | None
    ranked_after: tuple[int, ...]

    @property
    def after(self) -> Facts:
        return self.entry.facts


def _ranked(user_id: int, season: int | None) -> tuple[int, ...]:
    if season is None:
        return ()
    ranked = ShortlistEntry.objects.filter(
        applicant_id=user_id, season=season, rank_position__isnull=False
    )
    return tuple(ranked.order_by("rank_position").values_list("pk", flat=True))


def change_status(
    *, entry: ShortlistEntry, status: str, now: datetime | None = None
) -> StatusChange:
    """Move an entry to `status` in one step (the list row's quick edit).

    Forward fills in the facts the status implies (dated today); back clears the later ones.
    Worked out from the facts as they are once the applicant's lock is held, so a change made
    in another window meanwhile is built on, not overwritten.
    """
    now = now or timezone.now()
    user = entry.shortlist.profile.user
    with transaction.atomic():
        lock_applicant(user.pk)
        entry = _locked_entry(entry)
        before, season = entry.facts, entry.season
        if entry.excluded:  # excluded meanwhile, in another tab: "not applying" is the status
            raise EntryExcluded("Restore this program to your list before changing its status.")
        if status == Stage.INTERVIEW_SCHEDULED and entry.interview_at is None:
            raise TrackerError(
                [
                    Problem(
                        "interview_at",
                        "Choose the interview's day and time under the program's "
                        "“Dates and details”.",
                    )
                ]
            )
        today = now.astimezone(applicant_zone(user)).date()
        season = entry.season or season_of(today)
        ranked = ShortlistEntry.objects.filter(applicant=user, season=season)
        last = ranked.aggregate(last=Max("rank_position"))["last"] or 0
        facts = facts_for_status(entry.facts, Stage(status), today=today, next_rank=last + 1)
        changes = {name: getattr(facts, name) for name in FACT_FIELDS}
        entry = record_facts(entry=entry, changes=changes, now=now)
        return StatusChange(entry, before, season, _ranked(user.pk, season))


def record_status(
    *, entry: ShortlistEntry, status: str, now: datetime | None = None
) -> ShortlistEntry:
    return change_status(entry=entry, status=status, now=now).entry


class ChangedSince(TrackerError):
    """The entry's facts are no longer those a status change left: an undo would lose newer ones."""


@dataclass(frozen=True)
class Restored:
    """An undone status change: the entry now, and the rank position that could not be put
    back because the rank order list changed meanwhile (None when everything was)."""

    entry: ShortlistEntry
    already: bool = False
    rank_left_out: int | None = None


def undo_status_change(
    *,
    entry: ShortlistEntry,
    before: Facts,
    after: Facts,
    season: int | None,
    ranked_after: tuple[int, ...],
    now: datetime | None = None,
) -> Restored:
    """Put back the facts an entry had before a status change (`change_status`) left `after`.

    Only while the entry still holds exactly `after`: otherwise `ChangedSince`, nothing written.
    Holding `before` already is a second undo: nothing to do. A cleared rank goes back to its
    place while the rank order list is as the change left it (the programs below move down
    again), or when that place is free at its end; otherwise the rest is put back without it.
    """
    user_id = entry.shortlist.profile.user_id
    with transaction.atomic():
        lock_applicant(user_id)
        entry = _locked_entry(entry)
        if entry.facts == before:
            return Restored(entry, already=True)
        if entry.facts != after:
            now_at = entry.get_status_display()
            raise ChangedSince(
                [
                    Problem(
                        "",
                        f"Not undone: {entry.program.name} changed since (its status is now "
                        f"{now_at}), and undoing would overwrite what was recorded since.",
                    )
                ]
            )
        facts, left_out = before, None
        position = before.rank_position
        if position is not None and after.rank_position is None:
            ranked = _ranked(user_id, season)
            if ranked == ranked_after:
                below = ShortlistEntry.objects.filter(
                    applicant_id=user_id, season=season, rank_position__gte=position
                )
                for pk, held in below.order_by("-rank_position").values_list("pk", "rank_position"):
                    ShortlistEntry.objects.filter(pk=pk).update(rank_position=held + 1)
            elif position != len(ranked) + 1:
                facts, left_out = replace(before, rank_position=None, matched=False), position
        changes = {name: getattr(facts, name) for name in FACT_FIELDS}
        entry = record_facts(entry=entry, changes=changes, now=now)
    return Restored(entry, rank_left_out=left_out)


def set_signal(*, entry: ShortlistEntry, signalled: bool) -> ShortlistEntry:
    return record_facts(entry=entry, changes={"signalled": signalled})


def signals_used(user: AbstractBaseUser, season: int) -> int:
    return ShortlistEntry.objects.filter(applicant=user, season=season, signalled=True).count()


# The rank order list


@dataclass(frozen=True)
class RankOrder:
    """The applicant's rank order list and the interviewed programs not on it yet."""

    season: int
    ranked: list[ShortlistEntry]
    unranked: list[ShortlistEntry]

    @property
    def advanced(self) -> list[ShortlistEntry]:
        """The ranked programs that start in PGY-2: each wants a supplemental rank order list
        of first-year (preliminary) programs in the NRMP's R3 system."""
        return [entry for entry in self.ranked if entry.program.track == Track.ADVANCED]


def rank_order(user: AbstractBaseUser, season: int) -> RankOrder:
    entries = season_entries(user, season).filter(
        withdrawn_on__isnull=True, rejected_on__isnull=True
    )
    ranked = list(entries.filter(rank_position__isnull=False).order_by("rank_position"))
    unranked = list(
        entries.filter(rank_position__isnull=True, interviewed=True).order_by("program__name")
    )
    return RankOrder(season, ranked, unranked)


def _compact_ranks(user_id: int, season: int) -> None:
    """Number the ranked entries 1..n in their order (ascending, so no two share a number)."""
    ranked = ShortlistEntry.objects.filter(
        applicant_id=user_id, season=season, rank_position__isnull=False
    ).order_by("rank_position")
    for position, entry in enumerate(ranked, start=1):
        if entry.rank_position != position:
            ShortlistEntry.objects.filter(pk=entry.pk).update(rank_position=position)


def add_to_rank(*, entry: ShortlistEntry) -> ShortlistEntry:
    """Put an interviewed program at the bottom of the rank order list."""
    with transaction.atomic():
        lock_applicant(entry.shortlist.profile.user_id)
        entry = _locked_entry(entry)
        if entry.rank_position is not None:
            return entry
        last = season_entries(entry.applicant, entry.season).aggregate(last=Max("rank_position"))
        return record_facts(entry=entry, changes={"rank_position": (last["last"] or 0) + 1})


def remove_from_rank(*, entry: ShortlistEntry) -> StatusChange:
    """Take a program off the rank order list (those below move up); the change, for an undo
    (`undo_status_change`) that puts it back in its place."""
    user_id = entry.shortlist.profile.user_id
    with transaction.atomic():
        lock_applicant(user_id)
        entry = _locked_entry(entry)
        before, season = entry.facts, entry.season
        if entry.matched and entry.rank_position is not None:
            raise TrackerError(
                [
                    Problem(
                        "rank_position",
                        f"You matched at {entry.program.name}: untick “I matched here” on its "
                        "page before taking it off your rank order list.",
                    )
                ]
            )
        entry = record_facts(entry=entry, changes={"rank_position": None})
        return StatusChange(entry, before, season, _ranked(user_id, season))


def move_rank(*, entry: ShortlistEntry, offset: int = 0, to: int | None = None) -> ShortlistEntry:
    """Move a ranked program up (offset -1) or down (+1) one place, or `to` a position (kept
    within the list); the programs between shift by one."""
    with transaction.atomic():
        lock_applicant(entry.applicant_id)
        entry = _locked_entry(entry)
        if entry.rank_position is None:
            raise TrackerError(
                [Problem("rank_position", "Add the program to your rank order list first.")]
            )
        others = list(
            ShortlistEntry.objects.filter(
                applicant_id=entry.applicant_id, season=entry.season, rank_position__isnull=False
            )
            .exclude(pk=entry.pk)
            .order_by("rank_position")
            .values_list("pk", flat=True)
        )
        target = to if to is not None else entry.rank_position + offset
        target = max(1, min(target, len(others) + 1))
        if target == entry.rank_position:
            return entry  # already there (first or last, for a step)
        others.insert(target - 1, entry.pk)
        ranked = ShortlistEntry.objects.filter(pk__in=others)
        ranked.update(rank_position=None)  # one number each: clear, then number anew
        for position, pk in enumerate(others, start=1):
            ShortlistEntry.objects.filter(pk=pk).update(rank_position=position)
        entry.rank_position = target
    return entry
