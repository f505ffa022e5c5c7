"""Corrections: applicants suggest a new value for one field of a program, staff decide.

A suggestion is checked at once by the importer's own cleaner for its column, so a value the
import would refuse is refused here too. An accepted one is written the way an import writes
a row: the program's catalogue row with the one cell replaced goes through `clean_table`, and
the changed fields are written under the catalogue lock and recorded in the history.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from programs.catalogue import identity_clash
from programs.cleaning import clean_table
from programs.export import catalogue_row
from programs.history import Origin, describe
from programs.models import CORRECTABLE, ChangeSource, Correction, CorrectionStatus, Program
from programs.normalise import CANONICAL_COLUMNS, CLEANERS, CellError, neutralise_csv_text
from programs.reading import CatalogueImportError, Table
from programs.writer import catalogue_lock, write_changes

DAILY_LIMIT = 5
# What each column writes: the graduation window sets a policy and a number of years.
_WRITES: dict[str, tuple[str, ...]] = {"yog_window": ("yog_policy", "yog_window")}
# The fields a file row without a program ID is matched by (the catalogue's identity).
_IDENTITY = ("name", "state")


class CorrectionError(Exception):
    """A suggestion or a decision that cannot be made; `field` names the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def suggest_correction(
    *, program: Program, user: AbstractBaseUser, field: str, value: str, evidence: str
) -> Correction:
    """Save a pending correction, if the value reads as the import would read it and the user
    has suggested fewer than DAILY_LIMIT corrections in the last 24 hours."""
    if field not in CORRECTABLE:
        raise CorrectionError("Choose one of the listed fields.", field="field")
    try:
        cleaned = CLEANERS[field](value)
    except CellError as error:
        raise CorrectionError(f"“{value}” {error}.", field="value") from None
    if field in _IDENTITY:
        identity = {"name": program.name, "state": program.state, field: str(cleaned)}
        _check_identity(program, **identity, field="value")
    with transaction.atomic():
        # Serialises one user's suggestions, so two at once cannot pass the limit together.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        since = timezone.now() - dt.timedelta(days=1)
        if user.program_corrections.filter(created_at__gte=since).count() >= DAILY_LIMIT:
            raise CorrectionError(
                f"You have suggested {DAILY_LIMIT} corrections in the last 24 hours, the daily "
                "limit. Thank you — please suggest more tomorrow."
            )
        return Correction.objects.create(
            program=program, user=user, field=field, value=value.strip(), evidence=evidence.strip()
        )


def _cleaned(correction: Correction) -> dict[str, object]:
    """The values the correction would write, read as an import reads the program's own row
    with the one cell replaced (so every check of the import applies)."""
    program = correction.program
    cells = catalogue_row(program)
    cells[CANONICAL_COLUMNS.index(correction.field)] = correction.value
    protected = [str(neutralise_csv_text(cell)) for cell in cells]
    table = Table(headers=list(CANONICAL_COLUMNS), lines=[1], columns=[[c] for c in protected])
    try:
        clean = clean_table(table)
    except CatalogueImportError as error:
        raise CorrectionError(error.message) from None
    if clean.errors:
        raise CorrectionError(f"The suggested value cannot be imported: {clean.errors[0]}")
    values = clean.rows[0].values
    if correction.field in _IDENTITY:
        _check_identity(program, name=str(values["name"]), state=str(values["state"]))
    return {name: values[name] for name in _WRITES.get(correction.field, (correction.field,))}


def _check_identity(program: Program, *, name: str, state: str, field: str | None = None) -> None:
    """Refuse a name or state that another program already has: files could no longer tell
    the two apart (a row without a program ID would match both)."""
    other = identity_clash(program, name=name, state=state)
    if other is not None:
        raise CorrectionError(
            f"Another program in {state} is already called “{other.name}”. A file row without "
            "a program ID finds its program by name and state, so imports could no longer tell "
            "the two apart: keep the names different, or give both programs their ACGME "
            "program IDs first.",
            field=field,
        )


@dataclass(frozen=True)
class ProposedChange:
    """A pending correction beside the program's current value, for the review queue."""

    correction: Correction
    label: str
    current: str
    proposed: str
    problem: str = ""


def proposed_change(correction: Correction) -> ProposedChange:
    """The correction with the program's current value and the proposed one, in words."""
    program = correction.program
    names = _WRITES.get(correction.field, (correction.field,))
    current = " · ".join(describe(name, getattr(program, name)) for name in names)
    label = CORRECTABLE.get(correction.field, correction.field)
    try:
        values = _cleaned(correction)
    except CorrectionError as error:
        return ProposedChange(correction, label, current, correction.value, error.message)
    proposed = " · ".join(describe(name, value) for name, value in values.items())
    return ProposedChange(correction, label, current, proposed)


def _pending(correction_id: int) -> Correction:
    correction = (
        Correction.objects.select_for_update()
        .select_related("program")
        .filter(pk=correction_id)
        .first()
    )
    if correction is None or correction.status != CorrectionStatus.PENDING:
        raise CorrectionError("This correction has been decided already.")
    return correction


def accept_correction(*, correction_id: int, reviewer: AbstractBaseUser) -> Correction:
    """Write the suggested value through the importer's validation, record it in the program's
    history as an accepted correction, and mark the correction accepted."""
    with catalogue_lock():
        correction = _pending(correction_id)
        program = correction.program
        changes = {
            name: (getattr(program, name), value)
            for name, value in _cleaned(correction).items()
            if getattr(program, name) != value
        }
        correction.status = CorrectionStatus.ACCEPTED
        correction.reviewed_by = reviewer
        correction.reviewed_at = timezone.now()
        correction.save()
        try:
            write_changes(
                creates=[],
                updates=[(program, changes)] if changes else [],
                archives=[],
                origin=Origin(ChangeSource.CORRECTION, user=reviewer, correction=correction),
            )
        except CatalogueImportError:
            raise CorrectionError(
                "The catalogue changed while this correction was being written: try again."
            ) from None
    return correction


def reject_correction(*, correction_id: int, reviewer: AbstractBaseUser, reason: str) -> Correction:
    """Mark the correction rejected with the reason the suggester will see."""
    reason = reason.strip()
    if not reason:
        raise CorrectionError("Say why, for the person who suggested it.", field="reason")
    with transaction.atomic():
        correction = _pending(correction_id)
        correction.status = CorrectionStatus.REJECTED
        correction.review_note = reason
        correction.reviewed_by = reviewer
        correction.reviewed_at = timezone.now()
        correction.save()
    return correction
