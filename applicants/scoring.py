"""Score every program for one applicant: eligible or not, interview probability, band, reasons.

Pure: plain data and pandas in, a DataFrame out; no ORM, no request, no settings. The input
frame is the `Program.objects.to_frame()` contract (see `programs/models.py`), the profile is
the profile JSON (README, "Profile JSON") as a dict. The computation is vectorised over the
programs; only the reason lists are assembled per row, from precomputed strings.

Every weight and cut-off lives in `ScoringParameters`. The interview log-odds is a design
matrix (one column per feature, `WEIGHT_NAMES`) times a weight vector: the default parameters
are version 1, judgement informed by the design's reference figures; a fitted version
replaces the weights (`with_weights`) and keeps the structure (reference scores, caps, cut-offs).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

RULES: dict[str, str] = {
    "visa": "Visa not sponsored",
    "step2_min": "Step 2 CK below the program minimum",
    "yog_window": "Graduated too long ago",
    "attempts": "Failed USMLE attempt not accepted",
    "usce": "Not enough US clinical experience",
    "excluded_state": "In a state you excluded",
    "archived": "Archived program",
}

MINUS = "\u2212"


@dataclass(frozen=True)
class ScoringParameters:
    """Every weight and cut-off of the scorer, in one place.

    The interview probability is a logistic model: log-odds = tier baseline + the sum of the
    terms below, p = 1 / (1 + e^-log-odds), clipped to [p_floor, p_ceiling]. Weights are in
    log-odds units: +0.7 roughly doubles the odds, −0.7 halves them. They are judgement until
    outcome data exist. The baseline is an applicant who needs no visa, has Step 2 CK at the
    matched-IMG reference, no US clinical experience, no research and no US letters.
    """

    # Baseline log-odds by competitiveness tier 1 (top academic) … 4 (community-oriented).
    tier_logit: tuple[float, float, float, float] = (-4.6, -3.9, -3.3, -2.9)
    # Tier not known: between tiers 2 and 3, a little below their mean.
    tier_unknown_logit: float = -3.7

    # Step 2 CK against the matched non-US IMG mean in neurology (245, NRMP 2022).
    step2_reference: float = 245.0
    step2_per_point: float = 0.03
    # Points below / above the reference that still count (beyond them the term is flat).
    step2_reference_floor: float = 35.0
    step2_reference_ceiling: float = 20.0
    # Clearing a published minimum comfortably: per point of margin, up to the cap.
    step2_margin_per_point: float = 0.02
    step2_margin_cap: float = 15.0
    # Step 2 CK not taken yet: most programs screen on it.
    step2_not_taken: float = -1.5

    # IMG share of residents: high ≥ 50 %, low ≤ 10 %, medium in between (weight 0).
    img_high_at: float = 50.0
    img_low_at: float = 10.0
    img_high: float = 0.9
    img_low: float = -1.2
    img_unknown: float = -0.3

    # Needing a visa costs programs paperwork and money; H-1B more than J-1.
    visa_j1_need: float = -0.4
    visa_h1b_need: float = -0.8
    visa_any_need: float = -0.4
    # The needed sponsorship is not known for the program.
    sponsorship_unknown: float = -0.6

    # Per failed USMLE attempt (82.8 % of neurology PDs cite it), smaller where the program
    # says it accepts a failed attempt; an extra penalty where its policy is unknown.
    failed_attempt: float = -0.6
    failed_attempt_accepted: float = -0.2
    attempts_policy_unknown: float = -0.2

    # Years since graduation beyond `yog_free_years` lower the odds per year.
    yog_free_years: float = 5.0
    yog_per_year: float = -0.1
    # A graduation-year limit that is unknown matters once you are this many years out.
    yog_unknown_after: float = 3.0
    yog_unknown: float = -0.15

    # US clinical experience in months; observership months count at this weight, in the
    # probability and towards a program's USCE minimum.
    observership_weight: float = 0.5
    usce_per_month: float = 0.12
    usce_full_months: float = 6.0
    usce_tail_per_month: float = 0.04
    usce_cap_months: float = 12.0
    # An unknown USCE requirement matters when you have less than this.
    usce_typical_requirement: float = 3.0
    usce_unknown: float = -0.15

    # Per preferred (not required) cut-off the applicant misses — a Step 2 CK minimum, a
    # graduation-year limit or a USCE minimum the program prefers: it lowers the odds instead
    # of excluding the program.
    preferred_cutoff_missed: float = -0.7

    # Neurology research and US neurology letters, each capped.
    publication: float = 0.05
    publication_cap: float = 10.0
    presentation: float = 0.02
    presentation_cap: float = 15.0
    letter: float = 0.2
    letter_cap: float = 3.0

    # Step 3: passed at `step3_pass` (opens the H-1B route), a bonus when strong.
    step3_pass: float = 200.0
    step3_strong_at: float = 225.0
    step3_strong: float = 0.3

    # Preferred geography (ties to the area); the region bonus only when the state is not.
    preferred_state: float = 0.3
    preferred_region: float = 0.15

    # Probability bounds: no estimate is ever certain either way.
    p_floor: float = 0.002
    p_ceiling: float = 0.9

    # Bands from p: reach below `reach_below`, safety from `safety_at`, target in between
    # (shown as "Long shot", "Possible", "Best odds": see `band_meanings`).
    reach_below: float = 0.05
    safety_at: float = 0.20

    # Fit score: log-odds mapped linearly to 0–100 between these (p ≈ 0.25 % → 0, 50 % → 100).
    fit_zero_logit: float = -6.0
    fit_full_logit: float = 0.0


DEFAULT_PARAMETERS = ScoringParameters()


@dataclass(frozen=True)
class BandMeaning:
    """What a band says, in words and numbers: the one definition every page, export and
    message shows. `key` is what the database stores (reach, target, safety, ineligible)."""

    key: str
    label: str
    range: str  # the interview chance it covers ("under 5 %"); "" for ineligible
    meaning: str  # one sentence a reader can act on


def estimate_percent(share: float) -> str:
    """An estimated chance in whole percent, as every page and reason writes it. An estimate is
    never certain: what rounds to 0 reads "< 1 %" and what rounds to 100 reads "> 99 %"."""
    percent = math.floor(float(share) * 100 + 0.5)  # half up, as the spreadsheet rounds
    if percent >= 100:
        return "> 99 %"
    if percent < 1:
        return "< 1 %"
    return f"{percent} %"


def _percent(share: float) -> str:
    return f"{share * 100:g} %"


def band_meanings(params: ScoringParameters = DEFAULT_PARAMETERS) -> dict[str, BandMeaning]:
    """The bands with their labels and meanings at `params`' cut-offs.

    The labels promise no more than the numbers do: with the model's probabilities (on the demo
    catalogue half of the programs open to a typical applicant are under 5 %, nine in ten under
    20 % and almost none reach 40 %), even the best band means "likelier", never "safe".
    """
    low, high = params.reach_below, params.safety_at
    return {
        "reach": BandMeaning(
            "reach",
            "Long shot",
            f"under {_percent(low)}",
            f"Long shot: under {_percent(low)} chance of an interview, fewer than 1 in "
            f"{round(1 / low)} applicants like you.",
        ),
        "target": BandMeaning(
            "target",
            "Possible",
            f"{_percent(low)} to {_percent(high)}",
            f"Possible: {_percent(low)} to {_percent(high)} chance of an interview, between 1 in "
            f"{round(1 / low)} and 1 in {round(1 / high)} applicants like you.",
        ),
        "safety": BandMeaning(
            "safety",
            "Best odds",
            f"{_percent(high)} or more",
            f"Best odds: {_percent(high)} or more chance of an interview, about 1 in "
            f"{round(1 / high)} or better: your likeliest programs, still never a sure thing.",
        ),
        "ineligible": BandMeaning(
            "ineligible",
            "Ineligible",
            "",
            "Ineligible: a published rule of the program (visa, Step 2 CK minimum, "
            "graduation year, attempts, US clinical experience) excludes you.",
        ),
    }


BANDS: dict[str, BandMeaning] = band_meanings()


def years_since_graduation(profile: Mapping[str, Any], as_of_year: Any) -> Any:
    """Whole years between graduation and the application year (0 if not yet graduated).

    Works on one profile dict, or per row on the columns of an applications frame.
    """
    return np.maximum(0, np.asarray(as_of_year) - np.asarray(profile["graduation_year"]))


def failed_attempts(profile: Mapping[str, Any]) -> Any:
    """Number of failed USMLE Step 1 / Step 2 CK attempts (attempts beyond the first)."""
    return np.maximum(0, np.asarray(profile["step1_attempts"]) - 1) + np.maximum(
        0, np.asarray(profile["step2_attempts"]) - 1
    )


def effective_usce_months(profile: Mapping[str, Any], params: ScoringParameters) -> Any:
    """Hands-on USCE months plus observership months at `observership_weight`."""
    return np.asarray(profile["usce_months"], dtype=float) + params.observership_weight * (
        np.asarray(profile["observership_months"], dtype=float)
    )


# Rule code of each cut-off → the frame column saying whether it is required or preferred.
_CUTOFF_KINDS = {
    "step2_min": "step2_min_kind",
    "yog_window": "yog_window_kind",
    "usce": "usce_kind",
}


@dataclass(frozen=True)
class _Catalogue:
    """The programs frame as numpy arrays, read once."""

    state: np.ndarray
    region: np.ndarray
    tier: np.ndarray
    img: np.ndarray
    step2_min: np.ndarray
    usce_min: np.ndarray
    j1: np.ndarray
    h1b: np.ndarray
    attempts_ok: np.ndarray
    yog_window: np.ndarray
    active: np.ndarray
    # Rule code → programs whose cut-off for it is only preferred (a missing kind: required).
    preferred: dict[str, np.ndarray]
    stale: np.ndarray  # data not verified for over a year
    track: np.ndarray  # categorical, advanced or child (a frame without the column: categorical)

    @classmethod
    def read(cls, programs: pd.DataFrame) -> _Catalogue:
        def floats(column: str) -> np.ndarray:
            return programs[column].to_numpy(dtype=float)

        def flags(column: str, value: object) -> np.ndarray:
            if column not in programs:
                return np.zeros(len(programs), dtype=bool)
            return programs[column].to_numpy(dtype=object) == value

        state = programs["state"].to_numpy(dtype=object)
        if "region" in programs:
            region = programs["region"].to_numpy(dtype=object)
        else:
            region = np.full(len(programs), "", dtype=object)
        return cls(
            state=state,
            region=region,
            tier=floats("tier"),
            img=floats("img_pct"),
            step2_min=floats("step2_min"),
            usce_min=floats("usce_min_months"),
            j1=floats("visa_j1"),
            h1b=floats("visa_h1b"),
            attempts_ok=floats("multiple_attempts_ok"),
            yog_window=floats("yog_window"),
            active=programs["active"].to_numpy(dtype=bool),
            preferred={code: flags(column, "preferred") for code, column in _CUTOFF_KINDS.items()},
            stale=flags("stale", True),
            track=programs["track"].to_numpy(dtype=object)
            if "track" in programs
            else np.full(len(programs), "categorical", dtype=object),
        )


@dataclass(frozen=True)
class _Applicant:
    """The profile facts the scorer uses, derived once.

    Scalars for one profile scored against a catalogue (`read`), or arrays with one value per
    row for applications, each a profile against one program (`rows`); a missing score is
    None in the first, NaN in the second.
    """

    visa: Any  # str
    years: Any  # int
    failed: Any  # int
    usce: Any  # hands-on months plus observership at its weight (for the probability)
    usce_hands_on: Any  # what a program's USCE minimum is checked against
    step2: Any  # float | None
    step3: Any  # float | None
    step3_passed: Any  # bool
    publications: Any
    presentations: Any
    letters: Any
    preferred_states: Any  # list[str], or per row a frozenset
    preferred_regions: Any
    excluded_states: Any

    @classmethod
    def read(
        cls, profile: Mapping[str, Any], as_of_year: int, params: ScoringParameters
    ) -> _Applicant:
        step2 = profile.get("step2_score")
        step3 = profile.get("step3_score")
        return cls(
            visa=str(profile["visa"]),
            years=int(years_since_graduation(profile, as_of_year)),
            failed=int(failed_attempts(profile)),
            usce=float(effective_usce_months(profile, params)),
            usce_hands_on=float(profile["usce_months"]),
            step2=None if step2 is None else float(step2),
            step3=None if step3 is None else float(step3),
            step3_passed=step3 is not None and step3 >= params.step3_pass,
            publications=int(profile["neuro_publications"]),
            presentations=int(profile["neuro_presentations"]),
            letters=int(profile["us_neuro_letters"]),
            preferred_states=list(profile.get("preferred_states") or []),
            preferred_regions=list(profile.get("preferred_regions") or []),
            excluded_states=list(profile.get("excluded_states") or []),
        )

    @classmethod
    def rows(cls, applications: pd.DataFrame, params: ScoringParameters) -> _Applicant:
        """The facts per row of an applications frame (see `application_design`), as arrays."""

        def floats(column: str) -> np.ndarray:
            return applications[column].to_numpy(dtype=float)

        step3 = floats("step3_score")
        return cls(
            visa=applications["visa"].to_numpy(dtype=object),
            years=years_since_graduation(applications, floats("as_of_year")),
            failed=failed_attempts(applications),
            usce=effective_usce_months(applications, params),
            usce_hands_on=floats("usce_months"),
            step2=floats("step2_score"),
            step3=step3,
            step3_passed=np.nan_to_num(step3, nan=-np.inf) >= params.step3_pass,
            publications=floats("neuro_publications"),
            presentations=floats("neuro_presentations"),
            letters=floats("us_neuro_letters"),
            preferred_states=applications["preferred_states"].to_numpy(dtype=object),
            preferred_regions=applications["preferred_regions"].to_numpy(dtype=object),
            excluded_states=[],
        )


def _missing_as_nan(value: Any) -> Any:
    """A score that may be None (not taken) as a float that may be NaN: arrays pass as they are."""
    return np.nan if value is None else value


def _member(values: np.ndarray, chosen: Any) -> np.ndarray:
    """Whether each value is in `chosen`: one list for every row, or one list per row."""
    if not (isinstance(chosen, np.ndarray) and chosen.dtype == object and chosen.ndim == 1):
        return np.isin(values, list(chosen))
    lengths = np.fromiter(map(len, chosen), dtype=int, count=len(chosen))
    if not lengths.any():
        return np.zeros(len(values), dtype=bool)
    items = np.fromiter(itertools.chain.from_iterable(chosen), dtype=object, count=lengths.sum())
    # (row, value) pairs as integers: the row times the number of distinct texts plus the text.
    codes, distinct = pd.factorize(np.concatenate([values.astype(object), items]))
    width = len(distinct) + 1
    wanted = np.repeat(np.arange(len(chosen)), lengths) * width + codes[len(values) :]
    return np.isin(np.arange(len(values)) * width + codes[: len(values)], wanted)


def _visa_mask(visa: Any, j1: np.ndarray, h1b: np.ndarray) -> np.ndarray:
    """Per program: the route(s) the visa need depends on are all closed (`j1`, `h1b` = open)."""
    visa = np.asarray(visa)
    return ((visa == "j1") & ~j1) | ((visa == "h1b") & ~h1b) | ((visa == "any") & ~(j1 | h1b))


def _below_cutoffs(a: _Applicant, c: _Catalogue) -> dict[str, np.ndarray]:
    """Rule code → programs whose cut-off the applicant misses, required or preferred."""
    return {
        "step2_min": _missing_as_nan(a.step2) < c.step2_min,  # not taken: nothing missed
        "yog_window": a.years > c.yog_window,
        "usce": a.usce_hands_on < c.usce_min,
    }


def _hard_rules(a: _Applicant, c: _Catalogue) -> dict[str, np.ndarray]:
    """Rule code → mask of programs breaking it. NaN (unknown) never breaks a rule, nor does a
    cut-off the program only prefers.

    The applicant's facts are scalars (one profile against a catalogue) or arrays with one
    value per row (applications, each a profile against one program).
    """
    j1_open = c.j1 != 0.0  # NaN != 0.0 is True: unknown keeps the route open
    h1b_open = (c.h1b != 0.0) & a.step3_passed
    n = len(c.state)
    below = {code: missed & ~c.preferred[code] for code, missed in _below_cutoffs(a, c).items()}
    return {
        "visa": _visa_mask(a.visa, j1_open, h1b_open),
        "step2_min": below["step2_min"],
        "yog_window": below["yog_window"],
        "attempts": (c.attempts_ok == 0.0) & (np.asarray(a.failed) > 0),
        "usce": below["usce"],
        "excluded_state": _member(c.state, a.excluded_states) & np.ones(n, dtype=bool),
        "archived": ~c.active,
    }


@dataclass(frozen=True)
class _ProgramTerms:
    """Masks of the program-dependent terms, shared by the log-odds and the reasons."""

    img_high: np.ndarray
    img_low: np.ndarray
    img_unknown: np.ndarray
    sponsorship_unknown: np.ndarray
    attempts_yes: np.ndarray
    attempts_unknown: np.ndarray
    yog_unknown: np.ndarray
    usce_unknown: np.ndarray
    in_state: np.ndarray
    in_region: np.ndarray
    below_preferred: dict[str, np.ndarray]  # rule code → preferred cut-offs missed


def _program_terms(a: _Applicant, c: _Catalogue, p: ScoringParameters) -> _ProgramTerms:
    j1_yes = c.j1 == 1.0
    h1b_yes = (c.h1b == 1.0) & a.step3_passed
    in_state = _member(c.state, a.preferred_states)
    return _ProgramTerms(
        img_high=c.img >= p.img_high_at,
        img_low=c.img <= p.img_low_at,
        img_unknown=np.isnan(c.img),
        sponsorship_unknown=_visa_mask(a.visa, j1_yes, h1b_yes),
        attempts_yes=c.attempts_ok == 1.0,
        attempts_unknown=np.isnan(c.attempts_ok),
        yog_unknown=np.isnan(c.yog_window) & (a.years > p.yog_unknown_after),
        usce_unknown=np.isnan(c.usce_min) & (a.usce < p.usce_typical_requirement),
        in_state=in_state,
        in_region=_member(c.region, a.preferred_regions) & ~in_state,
        below_preferred={
            code: missed & c.preferred[code] for code, missed in _below_cutoffs(a, c).items()
        },
    )


# The weights of the logistic model, in the order of the design matrix's columns, each with the
# sign a fit must keep: "+" never below 0, "-" never above 0, "" free (the tier baselines).
# Every monotonicity property of the scorer follows from these signs. To add a term: a weight
# field on ScoringParameters, a line here and its feature column in `_features`.
UP, DOWN, FREE = "+", "-", ""
WEIGHT_SIGNS: dict[str, str] = {
    "tier_1": FREE,
    "tier_2": FREE,
    "tier_3": FREE,
    "tier_4": FREE,
    "tier_unknown": FREE,
    "step2_per_point": UP,
    "step2_margin_per_point": UP,
    "step2_not_taken": DOWN,
    "img_high": UP,
    "img_low": DOWN,
    "img_unknown": DOWN,
    "visa_j1_need": DOWN,
    "visa_h1b_need": DOWN,
    "visa_any_need": DOWN,
    "sponsorship_unknown": DOWN,
    "failed_attempt": DOWN,
    "failed_attempt_accepted": DOWN,
    "attempts_policy_unknown": DOWN,
    "yog_per_year": DOWN,
    "yog_unknown": DOWN,
    "usce_per_month": UP,
    "usce_tail_per_month": UP,
    "usce_unknown": DOWN,
    "preferred_cutoff_missed": DOWN,
    "publication": UP,
    "presentation": UP,
    "letter": UP,
    "step3_strong": UP,
    "preferred_state": UP,
    "preferred_region": UP,
}
WEIGHT_NAMES: tuple[str, ...] = tuple(WEIGHT_SIGNS)
_TIERS = (1, 2, 3, 4)


def weights_of(params: ScoringParameters) -> dict[str, float]:
    """The model's weights (name → log-odds per unit of its feature), in design-matrix order."""
    tiers = {
        f"tier_{tier}": float(value) for tier, value in zip(_TIERS, params.tier_logit, strict=True)
    }
    named = {"tier_unknown": float(params.tier_unknown_logit), **tiers}
    return {
        name: named[name] if name in named else float(getattr(params, name))
        for name in WEIGHT_NAMES
    }


def with_weights(params: ScoringParameters, weights: Mapping[str, float]) -> ScoringParameters:
    """`params` with the weights in `weights` replaced (names as in `WEIGHT_SIGNS`).

    Unknown names raise ValueError; weights not given keep their value in `params`.
    """
    unknown = sorted(set(weights) - set(WEIGHT_SIGNS))
    if unknown:
        raise ValueError(f"Unknown weights: {', '.join(unknown)}.")
    values = {**weights_of(params), **{name: float(value) for name, value in weights.items()}}
    changes = {name: values[name] for name in WEIGHT_NAMES if not name.startswith("tier_")}
    return replace(
        params,
        tier_logit=tuple(values[f"tier_{tier}"] for tier in _TIERS),
        tier_unknown_logit=values["tier_unknown"],
        **changes,
    )


def weight_vector(params: ScoringParameters) -> np.ndarray:
    return np.fromiter(weights_of(params).values(), dtype=float, count=len(WEIGHT_NAMES))


def _features(a: _Applicant, c: _Catalogue, t: _ProgramTerms, p: ScoringParameters):
    """Feature name → column: the log-odds is the sum of each column times its weight.

    The structure (reference scores, caps, thresholds) is fixed here; only the weights are
    fitted. Applicant facts may be scalars or per-row arrays.
    """
    step2 = np.asarray(_missing_as_nan(a.step2), dtype=float)
    step3 = np.asarray(_missing_as_nan(a.step3), dtype=float)
    taken = ~np.isnan(step2)
    visa = np.asarray(a.visa)
    failed = np.asarray(a.failed, dtype=float)
    usce = np.asarray(a.usce, dtype=float)
    n = len(c.state)
    reference_gap = np.clip(
        step2 - p.step2_reference, -p.step2_reference_floor, p.step2_reference_ceiling
    )
    margin = np.nan_to_num(np.clip(step2 - c.step2_min, 0.0, p.step2_margin_cap), nan=0.0)
    return {
        **{f"tier_{tier}": c.tier == tier for tier in _TIERS},
        "tier_unknown": ~np.isin(c.tier, _TIERS),
        "step2_per_point": np.where(taken, reference_gap, 0.0),
        "step2_margin_per_point": np.where(taken, margin, 0.0),
        "step2_not_taken": ~taken,
        "img_high": t.img_high,
        "img_low": t.img_low,
        "img_unknown": t.img_unknown,
        "visa_j1_need": visa == "j1",
        "visa_h1b_need": visa == "h1b",
        "visa_any_need": visa == "any",
        "sponsorship_unknown": t.sponsorship_unknown,
        "failed_attempt": failed * ~t.attempts_yes,
        "failed_attempt_accepted": failed * t.attempts_yes,
        "attempts_policy_unknown": (failed > 0) & t.attempts_unknown,
        "yog_per_year": np.maximum(np.asarray(a.years, dtype=float) - p.yog_free_years, 0.0),
        "yog_unknown": t.yog_unknown,
        "usce_per_month": np.minimum(usce, p.usce_full_months),
        "usce_tail_per_month": np.clip(
            usce - p.usce_full_months, 0.0, p.usce_cap_months - p.usce_full_months
        ),
        "usce_unknown": t.usce_unknown,
        "preferred_cutoff_missed": sum(
            (missed.astype(float) for missed in t.below_preferred.values()), np.zeros(n)
        ),  # how many preferred cut-offs the applicant misses: 0 to 3
        "publication": np.minimum(np.asarray(a.publications, dtype=float), p.publication_cap),
        "presentation": np.minimum(np.asarray(a.presentations, dtype=float), p.presentation_cap),
        "letter": np.minimum(np.asarray(a.letters, dtype=float), p.letter_cap),
        "step3_strong": np.nan_to_num(step3, nan=-np.inf) >= p.step3_strong_at,
        "preferred_state": t.in_state,
        "preferred_region": t.in_region,
    }


def log_odds(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The design matrix times the weights, column by column in a fixed order.

    Not a BLAS product: that may sum in another order for another number of rows, and a
    program scored alone must get exactly the probability it gets in the whole catalogue
    (ties between programs are broken by pk, so the last bit matters).
    """
    total = np.zeros(matrix.shape[0])
    for column, weight in zip(matrix.T, weights, strict=True):
        total += column * weight
    return total


def _design_matrix(a: _Applicant, c: _Catalogue, t: _ProgramTerms, p: ScoringParameters):
    columns = _features(a, c, t, p)
    matrix = np.empty((len(c.state), len(WEIGHT_NAMES)))
    for position, name in enumerate(WEIGHT_NAMES):
        matrix[:, position] = columns[name]  # broadcasts the applicant's scalar facts
    return matrix


def _number(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _counted(count: float, unit: str) -> str:
    """`1 year`, `3 years`: a count with its unit, singular for one."""
    return f"{_number(count)} {unit}{'' if count == 1 else 's'}"


def _format_each(
    values: np.ndarray, mask: np.ndarray, template: str, out: np.ndarray | None = None
) -> np.ndarray:
    """An object array: `template` formatted with the value where mask, else None (or `out`).
    `{s}` in the template is "s" unless the value is 1 (`{} year{s}`).

    Formats each distinct value once, so it stays fast on large catalogues.
    """
    if out is None:
        out = np.full(len(values), None, dtype=object)
    if mask.any():
        distinct, inverse = np.unique(values[mask], return_inverse=True)
        texts = np.array(
            [template.format(_number(v), s="" if v == 1 else "s") for v in distinct], dtype=object
        )
        out[mask] = texts[inverse.ravel()]
    return out


def _where(mask: np.ndarray, text: str, out: np.ndarray | None = None) -> np.ndarray:
    """An object array: `text` where mask, else None (or what `out` already holds)."""
    if out is None:
        out = np.full(len(mask), None, dtype=object)
    out[mask] = text
    return out


def _rows(columns: list[np.ndarray], rows: np.ndarray, tail: list[str]) -> list[list[str]]:
    """Per row in `rows`: the non-None texts of `columns` in column order, then `tail`."""
    if not columns:
        return [list(tail) for _ in range(len(rows))]
    lists = [column[rows].tolist() for column in columns]
    if tail:
        return [[*filter(None, row), *tail] for row in zip(*lists, strict=True)]
    return [list(filter(None, row)) for row in zip(*lists, strict=True)]


def _objects(rows: list[list[str]]) -> np.ndarray:
    """A 1-d object array holding the lists themselves (numpy would otherwise nest them)."""
    return np.fromiter(rows, dtype=object, count=len(rows))


def _rule_reasons(a: _Applicant, c: _Catalogue, broken: dict[str, np.ndarray]) -> list[np.ndarray]:
    if a.visa == "j1":
        visa = f"{MINUS} Does not sponsor J-1"
    elif a.visa == "h1b" and a.step3 is None:
        visa = f"{MINUS} H-1B needs Step 3 passed, and you have no Step 3 score"
    elif a.visa == "h1b" and not a.step3_passed:
        visa = f"{MINUS} H-1B needs Step 3 passed"
    elif a.visa == "h1b":
        visa = f"{MINUS} Does not sponsor H-1B"
    elif a.step3_passed:
        visa = f"{MINUS} Sponsors neither J-1 nor H-1B"
    else:
        visa = f"{MINUS} Does not sponsor J-1, and H-1B needs Step 3 passed"
    step2 = "" if a.step2 is None else _number(a.step2)
    return [
        _where(broken["visa"], visa),
        _format_each(
            c.step2_min, broken["step2_min"], f"{MINUS} Step 2 CK {step2} is below the minimum {{}}"
        ),
        _format_each(
            c.yog_window,
            broken["yog_window"],
            f"{MINUS} Graduated {_counted(a.years, 'year')} ago; the limit is {{}} year{{s}}",
        ),
        _where(broken["attempts"], f"{MINUS} Does not accept a failed USMLE attempt"),
        _format_each(
            c.usce_min,
            broken["usce"],
            f"{MINUS} Requires {{}} month{{s}} of hands-on US clinical experience; "
            f"you have {_counted(a.usce_hands_on, 'month')}",
        ),
        _format_each(c.state, broken["excluded_state"], f"{MINUS} In a state you excluded ({{}})"),
        _where(broken["archived"], f"{MINUS} Archived: no longer in the catalogue"),
    ]


# A position that is not the usual categorical one: what applying to it takes, to check.
ADVANCED_REASON = "? Advanced position: starts in PGY-2, so you also need a preliminary year"
CHILD_REASON = "? Child neurology: a separate specialty that starts with pediatrics training"


def _program_reasons(
    a: _Applicant, c: _Catalogue, t: _ProgramTerms, p: ScoringParameters
) -> list[np.ndarray]:
    """Reasons that differ between programs, as object columns (None where absent).

    Reasons that exclude each other share a column, so rows are assembled from few columns.
    """
    cols: list[np.ndarray] = []
    unknown_visa = {
        "j1": "? J-1 sponsorship unknown — verify",
        "h1b": "? H-1B sponsorship unknown — verify",
        "any": "? Visa sponsorship unknown — verify",
    }.get(a.visa)
    if unknown_visa:
        visa = _where(t.sponsorship_unknown, unknown_visa)
        if a.visa in ("j1", "any"):
            _where(c.j1 == 1.0, "+ Sponsors J-1", out=visa)
        cols.append(visa)
        if a.visa in ("h1b", "any") and a.step3_passed:
            cols.append(_where(c.h1b == 1.0, "+ Sponsors H-1B"))

    has_min = ~np.isnan(c.step2_min)
    missed = t.below_preferred
    if a.step2 is not None:
        score = _number(a.step2)
        column = _format_each(c.step2_min, has_min, f"+ Step 2 CK {score} meets the minimum {{}}")
        met = has_min & c.preferred["step2_min"] & ~missed["step2_min"]
        _format_each(c.step2_min, met, f"+ Step 2 CK {score} meets the preferred {{}}", out=column)
        template = f"{MINUS} Step 2 CK {score} is below the preferred {{}}"
        cols.append(_format_each(c.step2_min, missed["step2_min"], template, out=column))
    else:
        cols.append(_format_each(c.step2_min, has_min, "? Step 2 CK minimum {}: no score yet"))

    tier = _where(c.tier == 1, f"{MINUS} Highly competitive academic program (tier 1)")
    _where(c.tier == 4, "+ Community-oriented program (tier 4)", out=tier)
    cols.append(_where(np.isnan(c.tier), "? Competitiveness tier unknown", out=tier))

    img = np.rint(c.img)
    column = _format_each(img, t.img_high, "+ IMG-friendly: {} % of residents are IMGs")
    _format_each(img, t.img_low, f"{MINUS} Few IMGs: {{}} % of residents", out=column)
    cols.append(_where(t.img_unknown, "? IMG share of residents unknown — verify", out=column))

    if a.years > p.yog_unknown_after:
        column = _where(np.isinf(c.yog_window), "+ No graduation-year limit")
        cols.append(_where(t.yog_unknown, "? Graduation-year limit unknown — verify", out=column))
    template = (
        f"{MINUS} Graduated {_counted(a.years, 'year')} ago; the program prefers within "
        "{} year{s}"
    )
    cols.append(_format_each(c.yog_window, missed["yog_window"], template))
    if a.failed:
        column = _where(t.attempts_yes, "+ Accepts applicants with a failed attempt")
        cols.append(
            _where(t.attempts_unknown, "? Policy on failed attempts unknown — verify", out=column)
        )
    column = _format_each(
        c.usce_min, c.usce_min > 0, "+ Meets the US clinical experience requirement ({} month{s})"
    )
    met = (c.usce_min > 0) & c.preferred["usce"] & ~missed["usce"]
    template = "+ Has the US clinical experience the program prefers ({} month{s})"
    _format_each(c.usce_min, met, template, out=column)
    _where(t.usce_unknown, "? US clinical experience requirement unknown — verify", out=column)
    template = (
        f"{MINUS} Prefers {{}} month{{s}} of hands-on US clinical experience; "
        f"you have {_counted(a.usce_hands_on, 'month')}"
    )
    cols.append(_format_each(c.usce_min, missed["usce"], template, out=column))
    cols.append(_where(c.stale, "? Not verified for over a year — verify"))
    column = _where(c.track == "advanced", ADVANCED_REASON)
    cols.append(_where(c.track == "child", CHILD_REASON, out=column))
    column = _format_each(c.state, t.in_state, "+ In your preferred state ({})")
    cols.append(_format_each(c.region, t.in_region, "+ In your preferred region ({})", out=column))
    return cols


def _applicant_reasons(a: _Applicant, p: ScoringParameters) -> list[str]:
    """Reasons that are the same for every eligible program."""
    reasons = []
    if a.step2 is None:
        reasons.append(
            f"{MINUS} Step 2 CK not taken yet: most programs use it to choose whom to interview"
        )
    elif a.step2 >= p.step2_reference:
        reasons.append(
            f"+ Step 2 CK {_number(a.step2)} is at or above the {_number(p.step2_reference)} "
            "average of IMGs who matched"
        )
    elif a.step2 < p.step2_reference - 5:
        reasons.append(
            f"{MINUS} Step 2 CK {_number(a.step2)} is below the {_number(p.step2_reference)} "
            "average of IMGs who matched"
        )
    if a.failed:
        reasons.append(f"{MINUS} A failed USMLE attempt lowers the odds")
    if a.years > p.yog_free_years:
        reasons.append(f"{MINUS} Graduated {_counted(a.years, 'year')} ago")
    if a.usce >= p.usce_typical_requirement:
        reasons.append(f"+ {_usce_counted(a, p)}")
    elif a.usce == 0:
        reasons.append(f"{MINUS} No US clinical experience")
    if a.publications or a.presentations:
        done = [(a.publications, "publication"), (a.presentations, "presentation")]
        reasons.append(
            "+ Neurology research: "
            + ", ".join(_counted(count, unit) for count, unit in done if count)
        )
    if a.letters:
        reasons.append(f"+ {a.letters} US neurology letter{'s' if a.letters > 1 else ''}")
    else:
        reasons.append(f"{MINUS} No US neurology letters")
    if a.step3 is not None and a.step3 >= p.step3_strong_at:
        reasons.append(f"+ Step 3 {_number(a.step3)} strengthens the application")
    return reasons


def _months(value: float) -> str:
    return f"{_number(value)} month{'' if value == 1 else 's'}"


def _usce_counted(a: _Applicant, p: ScoringParameters) -> str:
    """The US clinical experience the estimate counts, saying what observership adds: the
    months entered, never the weighted total as if it had been entered."""
    counted = a.usce - a.usce_hands_on
    observed = counted / p.observership_weight if p.observership_weight else 0.0
    if not observed:
        return f"{_months(a.usce_hands_on)} of hands-on US clinical experience"
    observership = f"observership (counted as {_number(counted)})"
    if not a.usce_hands_on:
        return f"{_months(observed)} of US {observership}"
    return (
        f"{_months(a.usce_hands_on)} of hands-on US clinical experience "
        f"+ {_number(observed)} of {observership}"
    )


def _breaks_any(broken: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    ineligible = np.zeros(n, dtype=bool)
    for mask in broken.values():
        ineligible |= mask
    return ineligible


def interview_probability(logit: np.ndarray, params: ScoringParameters) -> np.ndarray:
    """The logistic of the log-odds, kept within [p_floor, p_ceiling]."""
    return np.clip(1.0 / (1.0 + np.exp(-logit)), params.p_floor, params.p_ceiling)


def design_matrix(
    profile: Mapping[str, Any],
    programs: pd.DataFrame,
    *,
    as_of_year: int,
    params: ScoringParameters = DEFAULT_PARAMETERS,
) -> np.ndarray:
    """One row per program, one column per weight (`WEIGHT_NAMES`): log-odds = X @ weights."""
    c = _Catalogue.read(programs)
    a = _Applicant.read(profile, as_of_year, params)
    return _design_matrix(a, c, _program_terms(a, c, params), params)


# The keys of the profile JSON (README, "Profile JSON"), in its order.
PROFILE_KEYS: tuple[str, ...] = (
    "visa",
    "graduation_year",
    "step1_attempts",
    "step1_score",
    "step2_score",
    "step2_attempts",
    "step3_score",
    "usce_months",
    "observership_months",
    "neuro_publications",
    "neuro_presentations",
    "us_neuro_letters",
    "preferred_states",
    "preferred_regions",
    "excluded_states",
    "list_size",
)
# The profile keys an application records (README, "Outcomes"), in the profile's
# order: all but the Step 1 score and the list's own settings. What `application_design`
# reads per row, besides `as_of_year`.
APPLICATION_FACTS: tuple[str, ...] = tuple(
    key for key in PROFILE_KEYS if key not in ("step1_score", "excluded_states", "list_size")
)


def application_design(
    applications: pd.DataFrame,
    programs: pd.DataFrame,
    *,
    params: ScoringParameters = DEFAULT_PARAMETERS,
) -> tuple[np.ndarray, np.ndarray]:
    """The design matrix of applications, and which of them break no hard rule.

    `applications` has one row per application: the `APPLICATION_FACTS` (a missing score as
    NaN, lists as lists) and `as_of_year`; `programs` is the `to_frame()` frame
    aligned with it row by row (the program each application went to).
    """
    c = _Catalogue.read(programs)
    a = _Applicant.rows(applications, params)
    eligible = ~_breaks_any(_hard_rules(a, c), len(c.state))
    return _design_matrix(a, c, _program_terms(a, c, params), params), eligible


def score_programs(
    profile: Mapping[str, Any],
    programs: pd.DataFrame,
    *,
    as_of_year: int,
    params: ScoringParameters = DEFAULT_PARAMETERS,
) -> pd.DataFrame:
    """Score every program for one applicant.

    `profile` is the profile JSON dict, `programs` the `to_frame()` DataFrame and
    `as_of_year` the application year (years since graduation = as_of_year − graduation_year).
    Returns a DataFrame on the index of `programs` with the columns `eligible` (bool),
    `broken_rules` (list of `RULES` codes, [] when eligible), `probability` (0–1, 0.0 when
    ineligible), `fit_score` (int 0–100), `band` (reach/target/safety/ineligible), `reasons`
    (signed phrases starting with "+ ", "− " or "? "; for an ineligible program the broken
    rules only), plus `logit` (the log-odds after clipping, −inf when ineligible),
    `state_code` (the program's state) and `preferred_geo` (in a preferred state or region).
    """
    p = params
    c = _Catalogue.read(programs)
    a = _Applicant.read(profile, as_of_year, p)
    n = len(c.state)

    broken = _hard_rules(a, c)
    ineligible = _breaks_any(broken, n)
    eligible = ~ineligible

    terms = _program_terms(a, c, p)
    logit = log_odds(_design_matrix(a, c, terms, p), weight_vector(p))
    probability = interview_probability(logit, p)
    probability[ineligible] = 0.0
    clipped_logit = np.full(n, -np.inf)
    clipped_logit[eligible] = np.log(probability[eligible] / (1.0 - probability[eligible]))
    fit = (clipped_logit - p.fit_zero_logit) / (p.fit_full_logit - p.fit_zero_logit) * 100.0
    fit_score = np.clip(np.rint(np.where(eligible, fit, 0.0)), 0, 100).astype(int)
    band = np.where(
        probability >= p.safety_at,
        "safety",
        np.where(probability >= p.reach_below, "target", "reach"),
    ).astype(object)
    band[ineligible] = "ineligible"

    ok_rows = np.flatnonzero(eligible)
    bad_rows = np.flatnonzero(ineligible)
    reasons = np.empty(n, dtype=object)
    broken_rules = np.empty(n, dtype=object)
    rule_codes = [_where(mask, code) for code, mask in broken.items()]
    ok_reasons = _rows(_program_reasons(a, c, terms, p), ok_rows, _applicant_reasons(a, p))
    reasons[ok_rows] = _objects(ok_reasons)
    reasons[bad_rows] = _objects(_rows(_rule_reasons(a, c, broken), bad_rows, []))
    broken_rules[ok_rows] = _objects([[] for _ in range(len(ok_rows))])
    broken_rules[bad_rows] = _objects(_rows(rule_codes, bad_rows, []))

    return pd.DataFrame(
        {
            "eligible": eligible,
            "broken_rules": broken_rules,
            "probability": probability,
            "fit_score": fit_score,
            "band": band,
            "reasons": reasons,
            "logit": clipped_logit,
            "state_code": c.state,
            "preferred_geo": terms.in_state | terms.in_region,
        },
        index=programs.index,
    )
