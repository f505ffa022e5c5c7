"""Catalogue queries: the filtered queryset of the program pages, and how a file's row is matched
with a catalogue program."""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping

from django.db.models import F, Q, QuerySet

from programs.geography import REGION_STATES
from programs.models import CutoffKind, Program
from programs.normalise import name_key

# Sort keys offered on the page → ORDER BY; unknown values sort last.
SORTS: dict[str, tuple[str, tuple[object, ...]]] = {
    "name": ("Name", ("name", "state")),
    "state": ("State, then name", ("state", "name")),
    "img": ("IMG share, highest first", (F("img_pct").desc(nulls_last=True), "name")),
    "step2": ("Step 2 CK minimum, lowest first", (F("step2_min").asc(nulls_last=True), "name")),
    "positions": ("Positions, most first", (F("positions").desc(nulls_last=True), "name")),
    "tier": ("Tier, most competitive first", (F("tier").asc(nulls_last=True), "name")),
}
DEFAULT_SORT = "name"


def _policy(field: str, choice: str) -> Q:
    return {
        "yes": Q(**{field: True}),
        "not_no": Q(**{field: True}) | Q(**{f"{field}__isnull": True}),
        "no": Q(**{field: False}),
        "unknown": Q(**{f"{field}__isnull": True}),
    }[choice]


def filter_programs(filters: Mapping[str, object], *, as_of_year: int) -> QuerySet[Program]:
    """Active programs matching the cleaned filter values (keys of `CatalogueFilterForm`).

    Missing or empty values do not filter. Unknown is not No: the Step 2 CK and graduation-year
    filters keep programs whose policy is unknown or only a preference, since those do not
    exclude anyone. Years since graduation count up to `as_of_year`, as the estimates do.
    """
    programs = Program.objects.active()
    if query := str(filters.get("q") or "").strip():
        programs = programs.filter(
            Q(name__icontains=query)
            | Q(institution__icontains=query)
            | Q(city__icontains=query)
            | Q(program_id=query)
        )
    if state := filters.get("state"):
        programs = programs.filter(state=state)
    if region := filters.get("region"):
        programs = programs.filter(state__in=REGION_STATES[str(region)])
    for name in ("setting", "tier", "track"):
        if value := filters.get(name):
            programs = programs.filter(**{name: value})
    if choice := filters.get("j1"):
        programs = programs.filter(_policy("visa_j1", str(choice)))
    if choice := filters.get("h1b"):
        programs = programs.filter(_policy("visa_h1b", str(choice)))
    if choice := filters.get("observerships"):
        programs = programs.filter(_policy("img_observerships", str(choice)))
    if (img_min := filters.get("img_min")) is not None:
        programs = programs.filter(img_pct__gte=img_min)
    if (step2_max := filters.get("step2_max")) is not None:
        programs = programs.filter(
            Q(step2_min__lte=step2_max)
            | Q(step2_min__isnull=True)
            | Q(step2_min_kind=CutoffKind.PREFERRED)
        )
    if (year := filters.get("grad_year")) is not None:
        years = as_of_year - int(year)
        programs = programs.filter(
            Q(yog_policy__in=["none", "unknown"])
            | Q(yog_policy="limit", yog_window__gte=years)
            | Q(yog_window_kind=CutoffKind.PREFERRED)
        )
    sort = str(filters.get("sort") or DEFAULT_SORT)
    return programs.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])[1])


def observership_programs() -> QuerySet[Program]:
    """Active programs whose institutions offer IMGs observerships or electives, the most
    IMG-friendly residencies first (by share of IMG residents; unknown shares last)."""
    return (
        Program.objects.active()
        .filter(img_observerships=True)
        .order_by(F("img_pct").desc(nulls_last=True), "name")
    )


def identity_key(name: str, state: str) -> tuple[str, str]:
    """What a file row without a program ID finds its program by: the name ignoring case,
    punctuation and accents, and the state."""
    return name_key(name), state


def told_apart(program_id: str | None, other_id: str | None) -> bool:
    """Whether files can tell apart two programs with one identity key: only by their program
    IDs, so only when both have one."""
    return bool(program_id and other_id)


class Identities:
    """Who holds each identity key (a program, or whatever stands for one not yet saved) and
    with which program ID, to find holders that files could not tell apart."""

    def __init__(self) -> None:
        self._holders: dict[tuple[str, str], dict[Hashable, str | None]] = defaultdict(dict)

    def place(self, holder: Hashable, key: tuple[str, str], program_id: str | None) -> None:
        self._holders[key][holder] = program_id

    def remove(self, holder: Hashable, key: tuple[str, str]) -> None:
        self._holders[key].pop(holder, None)

    def clash(
        self, holder: Hashable, key: tuple[str, str], program_id: str | None
    ) -> Hashable | None:
        """Another holder of `key` that files could not tell from `holder`, or None."""
        for other, other_id in self._holders.get(key, {}).items():
            if other != holder and not told_apart(program_id, other_id):
                return other
        return None


class ProgramMatcher:
    """Finds the catalogue programs a row of a file means, the same way for every import.

    By program ID; a row without one (or with an ID the catalogue does not know) by its name,
    ignoring case, punctuation and accents, in the same state, among programs that have no ID
    when the row gives one.
    """

    def __init__(self, programs: Iterable[Program]) -> None:
        self.by_id: dict[str, Program] = {}
        self.by_name: dict[tuple[str, str], list[Program]] = defaultdict(list)
        for program in programs:
            if program.program_id:
                self.by_id[program.program_id] = program
            self.by_name[identity_key(program.name, program.state)].append(program)

    def candidates(self, program_id: str | None, name: str, state: str) -> list[Program]:
        if program_id and program_id in self.by_id:
            return [self.by_id[program_id]]
        return [
            program
            for program in self.by_name.get(identity_key(name, state), ())
            if not (program_id and program.program_id)
        ]

    def identities(self) -> Identities:
        """The catalogue's identities as they stand."""
        identities = Identities()
        for key, programs in self.by_name.items():
            for program in programs:
                identities.place(program, key, program.program_id)
        return identities


def identity_clash(program: Program, *, name: str, state: str) -> Program | None:
    """Another program that a file row without a program ID could not tell from `program` once
    `program` is called `name` in `state`, or None.

    Such a row finds its program by name and state (`ProgramMatcher`); two programs sharing
    them are told apart only when both have a program ID (`told_apart`).
    """
    identities = Identities()
    others = Program.objects.filter(state=state).exclude(pk=program.pk)
    for other in others.only("pk", "program_id", "name", "state"):
        identities.place(other, identity_key(other.name, other.state), other.program_id)
    other = identities.clash(program, identity_key(name, state), program.program_id)
    return other if isinstance(other, Program) else None
