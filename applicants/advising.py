"""The advisor dashboard: one row per applicant who shared their workspace with me.

A fixed number of queries whatever the number of applicants: the grants, the applicants'
active profiles with their lists, the probabilities of every listed program, the upcoming
interviews and the latest change per applicant. The outlooks of all lists come from
`outlook.shortlist_outlooks`: the figures each list page shows.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Q

from applicants.models import Grant, Profile, ShortlistEntry, Visa
from applicants.outlook import shortlist_outlooks
from applicants.season_summary import upcoming

# What the dashboard reads of a profile and its list; the rest (JSON fields) is never loaded.
LINE_FIELDS = (
    "visa",
    "step2_score",
    "step3_score",
    "step1_attempts",
    "step2_attempts",
    "graduation_year",
    "usce_months",
)
SHORTLIST_FIELDS = ("shortlist__id", "shortlist__built_at")
VISA_SHORT = {Visa.NONE: "no visa", Visa.J1: "J-1", Visa.H1B: "H-1B", Visa.ANY: "J-1 or H-1B"}


@dataclass(frozen=True)
class ApplicantRow:
    """What an advisor sees of one applicant at a glance."""

    owner: Any
    level: str
    profile: Profile | None
    summary: str  # the active profile in one line
    list_size: int | None  # None: no list built yet
    expected_interviews: float | None
    match_chance: float | None
    upcoming_interviews: int
    last_activity: datetime.datetime | None

    @property
    def name(self) -> str:
        return self.owner.get_full_name() or self.owner.get_username()


def profile_line(profile: Profile | None) -> str:
    """The profile in one line: visa, scores, attempts, graduation, experience."""
    if profile is None:
        return "No profile yet"
    parts = [f"Needs {VISA_SHORT[profile.visa]}" if profile.visa != Visa.NONE else "No visa"]
    parts.append(
        f"Step 2 CK {profile.step2_score}" if profile.step2_score else "Step 2 CK not taken"
    )
    if profile.step3_score:
        parts.append(f"Step 3 {profile.step3_score}")
    failed = profile.step1_attempts - 1 + profile.step2_attempts - 1
    if failed:
        parts.append(f"{failed} failed attempt{'s' if failed != 1 else ''}")
    parts.append(f"graduated {profile.graduation_year}")
    parts.append(f"{profile.usce_months} mo USCE")
    if profile.is_scenario:
        parts.append(f"scenario “{profile.name}”")
    return " · ".join(parts)


# (label, key, largest first by default). Rows without the value sort last either way.
SORTS: dict[str, tuple[str, Callable[[ApplicantRow], Any], bool]] = {
    "name": ("Applicant", lambda row: row.name.casefold(), False),
    "size": ("Programs", lambda row: row.list_size, True),
    "expected": ("Expected interviews", lambda row: row.expected_interviews, True),
    "chance": ("Match chance", lambda row: row.match_chance, True),
    "upcoming": ("Upcoming interviews", lambda row: row.upcoming_interviews, True),
    "activity": ("Last activity", lambda row: row.last_activity, True),
}
DEFAULT_SORT = "activity"


def _active_profiles(owner_ids: list[int]) -> dict[int, Profile]:
    """Each owner's active profile, or the base profile when none is active (as `/list/`)."""
    chosen: dict[int, Profile] = {}
    candidates = (
        Profile.objects.filter(Q(active=True) | Q(based_on__isnull=True), user_id__in=owner_ids)
        .select_related("shortlist")
        .only(*LINE_FIELDS, "user_id", "name", "based_on_id", "active", *SHORTLIST_FIELDS)
    )
    for profile in candidates:
        if profile.active or profile.user_id not in chosen:
            chosen[profile.user_id] = profile
    return chosen


def _last_activity(owner_ids: list[int]) -> dict[int, datetime.datetime]:
    latest = (
        Profile.objects.filter(user_id__in=owner_ids)
        .values("user_id")
        .annotate(
            profile=Max("updated_at"),
            built=Max("shortlist__built_at"),
            entry=Max("shortlist__entries__updated_at"),
        )
    )
    return {
        row["user_id"]: max(row[key] for key in ("profile", "built", "entry") if row[key])
        for row in latest
    }


def applicants_of(
    advisor: AbstractBaseUser, *, sort: str = DEFAULT_SORT, descending: bool | None = None
) -> list[ApplicantRow]:
    """Every applicant with a live grant to `advisor`, sorted by `sort` (a key of SORTS)."""
    grants = list(
        Grant.objects.active()
        .filter(grantee=advisor)
        .select_related("owner")
        .only("level", "owner__username", "owner__first_name", "owner__last_name")
    )
    owner_ids = [grant.owner_id for grant in grants]
    profiles = _active_profiles(owner_ids)
    lists = [
        profile.shortlist
        for profile in profiles.values()
        if getattr(profile, "shortlist", None) is not None and profile.shortlist.built_at
    ]
    outlooks = shortlist_outlooks(lists)
    tracked = ShortlistEntry.objects.filter(applicant_id__in=owner_ids).order_by()
    upcoming_counts = dict(
        upcoming(tracked)
        .values("applicant_id")
        .annotate(n=Count("pk"))
        .values_list("applicant_id", "n")
    )
    activity = _last_activity(owner_ids)
    rows = []
    for grant in grants:
        profile = profiles.get(grant.owner_id)
        shortlist_pk = getattr(getattr(profile, "shortlist", None), "pk", None)
        outlook = outlooks.get(shortlist_pk)
        rows.append(
            ApplicantRow(
                owner=grant.owner,
                level=grant.level,
                profile=profile,
                summary=profile_line(profile),
                list_size=outlook.size if outlook else None,
                expected_interviews=outlook.expected_interviews if outlook else None,
                match_chance=outlook.match_chance if outlook else None,
                upcoming_interviews=upcoming_counts.get(grant.owner_id, 0),
                last_activity=activity.get(grant.owner_id),
            )
        )
    return sort_rows(rows, sort=sort, descending=descending)


def sort_rows(
    rows: list[ApplicantRow], *, sort: str, descending: bool | None = None
) -> list[ApplicantRow]:
    _, key, largest_first = SORTS.get(sort, SORTS[DEFAULT_SORT])
    reverse = largest_first if descending is None else descending
    known = [row for row in rows if key(row) is not None]
    unknown = [row for row in rows if key(row) is None]
    known.sort(key=lambda row: (key(row), row.name.casefold()), reverse=reverse)
    return known + sorted(unknown, key=lambda row: row.name.casefold())
