"""What a profile or scenario can expect: the one outlook, and what the pages add around it.

**One outlook.** `list_outlook` is the only place a scenario's figures (programs, expected
interviews, match chance, ERAS fee, chance of at least k interviews) come from: they are the
figures of the list the builder would produce for it — its built list when there is one, as it
stands with the user's pins and exclusions, otherwise a preview under the same rules
(`listbuilder.build_list`). `/profile/`, `/profile/scenarios/`, `/list/`, the exports and
`build_list` all show these.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from applicants import listbuilder
from applicants.advice import MORE_OF, Advice, advise
from applicants.catalogue import as_of_year, catalogue_frame, catalogue_stamp, score_data
from applicants.findings import Finding, profile_findings
from applicants.listbuilder import BuiltList, Outlook
from applicants.model_versions import active_version, estimate_note, version_of
from applicants.models import (
    ELIGIBLE_BANDS,
    Band,
    ModelVersion,
    Profile,
    Shortlist,
    ShortlistEntry,
    model_bounds,
)
from applicants.profiles import profile_data, profiles_of
from applicants.scoring import RULES
from applicants.selectors import built_shortlist, listed_entries
from applicants.shortlists import held_and_excluded
from neuromatch.caching import cached_for_user, digest
from programs.models import Program

AT_LEAST_SHOWN: tuple[int, ...] = (1, 3, 5, 8, 10)
# Below this match chance the outlook is low, and the list page points to the advice.
LOW_MATCH_CHANCE = 0.4
CURVE_SIZES: tuple[int, ...] = tuple(range(30, 201, 10))
ANALYSIS_SLOTS = 4  # cached list analyses per user
ADVICE_SHOWN = 6  # the profile page shows this many changes, best first


@dataclass(frozen=True)
class ListOutlook(Outlook):
    """A scenario's list summed up: its outlook (size, expected interviews, chance of at least
    k interviews, match chance, ERAS fee), and the list's bands and states.

    `built_at` is when the list was built; None for a preview of the list a build would give.
    """

    bands: dict[str, int] = field(default_factory=dict)
    states: list[tuple[str, int]] = field(default_factory=list)
    built_at: datetime | None = None
    # The model version the figures rest on: its number, conversion q and estimate note.
    version: int = 1
    conversion: float = listbuilder.DEFAULT_CONVERSION
    note: str = ""

    @property
    def built(self) -> bool:
        return self.built_at is not None

    @property
    def low(self) -> bool:
        return self.match_chance < LOW_MATCH_CHANCE

    @property
    def band_mix(self) -> list[tuple[str, int]]:
        """(band, programs) on the list; "ineligible" only when held programs are."""
        return [
            (band, count) for band, count in self.bands.items() if count or band != Band.INELIGIBLE
        ]

    @property
    def at_least_shown(self) -> list[tuple[int, float]]:
        """(k, chance of at least k interviews) for the k the pages show."""
        return [(k, self.at_least.get(k, 0.0)) for k in AT_LEAST_SHOWN]


def _summarise(
    probabilities: Sequence[float],
    bands: Sequence[str],
    states: Sequence[str],
    *,
    built_at: datetime | None,
    version: ModelVersion,
) -> ListOutlook:
    """The outlook of a list given in rank order, by its probabilities, bands and states, with
    the interview → match conversion of the model version that scored it."""
    result = listbuilder.outlook(
        list(probabilities), conversion=version.conversion, fee_schedule=settings.ERAS_FEE_SCHEDULE
    )
    band_counts = Counter(bands)
    return ListOutlook(
        **{name.name: getattr(result, name.name) for name in fields(Outlook)},
        bands={band: band_counts.get(band, 0) for band in Band.values},
        states=Counter(states).most_common(),
        built_at=built_at,
        version=version.number,
        conversion=version.conversion,
        note=estimate_note(version),
    )


@dataclass(frozen=True)
class Preview:
    """The list a build would give a profile: the scores, the builder's choice, its outlook."""

    scored: pd.DataFrame
    built: BuiltList
    outlook: ListOutlook


def preview_list(
    data: Mapping[str, Any],
    *,
    programs: pd.DataFrame | None = None,
    scored: pd.DataFrame | None = None,
) -> Preview:
    """Score the catalogue (or `programs`) for a profile dict and preview its list, with the
    active model version (`scored` must come from it too)."""
    version = active_version()
    if scored is None:
        frame = catalogue_frame() if programs is None else programs
        scored = score_data(data, frame, version=version)
    built = listbuilder.build_list(
        scored, size=data["list_size"], preferred_states=data["preferred_states"]
    )
    chosen = scored.loc[built.ranked]
    outlook = _summarise(
        chosen["probability"].tolist(),
        chosen["band"].tolist(),
        chosen["state_code"].tolist(),
        built_at=None,
        version=version,
    )
    return Preview(scored, built, outlook)


def shortlist_outlook(shortlist: Shortlist) -> ListOutlook:
    """The outlook of a built list as it stands: its listed entries, in rank order."""
    rows = list(listed_entries(shortlist).values_list("probability", "band", "program__state"))
    return _summarise(
        [row[0] for row in rows],
        [row[1] for row in rows],
        [row[2] for row in rows],
        built_at=shortlist.built_at,
        version=version_of(shortlist),
    )


def shortlist_outlooks(shortlists: Sequence[Shortlist]) -> dict[int, Outlook]:
    """The outlooks of many built lists (shortlist pk → outlook): the figures
    `shortlist_outlook` gives each (with its own model version's q), from three queries and
    one `listbuilder.outlooks` pass."""
    probabilities: dict[int, list[float]] = {shortlist.pk: [] for shortlist in shortlists}
    listed = ShortlistEntry.objects.filter(shortlist__in=list(shortlists), excluded=False)
    ranked = listed.order_by("shortlist_id", "rank", "id")  # each list as `listed_entries` reads it
    for shortlist_pk, probability in ranked.values_list("shortlist_id", "probability"):
        probabilities[shortlist_pk].append(probability)
    # The lists may come with their fields deferred: one query for their versions' q.
    version_of_list = dict(
        Shortlist.objects.filter(pk__in=list(probabilities)).values_list(
            "pk", "model_version__conversion"
        )
    )
    active = active_version().conversion
    conversions = [version_of_list.get(pk) or active for pk in probabilities]
    results = listbuilder.outlooks(
        list(probabilities.values()),
        conversion=conversions,
        fee_schedule=settings.ERAS_FEE_SCHEDULE,
    )
    return dict(zip(probabilities, results, strict=True))


def list_outlook(profile: Profile, *, scored: pd.DataFrame | None = None) -> ListOutlook:
    """THE outlook of a profile or scenario: its built list's, else its list's preview.

    `scored` (the catalogue scored for this profile) saves scoring it again for a preview.
    """
    return _outlook(profile, built_shortlist(profile), scored=scored)


def _outlook(
    profile: Profile, shortlist: Shortlist | None, *, scored: pd.DataFrame | None
) -> ListOutlook:
    """`list_outlook`, given the profile's built list as read (None: it has none)."""
    if shortlist is not None:
        return shortlist_outlook(shortlist)
    return preview_list(profile_data(profile), scored=scored).outlook


# The catalogue around the list


@dataclass(frozen=True)
class CatalogueCounts:
    """How the active catalogue looks to a profile: how many programs are open, in which band."""

    active_programs: int
    eligible: int
    bands: dict[str, int]


def catalogue_counts(scored: pd.DataFrame) -> CatalogueCounts:
    archived = scored["broken_rules"].map(lambda rules: "archived" in rules)
    eligible = scored[scored["eligible"]]
    bands = eligible["band"].value_counts()
    return CatalogueCounts(
        active_programs=int((~archived).sum()),
        eligible=len(eligible),
        bands={band: int(bands.get(band, 0)) for band in ELIGIBLE_BANDS},
    )


@dataclass(frozen=True)
class ScenarioColumn:
    """One profile or scenario in a side-by-side comparison."""

    profile: Profile
    catalogue: CatalogueCounts
    outlook: ListOutlook


def compare_scenarios(user: AbstractBaseUser) -> list[ScenarioColumn]:
    """Each of the user's profiles and scenarios with its outlook, base profile first."""
    programs = catalogue_frame()
    columns = []
    for profile in profiles_of(user):
        scored = score_data(profile_data(profile), programs)
        outlook = list_outlook(profile, scored=scored)
        columns.append(ScenarioColumn(profile, catalogue_counts(scored), outlook))
    return columns


# The profile page


@dataclass
class ProfileReport:
    """Everything the profile page shows about one profile."""

    outlook: ListOutlook
    catalogue: CatalogueCounts
    findings: list[Finding]
    advice: list[Advice]
    profile_changed: bool = False  # since its list was built: the list's figures are older
    # The list was scored with an older model version than the active one.
    version_changed: bool = False

    @property
    def note(self) -> str:
        """What the figures rest on: the estimate note of the version that gave them."""
        return self.outlook.note


def advice_for(
    profile: Profile, shortlist: Shortlist | None, *, programs: pd.DataFrame | None = None
) -> list[Advice]:
    """The changes that would raise the profile's outlook most (see `applicants.advice`),
    with the active model version, each measured on the list as a rebuild would leave it
    (`shortlist`: the profile's built list, None when it has none)."""
    version = active_version()
    held, excluded = held_and_excluded(list(shortlist.entries.all()) if shortlist else [])
    return advise(
        profile_data(profile),
        catalogue_frame() if programs is None else programs,
        as_of_year=as_of_year(),
        fee_schedule=settings.ERAS_FEE_SCHEDULE,
        limits={key: model_bounds(key)[1] for key in (*(m[0] for m in MORE_OF), "list_size")},
        params=version.parameters,
        conversion=version.conversion,
        held=held,
        excluded=excluded,
    )


def profile_report(profile: Profile) -> ProfileReport:
    """The outlook, the catalogue counts, a summary in plain words and advice for a profile."""
    programs = catalogue_frame()
    data = profile_data(profile)
    scored = score_data(data, programs)
    shortlist = built_shortlist(profile)
    outlook = _outlook(profile, shortlist, scored=scored)
    return ProfileReport(
        outlook=outlook,
        catalogue=catalogue_counts(scored),
        findings=profile_findings(data, programs, scored, as_of_year=as_of_year()),
        advice=advice_for(profile, shortlist, programs=programs)[:ADVICE_SHOWN],
        profile_changed=outlook.built and profile.updated_at > outlook.built_at,
        version_changed=outlook.built and outlook.version != active_version().number,
    )


# The list page's analysis


@dataclass(frozen=True)
class Analysis:
    """What the catalogue offers this profile around its current list."""

    curve: list[tuple[int, float]]
    diminishing_point: int | None
    longest: int  # the most programs a build can list; the curve is flat beyond it
    eligible_count: int
    shortfall: int
    excluded_by_rule: list[tuple[str, str, int]]
    signals: list[tuple[Program, str]] = field(default_factory=list)
    # The active catalogue's programs open to the profile, per band, and the best chance.
    open_bands: dict[str, int] = field(default_factory=dict)
    best_probability: float = 0.0

    def places_open(self, outlook: ListOutlook, asked: int) -> int:
        """How many more programs a rebuild would list (places left by exclusions since the
        build): 0 when the list already holds all it can."""
        return max(0, min(asked, self.longest) - outlook.size)

    def empty_bands(self, outlook: ListOutlook) -> list[tuple[str, str]]:
        """(band, why) for each band with no program on the list."""
        return listbuilder.empty_band_reasons(
            outlook.bands, self.open_bands, best=self.best_probability
        )


def analyse(profile: Profile, shortlist: Shortlist) -> Analysis:
    """Score the catalogue for the profile: the size curve, shortfall and preference signals.

    The curve alone builds 18 lists, so the result is cached under everything it reads: the
    profile's data, the held, excluded and ranked programs, the catalogue stamp and the year.
    A status or note edit that does not change which entries are held reuses it. It uses the
    model version that scored the list, so its figures agree with the list's.
    """
    version = version_of(shortlist)
    entries = list(shortlist.entries.all())
    ranked = list(listed_entries(shortlist).values_list("program_id", flat=True))
    held, excluded = held_and_excluded(entries)
    variant = digest(
        profile.pk,
        sorted(profile_data(profile).items()),
        sorted(held),
        sorted(excluded),
        ranked,
        catalogue_stamp(),
        as_of_year(),
        settings.PREFERENCE_SIGNALS,
        version.pk,
    )
    return cached_for_user(
        "analysis",
        profile.user_id,
        variant,
        lambda: _analyse(profile, held, excluded, ranked, version),
        slots=ANALYSIS_SLOTS,
    )


def _analyse(
    profile: Profile,
    held: list[int],
    excluded: list[int],
    ranked: list[int],
    version: ModelVersion,
) -> Analysis:
    scored = score_data(profile_data(profile), catalogue_frame(), version=version)
    rules = {"pinned": held, "excluded": excluded, "preferred_states": profile.preferred_states}
    built = listbuilder.build_list(scored, size=profile.list_size, **rules)
    curve = listbuilder.match_curve(
        scored, sizes=CURVE_SIZES, conversion=version.conversion, **rules
    )
    longest = len(listbuilder.build_list(scored, size=max(CURVE_SIZES), **rules).ranked)
    point = listbuilder.diminishing_returns_point(curve)
    if point is not None and point >= longest:
        point = None  # flat because the catalogue ran out, not because returns diminish
    suggested = listbuilder.suggest_signals(scored, ranked, n=settings.PREFERENCE_SIGNALS)
    programs = Program.objects.in_bulk([pk for pk, _ in suggested])
    return Analysis(
        curve=curve,
        diminishing_point=point,
        longest=longest,
        eligible_count=built.eligible_count,
        shortfall=built.shortfall,
        excluded_by_rule=[
            (code, RULES.get(code, code), count)
            for code, count in sorted(built.excluded_by_rule.items(), key=lambda item: -item[1])
            if count and code != "archived"  # archived programs are out of the catalogue
        ],
        signals=[(programs[pk], reason) for pk, reason in suggested if pk in programs],
        open_bands=catalogue_counts(scored).bands,
        best_probability=float(scored["probability"].max()) if len(scored) else 0.0,
    )
