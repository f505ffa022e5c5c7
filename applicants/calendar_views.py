"""The season calendar page, the iCalendar feed (secret address) and one-interview downloads."""

import re
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from applicants import calendar, tracker
from applicants.access import get_entry_for_user
from applicants.models import Page
from applicants.season import season_window
from applicants.sharing import OWNER, Viewer
from applicants.sharing_views import shared_workspace_page
from applicants.tracker_forms import zone_options

ICS = "text/calendar; charset=utf-8"


YEARS = range(2000, 2101)  # months a season calendar can be paged to


class CalendarViewForm(forms.Form):
    view = forms.ChoiceField(choices=[("month", "Month"), ("agenda", "Agenda")], required=False)
    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)

    def clean_month(self) -> date | None:
        value = self.cleaned_data["month"]
        if not value:
            return None
        year, month = map(int, value.split("-"))
        if year not in YEARS:
            raise forms.ValidationError("Out of range.")
        return date(year, month, 1)


def _month(month: date | None, season: int, today: date) -> date:
    if month is not None:
        return month
    first, last = season_window(season)
    return date(today.year, today.month, 1) if first <= today <= last else first


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    context = _calendar_context(request, request.user)
    token = calendar.feed_token(request.user)
    context |= {
        "viewer": Viewer(request.user, OWNER),
        "feed_url": request.build_absolute_uri(reverse("season:feed", args=[token])),
        "zone_options": zone_options(str(context["calendar"].zone)),
    }
    return render(request, "applicants/calendar.html", context)


@require_GET
def shared_calendar(request: HttpRequest, owner_pk: int) -> HttpResponse:
    """Someone's season calendar, read-only (no feed address), for a user they share it with."""
    return shared_workspace_page(
        request, owner_pk, Page.CALENDAR, lambda owner: _calendar_context(request, owner)
    )


def _calendar_context(request: HttpRequest, user: AbstractBaseUser) -> dict[str, Any]:
    form = CalendarViewForm(request.GET or None)
    choices = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and form.errors:
        messages.error(
            request,
            f"That is not a valid month (use YYYY-MM, a year from {YEARS[0]} to {YEARS[-1]}): "
            "showing the current month instead.",
        )
    clock = tracker.clock(user)
    today = clock.today
    season_calendar = calendar.season_calendar(user, clock.season, zone=clock.zone)
    month = _month(choices.get("month"), season_calendar.season, today)
    view = choices.get("view") or "month"
    return {
        "calendar": season_calendar,
        "view": view,
        "month": month,
        "previous": _shift(month, -1),
        "next": _shift(month, 1),
        "weeks": calendar.month_weeks(month.year, month.month, season_calendar.events),
        "agenda": calendar.agenda(season_calendar.events, since=today),
        "today": today,
        "zone_is_set": clock.zone_is_set,
    }


@login_not_required
@never_cache
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed calendar apps poll: the token in the address is the only key."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
        raise Http404("No such calendar.")
    user = calendar.feed_owner(token)
    if user is None:
        raise Http404("No such calendar.")
    body = calendar.feed_ics(user, domain=request.get_host(), now=timezone.now())
    response = HttpResponse(body, content_type=ICS)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    calendar.reset_feed(request.user)
    messages.success(
        request,
        "Your calendar has a new address: the old one stopped working. Subscribe again with "
        "the new one.",
        extra_tags="subscribe",
    )
    return redirect(reverse("season:calendar") + "#subscribe")


@require_GET
def interview_ics(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_entry_for_user(request.user, pk)
    if item.interview_at is None:
        raise Http404("No interview is scheduled with this program.")
    body = calendar.interview_ics(item, domain=request.get_host())
    response = HttpResponse(body, content_type=ICS)
    name = slugify(item.program.name)[:60] or "program"
    response["Content-Disposition"] = f'attachment; filename="interview-{name}.ics"'
    return response
