"""The rank order list: built from interviewed programs, reordered by buttons, exported."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from applicants import rank_export, tracker
from applicants.access import get_rw_entry_for_user
from applicants.forms import first_error
from applicants.models import SeasonDate, SeasonDateKind
from applicants.tracker_forms import RankMoveForm, RankNotesForm

MOVES = {"up": -1, "down": 1}


def _context(request: HttpRequest) -> dict:
    season = tracker.current_season(request.user)
    order = tracker.rank_order(request.user, season)
    deadline = SeasonDate.objects.filter(season=season, kind=SeasonDateKind.ROL_DEADLINE).first()
    today = tracker.today_for(request.user)
    return {
        "order": order,
        "deadline": deadline,
        "days_left": (deadline.date - today).days if deadline is not None else None,
        "zone": tracker.applicant_zone(request.user),
    }


@require_GET
def rank(request: HttpRequest) -> HttpResponse:
    return render(request, "applicants/rank.html", _context(request))


@require_GET
def rank_print(request: HttpRequest) -> HttpResponse:
    context = _context(request) | {"printed": timezone.now()}
    return render(request, "applicants/rank_print.html", context)


@require_POST
def rank_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rw_entry_for_user(request.user, pk)
    form = RankMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("season:rank")
    action = form.cleaned_data["action"]
    try:
        if action in MOVES:
            tracker.move_rank(entry=item, offset=MOVES[action])
        elif action == "add":
            tracker.add_to_rank(entry=item)
        else:
            tracker.remove_from_rank(entry=item)
    except tracker.TrackerError as error:
        messages.error(request, str(error), extra_tags=f"rank-{item.pk}")
    return redirect(reverse("season:rank") + f"#rank-{item.pk}")


@require_POST
def rank_notes(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rw_entry_for_user(request.user, pk)
    form = RankNotesForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{item.program.name}: {first_error(form)}")
        return redirect("season:rank")
    place = f"rank-{item.pk}"
    try:
        tracker.record_facts(entry=item, changes=form.cleaned_data)
    except tracker.TrackerError as error:
        messages.error(request, str(error), extra_tags=place)
    else:
        messages.success(
            request, f"Saved your pros and cons for {item.program.name}.", extra_tags=place
        )
    return redirect(reverse("season:rank") + f"#{place}")


def _rows(request: HttpRequest) -> tuple[tracker.Clock, list[list[object]]]:
    when = tracker.clock(request.user)
    order = tracker.rank_order(request.user, when.season)
    return when, rank_export.rank_rows(order.ranked, when.zone)


@require_GET
def rank_csv(request: HttpRequest) -> HttpResponse:
    when, rows = _rows(request)
    season = when.season
    body = rank_export.write_csv(rows, zone=when.zone)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rank-order-list-{season}.csv"'
    return response


@require_GET
def rank_xlsx(request: HttpRequest) -> HttpResponse:
    when, rows = _rows(request)
    season = when.season
    body = rank_export.write_xlsx(rows, title=f"Rank order list, {season} Match", zone=when.zone)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rank-order-list-{season}.xlsx"'
    return response
