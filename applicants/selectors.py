"""Reading lists back: listed and excluded entries, filtered and sorted; program search."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from applicants.models import Band, Profile, Shortlist, ShortlistEntry, Status
from applicants.tracker import status_expression
from programs.models import Program

# Sort key → (label, ORDER BY); bands and statuses sort in their choices' order.
LIST_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rank": ("Rank", ("rank", "id")),
    "probability": ("Interview chance", ("-probability", "rank")),
    "fit": ("Fit score", ("-fit_score", "rank")),
    "name": ("Program", ("program__name", "rank")),
    "state": ("State", ("program__state", "rank")),
    "band": ("Band", ("band_order", "rank")),
    "status": ("Status", ("status_order", "rank")),
}
SEARCH_LIMIT = 20


def built_shortlist(profile: Profile) -> Shortlist | None:
    """The profile's list once it has been built (None before the first build)."""
    return Shortlist.objects.filter(profile=profile, built_at__isnull=False).first()


def listed_entries(shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    """The entries on the list (not excluded), in rank order, with their programs."""
    return shortlist.entries.filter(excluded=False).select_related("program").order_by("rank", "id")


def listed_count(shortlist: Shortlist) -> int:
    """How many programs are on the list (not excluded)."""
    return shortlist.entries.filter(excluded=False).count()


def excluded_entries(shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    return (
        shortlist.entries.filter(excluded=True).select_related("program").order_by("program__name")
    )


def listed_states(shortlist: Shortlist) -> list[str]:
    """The states of the listed programs, sorted: the choices of the state filter."""
    return sorted(set(listed_entries(shortlist).values_list("program__state", flat=True)))


def _choice_order(field: str, values: list[str]) -> Case:
    return Case(
        *(When(**{field: value}, then=Value(i)) for i, value in enumerate(values)),
        output_field=IntegerField(),
    )


def filtered_entries(
    shortlist: Shortlist, *, band: str = "", state: str = "", status: str = "", sort: str = ""
) -> QuerySet[ShortlistEntry]:
    """The listed entries in a band, state and status (each optional), sorted by `sort`."""
    entries = listed_entries(shortlist).annotate(
        derived_status=status_expression(),
        band_order=_choice_order("band", Band.values),
        status_order=_choice_order("derived_status", Status.values),
    )
    if band:
        entries = entries.filter(band=band)
    if status:
        entries = entries.filter(derived_status=status)
    if state:
        entries = entries.filter(program__state=state)
    return entries.order_by(*LIST_SORTS[sort or "rank"][1])


def search_programs(*, query: str, limit: int = SEARCH_LIMIT) -> list[Program]:
    """Active catalogue programs whose name, institution, city, state or ID match `query`."""
    words = query.split()
    if not words:
        return []
    programs = Program.objects.active()
    for word in words:
        programs = programs.filter(
            Q(name__icontains=word)
            | Q(institution__icontains=word)
            | Q(city__icontains=word)
            | Q(state__iexact=word)
            | Q(program_id__startswith=word)
        )
    return list(programs.order_by("name")[:limit])


def search_results(shortlist: Shortlist, query: str) -> list[tuple[Program, bool]]:
    """(program, already on the list) for each program matching `query`."""
    results = search_programs(query=query) if query else []
    on_list = set(
        shortlist.entries.filter(excluded=False, program__in=results).values_list(
            "program_id", flat=True
        )
    )
    return [(program, program.pk in on_list) for program in results]
