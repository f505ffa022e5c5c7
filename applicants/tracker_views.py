"""The season pages: one entry's facts, signals, the time zone, costs and the season overview."""

import zoneinfo
from collections import Counter
from datetime import date, tzinfo
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants import season_summary, tracker
from applicants.access import get_rw_entry_for_user
from applicants.forms import first_error
from applicants.models import Page, SeasonDate, SeasonDateKind, ShortlistEntry, Status
from applicants.profiles import active_profile
from applicants.sharing import OWNER, Viewer
from applicants.sharing_views import shared_workspace_page
from applicants.tracker_forms import EntryFactsForm, SignalForm, TimeZoneForm
from programs.geography import time_zone_note, time_zone_of


def program_zone(entry: ShortlistEntry) -> tzinfo | None:
    name = time_zone_of(entry.program.state, entry.program.city)
    return zoneinfo.ZoneInfo(name) if name else None


def _next(request: HttpRequest, default: str) -> str:
    """Where a form asks to go back to (its `next`, on this site), else `default`."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = default
    return target or default


def _back(request: HttpRequest, default: str) -> HttpResponse:
    return redirect(_next(request, default))


@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rw_entry_for_user(request.user, pk)
    mine = EntryFactsForm.zone_shown(request.POST, now=tracker.applicant_zone(request.user))
    zone = program_zone(item)
    initial = EntryFactsForm.initial_for(item, mine=mine, program=zone)
    form = EntryFactsForm(request.POST or None, mine=mine, program=zone, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            saved = tracker.record_facts(entry=item, changes=changes, based_on=form.based_on())
        except tracker.TrackerError as error:
            conflict = isinstance(error, tracker.StaleFacts)
            if conflict:  # what is saved now, with what was typed: saving again keeps it
                item = get_rw_entry_for_user(request.user, pk)
                initial = EntryFactsForm.initial_for(item, mine=mine, program=zone)
                data = form.sent_anew(initial)
                form = EntryFactsForm(data, mine=mine, program=zone, initial=initial)
                form.is_valid()
            for problem in error.problems:
                field = _field_of(form, problem)
                message = problem.message
                if conflict and field:
                    message = f"Saved elsewhere meanwhile: {_saved(form, initial, field)}."
                form.add_error(field, message)
        else:
            done = f"Saved {item.program.name}." if changes else "Nothing was changed."
            if item.rank_position is not None and saved.rank_position is None:
                done += (  # a rejection or withdrawal took it off (tracker._ending_unranks)
                    f" It is off your rank order list now (it was number {item.rank_position}): "
                    "a program that rejected you or that you withdrew from is not ranked."
                )
            messages.success(request, done)
            return redirect("season:entry", pk=item.pk)
    elif form.is_bound:
        # Errors in some fields: say now what the others' facts break, not after a resend.
        for problem in tracker.problems_with(entry=item, changes=form.changes()):
            field = _field_of(form, problem)
            if field is None or field not in form.errors:
                form.add_error(field, problem.message)
    status = 409 if conflict else 400 if form.errors else 200
    context = {
        "entry": item,
        "form": form,
        "times": season_summary.interview_times(item, mine=mine, program=zone),
        "zone_note": time_zone_note(item.program.state, item.program.city),
        "zone_is_set": tracker.zone_is_set(request.user),
        "signals": season_summary.signal_count(request.user, item.season),
    }
    return render(request, "applicants/entry.html", context, status=status)


def _field_of(form: EntryFactsForm, problem: tracker.Problem) -> str | None:
    """The field of the entry page a tracker problem belongs under (None: above the form)."""
    if problem.field == "interview_at":
        return "interview_day"
    return problem.field if problem.field in form.fields else None


def _saved(form: EntryFactsForm, initial: dict[str, Any], field: str) -> str:
    """A field's value as the entry page shows it, for saying what another tab saved."""
    value = initial.get(field)
    choices = dict(getattr(form.fields[field], "choices", ()))
    if value in choices:
        return str(choices[value])
    if field == "interview_day" and value is not None:
        return f"{value:%-d %B %Y}, {initial['interview_time']:%H:%M}"
    if isinstance(value, bool):
        return "ticked" if value else "not ticked"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return str(value) if value not in (None, "") else "nothing"


@require_POST
def entry_signal(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rw_entry_for_user(request.user, pk)
    form = SignalForm(request.POST)
    back = _next(request, reverse("season:signals"))
    place = urlsplit(back).fragment  # the part of the page the button was in
    if not form.is_valid():
        messages.error(request, first_error(form), extra_tags=place)
        return redirect(back)
    signalled = form.cleaned_data["signalled"]
    try:
        tracker.set_signal(entry=item, signalled=signalled)
    except tracker.TrackerError as error:
        messages.error(request, str(error), extra_tags=place)
    else:
        what = "Signalled" if signalled else "Took back the signal to"
        messages.success(request, f"{what} {item.program.name}.", extra_tags=place)
    return redirect(back)


@require_GET
def signals(request: HttpRequest) -> HttpResponse:
    profile = active_profile(request.user)
    count = season_summary.signal_count(request.user)
    deadline = SeasonDate.objects.day_of(count.season, SeasonDateKind.SIGNAL_DEADLINE)
    today = tracker.today_for(request.user)
    context = {
        "profile": profile,
        "signals": count,
        "deadline": deadline,
        "deadline_passed": deadline is not None and deadline < today,
        "suggested": season_summary.suggested_signals(profile),
        "signalled": season_summary.signalled_entries(request.user),
    }
    return render(request, "applicants/signals.html", context)


ZONE_PLACE = "time-zone"  # the calendar's time zone section, where its answer shows


@require_POST
def time_zone(request: HttpRequest) -> HttpResponse:
    form = TimeZoneForm(request.POST)
    default = reverse("season:calendar") + f"#{ZONE_PLACE}"
    if not form.is_valid():
        messages.error(request, first_error(form), extra_tags=ZONE_PLACE)
        return _back(request, default)
    if not tracker.set_time_zone(user=request.user, name=form.cleaned_data["time_zone"]):
        messages.error(
            request,
            "Save your profile first: the time zone is kept with it.",
            extra_tags=ZONE_PLACE,
        )
        return _back(request, default)
    messages.success(
        request,
        f"Times are now shown in {form.cleaned_data['time_zone']}.",
        extra_tags=ZONE_PLACE,
    )
    return _back(request, default)


@require_GET
def season(request: HttpRequest) -> HttpResponse:
    """The season at a glance: what to do next, where each application stands, what it cost."""
    context = _season_context(request.user) | {"viewer": Viewer(request.user, OWNER)}
    return render(request, "applicants/season.html", context)


@require_GET
def shared_season(request: HttpRequest, owner_pk: int) -> HttpResponse:
    """Someone's season, read-only, for a user they share their workspace with."""
    return shared_workspace_page(request, owner_pk, Page.TRACKER, _season_context)


def _season_context(user: AbstractBaseUser) -> dict[str, Any]:
    number = tracker.current_season(user)
    entries = list(tracker.season_entries(user, number))
    counts = Counter(entry.status for entry in entries)
    return {
        "timeline": season_summary.timeline(user),
        "counts": [(status, label, counts.get(status, 0)) for status, label in Status.choices],
        "tracked": len(entries),
        "signals": season_summary.signal_count(user, number),
        "costs": season_summary.season_costs(user, number),
        "review": season_summary.season_review(user, number),
        "upcoming": season_summary.upcoming_interviews(user),
        "entries": sorted(entries, key=lambda entry: entry.program.name),
        "zone": tracker.applicant_zone(user),
    }


@require_GET
def costs(request: HttpRequest) -> HttpResponse:
    context = {
        "costs": season_summary.season_costs(request.user),
        "fee_schedule": settings.ERAS_FEE_SCHEDULE,
        "ranks_included": settings.NRMP_RANKS_INCLUDED,
        "extra_rank_fee": settings.NRMP_EXTRA_RANK_FEE,
        "travel_default": settings.TRAVEL_ESTIMATE_USD,
    }
    return render(request, "applicants/costs.html", context)
