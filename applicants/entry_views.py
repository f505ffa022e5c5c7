"""A list row's actions (htmx, POST-only): pin, status and its Undo, notes, exclude, restore.

Each parses its form, fetches the entry (the owner's only), calls one service and answers with
the row, or with what the change moved on the list (`shortlist_views.list_changed`)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from applicants import comments, shortlists, status_undo
from applicants.access import get_rw_entry_for_user
from applicants.forms import NotesForm, PinForm, StatusForm, first_error
from applicants.models import ShortlistEntry
from applicants.shortlist_views import (
    ROW_CONTEXT,
    TEMPLATE,
    list_changed,
    list_url,
    owner_view,
    workspace_response,
    written,
)


def _row_response(
    request: HttpRequest,
    entry: ShortlistEntry,
    error: str = "",
    *,
    saved: str = "",
    focus: str = "",
    notes_conflict: str | None = None,
    undo_token: str = "",
    status: int = 200,
) -> HttpResponse:
    """The entry's row alone (htmx), or a redirect to the list with the message (and Undo)."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif notes_conflict is not None:
            messages.error(request, STALE_NOTE)
        elif undo_token:
            undo = {"entry": entry, "undo_token": undo_token}
            form = render_to_string(f"{TEMPLATE}#status-undo", undo, request=request)  # safe
            messages.success(request, format_html("{} {}", saved, form))
        elif saved:
            messages.success(request, saved)
        return redirect(list_url(entry.shortlist.profile))
    [entry] = comments.attach_comments([entry], entry.shortlist.profile)
    viewer = owner_view(entry.shortlist.profile)
    context = {
        "entry": entry,
        "row_error": error,
        "row_saved": saved,
        "notes_conflict": notes_conflict,
        "undo_token": undo_token,
        "viewer": viewer,
        **ROW_CONTEXT,
    }
    status = 409 if notes_conflict is not None else status
    response = render(request, f"{TEMPLATE}#row", context, status=status)
    if undo_token:
        saved = f"{saved} To put them back, use Undo after the status."
    return written(response, focus=focus, announce=error or saved)


STALE_NOTE = "This note was changed in another tab or on another device since you opened it."


def _row_action(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    act: Callable[[ShortlistEntry, dict[str, Any]], ShortlistEntry],
    *,
    saved: Callable[[ShortlistEntry], str],
    focus: str,
) -> HttpResponse:
    """Parse the form, fetch the entry (the owner's only), act on it, answer with its row."""
    entry = get_rw_entry_for_user(request.user, pk)
    focus = focus.format(pk=entry.pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _row_response(request, entry, first_error(form), focus=focus)
    try:
        entry = act(entry, form.cleaned_data)
    except shortlists.ShortlistError as error:
        return _refused(request, entry, error, focus=focus)
    return _row_response(request, entry, saved=saved(entry), focus=focus)


def _refused(
    request: HttpRequest, entry: ShortlistEntry, error: shortlists.ShortlistError, *, focus: str
) -> HttpResponse:
    """A row action the service refused: the row with why; a row excluded in another tab
    meanwhile is shown excluded, with why and its Restore, where the row was."""
    if isinstance(error, shortlists.EntryExcluded):
        entry.excluded = True
        focus = f"#excluded-{entry.pk}-notice"
        return list_changed(request, entry, notice=str(error), focus=focus, refused=True)
    return _row_response(request, entry, str(error), focus=focus, status=_status_of(error))


def _status_of(error: shortlists.ShortlistError) -> int:
    """404 when another request (a rebuild) removed the row first, as for a row already gone
    when asked for (static/js/workspace.js then says so and offers a reload); 200 for a
    refusal shown in the row."""
    return 404 if isinstance(error, shortlists.EntryGone) else 200


def _gone(request: HttpRequest, entry: ShortlistEntry, error: shortlists.EntryGone) -> HttpResponse:
    """A row a rebuild removed meanwhile: the workspace as it is now, with what happened."""
    return workspace_response(request, entry.shortlist.profile, error=str(error), status=404)


@require_POST
def entry_pin(request: HttpRequest, pk: int) -> HttpResponse:
    return _row_action(
        request,
        pk,
        PinForm,
        lambda entry, data: shortlists.set_pinned(entry=entry, **data),
        saved=lambda entry: f"{'Pinned' if entry.pinned else 'Unpinned'} {entry.program.name}.",
        focus="#pin-{pk}",
    )


@require_POST
def entry_status(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_rw_entry_for_user(request.user, pk)
    focus = f"#status-{entry.pk}"
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _row_response(request, entry, first_error(form), focus=focus)
    try:
        change = shortlists.set_status(entry=entry, **form.cleaned_data)
    except shortlists.ShortlistError as error:
        return _refused(request, entry, error, focus=focus)
    undo = status_undo.offer(change, earlier=request.POST.get("undo", ""))
    saved = f"Status saved: {change.entry.get_status_display()}.{undo.sentence}"
    return _row_response(request, change.entry, saved=saved, focus=focus, undo_token=undo.token)


@require_POST
def entry_status_undo(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_rw_entry_for_user(request.user, pk)
    focus = f"#status-{entry.pk}"
    try:
        token = request.POST.get("token", "")
        entry, undone = status_undo.undo(entry=entry, token=token, user=request.user)
    except shortlists.ShortlistError as error:
        return _refused(request, entry, error, focus=focus)
    return _row_response(request, entry, saved=undone, focus=focus)


@require_POST
def entry_notes(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_rw_entry_for_user(request.user, pk)
    focus = f"#note-summary-{entry.pk}"
    if request.POST.get("keep_saved"):  # the stale editor's "Keep the saved note"
        return _row_response(request, entry, saved="Kept the saved note.", focus=focus)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _row_response(request, entry, first_error(form), focus=focus)
    try:
        entry = shortlists.set_notes(entry=entry, **form.cleaned_data)
    except shortlists.StaleNotes:
        entry.refresh_from_db()
        conflict = form.cleaned_data["notes"]
        return _row_response(
            request, entry, notes_conflict=conflict, focus=f"#note-conflict-{entry.pk}"
        )
    except shortlists.ShortlistError as error:
        return _row_response(request, entry, str(error), focus=focus, status=_status_of(error))
    saved = "Note saved." if entry.notes else "Note removed."
    return _row_response(request, entry, saved=saved, focus=focus)


@require_POST
def entry_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_rw_entry_for_user(request.user, pk)
    if entry.excluded:
        notice = f"{entry.program.name} was already excluded."
    else:
        try:
            shortlists.exclude_entry(entry=entry)
        except shortlists.EntryGone as error:
            return _gone(request, entry, error)
        except shortlists.ShortlistError as error:  # e.g. changed by another request meanwhile
            return _row_response(request, entry, str(error), focus=f"#entry-{entry.pk}")
        notice = (
            f"Excluded {entry.program.name}. Rebuilds will leave it out until you restore it; "
            "rebuild to fill its place on your list."
        )
    return list_changed(request, entry, notice=notice, focus=f"#excluded-{entry.pk}-notice")


@require_POST
def entry_restore(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_rw_entry_for_user(request.user, pk)
    if entry.excluded:
        try:
            entry = shortlists.restore_entry(entry=entry)
        except shortlists.EntryGone as error:
            return _gone(request, entry, error)
        except shortlists.ShortlistError as error:
            entry.refresh_from_db()
            return list_changed(
                request,
                entry,
                notice=str(error),
                focus="#excluded-notice",
                excluded_notice=str(error),
            )
        notice = f"Restored {entry.program.name} to your list."
    else:
        notice = f"{entry.program.name} is on your list already."
    if request.POST.get("undo"):  # from the notice in the row's place: back to the row
        return list_changed(
            request, entry, notice=notice, focus=f"#entry-{entry.pk} .program-cell > a"
        )
    return list_changed(
        request, entry, notice=notice, focus="#excluded-notice", excluded_notice=notice
    )
