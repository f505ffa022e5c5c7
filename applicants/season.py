"""The application season as plain data: which season a day belongs to, what an entry's tracker
facts say its status is, which combinations of facts cannot be true, and the season's timeline.

Pure, like `applicants.scoring`: no Django, no ORM. `applicants.tracker` reads and writes the
facts and asks this module what they mean.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from typing import Any

# An application season that opens in June 2026 is season 2027 (the Match year). Match Day is
# in the third week of March; from April on, applicants plan the next season.
SEASON_OPENS = (6, 1)  # ERAS opens in the first week of June
SEASON_CLOSES = (3, 31)  # Match Day and SOAP are over by the end of March
NEXT_SEASON_FROM_MONTH = 4


def season_of(day: date) -> int:
    """The season (Match year) an applicant working on `day` is in or preparing for."""
    return day.year + 1 if day.month >= NEXT_SEASON_FROM_MONTH else day.year


def application_year(day: date) -> int:
    """The year the applications of `day`'s season are sent in (the season − 1). Years since
    graduation count up to it, in the estimates and in the fit alike, so a list does not lose
    programs to a graduation-year limit when the calendar turns mid-season."""
    return season_of(day) - 1


def season_window(season: int) -> tuple[date, date]:
    """First and last day on which a season's facts can be dated: ERAS opening to March's end."""
    return date(season - 1, *SEASON_OPENS), date(season, *SEASON_CLOSES)


class Status(StrEnum):
    """Where an application stands, derived from its facts (never stored)."""

    CONSIDERING = "considering"
    APPLIED = "applied"
    INTERVIEW_OFFERED = "interview_offered"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEWED = "interviewed"
    RANKED = "ranked"
    MATCHED = "matched"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


STATUS_LABELS: dict[Status, str] = {
    Status.CONSIDERING: "Considering",
    Status.APPLIED: "Applied",
    Status.INTERVIEW_OFFERED: "Interview offered",
    Status.INTERVIEW_SCHEDULED: "Interview scheduled",
    Status.INTERVIEWED: "Interviewed",
    Status.RANKED: "Ranked",
    Status.MATCHED: "Matched",
    Status.REJECTED: "Rejected",
    Status.WITHDRAWN: "Withdrawn",
}
# The way forward through a season; rejected and withdrawn end it early.
PROGRESS: tuple[Status, ...] = (
    Status.CONSIDERING,
    Status.APPLIED,
    Status.INTERVIEW_OFFERED,
    Status.INTERVIEW_SCHEDULED,
    Status.INTERVIEWED,
    Status.RANKED,
    Status.MATCHED,
)

VIRTUAL, IN_PERSON = "virtual", "in_person"
INTERVIEW_FORMATS = (VIRTUAL, IN_PERSON)


@dataclass(frozen=True)
class Facts:
    """What happened with one program in one season; every fact is optional."""

    applied_on: date | None = None
    signalled: bool = False
    invited_on: date | None = None
    rejected_on: date | None = None
    withdrawn_on: date | None = None
    interview_at: datetime | None = None  # timezone-aware
    interview_format: str = ""
    interviewed: bool = False
    rank_position: int | None = None
    matched: bool = False

    @property
    def any(self) -> bool:
        """Whether any fact is recorded (an entry with facts is tracked for a season)."""
        return self != Facts()


FACT_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(Facts))
DATE_FIELDS: tuple[str, ...] = ("applied_on", "invited_on", "rejected_on", "withdrawn_on")
FACT_LABELS: dict[str, str] = {
    "applied_on": "Applied on",
    "signalled": "Signal",
    "invited_on": "Invited on",
    "rejected_on": "Rejected on",
    "withdrawn_on": "Withdrawn on",
    "interview_at": "Interview",
    "interview_format": "Interview format",
    "interviewed": "Interviewed",
    "rank_position": "Rank",
    "matched": "Matched",
}


def facts_of(values: Mapping[str, Any]) -> Facts:
    """The facts among `values` (an object's attributes as a dict, a form's cleaned data)."""
    return Facts(**{name: values[name] for name in FACT_FIELDS if name in values})


# The fact that makes each status, the furthest first: an application that ended, then the
# last stage it reached. A flag counts when true, any other fact when it is recorded. The one
# rule for `derive_status` and for its SQL (`tracker.status_expression`).
STATUS_BY_FACT: tuple[tuple[str, Status], ...] = (
    ("matched", Status.MATCHED),
    ("withdrawn_on", Status.WITHDRAWN),
    ("rejected_on", Status.REJECTED),
    ("rank_position", Status.RANKED),
    ("interviewed", Status.INTERVIEWED),
    ("interview_at", Status.INTERVIEW_SCHEDULED),
    ("invited_on", Status.INTERVIEW_OFFERED),
    ("applied_on", Status.APPLIED),
)
FLAG_FACTS = frozenset({"signalled", "interviewed", "matched"})


def derive_status(facts: Facts) -> Status:
    """The status an application's facts add up to: the furthest stage reached, unless it ended."""
    for name, status in STATUS_BY_FACT:
        value = getattr(facts, name)
        if (value is True) if name in FLAG_FACTS else (value is not None):
            return status
    return Status.CONSIDERING


def facts_for_status(facts: Facts, status: Status, *, today: date, next_rank: int) -> Facts:
    """`facts` moved to `status` in one step (a quick edit on the list row).

    Moving forward fills in the facts the status implies, dated `today` where no date is known;
    moving back clears the facts beyond it. Signals are kept: a signal is planned before applying.
    """
    keep_signal = {"signalled": facts.signalled}
    if status == Status.CONSIDERING:
        return Facts(**keep_signal)
    if status == Status.REJECTED:
        return replace(
            Facts(**keep_signal), applied_on=facts.applied_on or today, rejected_on=today
        )
    if status == Status.WITHDRAWN:
        return replace(facts, withdrawn_on=facts.withdrawn_on or today, rank_position=None,
                       matched=False)  # fmt: skip
    stage = PROGRESS.index(status)
    applied = facts.applied_on or today
    invited = (facts.invited_on or today) if stage >= 2 else None
    interview = facts.interview_at if stage >= 3 else None
    return Facts(
        applied_on=applied,
        signalled=facts.signalled,
        invited_on=invited,
        interview_at=interview,
        interview_format=facts.interview_format if stage >= 3 else "",
        interviewed=stage >= 4,
        rank_position=(facts.rank_position or next_rank) if stage >= 5 else None,
        matched=stage >= 6,
    )


@dataclass(frozen=True)
class Problem:
    """Facts that cannot be true together, with the field to fix and a sentence saying how."""

    field: str
    message: str


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def zoned_label(label: str, zone: tzinfo) -> str:
    """`label` naming the zone its times are in, as exports head them: "Interview (UTC)"."""
    return f"{label} ({zone})"


# The first zone to reach a new day (Kiribati's Line Islands): for an applicant who has not
# chosen a zone, today is the latest today anywhere, so nobody ahead of UTC is refused theirs.
EARLIEST_ZONE = timezone(timedelta(hours=14))
# Facts that say something already happened: none can be dated after today.
PAST_FIELDS: tuple[str, ...] = DATE_FIELDS


def check_facts(
    facts: Facts,
    *,
    season: int,
    zone: tzinfo,
    now: datetime,
    signals_elsewhere: int,
    signal_limit: int,
    matched_elsewhere: str = "",
    zone_is_set: bool = True,
    match_day: date | None = None,
) -> list[Problem]:
    """Everything wrong with `facts` for an application in `season`, as messages for the user.

    `zone` is the applicant's time zone (an interview's day is the applicant's day, and no
    application, invitation, rejection or withdrawal is dated after today there; with
    `zone_is_set` false, after the latest today on Earth),
    `signals_elsewhere` the signals the applicant used on other programs this season and
    `matched_elsewhere` the program already recorded as the match, if any, and `match_day`
    the season's Match Day when the facts record a match for the first time (none is known
    before it).
    """
    problems: list[Problem] = []
    first, last = season_window(season)
    days = {name: getattr(facts, name) for name in DATE_FIELDS}
    if facts.interview_at is not None:
        days["interview_at"] = _local_day(facts.interview_at, zone)
    for name, day in days.items():
        if day is not None and not first <= day <= last:
            problems.append(
                Problem(
                    name,
                    f"{FACT_LABELS[name]}: {_day(day)} is outside the {season} season "
                    f"({_day(first)} – {_day(last)}).",
                )
            )
    today = now.astimezone(zone if zone_is_set else EARLIEST_ZONE).date()
    # Without a zone, "today" is the latest date on Earth: said, as it can differ from UTC's.
    where = "" if zone_is_set else " somewhere on Earth; set your time zone for yours"
    for name in PAST_FIELDS:
        day = days[name]
        # A day outside the season has its message already.
        if day is not None and day > today and first <= day <= last:
            problems.append(
                Problem(
                    name,
                    f"{FACT_LABELS[name]}: {_day(day)} is after today ({_day(today)}{where}): "
                    "record it once it has happened.",
                )
            )
    order = (
        ("invited_on", "applied_on", "The invitation is dated before the application"),
        ("rejected_on", "applied_on", "The rejection is dated before the application"),
        ("withdrawn_on", "applied_on", "The withdrawal is dated before the application"),
        ("interview_at", "invited_on", "The interview is before the invitation"),
        ("interview_at", "applied_on", "The interview is before the application"),
    )
    out_of_order: set[str] = set()
    for later, earlier, sentence in order:
        first_day, second_day = days.get(earlier), days.get(later)
        if later in out_of_order or first_day is None or second_day is None:
            continue
        if second_day < first_day:
            out_of_order.add(later)  # one message per field: the nearest fact it precedes
            problems.append(
                Problem(later, f"{sentence} ({_day(second_day)} is before {_day(first_day)}).")
            )
    if facts.invited_on is not None and facts.rejected_on is not None:
        problems.append(
            Problem("rejected_on", "A program either invites you or rejects you: clear one.")
        )
    if facts.interview_format and facts.interview_format not in INTERVIEW_FORMATS:
        problems.append(Problem("interview_format", "Interview format: virtual or in person."))
    if facts.interviewed and facts.interview_at is not None and facts.interview_at > now:
        problems.append(
            Problem(
                "interviewed",
                f"The interview is on {_day(days['interview_at'])}, still to come: mark it "
                "as done after it has taken place.",
            )
        )
    ended = facts.rejected_on is not None or facts.withdrawn_on is not None
    if facts.rank_position is not None:
        if facts.rank_position < 1:
            problems.append(Problem("rank_position", "Rank: 1 or more."))
        if not facts.interviewed:
            problems.append(Problem("rank_position", "Rank a program after you interviewed."))
        if ended:
            problems.append(
                Problem(
                    "rank_position",
                    "A program that rejected you or that you withdrew "
                    "from cannot be on your rank order list.",
                )  # fmt: skip
            )
    if facts.matched:
        if matched_elsewhere:
            problems.append(
                Problem(
                    "matched",
                    f"You can match only once a season, and {matched_elsewhere} is recorded "
                    "as your match: clear that first.",
                )
            )
        if facts.rank_position is None:
            problems.append(Problem("matched", "Only a program on your rank order list can "
                                    "match you: rank it first."))  # fmt: skip
        if match_day is not None and today < match_day:
            problems.append(
                Problem(
                    "matched",
                    f"Match Day is {_day(match_day)}: record your match once the results are out.",
                )
            )
    if facts.signalled and signals_elsewhere >= signal_limit:
        problems.append(
            Problem(
                "signalled",
                f"You have used all {signal_limit} signals of the season: take one back "
                "before signalling this program.",
            )
        )
    return problems


# Timeline


@dataclass(frozen=True)
class KeyDate:
    """A date of the season that applies to every applicant (ERAS opening, Match Day, …)."""

    kind: str
    label: str
    day: date
    source: str = ""


@dataclass(frozen=True)
class Milestone:
    """A key date seen from `today`: how many days are left and what to do before it."""

    key: KeyDate
    days_left: int
    advice: str

    @property
    def past(self) -> bool:
        return self.days_left < 0


# What to do before each kind of key date, in the applicant's words.
ADVICE: dict[str, str] = {
    "eras_opens": "Get your ERAS token from ECFMG and start your MyERAS application.",
    "applications_open": "Finish your application and letters; choose your programs.",
    "signal_deadline": "Choose the programs you signal: signals go with your applications.",
    "review_begins": "Apply before programs start reviewing: early applications are read first.",
    "nrmp_registration_opens": "Register for the NRMP Match (a separate fee from ERAS).",
    "rol_opens": "Start your rank order list from the programs you interviewed at.",
    "rol_deadline": "Certify your rank order list: an uncertified list is not used.",
    "match_day": "Results are released; be ready for SOAP if you do not match.",
}


def milestones(dates: Iterable[KeyDate], *, today: date) -> list[Milestone]:
    """The season's key dates in order, each with its days left from `today` (negative: past)."""
    return [
        Milestone(key, (key.day - today).days, ADVICE.get(key.kind, ""))
        for key in sorted(dates, key=lambda key: (key.day, key.kind))
    ]


def next_milestone(timeline: Sequence[Milestone]) -> Milestone | None:
    """The first key date that is today or still to come."""
    return next((item for item in timeline if not item.past), None)
