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
    step2_per_point: float = 0.045
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
    failed_attempt: float = -0.8
    failed_attempt_accepted: float = -0.3
    attempts_policy_unknown: float = -0.3

    # Years since graduation beyond `yog_free_years` lower the odds per year.
    yog_free_years: float = 5.0
    yog_per_year: float = -0.15
    # A graduation-year limit that is unknown matters once you are this many years out.
    yog_unknown_after: float = 3.0
    yog_unknown: float = -0.25

    # US clinical experience in months; observership months count at this weight, in the
    # probability and towards a program's USCE minimum.
    observership_weight: float = 0.5
    usce_per_month: float = 0.2
    usce_full_months: float = 6.0
    usce_tail_per_month: float = 0.05
    usce_cap_months: float = 12.0
    # An unknown USCE requirement matters when you have less than this.
    usce_typical_requirement: float = 3.0
    usce_unknown: float = -0.25

    # Neurology research and US neurology letters, each capped.
    publication: float = 0.08
    publication_cap: float = 10.0
    presentation: float = 0.03
    presentation_cap: float = 15.0
    letter: float = 0.3
    letter_cap: float = 3.0

    # Step 3: passed at `step3_pass` (opens the H-1B route), a bonus when strong.
    step3_pass: float = 198.0
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


def _number(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _format_each(values: np.ndarray, mask: np.ndarray, template: str) -> np.ndarray:
    """An object array: `template` formatted with the value where mask, else None.

    Formats each distinct value once, so it stays fast on large catalogues.
    """
    out = np.full(len(values), None, dtype=object)
    if mask.any():
        chosen = values[mask]
        distinct, inverse = np.unique(chosen, return_inverse=True)
        texts = np.array([template.format(_number(v)) for v in distinct], dtype=object)
        out[mask] = texts[inverse.ravel()]
    return out


def _constant(mask: np.ndarray, text: str) -> np.ndarray:
    out = np.full(len(mask), None, dtype=object)
    out[mask] = text
    return out


def _rows(columns: list[np.ndarray], n: int) -> list[list[str]]:
    if not columns:
        return [[] for _ in range(n)]
    lists = [column.tolist() for column in columns]
    return [[text for text in row if text is not None] for row in zip(*lists, strict=True)]


def score_programs(
    profile: Mapping[str, Any],
    programs: pd.DataFrame,
    *,
    as_of_year: int,
    params: ScoringParameters = DEFAULT_PARAMETERS,
) -> pd.DataFrame:
    """Score every program for one applicant.

    Returns a DataFrame with the index of `programs` and the columns `eligible` (bool),
    `broken_rules` (list of `RULES` codes), `probability` (0–1, 0.0 when ineligible),
    `fit_score` (int 0–100), `band` (reach/target/safety/ineligible), `reasons` (signed
    phrases starting with "+ ", "− " or "? "), plus `logit` (the log-odds, −inf when
    ineligible), `state_code` (the program's state) and `preferred_geo` (in a preferred state
    or region). `as_of_year` is the application year.
    """
    p = params
    n = len(programs)
    state = programs["state"].to_numpy(dtype=object)
    region = (
        programs["region"].to_numpy(dtype=object)
        if "region" in programs
        else np.full(n, "", dtype=object)
    )
    tier = programs["tier"].to_numpy(dtype=float)
    img = programs["img_pct"].to_numpy(dtype=float)
    step2_min = programs["step2_min"].to_numpy(dtype=float)
    usce_min = programs["usce_min_months"].to_numpy(dtype=float)
    j1 = programs["visa_j1"].to_numpy(dtype=float)
    h1b = programs["visa_h1b"].to_numpy(dtype=float)
    attempts_ok = programs["multiple_attempts_ok"].to_numpy(dtype=float)
    yog_window = programs["yog_window"].to_numpy(dtype=float)
    active = programs["active"].to_numpy(dtype=bool)

    visa = profile["visa"]
    years = years_since_graduation(profile, as_of_year)
    failed = failed_attempts(profile)
    usce = effective_usce_months(profile, p)
    step2 = profile.get("step2_score")
    step3 = profile.get("step3_score")
    step3_passed = step3 is not None and step3 >= p.step3_pass

    # ---- hard rules --------------------------------------------------------------------
    j1_open = j1 != 0.0  # NaN != 0 is True: unknown never closes a route
    h1b_open = (h1b != 0.0) & step3_passed
    if visa == "j1":
        visa_broken = ~j1_open
    elif visa == "h1b":
        visa_broken = ~h1b_open
    elif visa == "any":
        visa_broken = ~(j1_open | h1b_open)
    else:
        visa_broken = np.zeros(n, dtype=bool)
    step2_broken = (
        step2 < step2_min if step2 is not None else np.zeros(n, dtype=bool)
    )  # NaN minimum compares False
    yog_broken = years > yog_window
    attempts_broken = (attempts_ok == 0.0) if failed else np.zeros(n, dtype=bool)
    usce_broken = usce < usce_min
    excluded_broken = np.isin(state, list(profile.get("excluded_states") or []))
    archived_broken = ~active
    broken = {
        "visa": visa_broken,
        "step2_min": step2_broken,
        "yog_window": yog_broken,
        "attempts": attempts_broken,
        "usce": usce_broken,
        "excluded_state": excluded_broken,
        "archived": archived_broken,
    }
    ineligible = np.zeros(n, dtype=bool)
    for mask in broken.values():
        ineligible |= mask
    eligible = ~ineligible

    # ---- log-odds ----------------------------------------------------------------------
    logit = np.full(n, p.tier_unknown_logit)
    for number, value in enumerate(p.tier_logit, start=1):
        logit[tier == number] = value

    constant = 0.0
    if step2 is not None:
        gap = min(
            max(step2 - p.step2_reference, -p.step2_reference_floor), p.step2_reference_ceiling
        )
        constant += p.step2_per_point * gap
        margin = np.clip(step2 - step2_min, 0.0, p.step2_margin_cap)
        logit += p.step2_margin_per_point * np.nan_to_num(margin, nan=0.0)
    else:
        constant += p.step2_not_taken

    img_high = img >= p.img_high_at
    img_low = img <= p.img_low_at
    img_unknown = np.isnan(img)
    logit += np.where(img_high, p.img_high, 0.0) + np.where(img_low, p.img_low, 0.0)
    logit += np.where(img_unknown, p.img_unknown, 0.0)

    j1_yes = j1 == 1.0
    h1b_yes = (h1b == 1.0) & step3_passed
    if visa == "j1":
        constant += p.visa_j1_need
        sponsorship_unknown = ~j1_yes
    elif visa == "h1b":
        constant += p.visa_h1b_need
        sponsorship_unknown = ~h1b_yes
    elif visa == "any":
        constant += p.visa_any_need
        sponsorship_unknown = ~(j1_yes | h1b_yes)
    else:
        sponsorship_unknown = np.zeros(n, dtype=bool)
    logit += np.where(sponsorship_unknown, p.sponsorship_unknown, 0.0)

    attempts_yes = attempts_ok == 1.0
    attempts_unknown = np.isnan(attempts_ok)
    if failed:
        logit += failed * np.where(attempts_yes, p.failed_attempt_accepted, p.failed_attempt)
        logit += np.where(attempts_unknown, p.attempts_policy_unknown, 0.0)

    constant += p.yog_per_year * max(0.0, years - p.yog_free_years)
    yog_unknown = np.isnan(yog_window) & (years > p.yog_unknown_after)
    logit += np.where(yog_unknown, p.yog_unknown, 0.0)

    constant += p.usce_per_month * min(usce, p.usce_full_months)
    constant += p.usce_tail_per_month * min(
        max(usce - p.usce_full_months, 0.0), p.usce_cap_months - p.usce_full_months
    )
    usce_unknown = np.isnan(usce_min) & (usce < p.usce_typical_requirement)
    logit += np.where(usce_unknown, p.usce_unknown, 0.0)

    publications = int(profile["neuro_publications"])
    presentations = int(profile["neuro_presentations"])
    letters = int(profile["us_neuro_letters"])
    constant += p.publication * min(publications, p.publication_cap)
    constant += p.presentation * min(presentations, p.presentation_cap)
    constant += p.letter * min(letters, p.letter_cap)
    step3_strong = step3 is not None and step3 >= p.step3_strong_at
    if step3_strong:
        constant += p.step3_strong

    in_state = np.isin(state, list(profile.get("preferred_states") or []))
    in_region = np.isin(region, list(profile.get("preferred_regions") or [])) & ~in_state
    logit += np.where(in_state, p.preferred_state, 0.0) + np.where(
        in_region, p.preferred_region, 0.0
    )
    logit += constant

    probability = 1.0 / (1.0 + np.exp(-logit))
    probability = np.clip(probability, p.p_floor, p.p_ceiling)
    probability = np.where(eligible, probability, 0.0)
    clipped_logit = np.log(
        probability / (1.0 - probability), where=eligible, out=np.full(n, -np.inf)
    )
    fit = (clipped_logit - p.fit_zero_logit) / (p.fit_full_logit - p.fit_zero_logit) * 100.0
    fit_score = np.clip(np.rint(np.where(eligible, fit, 0.0)), 0, 100).astype(int)
    band = np.where(
        probability >= p.safety_at,
        "safety",
        np.where(probability >= p.reach_below, "target", "reach"),
    ).astype(object)
    band[ineligible] = "ineligible"

    # ---- broken rules and reasons ------------------------------------------------------
    rule_columns = [_constant(mask, code) for code, mask in broken.items()]
    broken_rules = _rows(rule_columns, n)

    why_not = _rule_reasons(profile, broken, state, step2_min, yog_window, usce_min, years, usce)
    why = _eligible_reasons(
        profile,
        params=p,
        n=n,
        tier=tier,
        img=img,
        img_high=img_high,
        img_low=img_low,
        step2_min=step2_min,
        j1=j1,
        h1b=h1b,
        attempts_yes=attempts_yes,
        attempts_unknown=attempts_unknown,
        yog_window=yog_window,
        yog_unknown=yog_unknown,
        usce_min=usce_min,
        usce_unknown=usce_unknown,
        state=state,
        region=region,
        in_state=in_state,
        in_region=in_region,
        years=years,
        failed=failed,
        usce=usce,
        step3_passed=step3_passed,
        step3_strong=step3_strong,
    )
    reasons_ok = _rows(why, n)
    reasons_not = _rows(why_not, n)
    reasons = [
        not_ok if bad else ok
        for ok, not_ok, bad in zip(reasons_ok, reasons_not, ineligible.tolist(), strict=True)
    ]

    return pd.DataFrame(
        {
            "eligible": eligible,
            "broken_rules": broken_rules,
            "probability": probability.astype(float),
            "fit_score": fit_score,
            "band": band,
            "reasons": reasons,
            "logit": clipped_logit,
            "state_code": state,
            "preferred_geo": in_state | in_region,
        },
        index=programs.index,
    )


def _rule_reasons(
    profile: Mapping[str, Any],
    broken: dict[str, np.ndarray],
    state: np.ndarray,
    step2_min: np.ndarray,
    yog_window: np.ndarray,
    usce_min: np.ndarray,
    years: int,
    usce: float,
) -> list[np.ndarray]:
    n = len(state)
    visa = profile["visa"]
    step3 = profile.get("step3_score")
    if visa == "j1":
        visa_text = f"{MINUS} Does not sponsor J-1"
    elif visa == "h1b" and step3 is None:
        visa_text = f"{MINUS} H-1B needs Step 3 passed, and you have no Step 3 score"
    elif visa == "h1b":
        visa_text = f"{MINUS} Does not sponsor H-1B (or your Step 3 is not a pass)"
    else:
        visa_text = f"{MINUS} Sponsors neither J-1 nor an H-1B you can use"
    step2 = profile.get("step2_score")
    columns = [
        _constant(broken["visa"], visa_text),
        _format_each(
            step2_min,
            broken["step2_min"],
            f"{MINUS} Step 2 CK {step2} is below the minimum {{}}",
        ),
        _format_each(
            yog_window,
            broken["yog_window"],
            f"{MINUS} {years} years since graduation; the limit is {{}}",
        ),
        _constant(broken["attempts"], f"{MINUS} Does not accept a failed USMLE attempt"),
        _format_each(
            usce_min,
            broken["usce"],
            f"{MINUS} Requires {{}} months of US clinical experience; you have {_number(usce)}",
        ),
        _format_each(state, broken["excluded_state"], f"{MINUS} In a state you excluded ({{}})"),
        _constant(broken["archived"], f"{MINUS} Archived: no longer in the catalogue"),
    ]
    assert all(len(column) == n for column in columns)
    return columns


def _eligible_reasons(
    profile: Mapping[str, Any], *, params: ScoringParameters, n: int, **v: Any
) -> list[np.ndarray]:
    p = params
    visa = profile["visa"]
    step2 = profile.get("step2_score")
    step3 = profile.get("step3_score")
    cols: list[np.ndarray] = []

    def constant(text: str) -> np.ndarray:
        return np.full(n, text, dtype=object)

    j1, h1b = v["j1"], v["h1b"]
    if visa in ("j1", "any"):
        cols.append(_constant(j1 == 1.0, "+ Sponsors J-1"))
    if visa in ("h1b", "any") and v["step3_passed"]:
        cols.append(_constant(h1b == 1.0, "+ Sponsors H-1B"))
    if visa == "j1":
        cols.append(_constant(np.isnan(j1), "? J-1 sponsorship unknown — verify"))
    elif visa == "h1b":
        cols.append(_constant(np.isnan(h1b), "? H-1B sponsorship unknown — verify"))
    elif visa == "any":
        neither_yes = (j1 != 1.0) & ~((h1b == 1.0) & v["step3_passed"])
        cols.append(_constant(neither_yes, "? Visa sponsorship unknown — verify"))

    step2_min = v["step2_min"]
    if step2 is not None:
        cols.append(
            _format_each(
                step2_min, ~np.isnan(step2_min), f"+ Step 2 CK {step2} meets the minimum {{}}"
            )
        )
        if step2 >= p.step2_reference:
            cols.append(constant(f"+ Step 2 CK {step2} is at or above the matched-IMG mean 245"))
        elif step2 < p.step2_reference - 5:
            cols.append(constant(f"{MINUS} Step 2 CK {step2} is below the matched-IMG mean 245"))
    else:
        cols.append(constant(f"{MINUS} Step 2 CK not taken yet"))
        cols.append(
            _format_each(
                step2_min,
                ~np.isnan(step2_min),
                "? Step 2 CK minimum {} — your score is not in yet",
            )
        )

    tier = v["tier"]
    cols.append(_constant(tier == 1, f"{MINUS} Highly competitive academic program (tier 1)"))
    cols.append(_constant(tier == 4, "+ Community-oriented program (tier 4)"))
    cols.append(_constant(np.isnan(tier), "? Competitiveness unknown"))

    img = np.rint(v["img"])
    cols.append(_format_each(img, v["img_high"], "+ IMG-friendly: {} % of residents are IMGs"))
    cols.append(_format_each(img, v["img_low"], f"{MINUS} Few IMGs: {{}} % of residents"))
    cols.append(_constant(np.isnan(v["img"]), "? IMG share of residents unknown — verify"))

    years = v["years"]
    if years > p.yog_free_years:
        cols.append(constant(f"{MINUS} {years} years since graduation"))
    window = v["yog_window"]
    if years > p.yog_unknown_after:
        cols.append(_constant(np.isinf(window), "+ No graduation-year limit"))
        cols.append(_constant(v["yog_unknown"], "? Graduation-year limit unknown — verify"))

    if v["failed"]:
        cols.append(constant(f"{MINUS} A failed USMLE attempt lowers the odds"))
        cols.append(_constant(v["attempts_yes"], "+ Accepts applicants with a failed attempt"))
        cols.append(
            _constant(v["attempts_unknown"], "? Policy on failed attempts unknown — verify")
        )

    usce_min = v["usce_min"]
    cols.append(
        _format_each(
            usce_min,
            usce_min > 0,
            "+ Meets the US clinical experience requirement of {} months",
        )
    )
    cols.append(
        _constant(v["usce_unknown"], "? US clinical experience requirement unknown — verify")
    )
    usce = v["usce"]
    if usce >= p.usce_typical_requirement:
        cols.append(constant(f"+ {_number(usce)} months of US clinical experience (counted)"))
    elif usce == 0:
        cols.append(constant(f"{MINUS} No US clinical experience"))

    publications = int(profile["neuro_publications"])
    presentations = int(profile["neuro_presentations"])
    if publications or presentations:
        cols.append(
            constant(
                f"+ Neurology research: {publications} publications, {presentations} presentations"
            )
        )
    letters = int(profile["us_neuro_letters"])
    if letters:
        cols.append(constant(f"+ {letters} US neurology letter{'s' if letters > 1 else ''}"))
    else:
        cols.append(constant(f"{MINUS} No US neurology letters"))
    if v["step3_strong"]:
        cols.append(constant(f"+ Step 3 {step3} strengthens the application"))

    cols.append(_format_each(v["state"], v["in_state"], "+ In your preferred state ({})"))
    cols.append(_format_each(v["region"], v["in_region"], "+ In your preferred region ({})"))
    return cols
