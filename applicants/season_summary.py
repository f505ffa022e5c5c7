"""What the season pages show: signals used, interview times in two zones, the timeline.

Reads only; `applicants.tracker` writes.
"""

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from applicants import tracker
from applicants.listbuilder import eras_fee
from applicants.models import Band, Profile, SeasonDate, SeasonDateKind, ShortlistEntry
from applicants.outlook import analyse
from applicants.season import (
    IN_PERSON,
    KeyDate,
    Milestone,
    milestones,
    next_milestone,
    season_window,
)
from programs.models import Program


@dataclass(frozen=True)
class SignalCount:
    season: int
    used: int
    limit: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def signal_count(user: AbstractBaseUser, season: int | None = None) -> SignalCount:
    season = season or tracker.current_season(user)
    return SignalCount(season, tracker.signals_used(user, season), settings.PREFERENCE_SIGNALS)


@dataclass(frozen=True)
class Suggestion:
    """A program the list builder suggests signalling, with its entry on the active list."""

    program: Program
    reason: str
    entry: ShortlistEntry | None


def suggested_signals(profile: Profile | None) -> list[Suggestion]:
    """The builder's suggested signals for the active profile's built list (empty without one)."""
    if profile is None:
        return []
    shortlist = getattr(profile, "shortlist", None)
    if shortlist is None or shortlist.built_at is None:
        return []
    analysis = analyse(profile, shortlist)
    entries = {
        entry.program_id: entry
        for entry in shortlist.entries.filter(
            program__in=[program for program, _ in analysis.signals]
        )
    }
    return [
        Suggestion(program, reason, entries.get(program.pk)) for program, reason in analysis.signals
    ]


def signalled_entries(user: AbstractBaseUser) -> list[ShortlistEntry]:
    season = tracker.current_season(user)
    return list(
        tracker.season_entries(user, season).filter(signalled=True).order_by("program__name")
    )


@dataclass(frozen=True)
class InterviewTimes:
    """An interview's start in the applicant's zone and in the program's local time."""

    mine: datetime
    program: datetime | None

    @property
    def differs(self) -> bool:
        return self.program is not None and self.program.utcoffset() != self.mine.utcoffset()


def interview_times(
    entry: ShortlistEntry, *, mine: tzinfo, program: tzinfo | None
) -> InterviewTimes | None:
    if entry.interview_at is None:
        return None
    local = entry.interview_at.astimezone(program) if program is not None else None
    return InterviewTimes(entry.interview_at.astimezone(mine), local)


def key_dates(season: int) -> list[KeyDate]:
    """The season's key dates as kept by staff (the fixture loads the 2027 season)."""
    return [
        KeyDate(row.kind, row.get_kind_display(), row.date, row.source)
        for row in SeasonDate.objects.filter(season=season)
    ]


@dataclass(frozen=True)
class Timeline:
    season: int
    today: date
    milestones: list[Milestone]
    next: Milestone | None


def timeline(user: AbstractBaseUser) -> Timeline:
    today = tracker.today_for(user)
    season = tracker.current_season(user)
    items = milestones(key_dates(season), today=today)
    return Timeline(season, today, items, next_milestone(items))


# Costs


@dataclass(frozen=True)
class TravelCost:
    entry: ShortlistEntry
    usd: int
    estimated: bool  # the default estimate, not the applicant's own
    to_come: bool  # the interview has not taken place yet: planned, not spent


@dataclass(frozen=True)
class SeasonCosts:
    season: int
    applied: int
    eras_fee: int
    nrmp_fee: int
    ranked: int
    extra_ranks_fee: int
    travel: list[TravelCost]

    @property
    def nrmp_counted(self) -> bool:
        """Whether the NRMP registration is counted as paid: nothing records registering, but
        ranking a program needs it, so a rank order list is the sign it was paid."""
        return self.ranked > 0

    @property
    def travel_total(self) -> int:
        """Travel for the in-person interviews that have taken place."""
        return sum(item.usd for item in self.travel if not item.to_come)

    @property
    def travel_to_come(self) -> int:
        """Travel for the in-person interviews still to come."""
        return sum(item.usd for item in self.travel if item.to_come)

    @property
    def total(self) -> int:
        """What the season has cost so far (the NRMP fee once counted, travel once travelled)."""
        nrmp = self.nrmp_fee if self.nrmp_counted else 0
        return self.eras_fee + nrmp + self.extra_ranks_fee + self.travel_total

    @property
    def to_come(self) -> int:
        """What is still to pay: the NRMP registration until counted, travel still to come."""
        return (0 if self.nrmp_counted else self.nrmp_fee) + self.travel_to_come

    @property
    def total_with_to_come(self) -> int:
        return self.total + self.to_come


def _applied(entry: ShortlistEntry) -> bool:
    """Whether the applicant applied to the program: the date says so, or a later fact (an
    invitation, a rejection, an interview) that only an application brings."""
    later = (entry.invited_on, entry.rejected_on, entry.interview_at, entry.rank_position)
    return entry.applied_on is not None or any(fact is not None for fact in later)


def season_costs(
    user: AbstractBaseUser, season: int | None = None, *, now: datetime | None = None
) -> SeasonCosts:
    """What the season costs: ERAS fees for the programs applied to, the NRMP fees, travel."""
    season = season or tracker.current_season(user)
    now = now or timezone.now()
    entries = list(tracker.season_entries(user, season).order_by("interview_at", "program__name"))
    applied = sum(1 for entry in entries if _applied(entry))
    ranked = sum(1 for entry in entries if entry.rank_position is not None)
    travel = [
        TravelCost(
            entry,
            settings.TRAVEL_ESTIMATE_USD
            if entry.travel_estimate is None
            else entry.travel_estimate,
            entry.travel_estimate is None,
            not entry.interviewed and (entry.interview_at is None or entry.interview_at > now),
        )
        for entry in entries
        if entry.interview_format == IN_PERSON and entry.withdrawn_on is None
    ]
    extra = max(0, ranked - settings.NRMP_RANKS_INCLUDED) * settings.NRMP_EXTRA_RANK_FEE
    return SeasonCosts(
        season=season,
        applied=applied,
        eras_fee=eras_fee(applied, settings.ERAS_FEE_SCHEDULE),
        nrmp_fee=settings.NRMP_REGISTRATION_FEE,
        ranked=ranked,
        extra_ranks_fee=extra,
        travel=travel,
    )


# Season review


@dataclass(frozen=True)
class BandReview:
    band: str
    applied: int
    expected: float  # Σ interview probability of the programs applied to
    invited: int
    rejected: int


@dataclass(frozen=True)
class SeasonReview:
    season: int
    ended: bool
    ends_on: date
    bands: list[BandReview]

    @property
    def applied(self) -> int:
        return sum(band.applied for band in self.bands)

    @property
    def expected(self) -> float:
        return sum(band.expected for band in self.bands)

    @property
    def invited(self) -> int:
        return sum(band.invited for band in self.bands)


def season_review(user: AbstractBaseUser, season: int | None = None) -> SeasonReview:
    """Invitations by band against the expected interviews of the programs applied to.

    The season counts as ended once the rank order list deadline has passed (invitations are
    over by then); without that date, at the end of the season's window.
    """
    today = tracker.today_for(user)
    season = season or tracker.current_season(user)
    deadline = SeasonDate.objects.day_of(season, SeasonDateKind.ROL_DEADLINE)
    ends_on = deadline or season_window(season)[1]
    applied = tracker.season_entries(user, season).filter(applied_on__isnull=False)
    rows = []
    for band in (Band.REACH, Band.TARGET, Band.SAFETY, Band.INELIGIBLE):
        entries = [entry for entry in applied if entry.band == band]
        if not entries and band == Band.INELIGIBLE:
            continue
        rows.append(
            BandReview(
                band=band,
                applied=len(entries),
                expected=sum(entry.probability for entry in entries),
                invited=sum(
                    1 for e in entries if e.invited_on is not None or e.interview_at is not None
                ),
                rejected=sum(1 for entry in entries if entry.rejected_on is not None),
            )
        )
    return SeasonReview(season, today > ends_on, ends_on, rows)


def upcoming(entries: QuerySet[ShortlistEntry]) -> QuerySet[ShortlistEntry]:
    """The entries with an interview still ahead: scheduled from now on, not withdrawn."""
    return entries.filter(interview_at__gte=timezone.now(), withdrawn_on__isnull=True)


def upcoming_interviews(user: AbstractBaseUser, *, limit: int = 5) -> list[ShortlistEntry]:
    season = tracker.current_season(user)
    return list(upcoming(tracker.season_entries(user, season)).order_by("interview_at")[:limit])
