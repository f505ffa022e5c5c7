"""The list workspace: `/list/`, builds, search and adding a program; what a write answers
(the row actions are `applicants.entry_views`)."""

import functools
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from applicants import comments, outlook, sharing, shortlists
from applicants.access import get_profile_for_user, get_rw_profile_for_user
from applicants.charts import curve_chart
from applicants.forms import (
    AddProgramForm,
    ListFilterForm,
    NotesForm,
    SearchForm,
)
from applicants.model_versions import active_version
from applicants.models import Band, Page, Profile, Shortlist, ShortlistEntry
from applicants.profiles import active_profile
from applicants.season_summary import signal_count
from applicants.selectors import (
    built_shortlist,
    excluded_entries,
    filtered_entries,
    listed_count,
    listed_entries,
    listed_states,
    search_results,
)
from applicants.versions import data_version
from neuromatch.caching import cached_page
from programs.models import Program

TEMPLATE = "applicants/list.html"
# What every row needs besides its entry: the status choices and the fields' limits.
ROW_CONTEXT = {
    "limits": {
        "notes": NotesForm.base_fields["notes"].max_length,
        "search": SearchForm.base_fields["q"].max_length,
        "comment": comments.MAX_COMMENT_LENGTH,
    },
}


def built_ago(moment: datetime | None) -> str:
    """When a list was built, as people say it ("3 minutes ago"), to the minute: "now" for the
    first minute, so a cached page is not re-rendered every second."""
    if moment is None or timezone.now() - moment < timedelta(minutes=1):
        return "now"
    return naturaltime(moment)


def _shown_profile(request: HttpRequest, profile_pk: int | None) -> Profile | None:
    """The profile whose list the page shows: the active one, or the one in the URL."""
    if profile_pk is None:
        return active_profile(request.user)
    return get_profile_for_user(request.user, profile_pk)


def list_url(profile: Profile, viewer: sharing.Viewer | None = None) -> str:
    if profile.active and (viewer is None or viewer.is_owner):
        return reverse("applicants:list")
    return reverse("applicants:list_of", args=[profile.pk])


def _viewer(request: HttpRequest, profile: Profile | None) -> sharing.Viewer:
    """How the signed-in user sees the list's workspace (their own when there is no profile)."""
    mine = profile is None or profile.user_id == request.user.pk
    viewer = sharing.viewer_of(request.user, request.user if mine else profile.user)
    if viewer is None:  # access revoked since the profile was fetched
        raise Http404("No such list.")
    return viewer


def _new_comments(profile: Profile, viewer: sharing.Viewer) -> dict[str, int]:
    """For the owner: how many comments by others on this list and on its profile are new."""
    if not viewer.is_owner:
        return {"new_comments": 0, "new_profile_comments": 0}
    unseen = comments.unseen_comments(profile.user).filter(profile=profile)
    on_profile = unseen.filter(program__isnull=True).count()
    return {"new_comments": unseen.count() - on_profile, "new_profile_comments": on_profile}


def _table_context(shortlist: Shortlist, data: Any) -> dict[str, Any]:
    form = ListFilterForm(data or None, states=listed_states(shortlist))
    entries = filtered_entries(shortlist, **form.filters())
    entries = comments.attach_comments(entries, shortlist.profile)
    return {
        "filter_form": form,
        "entries": entries,
        "shown_count": len(entries),
        "listed_count": listed_count(shortlist),
        **ROW_CONTEXT,
    }


def _overview_context(profile: Profile, shortlist: Shortlist) -> dict[str, Any]:
    """What the list's figures around the table need: outlook, curve, scenarios, signals and
    the excluded programs."""
    summary = outlook.shortlist_outlook(shortlist)
    analysis = outlook.analyse(profile, shortlist)
    return {
        "shortlist": shortlist,
        "summary": summary,
        "analysis": analysis,
        "empty_bands": analysis.empty_bands(summary),
        "places_open": analysis.places_open(summary, profile.list_size),
        "chart": curve_chart(
            analysis.curve,
            size=summary.size,
            chance=summary.match_chance,
            point=analysis.diminishing_point,
        ),
        "curve_longest": max(outlook.CURVE_SIZES),
        "excluded": list(excluded_entries(shortlist)),
        "scenarios": outlook.compare_scenarios(profile.user),
        "conversion_pct": round(summary.conversion * 100),
        "signal_count": settings.PREFERENCE_SIGNALS,
        "signals_used": signal_count(profile.user),
    }


def _workspace_context(profile: Profile | None, data: Any, viewer: sharing.Viewer) -> dict:
    context: dict[str, Any] = {"profile": profile, "shortlist": None, "viewer": viewer}
    if profile is None:
        return context
    context["list_url"] = list_url(profile, viewer)
    shortlist = built_shortlist(profile)
    if shortlist is None:
        return context
    overview = _overview_context(profile, shortlist)
    query = SearchForm(data or None).query()
    active = active_version().number
    return (
        context
        | overview
        | {
            "built_at": shortlist.built_at,
            "built_ago": built_ago(shortlist.built_at),
            "profile_changed": profile.updated_at > shortlist.built_at,
            "catalogue_changed": Program.objects.filter(updated_at__gt=shortlist.built_at).exists(),
            "query": query,
            "results": search_results(shortlist, query),
            "active_version": active,
            "version_changed": overview["summary"].version != active,
            **_new_comments(profile, viewer),
            **_table_context(shortlist, data),
        }
    )


def _page(request: HttpRequest, profile_pk: int | None) -> HttpResponse:
    # Rendering 100 rows and analysing the list cost far more than the queries that tell
    # whether anything changed: the page is cached under the owner's data version (which also
    # changes when another profile becomes the active one or a comment is written or seen)
    # and how the viewer sees the list (their own, or shared with them read-only).
    #
    # A profile in the URL is read first (another user's: 404, always). Which profile `/list/`
    # shows, the active one, is covered by the data version: a cache hit there never reads it.
    shown = functools.cache(functools.partial(_shown_profile, request, profile_pk))
    viewer = _viewer(request, shown() if profile_pk is not None else None)
    owners_data = data_version(viewer.owner)
    version = (owners_data, viewer.level)
    if viewer.shared:
        sharing.record_view(
            owner_pk=viewer.owner.pk, viewer=request.user, page=Page.LIST, profile=shown()
        )
    # The profile and its built list are read only where they decide something.
    table = bool(request.htmx) and request.htmx.target == "list-table"
    new_to_owner = viewer.is_owner and owners_data.unseen_comments > 0
    profile = shown() if table or new_to_owner else None
    shortlist = built_shortlist(profile) if profile is not None else None
    if table and shortlist is not None:
        response = cached_page(
            request,
            f"{TEMPLATE}#table",
            lambda: (
                {"profile": profile, "list_url": list_url(profile, viewer), "viewer": viewer}
                | _table_context(shortlist, request.GET)
            ),
            version=version,
        )
    else:
        response = cached_page(
            request,
            TEMPLATE,
            lambda: _workspace_context(shown(), request.GET, viewer),
            version=version,
            per_view={"built_at": built_ago},
        )
    if new_to_owner and shortlist is not None:
        comments.mark_seen(viewer.owner, profile, on_programs=True)  # shown as new just now
    return response


@require_GET
def shortlist(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@require_GET
def shortlist_for_profile(request: HttpRequest, profile_pk: int) -> HttpResponse:
    return _page(request, profile_pk)


def owner_view(profile: Profile) -> sharing.Viewer:
    """How a write's answer is rendered: only the owner changes a list."""
    return sharing.Viewer(profile.user, sharing.OWNER)


def written(response: HttpResponse, *, focus: str = "", announce: str = "") -> HttpResponse:
    """Tell static/js/workspace.js, once the swap has settled, where focus goes and what to
    announce to screen readers."""
    return trigger_client_event(
        response, "nm:written", {"focus": focus, "announce": announce}, after="settle"
    )


def workspace_response(
    request: HttpRequest, profile: Profile, *, notice: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    """The whole workspace again (htmx), or a redirect to the list with the message."""
    if not request.htmx:
        if notice:
            messages.success(request, notice)
        if error:
            messages.error(request, error)
        return redirect(list_url(profile))
    viewer = owner_view(profile)
    context = _workspace_context(profile, request.POST, viewer) | {
        "notice": notice,
        "error": error,
    }
    response = render(request, f"{TEMPLATE}#workspace", context, status=status)
    return written(response, focus="#workspace-notice" if notice or error else "")


def list_changed(
    request: HttpRequest,
    changed: ShortlistEntry,
    *,
    notice: str,
    focus: str,
    search_notice: str = "",
    search_error: str = "",
    excluded_notice: str = "",
    refused: bool = False,
) -> HttpResponse:
    """After exclude, restore or add (htmx): the changed row, where it goes among the rows the
    filters show, the new ranks and every figure the change moves, all out of band — not the
    whole workspace. Without htmx: back to the list with the notice. `refused`: the notice
    says why the action on the changed row was not done."""
    profile = changed.shortlist.profile
    if not request.htmx:
        if search_error or refused:
            messages.error(request, search_error or notice)
        else:
            messages.success(request, notice)
        return redirect(list_url(profile))
    shortlist = changed.shortlist
    form = ListFilterForm(request.POST, states=listed_states(shortlist))
    shown = list(filtered_entries(shortlist, **form.filters()).values_list("pk", flat=True))
    row_oob = ""
    if not changed.excluded and changed.pk in shown:
        after = shown[shown.index(changed.pk) + 1 :]
        row_oob = f"beforebegin:#entry-{after[0]}" if after else "beforeend:#list-rows"
        [changed] = comments.attach_comments([changed], profile)
    viewer = owner_view(profile)
    context = _overview_context(profile, shortlist) | {
        "profile": profile,
        "viewer": viewer,
        "oob": True,
        "changed": changed,
        "row_oob": row_oob,
        "ranks": listed_entries(shortlist).values_list("pk", "rank"),
        "listed_count": listed_count(shortlist),
        "shown_count": len(shown),
        "notice": notice,
        "search_notice": search_notice,
        "search_error": search_error,
        "excluded_notice": excluded_notice,
        "refused": refused,
        "query": SearchForm(request.POST).query(),
        **ROW_CONTEXT,
    }
    if search_notice or search_error:
        context["results"] = search_results(shortlist, context["query"])
    response = render(request, f"{TEMPLATE}#list-changed", context)
    return written(response, focus=focus, announce=notice)


def _add_refused(request: HttpRequest, profile: Profile, error: str) -> HttpResponse:
    """The add form's error where the add was asked for: above the search results."""
    if not request.htmx:
        return workspace_response(request, profile, error=error)
    shortlist = built_shortlist(profile)
    query = SearchForm(request.POST).query()
    context = {
        "profile": profile,
        "query": query,
        "results": search_results(shortlist, query) if shortlist else [],
        "search_error": error,
    }
    response = render(request, f"{TEMPLATE}#search_results", context)
    response["HX-Retarget"] = "#search-results"
    response["HX-Reswap"] = "innerHTML"
    return written(response, focus="#search-notice", announce=error)


@require_POST
def build(request: HttpRequest, profile_pk: int) -> HttpResponse:
    profile = get_rw_profile_for_user(request.user, profile_pk)
    try:
        shortlist = shortlists.build_shortlist(profile=profile)
    except shortlists.ShortlistError as error:
        return workspace_response(request, profile, error=str(error))
    count = listed_count(shortlist)
    built = f"{count} program{'' if count == 1 else 's'}"
    return workspace_response(request, profile, notice=f"Built your list: {built}.")


@require_GET
def search(request: HttpRequest, profile_pk: int) -> HttpResponse:
    profile = get_rw_profile_for_user(request.user, profile_pk)  # finds programs to add
    shortlist = built_shortlist(profile)
    if shortlist is None or not request.htmx:
        return redirect(f"{list_url(profile)}?{request.GET.urlencode()}")
    query = SearchForm(request.GET).query()
    context = {"profile": profile, "query": query, "results": search_results(shortlist, query)}
    return render(request, f"{TEMPLATE}#search_results", context)


@require_POST
def add(request: HttpRequest, profile_pk: int) -> HttpResponse:
    profile = get_rw_profile_for_user(request.user, profile_pk)
    shortlist = built_shortlist(profile)
    if shortlist is None:
        return _add_refused(request, profile, "Build your list before adding programs.")
    form = AddProgramForm(request.POST)
    if not form.is_valid():
        return _add_refused(request, profile, form.errors["program"][0])
    try:
        entry = shortlists.add_program(shortlist=shortlist, program=form.cleaned_data["program"])
    except shortlists.ShortlistError as error:
        return _add_refused(request, profile, str(error))
    notice = f"Added {entry.program.name} to your list."
    if entry.band == Band.INELIGIBLE:
        broken = "; ".join(reason[2:] for reason in entry.reasons if reason.startswith("− "))
        notice = f"{notice[:-1]}, but you do not meet its published rules: {broken}."
    return list_changed(request, entry, notice=notice, focus="#search-notice", search_notice=notice)
