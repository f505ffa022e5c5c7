"""Profile services: saving profiles and scenarios, scoring them against the catalogue, advice.

The ORM side of the pure core: one query for the catalogue (`Program.objects.to_frame()`),
then `scoring.score_programs` and `listbuilder.outlook` do the work on DataFrames.
"""

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import conditional_escape

from applicants import listbuilder, scoring
from applicants.forms import PROFILE_ORDER, model_bounds
from applicants.models import Profile, Shortlist, ShortlistEntry, Visa
from applicants.profiles import PROFILE_KEYS, profile_data
from programs.geography import STATE_NAMES
from programs.models import Program

BANDS: tuple[str, ...] = ("reach", "target", "safety")
# Matched non-US IMGs in neurology, 2022 (NRMP Charting Outcomes): the yardstick in summaries.
MATCHED_IMG_STEP2 = round(scoring.DEFAULT_PARAMETERS.step2_reference)
STEP3_STRONG = round(scoring.DEFAULT_PARAMETERS.step3_strong_at)
# Most neurology program directors cite a failed attempt (NRMP Program Director Survey 2022).
PD_FAILED_ATTEMPT_SHARE = 0.828
# (key, step, title, most worth having): more of what an applicant can still add. ERAS takes
# at most four letters per program, so a fifth letter is no advice.
MORE_OF: tuple[tuple[str, int, str, int | None], ...] = (
    ("usce_months", 3, "3 more months of hands-on US clinical experience", None),
    ("observership_months", 3, "3 more months of observership", None),
    ("neuro_publications", 2, "2 more neurology publications", None),
    ("neuro_presentations", 3, "3 more neurology abstracts or presentations", None),
    ("us_neuro_letters", 1, "One more letter from a US neurologist", 4),
)
# Changes smaller than this many expected interviews are noise, not advice.
MIN_ADVICE_GAIN = 0.05


@dataclass(frozen=True)
class ProfileOutlook:
    """What a profile can expect from the catalogue, applying to its `list_size` best programs."""

    active_programs: int
    eligible: int
    bands: dict[str, int]
    list_size: int
    expected_interviews: float
    match_chance: float
    fee_usd: int


@dataclass(frozen=True)
class Finding:
    """One plain sentence of the profile summary; `tone` is plus, minus or unknown."""

    text: str
    tone: str


@dataclass(frozen=True)
class Advice:
    """A change to the profile and what it would do to the outlook, found by re-scoring."""

    title: str
    changes: dict[str, Any]
    before: ProfileOutlook
    after: ProfileOutlook
    note: str = ""

    @property
    def gain(self) -> float:
        """Expected interviews gained."""
        return self.after.expected_interviews - self.before.expected_interviews

    @property
    def opened(self) -> int:
        """Programs that become eligible."""
        return self.after.eligible - self.before.eligible

    @property
    def form_fields(self) -> list[tuple[str, str]]:
        """The changes as (name, value) form fields, to post them as a new scenario."""
        pairs: list[tuple[str, str]] = []
        for key, value in self.changes.items():
            if isinstance(value, list):
                pairs += [(key, str(item)) for item in value] or [(key, "")]
            else:
                pairs.append((key, "" if value is None else str(value)))
        return pairs

    @property
    def detail(self) -> str:
        before = round(self.before.expected_interviews, 1)
        after = round(self.after.expected_interviews, 1)
        # The gain shown is the difference of the figures shown, so the sentence adds up.
        gain = f"{after - before:.1f}" if after - before >= 0.1 else "less than 0.1"
        parts = [f"adds about {gain} expected interviews ({before:.1f} → {after:.1f})"]
        if self.opened > 0:
            parts.append(f"opens {self.opened} more program{'s' if self.opened != 1 else ''}")
        before, after = round(self.before.match_chance * 100), round(self.after.match_chance * 100)
        if after != before:
            parts.append(f"match chance {before} % → {after} %")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


@dataclass
class ProfileReport:
    """Everything the profile page shows about one profile."""

    outlook: ProfileOutlook
    findings: list[Finding] = field(default_factory=list)
    note: str = scoring.ESTIMATE_NOTE


# Catalogue and scoring


# (stamp, frame): the catalogue frame of this process, rebuilt when the stamp changes.
_catalogue_cache: tuple[tuple[Any, ...], pd.DataFrame] | None = None


def catalogue_stamp() -> tuple[Any, ...]:
    """(count, highest pk, latest `updated_at`) of the catalogue: changes on every save/import."""
    return tuple(Program.objects.aggregate(Count("pk"), Max("pk"), Max("updated_at")).values())


def catalogue_frame() -> pd.DataFrame:
    """The whole catalogue, archived programs included, as the scorer's DataFrame.

    Reading 10,000 programs into a frame costs far more than scoring them, so the frame is
    kept per process and rebuilt only when a cheap aggregate (count, highest pk, latest
    `updated_at`; every save and import bumps it) changes. Callers must not modify it.
    """
    global _catalogue_cache
    stamp = catalogue_stamp()
    if _catalogue_cache is None or _catalogue_cache[0] != stamp:
        _catalogue_cache = (stamp, Program.objects.order_by().to_frame())
    return _catalogue_cache[1]


def as_of_year() -> int:
    return timezone.now().year


def score_data(data: Mapping[str, Any], programs: pd.DataFrame) -> pd.DataFrame:
    """Score a profile dict against a programs frame (the scorer's output, same index)."""
    return scoring.score_programs(data, programs, as_of_year=as_of_year())


def score_profile(profile: Profile, *, programs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score every program of the catalogue (archived ones too) for a profile or scenario."""
    if programs is None:
        programs = catalogue_frame()
    return score_data(profile_data(profile), programs)


def outlook_of(scored: pd.DataFrame, *, list_size: int) -> ProfileOutlook:
    """The outlook of applying to the `list_size` eligible programs with the highest p."""
    archived = scored["broken_rules"].map(lambda rules: "archived" in rules)
    eligible = scored[scored["eligible"]]
    bands = eligible["band"].value_counts()
    best = eligible["probability"].nlargest(list_size)
    result = listbuilder.outlook(best.tolist(), fee_schedule=settings.ERAS_FEE_SCHEDULE)
    return ProfileOutlook(
        active_programs=int((~archived).sum()),
        eligible=len(eligible),
        bands={band: int(bands.get(band, 0)) for band in BANDS},
        list_size=list_size,
        expected_interviews=float(best.sum()),
        match_chance=float(result.match_chance),
        fee_usd=int(result.fee_usd),
    )


def profile_outlook(profile: Profile, *, programs: pd.DataFrame | None = None) -> ProfileOutlook:
    return outlook_of(score_profile(profile, programs=programs), list_size=profile.list_size)


def compare_profiles(
    profiles: Sequence[Profile], *, programs: pd.DataFrame | None = None
) -> list[ProfileOutlook]:
    """The outlook of each profile, side by side, from one catalogue query."""
    if programs is None:
        programs = catalogue_frame()
    return [profile_outlook(profile, programs=programs) for profile in profiles]


# The catalogue seen through the active profile

ELIGIBILITY: tuple[str, ...] = ("eligible", "ineligible")
REASON_TONES = {"+": "plus", scoring.MINUS: "minus", "?": "unknown"}


@dataclass(frozen=True)
class ProgramScore:
    """One program as the scorer sees it for the active profile."""

    eligible: bool
    band: str
    probability: float
    fit_score: int
    reasons: list[str]
    broken_rules: list[str]

    @property
    def percent(self) -> int:
        """The interview probability in whole percent, never shown as 0 when eligible."""
        return max(1, round(self.probability * 100)) if self.eligible else 0

    @property
    def reason_items(self) -> list[tuple[str, str]]:
        """(tone, phrase without its sign) per reason; tone is plus, minus or unknown."""
        return [(REASON_TONES.get(reason[:1], "unknown"), reason[2:]) for reason in self.reasons]


@dataclass(frozen=True)
class CatalogueScores:
    """The scored catalogue for a user's active profile."""

    profile: Profile
    scored: pd.DataFrame
    note: str = scoring.ESTIMATE_NOTE

    def pks(self, *, band: str = "", eligibility: str = "") -> list[int]:
        """Program pks in a band (reach/target/safety/ineligible) and/or eligibility."""
        mask = pd.Series(True, index=self.scored.index)
        if band:
            mask &= self.scored["band"] == band
        if eligibility:
            mask &= self.scored["eligible"] == (eligibility == "eligible")
        return self.scored.index[mask].tolist()

    def get(self, pk: int) -> ProgramScore | None:
        if pk not in self.scored.index:
            return None
        row = self.scored.loc[pk]
        return ProgramScore(
            eligible=bool(row["eligible"]),
            band=str(row["band"]),
            probability=float(row["probability"]),
            fit_score=int(row["fit_score"]),
            reasons=list(row["reasons"]),
            broken_rules=list(row["broken_rules"]),
        )

    def narrow(
        self, programs: QuerySet[Program], *, band: str = "", eligibility: str = ""
    ) -> QuerySet[Program]:
        """`programs` restricted to a band and/or eligibility (unchanged when both are empty)."""
        if not band and not eligibility:
            return programs
        return programs.filter(pk__in=self.pks(band=band, eligibility=eligibility))

    def attach(self, programs: Iterable[Program]) -> list[Program]:
        """The programs as a list, each with `program.score` (a ProgramScore or None) set."""
        programs = list(programs)
        for program in programs:
            program.score = self.get(program.pk)
        return programs


def catalogue_scores(
    user: AbstractBaseUser, *, programs: QuerySet[Program] | None = None
) -> CatalogueScores | None:
    """Score the catalogue (or `programs`) for the user's active profile; None without one.

    The catalogue frame is cached (see `catalogue_frame`), then scoring is vectorised: cheap
    enough for every page view.
    """
    profile = active_profile(user)
    if profile is None:
        return None
    frame = catalogue_frame() if programs is None else programs.to_frame()
    return CatalogueScores(profile, score_profile(profile, programs=frame))


# Summary in plain words


def _rule_counts(scored: pd.DataFrame) -> Counter[str]:
    counts: Counter[str] = Counter()
    for rules in scored["broken_rules"]:
        counts.update(rules)
    return counts


def _count(count: int, singular: str, plural: str) -> str:
    """'1 program excludes you' or '3 programs exclude you'."""
    return f"{count} {singular if count == 1 else plural}"


def _excluding(count: int, which: str = "") -> str:
    """'1 program that … excludes you' / '3 programs that … exclude you'; `which` in plural."""
    if count == 1:
        which = which.replace(" do not ", " does not ").replace(" require ", " requires ")
        return f"1 program{which} excludes you"
    return f"{count} programs{which} exclude you"


def _unpublished(count: int, what: str) -> str:
    return f"{_count(count, 'program has', 'programs have')} not published {what} — verify"


def _visa_finding(data: Mapping[str, Any], active: pd.DataFrame, excluded: int) -> Finding:
    visa = data["visa"]
    if visa == Visa.NONE:
        return Finding("No visa needed: sponsorship policies do not limit you.", "plus")
    if visa == Visa.J1:
        unknown = int(active["visa_j1"].isna().sum())
        text = f"Needs a J-1: {_excluding(excluded, ' that do not sponsor J-1')}"
    elif visa == Visa.H1B:
        unknown = int(active["visa_h1b"].isna().sum())
        text = f"Needs an H-1B: {_excluding(excluded)}"
        if data["step3_score"] is None:
            text += " (an H-1B also needs Step 3 passed, and you have no Step 3 score yet)"
    else:
        unknown = int((active["visa_j1"].isna() & active["visa_h1b"].isna()).sum())
        text = f"Needs a J-1 or an H-1B: {_excluding(excluded, ' sponsoring neither')}"
    if unknown:
        text += f"; {_unpublished(unknown, 'a sponsorship policy')}"
    return Finding(text + ".", "minus" if excluded else "unknown" if unknown else "plus")


def _graduation_finding(data: Mapping[str, Any], active: pd.DataFrame, excluded: int) -> Finding:
    years = as_of_year() - data["graduation_year"]
    if years <= 0:
        return Finding(
            f"Graduating in {data['graduation_year']}: no graduation-year limit excludes you.",
            "plus",
        )
    text = _count(years, "year", "years") + " since graduation — "
    if excluded:
        text += _excluding(excluded, " with a lower graduation-year limit")
    else:
        text += "no program's graduation-year limit excludes you"
    if unknown := int(active["yog_window"].isna().sum()):
        text += f"; {_unpublished(unknown, 'a limit')}"
    return Finding(text + ".", "minus" if excluded else "plus")


def _attempts_finding(data: Mapping[str, Any], excluded: int) -> Finding:
    failed = [
        f"Step {step} on attempt {data[f'step{step}_attempts']}"
        for step in (1, 2)
        if data[f"step{step}_attempts"] > 1
    ]
    if not failed:
        return Finding("USMLE passed on the first attempt.", "plus")
    return Finding(
        f"A failed USMLE attempt ({', '.join(failed)}): "
        f"{_excluding(excluded, ' that do not accept one')}, and "
        f"{round(PD_FAILED_ATTEMPT_SHARE * 100)} % of neurology program directors weigh it "
        "when choosing whom to interview.",
        "minus",
    )


def _step2_finding(data: Mapping[str, Any], excluded: int) -> Finding:
    score = data["step2_score"]
    if score is None:
        return Finding(
            "No Step 2 CK score yet: most programs wait for it before they invite"
            + (f"; {_excluding(excluded, ' with a published minimum')}" if excluded else "")
            + ".",
            "minus",
        )
    gap = score - MATCHED_IMG_STEP2
    text = f"Step 2 CK {score}: " + (
        f"{gap} points at or above" if gap >= 0 else f"{-gap} points below"
    )
    text += f" the {MATCHED_IMG_STEP2} average of IMGs who matched in neurology (2022)"
    if excluded:
        text += f"; {_excluding(excluded, ' with a higher minimum')}"
    return Finding(text + ".", "minus" if excluded or gap < 0 else "plus")


def _usce_finding(data: Mapping[str, Any], excluded: int) -> Finding:
    months = data["usce_months"]
    text = (
        _count(months, "month", "months") + " of US clinical experience"
        if months
        else "No US clinical experience"
    )
    if excluded:
        text += (
            f": {_excluding(excluded, ' that require more' if months else ' that require some')}"
        )
    else:
        text += ": no program's requirement excludes you"
    return Finding(text + ".", "minus" if excluded else "plus")


def _excluded_states_finding(data: Mapping[str, Any], excluded: int) -> Finding | None:
    states = data["excluded_states"]
    if not states:
        return None
    names = ", ".join(STATE_NAMES.get(state, state) for state in states)
    left_out = _count(excluded, "program is", "programs are")
    return Finding(f"You excluded {names}: {left_out} left out.", "unknown")


def profile_report(profile: Profile, *, programs: pd.DataFrame | None = None) -> ProfileReport:
    """The outlook and a short summary, in plain words, of what the profile means."""
    if programs is None:
        programs = catalogue_frame()
    data = profile_data(profile)
    scored = score_data(data, programs)
    active_mask = programs["active"].astype(bool)
    active = programs[active_mask]
    counts = _rule_counts(scored[active_mask])
    outlook = outlook_of(scored, list_size=profile.list_size)
    findings = [
        _visa_finding(data, active, counts["visa"]),
        _graduation_finding(data, active, counts["yog_window"]),
        _attempts_finding(data, counts["attempts"]),
        _step2_finding(data, counts["step2_min"]),
        _usce_finding(data, counts["usce"]),
    ]
    if (states := _excluded_states_finding(data, counts["excluded_state"])) is not None:
        findings.append(states)
    return ProfileReport(outlook=outlook, findings=findings)


# Advice: re-score variants of the profile


def _advice_candidates(data: Mapping[str, Any]) -> Iterable[tuple[str, dict[str, Any], str]]:
    """(title, changes, note) for every change that is still possible for this profile."""
    if data["step2_score"] is None:
        yield (
            f"Take Step 2 CK and score {MATCHED_IMG_STEP2} (the matched-IMG average)",
            {"step2_score": MATCHED_IMG_STEP2},
            "",
        )
    if data["step3_score"] is None:
        yield f"Pass Step 3 with {STEP3_STRONG} or more", {"step3_score": STEP3_STRONG}, ""
    for key, step, title, most in MORE_OF:
        value = data[key] + step
        if value <= (most if most is not None else model_bounds(key)[1]):
            yield title, {key: value}, ""
    if data["visa"] == Visa.J1:
        yield "Accept an H-1B as well as a J-1", {"visa": Visa.ANY.value}, ""
    elif data["visa"] == Visa.H1B:
        yield "Accept a J-1 as well as an H-1B", {"visa": Visa.ANY.value}, ""
    if data["excluded_states"]:
        names = ", ".join(STATE_NAMES.get(state, state) for state in data["excluded_states"])
        yield f"Also apply in {names}", {"excluded_states": []}, ""
    if data["list_size"] <= 180:
        size = data["list_size"] + 20
        extra_fee = listbuilder.eras_fee(size, settings.ERAS_FEE_SCHEDULE) - listbuilder.eras_fee(
            data["list_size"], settings.ERAS_FEE_SCHEDULE
        )
        yield (
            f"Apply to {size} programs instead of {data['list_size']}",
            {"list_size": size},
            f"${extra_fee:,} more in ERAS fees",
        )


def advice_for(profile: Profile, *, programs: pd.DataFrame | None = None) -> list[Advice]:
    """The changes that would raise the profile's outlook, best first.

    Each candidate change is applied to a copy of the profile and the catalogue re-scored;
    only changes that are still possible and gain at least a twentieth of an interview are kept.
    """
    if programs is None:
        programs = catalogue_frame()
    data = profile_data(profile)
    before = outlook_of(score_data(data, programs), list_size=data["list_size"])
    advice = []
    for title, changes, note in _advice_candidates(data):
        variant = {**data, **changes}
        after = outlook_of(score_data(variant, programs), list_size=variant["list_size"])
        item = Advice(title=title, changes=changes, before=before, after=after, note=note)
        if item.gain >= MIN_ADVICE_GAIN:
            advice.append(item)
    return sorted(advice, key=lambda item: (-item.gain, item.title))


# Profiles and scenarios


def profiles_of(user: AbstractBaseUser) -> QuerySet[Profile]:
    """The user's base profile first, then the scenarios by name (on every database)."""
    return Profile.objects.filter(user=user).order_by(*PROFILE_ORDER)


def active_profile(user: AbstractBaseUser) -> Profile | None:
    return Profile.objects.filter(user=user, active=True).first()


def base_profile(user: AbstractBaseUser) -> Profile | None:
    return Profile.objects.filter(user=user, based_on__isnull=True).first()


@transaction.atomic
def create_profile(*, user: AbstractBaseUser, data: Mapping[str, Any]) -> Profile:
    """The user's base profile; it becomes active unless another profile is."""
    active = Profile.objects.filter(user=user, active=True).exists()
    return Profile.objects.create(user=user, active=not active, **data)


@transaction.atomic
def create_scenario(
    *, source: Profile, name: str, changes: Mapping[str, Any] | None = None
) -> Profile:
    """A named what-if copy of `source` (base or scenario), optionally with changes applied."""
    data = {**profile_data(source), **(changes or {})}
    return Profile.objects.create(
        user=source.user,
        name=name,
        based_on_id=source.based_on_id or source.pk,
        active=False,
        **{key: data[key] for key in PROFILE_KEYS},
    )


@transaction.atomic
def activate_profile(profile: Profile) -> None:
    """Make this profile or scenario the one lists and scores are shown for."""
    Profile.objects.filter(user=profile.user, active=True).exclude(pk=profile.pk).update(
        active=False
    )
    if not profile.active:
        profile.active = True
        profile.save(update_fields=["active", "updated_at"])


class BaseProfileDeletion(Exception):
    """The base profile cannot be deleted: scenarios are copies of it."""


@transaction.atomic
def delete_scenario(profile: Profile) -> None:
    """Delete a scenario; if it was active, the base profile becomes active again."""
    if not profile.is_scenario:
        raise BaseProfileDeletion
    base = profile.based_on
    was_active = profile.active
    profile.delete()
    if was_active and base is not None:
        activate_profile(base)


# Rendered-page cache


# Stands in for the CSRF token (and other per-response values) in cached HTML; derived from
# SECRET_KEY so that no user can type it into a note and have a token substituted there.
_SLOT_SEED = hashlib.sha256(f"page-slot:{settings.SECRET_KEY}".encode()).hexdigest()[:20]
CSRF_SLOT = f"slot{_SLOT_SEED}csrf"


def page_slot(name: str) -> str:
    """The placeholder rendered in place of the per-response value `name` in a cached page."""
    return f"slot{_SLOT_SEED}{name}"


def data_version(user: AbstractBaseUser) -> str:
    """A digest that changes whenever anything a user's pages show may have changed.

    Covers the user's profiles and scenarios (every save bumps `updated_at`; deletions change
    the count), their lists (builds bump `built_at`, row actions bump the entry's `updated_at`,
    additions and removals change the count), the catalogue stamp and the scoring year. One
    round trip: it runs on every view of the cached pages.
    """
    profile, shortlist = Profile._meta.db_table, Shortlist._meta.db_table
    entry, program = ShortlistEntry._meta.db_table, Program._meta.db_table
    mine = f"SELECT id FROM {profile} WHERE user_id = %s"
    lists = f"SELECT id FROM {shortlist} WHERE profile_id IN ({mine})"
    columns = [
        f"(SELECT {aggregate} FROM {table} WHERE {where})"
        for table, where in (
            (profile, "user_id = %s"),
            (shortlist, f"profile_id IN ({mine})"),
            (entry, f"shortlist_id IN ({lists})"),
            (program, "1 = 1"),
        )
        for aggregate in ("COUNT(*)", "MAX(id)", "MAX(updated_at)")
    ]
    columns.append(f"(SELECT MAX(built_at) FROM {shortlist} WHERE profile_id IN ({mine}))")
    with connection.cursor() as cursor:
        sql = f"SELECT {', '.join(columns)}"  # noqa: S608 - table names only, no input
        cursor.execute(sql, [user.pk] * sql.count("%s"))
        row = cursor.fetchone()
    return hashlib.sha256(repr((row, as_of_year())).encode()).hexdigest()[:32]


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for part of a page; a history restore needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def page_cache_key(name: str, request: HttpRequest, *parts: object) -> str:
    """Cache key of a rendered page: page, user, path, query string, htmx target and `parts`.

    `parts` must name everything else the HTML depends on (a `data_version`, the profile);
    the user's name and staff flag (shown in the layout) are included here.
    """
    target = (request.htmx.target or "") if wants_fragment(request) else "-"
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:24]
    user = request.user
    who = (user.get_username(), user.is_staff, user.is_superuser)
    rest = hashlib.sha256(repr((who, request.path, parts)).encode()).hexdigest()[:32]
    return f"page:{name}:{request.user.pk}:{target}:{query}:{rest}"


def cached_page(
    request: HttpRequest,
    key: str,
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    ages: Mapping[str, str] | None = None,
) -> HttpResponse:
    """`template` (a page or fragment) rendered with `context()`, cached under `key`.

    The cached HTML holds placeholders instead of per-response values: this request's CSRF
    token (so the forms work in every browser of the user, and no page carries another
    browser's token), and for each `ages` item (slot → context key of a datetime) the time
    since then ("3 minutes ago"), which the template shows as `{{ <slot> }}`. A request with
    flash messages to show is rendered afresh and not cached: messages are shown once.
    """
    ages = ages or {}
    if len(messages.get_messages(request)):
        values = context()
        values.update({slot: naturaltime(values.get(name) or "") for slot, name in ages.items()})
        return _varies_with_htmx(render(request, template, values))
    cached = cache.get(key)
    if cached is None:
        values = context()
        placeholders = {slot: page_slot(slot) for slot in ages}
        html = render_to_string(
            template, {**values, **placeholders, "csrf_token": CSRF_SLOT}, request=request
        )
        # Kept as bytes: the page is 350 kB, and encoding it on every hit costs more than
        # the substitutions.
        cached = (html.encode(), {slot: values.get(name) for slot, name in ages.items()})
        cache.set(key, cached)
    body, moments = cached
    body = body.replace(CSRF_SLOT.encode(), get_token(request).encode())
    for slot, moment in moments.items():
        ago = str(conditional_escape(naturaltime(moment or "")))
        body = body.replace(page_slot(slot).encode(), ago.encode())
    return _varies_with_htmx(HttpResponse(body))


def _varies_with_htmx(response: HttpResponse) -> HttpResponse:
    # The same URL answers a fragment to htmx and a page otherwise: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
