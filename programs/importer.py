"""Catalogue import: read → clean → validate → plan → write.

Reading (`programs.reading`) turns the file into columns of cell text; cleaning
(`programs.cleaning`) maps headers to fields and cells to values with the pure cleaners of
`programs.normalise`; planning (`programs.planning`) compares the rows with the catalogue;
the services here record each run as an `ImportBatch` and keep previews pending; writing
(`programs.writer`) happens under the catalogue lock in one short transaction with bulk
statements. Every problem a user can cause is raised as `CatalogueImportError`, whose message
says what to fix.
"""

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from programs.cleaning import CleanTable, clean_table
from programs.history import Origin
from programs.mapping import remember_mapping, remembered_mapping
from programs.models import ChangeSource, ImportBatch
from programs.normalise import canonical_field
from programs.planning import ImportPlan, plan_changes
from programs.reading import (
    MAX_BYTES,
    MAX_ROWS,
    CatalogueImportError,
    RowError,
    Table,
    parse_file,
)
from programs.writer import catalogue_lock, write_changes

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "CatalogueImportError",
    "ImportPlan",
    "ImportResult",
    "RowError",
    "Table",
    "clean_table",
    "confirm_import",
    "import_catalogue",
    "pending_result",
    "plan_changes",
    "preview_unknown_headers",
    "remap_preview",
]

MAX_STORED_ERRORS = 500
PENDING_FOR = dt.timedelta(hours=1)


@dataclass
class ImportResult:
    """What an import did (a dry run: would do), and why it may not be applied as asked."""

    plan: ImportPlan
    batch: ImportBatch
    problem: str | None = None

    @property
    def summary(self) -> str:
        """The counts in words: `3 created, 2 updated, 10 unchanged, 0 archived, 1 rejected`."""
        plan = self.plan
        return (
            f"{len(plan.creates):,} created, {len(plan.updates):,} updated, "
            f"{len(plan.unchanged):,} unchanged, {len(plan.archives):,} archived, "
            f"{plan.rejected:,} rejected"
        )


# Services ---------------------------------------------------------------------------------


def import_catalogue(
    *,
    content: bytes,
    file_name: str,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    full_catalogue: bool = False,
    skip_invalid: bool = False,
    keep_content: bool = False,
    mapping: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import a catalogue file, or with `dry_run` only plan it; either way record an ImportBatch.

    Raises CatalogueImportError when the file cannot be read, or (unless `dry_run`) when rows
    have errors and `skip_invalid` is off; then nothing is written. `keep_content` stores the
    file's bytes on the batch so that a preview can be confirmed later (`confirm_import`).
    `mapping` gives fields to unknown headers; without it, the mapping remembered for the
    file's header row applies.
    """
    table = parse_file(content=content, file_name=file_name)
    if mapping is None:
        mapping = remembered_mapping(table.headers)
    clean = clean_table(table, mapping)
    run = _Run(content, file_name, user, full_catalogue, skip_invalid, clean.mapped)
    if dry_run:
        return _preview(clean, run, keep_content=keep_content)
    with catalogue_lock():
        return _apply(clean, run)


@dataclass(frozen=True)
class _Run:
    content: bytes
    file_name: str
    user: AbstractBaseUser | None
    full_catalogue: bool
    skip_invalid: bool
    mapping: Mapping[str, str]

    def batch(self, plan: ImportPlan, *, dry_run: bool, digest: str = "") -> ImportBatch:
        """The unsaved record of this run and its plan (`digest`: for a preview to confirm)."""
        user = self.user
        return ImportBatch(
            user=user if user is not None and user.is_authenticated else None,
            file_name=Path(self.file_name).name[:255],
            sha256=hashlib.sha256(self.content).hexdigest(),
            dry_run=dry_run,
            full_catalogue=self.full_catalogue,
            skip_invalid=self.skip_invalid,
            created=len(plan.creates),
            updated=len(plan.updates),
            unchanged=len(plan.unchanged),
            archived=len(plan.archives),
            rejected=plan.rejected,
            errors=[error.as_dict() for error in plan.errors[:MAX_STORED_ERRORS]],
            ignored_columns=plan.ignored_columns,
            plan_digest=digest,
            column_mapping=dict(self.mapping),
        )

    def problem(self, plan: ImportPlan) -> str | None:
        return plan.problem(skip_invalid=self.skip_invalid, full_catalogue=self.full_catalogue)


def _preview(clean: CleanTable, run: _Run, *, keep_content: bool) -> ImportResult:
    plan = plan_changes(clean, full_catalogue=run.full_catalogue)
    batch = run.batch(plan, dry_run=True, digest=plan.digest() if keep_content else "")
    if keep_content:
        batch.content = run.content
    batch.save()
    if keep_content:
        _forget_stale_previews(run.user, newer=batch)
    return ImportResult(plan=plan, batch=batch, problem=run.problem(plan))


def _apply(clean: CleanTable, run: _Run, *, previewed: str | None = None) -> ImportResult:
    """Plan and write; call under `catalogue_lock()`. With `previewed` (a plan digest), write
    only a plan equal to the one the preview showed."""
    plan = plan_changes(clean, full_catalogue=run.full_catalogue)
    if previewed is not None and plan.digest() != previewed:
        raise CatalogueImportError(
            "The catalogue has changed since this preview (another import or an edit), so "
            "importing now would not do what the preview showed. Nothing was written: upload "
            "the file again for a new preview."
        )
    problem = run.problem(plan)
    if problem:
        raise CatalogueImportError(problem, errors=plan.errors)
    batch = run.batch(plan, dry_run=False)
    write_changes(
        creates=[planned.values for planned in plan.creates],
        updates=[(planned.program, planned.changes) for planned in plan.updates],
        archives=plan.archives,
        origin=Origin(ChangeSource.IMPORT, user=batch.user, batch=batch),
    )
    return ImportResult(plan=plan, batch=batch, problem=None)


def _forget_stale_previews(user: AbstractBaseUser | None, *, newer: ImportBatch) -> None:
    """Drop the files of expired previews, and of this user's earlier ones: `newer` replaces
    them (each user has one preview pending)."""
    stale = ImportBatch.objects.filter(content__isnull=False).exclude(pk=newer.pk)
    stale.filter(created_at__lt=timezone.now() - PENDING_FOR).update(content=None)
    if user is not None and user.is_authenticated:
        stale.filter(user=user).update(content=None, replaced_by=newer)


def confirm_import(
    *, batch_id: int, sha256: str, user: AbstractBaseUser, skip_invalid: bool = False
) -> ImportResult:
    """Apply the file previewed as ImportBatch `batch_id`, if it is this user's pending preview.

    The bytes come from the batch, never from the client; `sha256` must match both the hash
    recorded at preview time and the stored bytes, so exactly the previewed file is imported,
    and only if the catalogue still gives the plan the preview showed. `skip_invalid` lets the
    user choose, after seeing the errors, to import the valid rows. A confirm that fails
    leaves the preview pending.
    """
    batch, content = _pending_preview(batch_id, user, sha256=sha256)
    clean = clean_table(
        parse_file(content=content, file_name=batch.file_name), batch.column_mapping
    )
    run = _Run(
        content,
        batch.file_name,
        user,
        batch.full_catalogue,
        batch.skip_invalid or skip_invalid,
        clean.mapped,
    )
    with catalogue_lock():
        # Claimed in the import's own transaction: a double submit imports once, and a confirm
        # that fails rolls the claim back with everything else.
        if not _pending(batch_id, user).filter(pk=batch.pk).update(content=None):
            raise CatalogueImportError(_not_pending(batch_id, user))
        return _apply(clean, run, previewed=batch.plan_digest)


def _pending(batch_id: int, user: AbstractBaseUser) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(
        pk=batch_id,
        user=user,
        dry_run=True,
        content__isnull=False,
        created_at__gte=timezone.now() - PENDING_FOR,
    )


def _not_pending(batch_id: int, user: AbstractBaseUser) -> str:
    """Why this user's preview `batch_id` can no longer be confirmed, truthfully."""
    batch = (
        ImportBatch.objects.filter(pk=batch_id, user=user, dry_run=True)
        .select_related("replaced_by")
        .first()
    )
    if batch is None:
        return "This preview was imported already or has expired: upload the file again."
    if (newer := batch.replaced_by) is not None:
        return (
            f"A newer upload ({newer.file_name}, {timezone.localtime(newer.created_at):%H:%M}) "
            f"replaced this preview, so nothing was imported from {batch.file_name}: you have "
            "one preview at a time. Upload it again to import it."
        )
    if batch.created_at < timezone.now() - PENDING_FOR:
        return (
            "This preview has expired (a preview waits one hour), so nothing was imported from "
            f"{batch.file_name}: upload it again."
        )
    return "This preview was imported already: Recent imports lists it."


def _pending_preview(
    batch_id: int, user: AbstractBaseUser, *, sha256: str | None = None
) -> tuple[ImportBatch, bytes]:
    """This user's pending preview and its stored file, checked against `sha256` if given."""
    batch = _pending(batch_id, user).first()
    if batch is None:
        raise CatalogueImportError(_not_pending(batch_id, user))
    content = bytes(batch.content)
    if hashlib.sha256(content).hexdigest() != batch.sha256 or sha256 not in (None, batch.sha256):
        raise CatalogueImportError("The file does not match its preview: upload it again.")
    return batch, content


def pending_result(*, batch_id: int, user: AbstractBaseUser) -> ImportResult:
    """This user's pending preview planned again as it stands (its own column mapping), saving
    nothing: to show it again beside a mapping that could not be applied."""
    batch, content = _pending_preview(batch_id, user)
    table = parse_file(content=content, file_name=batch.file_name)
    clean = clean_table(table, batch.column_mapping)
    run = _Run(
        content, batch.file_name, user, batch.full_catalogue, batch.skip_invalid, clean.mapped
    )
    plan = plan_changes(clean, full_catalogue=batch.full_catalogue)
    return ImportResult(plan=plan, batch=batch, problem=run.problem(plan))


def remap_preview(
    *, batch_id: int, user: AbstractBaseUser, mapping: Mapping[str, str]
) -> ImportResult:
    """Preview this user's pending file again with `mapping` (header → field) for its unknown
    columns, and remember the mapping for files with the same header row."""
    batch, content = _pending_preview(batch_id, user)
    result = import_catalogue(
        content=content,
        file_name=batch.file_name,
        user=user,
        dry_run=True,
        keep_content=True,
        full_catalogue=batch.full_catalogue,
        skip_invalid=batch.skip_invalid,
        mapping=mapping,
    )
    remember_mapping(headers=result.plan.header_row, mapping=result.plan.mapped, user=user)
    return result


def preview_unknown_headers(*, batch_id: int, user: AbstractBaseUser) -> list[str]:
    """The named headers of this user's pending file that the importer does not know."""
    batch, content = _pending_preview(batch_id, user)
    table = parse_file(content=content, file_name=batch.file_name)
    return [header for header in table.headers if header and canonical_field(header) is None]
