"""The season calendar: interviews and key dates as events, month and agenda views, and the
iCalendar feed (the `icalendar` library) that calendar apps subscribe to.

Interview times are stored as instants; pages show them in the applicant's zone beside the
program's local time. The feed writes them in UTC, which every calendar app converts to the
device's zone, so no VTIMEZONE data has to be generated.
"""

import calendar as stdlib_calendar
import functools
import secrets
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

import icalendar
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from applicants import season_summary, tracker
from applicants.models import CalendarFeed, SeasonDate, ShortlistEntry
from applicants.season import IN_PERSON, VIRTUAL
from programs.geography import time_zone_of

# Interview days run about a morning; two interviews starting closer than this overlap.
INTERVIEW_LENGTH = timedelta(hours=4)
PRODID = "-//neuromatch//season calendar//EN"
INTERVIEW_FIELDS = (
    "interview_at", "interview_format", "updated_at", "applicant_id", "season",
    "program__name", "program__institution", "program__city", "program__state",
)  # fmt: skip


@dataclass
class Event:
    """One thing on the calendar: an interview (`entry` set) or a key date of the season."""

    title: str
    day: date  # in the applicant's zone
    start: datetime | None = None  # interviews: in the applicant's zone
    local: datetime | None = None  # interviews: the program's local time
    entry: ShortlistEntry | None = None
    kind: str = "interview"
    source: str = ""
    flags: list[str] = field(default_factory=list)

    @property
    def in_person(self) -> bool:
        return self.entry is not None and self.entry.interview_format == IN_PERSON


def _zone(name: str) -> tzinfo | None:
    return zoneinfo.ZoneInfo(name) if name else None


def interview_entries(user: AbstractBaseUser, season: int) -> list[ShortlistEntry]:
    """The season's scheduled interviews, withdrawn ones left out, in time order."""
    return list(
        tracker.season_entries(user, season)
        .filter(interview_at__isnull=False, withdrawn_on__isnull=True)
        .only(*INTERVIEW_FIELDS)
        .order_by("interview_at")
    )


def interview_events(entries: list[ShortlistEntry], zone: tzinfo) -> list[Event]:
    """Interviews as events, flagged when two fall on one day or overlap."""
    events = []
    for entry in entries:
        start = entry.interview_at.astimezone(zone)
        program_zone = _zone(time_zone_of(entry.program.state, entry.program.city))
        local = entry.interview_at.astimezone(program_zone) if program_zone else None
        events.append(Event(entry.program.name, start.date(), start, local, entry))
    per_day: dict[date, int] = defaultdict(int)
    for event in events:
        per_day[event.day] += 1
    for event in events:
        if per_day[event.day] > 1:
            event.flags.append("same_day")
    for earlier, later in zip(events, events[1:], strict=False):
        if later.start < earlier.start + INTERVIEW_LENGTH:
            for event in (earlier, later):
                if "overlap" not in event.flags:
                    event.flags.append("overlap")
    return events


def key_date_events(season: int) -> list[Event]:
    return [
        Event(key.label, key.day, kind=key.kind, source=key.source)
        for key in season_summary.key_dates(season)
    ]


@dataclass(frozen=True)
class SeasonCalendar:
    season: int
    zone: tzinfo
    events: list[Event]

    @property
    def interviews(self) -> list[Event]:
        return [event for event in self.events if event.entry is not None]

    @property
    def clashes(self) -> list[Event]:
        return [event for event in self.interviews if event.flags]


def season_calendar(
    user: AbstractBaseUser, season: int | None = None, *, zone: tzinfo | None = None
) -> SeasonCalendar:
    zone = zone or tracker.applicant_zone(user)
    season = season or tracker.current_season(user)
    events = interview_events(interview_entries(user, season), zone) + key_date_events(season)
    events.sort(key=lambda event: (event.day, event.start is not None, event.start or 0))
    return SeasonCalendar(season, zone, events)


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    events: list[Event]


def month_weeks(year: int, month: int, events: list[Event]) -> list[list[Day]]:
    """The weeks (Monday first) of a month, each day with its events."""
    by_day: dict[date, list[Event]] = defaultdict(list)
    for event in events:
        by_day[event.day].append(event)
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[Day(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks]


def agenda(events: list[Event], *, since: date) -> list[tuple[date, list[Event]]]:
    """Events from `since` on, grouped by day."""
    days: dict[date, list[Event]] = defaultdict(list)
    for event in events:
        if event.day >= since:
            days[event.day].append(event)
    return sorted(days.items())


# iCalendar

# How an interview's description starts, by its format.
INTERVIEW_KINDS = {IN_PERSON: "In-person interview", VIRTUAL: "Virtual interview"}


@functools.lru_cache(maxsize=4096)
def _interview_vevent(
    uid: str, stamp: datetime, start: datetime, fmt: str, name: str, where: str, zone_name: str,
    in_person: bool,
) -> bytes:  # fmt: skip
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("duration", INTERVIEW_LENGTH)
    event.add("summary", f"Interview: {name}")
    lines = [f"{fmt}, {where}."]
    if zone_name:
        local = start.astimezone(zoneinfo.ZoneInfo(zone_name))
        lines.append(f"Program's local time: {local:%H:%M} {local.tzname()} ({zone_name}).")
    event.add("description", "\n".join(lines))
    if in_person and where:
        event.add("location", where)
    return event.to_ical()


def _interview_component(entry: ShortlistEntry, *, domain: str) -> bytes:
    """One interview as a VEVENT; DTSTAMP is the entry's last change, so the bytes depend only
    on the entry and are cached per process (a feed is polled often and changes rarely)."""
    program = entry.program
    where = ", ".join(part for part in (program.institution, program.city, program.state) if part)
    return _interview_vevent(
        f"interview-{entry.pk}@{domain}",
        entry.updated_at.astimezone(UTC),
        entry.interview_at.astimezone(UTC),
        INTERVIEW_KINDS.get(entry.interview_format, "Interview (format not recorded)"),
        program.name,
        where,
        time_zone_of(program.state, program.city),
        entry.interview_format == IN_PERSON,
    )


def _key_date_component(row: SeasonDate, *, domain: str) -> bytes:
    event = icalendar.Event()
    event.add("uid", f"season-{row.season}-{row.kind}@{domain}")
    event.add("dtstamp", row.updated_at.astimezone(UTC))
    event.add("dtstart", row.date)
    event.add("dtend", row.date + timedelta(days=1))
    event.add("summary", row.get_kind_display())
    event.add("description", f"Source: {row.source}")
    event.add("transp", "TRANSPARENT")
    return event.to_ical()


def _calendar(name: str, components: list[bytes]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    return head + b"".join(components) + b"END:VCALENDAR" + end


def feed_ics(user: AbstractBaseUser, *, domain: str, now: datetime) -> bytes:
    """The applicant's season as iCalendar: interviews (in UTC) and all-day key dates."""
    season = tracker.current_season(user, now=now)
    components = [_interview_component(e, domain=domain) for e in interview_entries(user, season)]
    components += [
        _key_date_component(row, domain=domain) for row in SeasonDate.objects.filter(season=season)
    ]
    return _calendar(f"neuromatch season {season}", components)


def interview_ics(entry: ShortlistEntry, *, domain: str) -> bytes:
    return _calendar(
        f"Interview: {entry.program.name}", [_interview_component(entry, domain=domain)]
    )


# The feed's secret address


def feed_token(user: AbstractBaseUser) -> str:
    """The token of the user's feed address, made on first use."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed.token
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32)).token
    except IntegrityError:  # made meanwhile by another request
        return CalendarFeed.objects.get(user=user).token


def reset_feed(user: AbstractBaseUser) -> str:
    """A new token: the old address stops working at once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token": token})
    return token


def feed_owner(token: str) -> AbstractBaseUser | None:
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    return feed.user if feed is not None and feed.user.is_active else None


FLAG_TEXT = {"same_day": "same day as another interview", "overlap": "overlaps another interview"}


def _clock(moment: datetime | None) -> str:
    """A time with the zone it is in, "09:00 America/Chicago"; blank for none."""
    return f"{moment:%H:%M} {moment.tzinfo}" if moment else ""


def calendar_rows(season_calendar: SeasonCalendar) -> list[dict[str, object]]:
    """The calendar as plain rows for the export's Calendar sheet, in date order."""
    rows: list[dict[str, object]] = []
    for event in season_calendar.events:
        rows.append(
            {
                "date": event.day,
                "time": _clock(event.start),  # the applicant's zone, named as the program's is
                "program_time": _clock(event.local),
                "what": f"Interview: {event.title}" if event.entry else event.title,
                "format": event.entry.get_interview_format_display() if event.entry else "",
                "flags": "; ".join(FLAG_TEXT[flag] for flag in event.flags),
                "source": event.source,
            }
        )
    return rows
