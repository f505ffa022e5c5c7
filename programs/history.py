"""The history of every program: which field changed, from what to what, where from and when.

Every writer records here: the importer (through `programs.writer`), the admin and accepted
corrections. Values are stored typed (dates as ISO text) and put into words only for display.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.text import capfirst

from programs.models import (
    ChangeSource,
    Correction,
    ImportBatch,
    Program,
    ProgramChange,
    YogPolicy,
)
from programs.normalise import format_number

# Every field a person can set; bookkeeping fields are left out.
TRACKED_FIELDS: tuple[str, ...] = tuple(
    field.name
    for field in Program._meta.concrete_fields
    if field.name not in {"id", "created_at", "updated_at", "created_batch"}
)


@dataclass(frozen=True)
class Origin:
    """Where changes come from: an import (its batch), an admin edit or an accepted correction."""

    source: ChangeSource
    user: AbstractBaseUser | None = None
    batch: ImportBatch | None = None
    correction: Correction | None = None


def _stored(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def record_changes(
    origin: Origin,
    changes: Iterable[tuple[int, str, object, object]],
    *,
    at: dt.datetime,
) -> None:
    """Save one history entry per (program pk, field, old value, new value); field "" = added."""
    user = origin.user if origin.user is not None and origin.user.is_authenticated else None
    ProgramChange.objects.bulk_create(
        (
            ProgramChange(
                program_id=pk,
                field=name,
                old_value=_stored(old),
                new_value=_stored(new),
                source=origin.source,
                batch=origin.batch,
                correction=origin.correction,
                user=user,
                changed_at=at,
            )
            for pk, name, old, new in changes
        ),
        batch_size=500,
    )


def field_changes(before: Program, after: Program) -> dict[str, tuple[object, object]]:
    """The tracked fields whose values differ between two versions of one program."""
    return {
        name: (getattr(before, name), getattr(after, name))
        for name in TRACKED_FIELDS
        if getattr(before, name) != getattr(after, name)
    }


# Display ------------------------------------------------------------------------------------

_TRISTATE = {"visa_j1", "visa_h1b", "multiple_attempts_ok", "img_observerships", "active"}


def field_label(name: str) -> str:
    return capfirst(str(Program._meta.get_field(name).verbose_name)) if name else "Program"


# A blank policy is unknown, not none (a blank Step 2 CK minimum: none published).
_BLANK_WORDS = {
    "img_pct": "unknown",
    "yog_window": "unknown",
    "usce_min_months": "unknown",
    "positions": "unknown",
    "tier": "unknown",
    "step2_min": "none published",
}


def describe(name: str, value: object) -> str:
    """A stored value in words: `unknown`, `yes`, `230`, `Community-based`…"""
    if name in _TRISTATE:
        return "unknown" if value is None else ("yes" if value else "no")
    if value is None or value == "":
        return _BLANK_WORDS.get(name, "blank")
    if isinstance(value, float):
        return format_number(value)
    choices = dict(Program._meta.get_field(name).flatchoices) if name else {}
    return str(choices.get(value, value))


def describe_origin(change: ProgramChange) -> str:
    """`import of freida-2026.csv`, `edit in the admin`, `correction suggested by an applicant`."""
    if change.source == ChangeSource.IMPORT:
        return f"import of {change.batch.file_name}" if change.batch else "an import"
    if change.source == ChangeSource.CORRECTION:
        return "correction suggested by an applicant"
    return "edit in the admin"


@dataclass(frozen=True)
class HistoryLine:
    field: str
    label: str
    old: str
    new: str
    changed_at: dt.datetime
    origin: str


def _line(change: ProgramChange) -> HistoryLine:
    return HistoryLine(
        field=change.field,
        label=field_label(change.field),
        old=describe(change.field, change.old_value),
        new=describe(change.field, change.new_value),
        changed_at=change.changed_at,
        origin=describe_origin(change),
    )


def program_history(program: Program, *, limit: int = 100) -> list[HistoryLine]:
    """The program's changes, newest first, in words; its addition comes last."""
    lines = [_line(change) for change in program.changes.select_related("batch")[:limit]]
    if len(lines) < limit and not any(line.field == "" for line in lines):
        origin = (
            f"import of {program.created_batch.file_name}"
            if program.created_batch_id
            else "before the history was kept"
        )
        lines.append(HistoryLine("", "Program", "", "added", program.created_at, origin))
    return lines


def last_changed(program: Program, fields: Sequence[str]) -> dict[str, HistoryLine]:
    """For each of `fields` that has changed, its latest change in words."""
    found: dict[str, HistoryLine] = {}
    for change in program.changes.filter(field__in=fields).select_related("batch"):
        found.setdefault(change.field, _line(change))
    return found


# Where each policy shown on the program page comes from.
POLICY_FIELDS: tuple[str, ...] = (
    "visa_j1",
    "visa_h1b",
    "img_pct",
    "step2_min",
    "step2_min_kind",
    "yog_policy",
    "yog_window",
    "yog_window_kind",
    "multiple_attempts_ok",
    "usce_min_months",
    "usce_kind",
    "img_observerships",
)


# Each cut-off's kind, and whether the program has that cut-off for it to qualify.
_QUALIFIES = {
    "step2_min_kind": lambda program: program.step2_min is not None,
    "yog_window_kind": lambda program: program.yog_policy == YogPolicy.LIMIT,
    "usce_kind": lambda program: bool(program.usce_min_months),
}


@dataclass(frozen=True)
class Provenance:
    """A program's history, where each policy value comes from, and whether it is stale."""

    history: list[HistoryLine]
    sources: list[tuple[str, str, str, dt.datetime]]  # label, value, origin, since
    stale: bool
    last_verified: dt.date | None


def provenance(program: Program, *, today: dt.date) -> Provenance:
    """Everything the program page says about where the program's data comes from."""
    history = program_history(program)
    added = history[-1] if history and history[-1].field == "" else None
    changed = last_changed(program, POLICY_FIELDS)
    sources = []
    for name in POLICY_FIELDS:
        if name in _QUALIFIES and not _QUALIFIES[name](program):
            continue  # "required or preferred" of a cut-off the program does not have
        line = changed.get(name) or added
        origin, since = (line.origin, line.changed_at) if line else ("", program.created_at)
        sources.append((field_label(name), describe(name, getattr(program, name)), origin, since))
    return Provenance(history, sources, program.is_stale(today), program.last_verified)
