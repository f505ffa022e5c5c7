"""Undo for the list row's status select: what a status change cleared, said in the applicant's
words, and a signed token that puts it back.

The token carries the facts before and after the change, signed (`django.core.signing`) so it
cannot be forged or pointed at another entry or user: nothing is stored, nothing to clean up,
and the same token works from the htmx row and from a plain form after a redirect. Whether it
may still be used is decided against the database when it is posted (`tracker.undo_status_change`).
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing

from applicants import shortlists, tracker
from applicants.models import InterviewFormat, ShortlistEntry
from applicants.season import Facts

SALT = "applicants.status-undo"
MAX_AGE = timedelta(days=1)

BAD_TOKEN = (
    "This Undo could not be read (the page may be out of date), so nothing was changed. "
    "Reload the page to see what is saved."
)
EXPIRED = (
    "This Undo is more than a day old, so nothing was changed. Record the facts again on the "
    "program's Dates and details page."
)


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _moment(value: datetime, zone: tzinfo) -> str:
    local = value.astimezone(zone)
    return f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"


def cleared_facts(before: Facts, after: Facts, *, zone: tzinfo) -> list[str]:
    """The facts `before` held that `after` no longer does, in words, dates in `zone`."""
    cleared: list[str] = []
    gone = {field.name for field in fields(Facts) if getattr(before, field.name) and
            getattr(after, field.name) != getattr(before, field.name)}  # fmt: skip
    for name, label in (("applied_on", "application"), ("invited_on", "invitation")):
        if name in gone:
            cleared.append(f"{label} of {_day(getattr(before, name))}")
    if "signalled" in gone:
        cleared.append("signal")
    formats = dict(InterviewFormat.choices)
    kind = formats.get(before.interview_format, before.interview_format).lower()
    if "interview_at" in gone:
        how = f" ({kind})" if "interview_format" in gone else ""
        cleared.append(f"interview on {_moment(before.interview_at, zone)}{how}")
    elif "interview_format" in gone:
        cleared.append(f"interview format ({kind})")
    if "interviewed" in gone:
        cleared.append("interview marked as done")
    for name, label in (("rejected_on", "rejection"), ("withdrawn_on", "withdrawal")):
        if name in gone:
            cleared.append(f"{label} of {_day(getattr(before, name))}")
    if "rank_position" in gone:
        cleared.append(f"rank {before.rank_position} on your rank order list")
    if "matched" in gone:
        cleared.append("match")
    return cleared


def _encode(facts: Facts) -> dict[str, Any]:
    """The facts that are set, as JSON values (dates and the interview's instant in ISO)."""
    values = {}
    for field in fields(Facts):
        value = getattr(facts, field.name)
        if value != field.default:
            values[field.name] = value.isoformat() if isinstance(value, date) else value
    return values


def _decode(values: dict[str, Any]) -> Facts:
    parsed = {}
    for name, value in values.items():
        if name == "interview_at":
            value = datetime.fromisoformat(value)
        elif name.endswith("_on"):
            value = date.fromisoformat(value)
        parsed[name] = value
    return Facts(**parsed)


@dataclass(frozen=True)
class Offer:
    """What a status change cleared, as a sentence to add to "Status saved", and its Undo."""

    sentence: str = ""
    token: str = ""


def offer(change: tracker.StatusChange, *, earlier: str = "") -> Offer:
    """The Undo of a status change that cleared facts; an empty offer when it cleared none.

    `earlier` is the Undo the row offered when this change was chosen: while it led to the
    facts this change started from (arrow keys stepping through statuses), this Undo goes back
    to where those steps began, not to the step before."""
    entry = change.entry
    user = entry.shortlist.profile.user
    before, season = change.before, change.season
    try:
        previous = _read(earlier, entry=entry, user=user)
    except shortlists.ShortlistError:
        previous = None
    if previous is not None and previous.after == before:
        before, season = previous.before, previous.season
    cleared = cleared_facts(before, change.after, zone=tracker.applicant_zone(user))
    if not cleared:
        return Offer()
    payload = {
        "e": entry.pk,
        "u": user.pk,
        "s": season,
        "b": _encode(before),
        "a": _encode(change.after),
        "r": list(change.ranked_after),
    }
    token = signing.dumps(payload, salt=SALT, compress=True)
    return Offer(f" Cleared: {', '.join(cleared)}.", token)


@dataclass(frozen=True)
class _Change:
    before: Facts
    after: Facts
    season: int | None
    ranked_after: tuple[int, ...]


def _read(token: str, *, entry: ShortlistEntry, user: AbstractBaseUser) -> _Change:
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        if payload["e"] != entry.pk or payload["u"] != user.pk:
            raise ValueError("a token for another entry")
        before, after = _decode(payload["b"]), _decode(payload["a"])
        return _Change(before, after, payload["s"], tuple(payload["r"]))
    except signing.SignatureExpired:
        raise shortlists.ShortlistError(EXPIRED) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise shortlists.ShortlistError(BAD_TOKEN) from None


def undo(
    *, entry: ShortlistEntry, token: str, user: AbstractBaseUser
) -> tuple[ShortlistEntry, str]:
    """Put back what the status change behind `token` cleared; the entry and what happened.

    Raises `shortlists.ShortlistError` with the reason when nothing could be put back."""
    change = _read(token, entry=entry, user=user)
    before, after = change.before, change.after
    try:
        restored = tracker.undo_status_change(
            entry=entry,
            before=before,
            after=after,
            season=change.season,
            ranked_after=change.ranked_after,
        )
    except tracker.EntryGone:
        raise shortlists.EntryGone from None
    except tracker.TrackerError as error:
        raise shortlists.ShortlistError(str(error)) from None
    entry = restored.entry
    status = entry.get_status_display()
    if restored.already:
        return entry, f"Already undone: {entry.program.name} is back to {status}."
    put_back = ", ".join(cleared_facts(entry.facts, after, zone=tracker.applicant_zone(user)))
    message = f"Status back to {status}. Put back: {put_back}."
    if restored.rank_left_out is None:
        return entry, message
    return entry, (
        f"{message} Not put back: rank {restored.rank_left_out}, because your rank order list "
        f"changed since; add {entry.program.name} again on your rank order list."
    )
