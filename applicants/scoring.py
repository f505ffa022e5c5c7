"""Score every program for one applicant: eligible or not, interview probability, band, reasons.

Pure: plain data and pandas in, a DataFrame out; no ORM, no request, no settings. The input
frame is the `Program.objects.to_frame()` contract (see `programs/models.py`), the profile is
the DESIGN.md profile JSON as a dict. The computation is vectorised over the programs; only
the reason lists are assembled per row, from precomputed strings.

Every weight and cut-off lives in `ScoringParameters`. They are judgement, informed by the
reference figures in DESIGN.md, until outcome data exist to fit them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

BANDS: tuple[str, ...] = ("reach", "target", "safety", "ineligible")
# One wording for the UI wherever an estimate is shown.
ESTIMATE_NOTE = (
    "Estimates, not predictions: the weights are judgement informed by published figures "
    "until outcome data exist."
)
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

    # Bands from p: reach below `reach_below`, safety from `safety_at`, target in between.
    reach_below: float = 0.05
    safety_at: float = 0.20

    # Fit score: log-odds mapped linearly to 0–100 between these (p ≈ 0.25 % → 0, 50 % → 100).
    fit_zero_logit: float = -6.0
    fit_full_logit: float = 0.0


DEFAULT_PARAMETERS = ScoringParameters()


def years_since_graduation(profile: Mapping[str, Any], as_of_year: int) -> int:
    """Whole years between graduation and the application year (0 if not yet graduated)."""
    return max(0, int(as_of_year) - int(profile["graduation_year"]))


def failed_attempts(profile: Mapping[str, Any]) -> int:
    """Number of failed USMLE Step 1 / Step 2 CK attempts (attempts beyond the first)."""
    return max(0, int(profile["step1_attempts"]) - 1) + max(0, int(profile["step2_attempts"]) - 1)


def effective_usce_months(profile: Mapping[str, Any], params: ScoringParameters) -> float:
    """Hands-on USCE months plus observership months at `observership_weight`."""
    return float(profile["usce_months"]) + params.observership_weight * float(
        profile["observership_months"]
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
        )


@dataclass(frozen=True)
class _Applicant:
    """The profile facts the scorer uses, derived once."""

    visa: str
    years: int
    failed: int
    usce: float  # hands-on months plus observership at its weight (for the probability)
    usce_hands_on: float  # what a program's USCE minimum is checked against
    step2: float | None
    step3: float | None
    step3_passed: bool
    publications: int
    presentations: int
    letters: int
    preferred_states: list[str]
    preferred_regions: list[str]
    excluded_states: list[str]

    @classmethod
    def read(
        cls, profile: Mapping[str, Any], as_of_year: int, params: ScoringParameters
    ) -> _Applicant:
        step2 = profile.get("step2_score")
        step3 = profile.get("step3_score")
        return cls(
            visa=str(profile["visa"]),
            years=years_since_graduation(profile, as_of_year),
            failed=failed_attempts(profile),
            usce=effective_usce_months(profile, params),
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


def _below_cutoffs(a: _Applicant, c: _Catalogue) -> dict[str, np.ndarray]:
    """Rule code → programs whose cut-off the applicant misses, required or preferred."""
    return {
        "step2_min": np.zeros(len(c.state), dtype=bool)
        if a.step2 is None
        else a.step2 < c.step2_min,
        "yog_window": a.years > c.yog_window,
        "usce": a.usce_hands_on < c.usce_min,
    }


def _hard_rules(a: _Applicant, c: _Catalogue) -> dict[str, np.ndarray]:
    """Rule code → mask of programs breaking it. NaN (unknown) never breaks a rule, nor does a
    cut-off the program only prefers."""
    n = len(c.state)
    none = np.zeros(n, dtype=bool)
    j1_open = c.j1 != 0.0  # NaN != 0.0 is True: unknown keeps the route open
    h1b_open = (c.h1b != 0.0) & a.step3_passed
    visa = {"j1": ~j1_open, "h1b": ~h1b_open, "any": ~(j1_open | h1b_open)}.get(a.visa, none)
    below = {code: missed & ~c.preferred[code] for code, missed in _below_cutoffs(a, c).items()}
    return {
        "visa": visa,
        "step2_min": below["step2_min"],
        "yog_window": below["yog_window"],
        "attempts": (c.attempts_ok == 0.0) if a.failed else none,
        "usce": below["usce"],
        "excluded_state": np.isin(c.state, a.excluded_states),
        "archived": ~c.active,
    }


def _applicant_log_odds(a: _Applicant, p: ScoringParameters) -> float:
    """The terms that depend only on the applicant (the same for every program)."""
    total = 0.0
    if a.step2 is None:
        total += p.step2_not_taken
    else:
        gap = a.step2 - p.step2_reference
        total += p.step2_per_point * min(
            max(gap, -p.step2_reference_floor), p.step2_reference_ceiling
        )
    total += {"j1": p.visa_j1_need, "h1b": p.visa_h1b_need, "any": p.visa_any_need}.get(a.visa, 0.0)
    total += p.yog_per_year * max(0.0, a.years - p.yog_free_years)
    total += p.usce_per_month * min(a.usce, p.usce_full_months)
    total += p.usce_tail_per_month * min(
        max(a.usce - p.usce_full_months, 0.0), p.usce_cap_months - p.usce_full_months
    )
    total += p.publication * min(a.publications, p.publication_cap)
    total += p.presentation * min(a.presentations, p.presentation_cap)
    total += p.letter * min(a.letters, p.letter_cap)
    if a.step3 is not None and a.step3 >= p.step3_strong_at:
        total += p.step3_strong
    return total


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
    n = len(c.state)
    j1_yes = c.j1 == 1.0
    h1b_yes = (c.h1b == 1.0) & a.step3_passed
    sponsorship_unknown = {
        "j1": ~j1_yes,
        "h1b": ~h1b_yes,
        "any": ~(j1_yes | h1b_yes),
    }.get(a.visa, np.zeros(n, dtype=bool))
    in_state = np.isin(c.state, a.preferred_states)
    return _ProgramTerms(
        img_high=c.img >= p.img_high_at,
        img_low=c.img <= p.img_low_at,
        img_unknown=np.isnan(c.img),
        sponsorship_unknown=sponsorship_unknown,
        attempts_yes=c.attempts_ok == 1.0,
        attempts_unknown=np.isnan(c.attempts_ok),
        yog_unknown=np.isnan(c.yog_window) & (a.years > p.yog_unknown_after),
        usce_unknown=np.isnan(c.usce_min) & (a.usce < p.usce_typical_requirement),
        in_state=in_state,
        in_region=np.isin(c.region, a.preferred_regions) & ~in_state,
        below_preferred={
            code: missed & c.preferred[code] for code, missed in _below_cutoffs(a, c).items()
        },
    )


def _log_odds(a: _Applicant, c: _Catalogue, t: _ProgramTerms, p: ScoringParameters) -> np.ndarray:
    logit = np.full(len(c.state), p.tier_unknown_logit)
    for number, value in enumerate(p.tier_logit, start=1):
        logit[c.tier == number] = value
    logit += _applicant_log_odds(a, p)
    if a.step2 is not None:
        margin = np.clip(a.step2 - c.step2_min, 0.0, p.step2_margin_cap)
        logit += p.step2_margin_per_point * np.nan_to_num(margin, nan=0.0)
    logit += p.img_high * t.img_high + p.img_low * t.img_low + p.img_unknown * t.img_unknown
    logit += p.sponsorship_unknown * t.sponsorship_unknown
    if a.failed:
        per_attempt = np.where(t.attempts_yes, p.failed_attempt_accepted, p.failed_attempt)
        logit += a.failed * per_attempt + p.attempts_policy_unknown * t.attempts_unknown
    logit += p.yog_unknown * t.yog_unknown + p.usce_unknown * t.usce_unknown
    logit += p.preferred_state * t.in_state + p.preferred_region * t.in_region
    logit += p.preferred_cutoff_missed * sum(t.below_preferred.values())
    return logit


def _number(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _format_each(
    values: np.ndarray, mask: np.ndarray, template: str, out: np.ndarray | None = None
) -> np.ndarray:
    """An object array: `template` formatted with the value where mask, else None (or `out`).

    Formats each distinct value once, so it stays fast on large catalogues.
    """
    if out is None:
        out = np.full(len(values), None, dtype=object)
    if mask.any():
        distinct, inverse = np.unique(values[mask], return_inverse=True)
        texts = np.array([template.format(_number(v)) for v in distinct], dtype=object)
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
            f"{MINUS} Graduated {a.years} years ago; the limit is {{}} years",
        ),
        _where(broken["attempts"], f"{MINUS} Does not accept a failed USMLE attempt"),
        _format_each(
            c.usce_min,
            broken["usce"],
            f"{MINUS} Requires {{}} months of hands-on US clinical experience; "
            f"you have {_number(a.usce_hands_on)}",
        ),
        _format_each(c.state, broken["excluded_state"], f"{MINUS} In a state you excluded ({{}})"),
        _where(broken["archived"], f"{MINUS} Archived: no longer in the catalogue"),
    ]


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
    template = f"{MINUS} Graduated {a.years} years ago; the program prefers within {{}} years"
    cols.append(_format_each(c.yog_window, missed["yog_window"], template))
    if a.failed:
        column = _where(t.attempts_yes, "+ Accepts applicants with a failed attempt")
        cols.append(
            _where(t.attempts_unknown, "? Policy on failed attempts unknown — verify", out=column)
        )
    column = _format_each(
        c.usce_min, c.usce_min > 0, "+ Meets the US clinical experience requirement ({} months)"
    )
    _where(t.usce_unknown, "? US clinical experience requirement unknown — verify", out=column)
    template = (
        f"{MINUS} Prefers {{}} months of hands-on US clinical experience; "
        f"you have {_number(a.usce_hands_on)}"
    )
    cols.append(_format_each(c.usce_min, missed["usce"], template, out=column))
    cols.append(_where(c.stale, "? Not verified for over a year — verify"))
    column = _format_each(c.state, t.in_state, "+ In your preferred state ({})")
    cols.append(_format_each(c.region, t.in_region, "+ In your preferred region ({})", out=column))
    return cols


def _applicant_reasons(a: _Applicant, p: ScoringParameters) -> list[str]:
    """Reasons that are the same for every eligible program."""
    reasons = []
    if a.step2 is None:
        reasons.append(f"{MINUS} Step 2 CK not taken yet: most programs screen on it")
    elif a.step2 >= p.step2_reference:
        reasons.append(
            f"+ Step 2 CK {_number(a.step2)} is at or above the matched-IMG mean "
            f"{_number(p.step2_reference)}"
        )
    elif a.step2 < p.step2_reference - 5:
        reasons.append(
            f"{MINUS} Step 2 CK {_number(a.step2)} is below the matched-IMG mean "
            f"{_number(p.step2_reference)}"
        )
    if a.failed:
        reasons.append(f"{MINUS} A failed USMLE attempt lowers the odds")
    if a.years > p.yog_free_years:
        reasons.append(f"{MINUS} Graduated {a.years} years ago")
    if a.usce >= p.usce_typical_requirement:
        reasons.append(f"+ {_number(a.usce)} months of US clinical experience (counted)")
    elif a.usce == 0:
        reasons.append(f"{MINUS} No US clinical experience")
    if a.publications or a.presentations:
        reasons.append(
            f"+ Neurology research: {a.publications} publications, {a.presentations} presentations"
        )
    if a.letters:
        reasons.append(f"+ {a.letters} US neurology letter{'s' if a.letters > 1 else ''}")
    else:
        reasons.append(f"{MINUS} No US neurology letters")
    if a.step3 is not None and a.step3 >= p.step3_strong_at:
        reasons.append(f"+ Step 3 {_number(a.step3)} strengthens the application")
    return reasons


def score_programs(
    profile: Mapping[str, Any],
    programs: pd.DataFrame,
    *,
    as_of_year: int,
    params: ScoringParameters = DEFAULT_PARAMETERS,
) -> pd.DataFrame:
    """Score every program for one applicant.

    `profile` is the DESIGN.md profile dict, `programs` the `to_frame()` DataFrame and
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
    ineligible = np.zeros(n, dtype=bool)
    for mask in broken.values():
        ineligible |= mask
    eligible = ~ineligible

    terms = _program_terms(a, c, p)
    logit = _log_odds(a, c, terms, p)
    probability = np.clip(1.0 / (1.0 + np.exp(-logit)), p.p_floor, p.p_ceiling)
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
