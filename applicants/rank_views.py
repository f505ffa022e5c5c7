"""The rank order list: built from interviewed programs, reordered by buttons, exported."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from applicants import rank_export, shortlists, status_undo, tracker
from applicants.access import get_rw_entry_for_user
from applicants.forms import first_error
from applicants.models import SeasonDate, SeasonDateKind
from applicants.tracker_forms import RankMoveForm, RankNotesForm

MOVES = {"up": -1, "down": 1}


# The last program taken off the rank order list in this session, with the Undo that puts it
# back in its place (a signed `status_undo` token): offered beside it until the next move.
UNDO_SESSION_KEY = "rank-undo"


def _context(request: HttpRequest) -> dict:
    season = tracker.current_season(request.user)
    order = tracker.rank_order(request.user, season)
    undo = request.session.get(UNDO_SESSION_KEY) or {}
    deadline = SeasonDate.objects.day_of(season, SeasonDateKind.ROL_DEADLINE)
    today = tracker.today_for(request.user)
    return {
        "order": order,
        "deadline": deadline,
        "days_left": (deadline - today).days if deadline is not None else None,
        "zone": tracker.applicant_zone(request.user),
        "undo": undo if any(entry.pk == undo.get("pk") for entry in order.unranked) else None,
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
        messages.error(
            request, f"{item.program.name}: {first_error(form)}", extra_tags=f"rank-{item.pk}"
        )
        return redirect(reverse("season:rank") + f"#rank-{item.pk}")
    action = form.cleaned_data["action"]
    request.session.pop(UNDO_SESSION_KEY, None)  # an Undo is for the move just made
    try:
        if action in MOVES:
            tracker.move_rank(entry=item, offset=MOVES[action])
        elif action == "to":
            moved = tracker.move_rank(entry=item, to=form.cleaned_data["position"])
            messages.success(
                request,
                f"{item.program.name} is number {moved.rank_position} now.",
                extra_tags=f"rank-{item.pk}",
            )
        elif action == "add":
            tracker.add_to_rank(entry=item)
        else:
            return _removed(request, tracker.remove_from_rank(entry=item))
    except tracker.TrackerError as error:
        messages.error(request, str(error), extra_tags=f"rank-{item.pk}")
    return redirect(reverse("season:rank") + f"#rank-{item.pk}")


def _removed(request: HttpRequest, change: tracker.StatusChange) -> HttpResponse:
    entry, place = change.entry, f"unranked-{change.entry.pk}"
    position = change.before.rank_position
    if position is None:  # taken off meanwhile, in another tab
        notice = f"{entry.program.name} was not on your rank order list."
        messages.info(request, notice, extra_tags=place)
    else:
        offer = status_undo.offer(change)
        request.session[UNDO_SESSION_KEY] = {"pk": entry.pk, "token": offer.token, "at": position}
        messages.success(
            request,
            f"Took {entry.program.name} off your rank order list (it was number {position}). "
            f"“Put back at {position}” undoes it.",
            extra_tags=place,
        )
    return redirect(reverse("season:rank") + f"#{place}")


@require_POST
def rank_undo(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_rw_entry_for_user(request.user, pk)
    request.session.pop(UNDO_SESSION_KEY, None)
    try:
        item, undone = status_undo.undo(
            entry=item, token=request.POST.get("token", ""), user=request.user
        )
    except shortlists.ShortlistError as error:
        messages.error(request, str(error), extra_tags=f"unranked-{item.pk}")
        return redirect(reverse("season:rank") + f"#unranked-{item.pk}")
    messages.success(request, undone, extra_tags=f"rank-{item.pk}")
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
        tracker.record_facts(entry=item, changes=form.changes(), based_on=form.based_on())
    except tracker.StaleFacts as error:
        # Changed in another tab meanwhile: the page again, with what is saved now and what
        # this user typed in its boxes; saving again keeps what they typed.
        item.refresh_from_db()
        typed = form.sent_anew({"pros": item.pros, "cons": item.cons})
        clash = {"pk": item.pk, "message": error.problems[0].message}
        clash |= {"pros": typed.get("pros", ""), "cons": typed.get("cons", "")}
        return render(
            request, "applicants/rank.html", _context(request) | {"clash": clash}, status=409
        )
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
