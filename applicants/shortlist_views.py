"""The list workspace: `/list/`, its row actions (htmx, POST-only) and rebuilds."""

import functools
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.views.decorators.http import require_GET, require_POST

from applicants import services, shortlists, tracker
from applicants.listbuilder import DEFAULT_CONVERSION
from applicants.models import Band, Profile, Shortlist, ShortlistEntry, Status
from programs.models import Program

TEMPLATE = "applicants/list.html"
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rank": ("Rank", ("rank", "id")),
    "probability": ("Interview chance", ("-probability", "rank")),
    "fit": ("Fit score", ("-fit_score", "rank")),
    "name": ("Program", ("program__name", "rank")),
    "state": ("State", ("program__state", "rank")),
    "band": ("Band", ("band_order", "rank")),
    "status": ("Status", ("status_order", "rank")),
}
BAND_CHOICES = [(value, label) for value, label in Band.choices]


class ListFilterForm(forms.Form):
    band = forms.ChoiceField(choices=[("", "All bands"), *BAND_CHOICES], required=False)
    state = forms.ChoiceField(choices=[("", "All states")], required=False)
    status = forms.ChoiceField(choices=[("", "All statuses"), *Status.choices], required=False)
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in SORTS.items()], required=False
    )

    def __init__(self, *args: Any, states: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "All states"), *((s, s) for s in states)]


class PinForm(forms.Form):
    pinned = forms.TypedChoiceField(
        choices=[("true", "Pin"), ("false", "Unpin")], coerce=lambda value: value == "true"
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class NotesForm(forms.Form):
    notes = forms.CharField(
        max_length=ShortlistEntry._meta.get_field("notes").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Find a program", max_length=100, required=False)


class AddProgramForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.active(),
        error_messages={"invalid_choice": "That program is not in the active catalogue."},
    )


def _own_profile(request: HttpRequest, profile_pk: int | None) -> Profile | None:
    if profile_pk is None:
        return shortlists.active_profile(request.user)
    return get_object_or_404(Profile, pk=profile_pk, user=request.user)


def _own_entry(request: HttpRequest, pk: int) -> ShortlistEntry:
    return get_object_or_404(
        ShortlistEntry.objects.select_related("program", "shortlist__profile"),
        pk=pk,
        shortlist__profile__user=request.user,
    )


def _list_url(profile: Profile) -> str:
    if profile.active:
        return reverse("applicants:list")
    return reverse("applicants:list_of", args=[profile.pk])


def _built_shortlist(profile: Profile) -> Shortlist | None:
    shortlist = Shortlist.objects.filter(profile=profile).first()
    return shortlist if shortlist is not None and shortlist.built_at is not None else None


# 100 rows with five links each: one reverse per link name, then string formatting.
ROW_URLS = {
    "detail": "programs:detail",
    "status": "applicants:list_entry_status",
    "notes": "applicants:list_entry_notes",
    "pin": "applicants:list_entry_pin",
    "exclude": "applicants:list_entry_exclude",
}
_PK_SLOT = 987654321


@functools.cache
def _url_patterns(script_prefix: str) -> dict[str, str]:
    return {
        name: reverse(view, args=[_PK_SLOT]).replace(str(_PK_SLOT), "{}")
        for name, view in ROW_URLS.items()
    }


def _with_urls(entry: ShortlistEntry) -> ShortlistEntry:
    """The entry with `urls`: its row's links, keyed like ROW_URLS."""
    patterns = _url_patterns(get_script_prefix())
    entry.urls = {
        name: pattern.format(entry.program_id if name == "detail" else entry.pk)
        for name, pattern in patterns.items()
    }
    return entry


def _table_context(data: Any, shortlist: Shortlist) -> dict[str, Any]:
    listed = shortlists.listed_entries(shortlist)
    states = sorted(set(listed.values_list("program__state", flat=True)))
    form = ListFilterForm(data or None, states=states)
    entries: QuerySet[ShortlistEntry] = listed.annotate(
        derived_status=tracker.status_expression(),
        band_order=Case(
            *(When(band=value, then=Value(i)) for i, value in enumerate(Band.values)),
            output_field=IntegerField(),
        ),
        status_order=Case(
            *(When(derived_status=value, then=Value(i)) for i, value in enumerate(Status.values)),
            output_field=IntegerField(),
        ),
    )
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # a bad value in one filter leaves the others working
        filters = form.cleaned_data
    if filters.get("band"):
        entries = entries.filter(band=filters["band"])
    if filters.get("status"):
        entries = entries.filter(derived_status=filters["status"])
    if filters.get("state"):
        entries = entries.filter(program__state=filters["state"])
    sort = filters.get("sort") or "rank"
    return {
        "filter_form": form,
        "entries": [_with_urls(entry) for entry in entries.order_by(*SORTS[sort][1])],
        "listed_count": listed.count(),
        "sort": sort,
        "sorts": SORTS,
        "status_choices": Status.choices,
    }


def _curve_chart(
    curve: list[tuple[int, float]], *, size: int, chance: float, point: int | None
) -> dict[str, Any]:
    """Geometry of the match-chance curve for the server-drawn SVG."""
    width, height, left, right, top, bottom = 640, 260, 52, 20, 16, 40
    lowest, highest = min(shortlists.CURVE_SIZES), max(shortlists.CURVE_SIZES)

    def x(n: int) -> float:
        n = min(max(n, lowest), highest)
        return round(left + (n - lowest) / (highest - lowest) * (width - left - right), 1)

    def y(p: float) -> float:
        return round(top + (1 - p) * (height - top - bottom), 1)

    by_size = dict(curve)
    middle = (left + width - right) / 2
    marks = {}
    if point is not None and point in by_size:
        px = x(point)
        marks["point"] = {
            "x": px,
            "y": y(by_size[point]),
            "size": point,
            "label_x": px + 6 if px < middle else px - 6,
            "anchor": "start" if px < middle else "end",
        }
    cx, cy = x(size), y(chance)
    low = cy > (top + height - bottom) / 2  # label above a low dot, below a high one
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": height - bottom,
        "points": " ".join(f"{x(n)},{y(p)}" for n, p in curve),
        "dots": [{"x": x(n), "y": y(p), "size": n, "pct": round(p * 100)} for n, p in curve],
        "x_ticks": [{"x": x(n), "label": n} for n in (30, 50, 80, 100, 120, 150, 200)],
        "y_ticks": [{"y": y(p / 100), "label": f"{p}%"} for p in (0, 25, 50, 75, 100)],
        "current": {
            "x": cx,
            "y": cy,
            "size": size,
            "pct": round(chance * 100),
            "label_x": cx + 8 if cx < middle else cx - 8,
            "label_y": cy - 12 if low else cy + 22,
            "anchor": "start" if cx < middle else "end",
        },
        **marks,
    }


def _workspace_context(request: HttpRequest, profile: Profile | None, data: Any) -> dict:
    context: dict[str, Any] = {"profile": profile, "shortlist": None}
    if profile is None:
        return context
    shortlist = _built_shortlist(profile)
    context["list_url"] = _list_url(profile)
    if shortlist is None:
        return context
    summary = shortlists.shortlist_summary(shortlist)
    analysis = shortlists.analyse(profile, shortlist)
    search = SearchForm(data or None)
    query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    context.update(
        shortlist=shortlist,
        summary=summary,
        analysis=analysis,
        chart=_curve_chart(
            analysis.curve,
            size=summary.size,
            chance=summary.outlook.match_chance,
            point=analysis.diminishing_point,
        ),
        excluded=list(shortlists.excluded_entries(shortlist)),
        scenarios=shortlists.compare_scenarios(request.user),
        built_at=shortlist.built_at,
        built_ago=naturaltime(shortlist.built_at),
        profile_changed=profile.updated_at > shortlist.built_at,
        catalogue_changed=Program.objects.filter(updated_at__gt=shortlist.built_at).exists(),
        search_form=search,
        conversion_pct=round(DEFAULT_CONVERSION * 100),
        signal_count=settings.PREFERENCE_SIGNALS,
        **_search_context(shortlist, query),
        **_table_context(data, shortlist),
    )
    return context


def _search_context(shortlist: Shortlist, query: str) -> dict[str, Any]:
    results = shortlists.search_programs(query=query) if query else []
    on_list = set(
        shortlist.entries.filter(excluded=False, program__in=results).values_list(
            "program_id", flat=True
        )
    )
    return {"query": query, "results": [(program, program.pk in on_list) for program in results]}


def _page(request: HttpRequest, profile_pk: int | None) -> HttpResponse:
    # Rendering 100 rows and analysing the list cost far more than the one query that tells
    # whether anything changed: the fragment is cached under the user's data version, which
    # also changes when another profile becomes the active one.
    if profile_pk is not None:
        _own_profile(request, profile_pk)  # another user's profile: 404, cached or not
    key = services.page_cache_key("list", request, profile_pk, services.data_version(request.user))
    if request.htmx and request.htmx.target == "list-table":
        profile = _own_profile(request, profile_pk)
        shortlist = _built_shortlist(profile) if profile is not None else None
        if profile is not None and shortlist is not None:
            return services.cached_page(
                request,
                key,
                f"{TEMPLATE}#table",
                lambda: {
                    "profile": profile,
                    "list_url": _list_url(profile),
                    **_table_context(request.GET, shortlist),
                },
            )
    return services.cached_page(
        request,
        key,
        TEMPLATE,
        lambda: _workspace_context(request, _own_profile(request, profile_pk), request.GET),
        ages={"built_ago": "built_at"},
    )


@require_GET
def shortlist(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@require_GET
def shortlist_for_profile(request: HttpRequest, profile_pk: int) -> HttpResponse:
    return _page(request, profile_pk)


def _workspace_response(request: HttpRequest, profile: Profile, message: str = "") -> HttpResponse:
    if not request.htmx:
        if message:
            messages.success(request, message)
        return redirect(_list_url(profile))
    context = _workspace_context(request, profile, request.POST)
    context["notice"] = message
    return render(request, f"{TEMPLATE}#workspace", context)


def _error_response(request: HttpRequest, profile: Profile, error: str) -> HttpResponse:
    if not request.htmx:
        messages.error(request, error)
        return redirect(_list_url(profile))
    context = _workspace_context(request, profile, request.POST)
    context["error"] = error
    return render(request, f"{TEMPLATE}#workspace", context)


@require_POST
def build(request: HttpRequest, profile_pk: int) -> HttpResponse:
    profile = _own_profile(request, profile_pk)
    try:
        shortlist = shortlists.build_shortlist(profile=profile)
    except shortlists.ShortlistError as error:
        return _error_response(request, profile, str(error))
    count = shortlist.entries.filter(excluded=False).count()
    return _workspace_response(request, profile, f"Built your list: {count} programs.")


@require_GET
def search(request: HttpRequest, profile_pk: int) -> HttpResponse:
    profile = _own_profile(request, profile_pk)
    shortlist = _built_shortlist(profile)
    if shortlist is None or not request.htmx:
        return redirect(f"{_list_url(profile)}?{request.GET.urlencode()}")
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"profile": profile, "search_form": form, **_search_context(shortlist, query)}
    return render(request, f"{TEMPLATE}#search_results", context)


@require_POST
def add(request: HttpRequest, profile_pk: int) -> HttpResponse:
    profile = _own_profile(request, profile_pk)
    shortlist = _built_shortlist(profile)
    if shortlist is None:
        return _error_response(request, profile, "Build your list before adding programs.")
    form = AddProgramForm(request.POST)
    if not form.is_valid():
        return _error_response(request, profile, form.errors["program"][0])
    try:
        entry = shortlists.add_program(shortlist=shortlist, program=form.cleaned_data["program"])
    except shortlists.ShortlistError as error:
        return _error_response(request, profile, str(error))
    message = f"Added {entry.program.name} to your list."
    if entry.band == Band.INELIGIBLE:
        broken = "; ".join(reason[2:] for reason in entry.reasons if reason.startswith("− "))
        message = (
            f"Added {entry.program.name} to your list, although it looks closed to you: {broken}."
        )
    return _workspace_response(request, profile, message)


def _row_response(request: HttpRequest, entry: ShortlistEntry, error: str = "") -> HttpResponse:
    profile = entry.shortlist.profile
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_list_url(profile))
    context = {"entry": _with_urls(entry), "profile": profile, "row_error": error}
    context["status_choices"] = Status.choices
    return render(request, f"{TEMPLATE}#row", context)


def _first_error(form: forms.Form) -> str:
    field, errors = next(iter(form.errors.items()))
    return f"{field.capitalize()}: {errors[0]}"


@require_POST
def entry_pin(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own_entry(request, pk)
    form = PinForm(request.POST)
    if not form.is_valid():
        return _row_response(request, entry, _first_error(form))
    try:
        shortlists.set_pinned(entry=entry, pinned=form.cleaned_data["pinned"])
    except shortlists.ShortlistError as error:
        return _row_response(request, entry, str(error))
    return _row_response(request, entry)


@require_POST
def entry_status(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own_entry(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _row_response(request, entry, _first_error(form))
    try:
        entry = shortlists.set_status(entry=entry, status=form.cleaned_data["status"])
    except shortlists.ShortlistError as error:
        return _row_response(request, entry, str(error))
    return _row_response(request, _own_entry(request, entry.pk))


@require_POST
def entry_notes(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own_entry(request, pk)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _row_response(request, entry, _first_error(form))
    shortlists.set_notes(entry=entry, notes=form.cleaned_data["notes"])
    return _row_response(request, entry)


@require_POST
def entry_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own_entry(request, pk)
    if entry.excluded:
        return _workspace_response(request, entry.shortlist.profile)
    shortlists.exclude_entry(entry=entry)
    message = f"Excluded {entry.program.name}. Rebuilds will leave it out until you restore it."
    return _workspace_response(request, entry.shortlist.profile, message)


@require_POST
def entry_restore(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own_entry(request, pk)
    if not entry.excluded:
        return _workspace_response(request, entry.shortlist.profile)
    shortlists.restore_entry(entry=entry)
    message = f"Restored {entry.program.name} to your list."
    return _workspace_response(request, entry.shortlist.profile, message)
