"""Fit the scorer's weights and the interview → match conversion to outcomes, and check them.

Pure: numpy, pandas and scipy; no ORM. The model is the scorer's own logistic model as a design
matrix times weights (`scoring.application_design`). The fit is penalised maximum likelihood:
the log-likelihood of the invitations plus an L2 penalty on the distance from the judgement
weights, worth `PRIOR_STRENGTH` applications, so little data moves the weights little; bounds
keep each weight's sign (`scoring.WEIGHT_SIGNS`), so every monotonicity property holds for
every fitted version. The evaluation is on held-out applicants (a season, or a seeded share),
for the judgement weights and the fit alike. The same data always give the same result.

An applications frame has one row per application: `source`, `season`, `applicant` (an opaque
id, one person in one season), `program` (pk), the profile columns of the outcomes file (a missing
score as NaN, lists as lists) and `invited`, `interviewed`, `matched` as 1.0 / 0.0 / NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from applicants.listbuilder import DEFAULT_CONVERSION
from applicants.scoring import (
    APPLICATION_FACTS,
    DEFAULT_PARAMETERS,
    DOWN,
    UP,
    WEIGHT_NAMES,
    WEIGHT_SIGNS,
    ScoringParameters,
    application_design,
    interview_probability,
    log_odds,
    weight_vector,
)

# The judgement weights count as much as this many applications: with 200 applications a fit
# moves a tenth of the way towards what they say, with 20,000 nine tenths.
PRIOR_STRENGTH = 2_000.0
# The judged conversion q counts as much as this many interviews.
CONVERSION_PRIOR_INTERVIEWS = 200.0
HOLDOUT_SHARE = 0.2
HOLDOUT_SEED = 20_260_601
CALIBRATION_BINS = 10
# A weight within this share of its judged value is "as assumed" in the report.
SAME_WITHIN = 0.05

# The columns of an applications frame (see the module docstring).
APPLICATION_COLUMNS: tuple[str, ...] = (
    "source",
    "season",
    "applicant",
    "program",
    *APPLICATION_FACTS,
    "invited",
    "interviewed",
    "matched",
)

WEIGHT_LABELS: dict[str, str] = {
    "tier_1": "The baseline at tier 1 (top academic) programs",
    "tier_2": "The baseline at tier 2 programs",
    "tier_3": "The baseline at tier 3 programs",
    "tier_4": "The baseline at tier 4 (community-oriented) programs",
    "tier_unknown": "The baseline at programs of unknown tier",
    "step2_per_point": "Each Step 2 CK point above or below the matched-IMG mean",
    "step2_margin_per_point": "Each point of Step 2 CK above a program's minimum",
    "step2_not_taken": "Step 2 CK not taken yet",
    "img_high": "A program where half the residents or more are IMGs",
    "img_low": "A program where a tenth of the residents or fewer are IMGs",
    "img_unknown": "An unknown IMG share of residents",
    "visa_j1_need": "Needing a J-1",
    "visa_h1b_need": "Needing an H-1B",
    "visa_any_need": "Needing a visa, J-1 or H-1B",
    "sponsorship_unknown": "Visa sponsorship the program has not published",
    "failed_attempt": "A failed USMLE attempt",
    "failed_attempt_accepted": "A failed attempt where the program accepts one",
    "attempts_policy_unknown": "An unknown policy on failed attempts",
    "yog_per_year": "Each year since graduation beyond five",
    "yog_unknown": "An unknown graduation-year limit",
    "usce_per_month": "US clinical experience",
    "usce_tail_per_month": "US clinical experience beyond six months",
    "usce_unknown": "An unknown US clinical experience requirement",
    "preferred_cutoff_missed": "Each cut-off a program only prefers that the applicant misses",
    "publication": "A neurology publication",
    "presentation": "A neurology abstract or presentation",
    "letter": "A US neurology letter",
    "step3_strong": "A strong Step 3",
    "preferred_state": "A program in a preferred state",
    "preferred_region": "A program in a preferred region",
}


class FitError(ValueError):
    """The data cannot give a fit (none, or nothing left to train or test on)."""


# Metrics ----------------------------------------------------------------------------------


def brier_score(p: np.ndarray, y: np.ndarray) -> float:
    """Mean squared difference between the probability and what happened (lower is better)."""
    return float(np.mean((p - y) ** 2))


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Mean negative log-likelihood of what happened (lower is better)."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _bin_of(p: np.ndarray, bins: int) -> np.ndarray:
    return np.minimum((p * bins).astype(int), bins - 1)


def reliability(p: np.ndarray, y: np.ndarray, *, bins: int = CALIBRATION_BINS) -> list[dict]:
    """Per equal-width bin of probability that holds data: its bounds, count, mean predicted
    probability and observed rate (the points of a reliability diagram)."""
    which = _bin_of(p, bins)
    points = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            points.append(
                {
                    "lower": b / bins,
                    "upper": (b + 1) / bins,
                    "count": int(mask.sum()),
                    "predicted": float(p[mask].mean()),
                    "observed": float(y[mask].mean()),
                }
            )
    return points


def calibration_error(p: np.ndarray, y: np.ndarray, *, bins: int = CALIBRATION_BINS) -> float:
    """Expected calibration error: the count-weighted mean gap between predicted and observed
    in equal-width bins (0 is perfectly calibrated)."""
    total = len(p)
    return float(
        sum(point["count"] * abs(point["predicted"] - point["observed"])
            for point in reliability(p, y, bins=bins)) / total
    )  # fmt: skip


# The fit ----------------------------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _bounds(scale: np.ndarray) -> list[tuple[float | None, float | None]]:
    bounds: list[tuple[float | None, float | None]] = []
    for name, _ in zip(WEIGHT_NAMES, scale, strict=True):
        sign = WEIGHT_SIGNS[name]
        bounds.append((0.0, None) if sign == UP else (None, 0.0) if sign == DOWN else (None, None))
    return bounds


def fit_weights(
    X: np.ndarray, y: np.ndarray, prior: np.ndarray, *, strength: float = PRIOR_STRENGTH
) -> np.ndarray:
    """Penalised maximum likelihood of the logistic weights, shrunk toward `prior`.

    Penalty: ½ Σ λⱼ (wⱼ − priorⱼ)² with λⱼ = `strength` × the Fisher information one application
    carries about wⱼ at the prior (its mean p(1 − p)·xⱼ²): the prior counts as much as
    `strength` applications like these. Signs are kept by L-BFGS-B bounds; the search runs on
    features scaled to unit root mean square, starting from the prior.
    """
    n = len(y)
    p0 = _sigmoid(X @ prior)
    information = (p0 * (1 - p0)) @ (X**2) / max(n, 1)
    penalty = strength * np.maximum(information, 1e-9)
    scale = np.maximum(np.sqrt(np.mean(X**2, axis=0)), 1e-6)
    Xs = X / scale

    def objective(u: np.ndarray) -> tuple[float, np.ndarray]:
        w = u / scale
        z = Xs @ u
        gap = w - prior
        value = np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(penalty * gap**2)
        gradient = Xs.T @ (_sigmoid(z) - y) + penalty * gap / scale
        return float(value), gradient

    result = minimize(
        objective,
        prior * scale,
        jac=True,
        method="L-BFGS-B",
        bounds=_bounds(scale),
        options={"maxiter": 1_000, "ftol": 1e-10, "gtol": 1e-6},
    )
    return result.x / scale


def fit_conversion(
    interviews: np.ndarray,
    matched: np.ndarray,
    *,
    prior: float = DEFAULT_CONVERSION,
    strength: float = CONVERSION_PRIOR_INTERVIEWS,
) -> float:
    """The per-interview conversion q maximising the penalised likelihood of who matched.

    P(match | k interviews) = 1 − (1 − q)^k; the prior counts as `strength` interviews that
    each converted at `prior`. Applicants with no interview carry no information and are left
    out by the caller.
    """
    k = np.asarray(interviews, dtype=float)
    won = np.asarray(matched, dtype=bool)

    def objective(q: np.ndarray) -> float:
        miss = math.log1p(-q[0])
        matched_ll = np.sum(np.log(-np.expm1(k[won] * miss)))
        unmatched_ll = np.sum(k[~won]) * miss
        prior_ll = strength * (prior * math.log(q[0]) + (1 - prior) * miss)
        return -float(matched_ll + unmatched_ll + prior_ll)

    result = minimize(objective, [prior], method="L-BFGS-B", bounds=[(1e-4, 1 - 1e-4)])
    return float(result.x[0])


# Data -------------------------------------------------------------------------------------


PERSON = ["source", "season", "applicant"]


def holdout_mask(applications: pd.DataFrame, *, season: int | None = None) -> np.ndarray:
    """Rows held out for the evaluation: the given season, else a seeded 20 % of applicants.

    An applicant is one person in one season from one source; all their rows go together.
    """
    if season is not None:
        return applications["season"].to_numpy() == season
    people = applications.groupby(PERSON, sort=True).ngroup().to_numpy()
    total = int(people.max()) + 1 if len(people) else 0
    count = round(HOLDOUT_SHARE * total)
    if total >= 2:
        count = min(max(count, 1), total - 1)
    chosen = np.random.default_rng(HOLDOUT_SEED).choice(total, size=count, replace=False)
    return np.isin(people, chosen)


def applicant_interviews(applications: pd.DataFrame) -> pd.DataFrame:
    """Per applicant whose interviews and match are all known: `interviews` and `matched` (0/1).

    Interviews are known when every row says whether there was one (a row not invited had
    none); the match is known when a row says matched, or every row says not matched.
    """
    interview = np.where(applications["invited"] == 0.0, 0.0, applications["interviewed"])
    matched = applications["matched"].to_numpy(dtype=float)
    frame = applications[PERSON].assign(
        interviews=interview,
        interview_unknown=np.isnan(interview),
        won=matched == 1.0,
        match_unknown=np.isnan(matched),
    )
    people = frame.groupby(PERSON, sort=True).agg(
        interviews=("interviews", "sum"),
        interview_unknown=("interview_unknown", "any"),
        won=("won", "any"),
        match_unknown=("match_unknown", "any"),
    )
    known = ~people["interview_unknown"] & (people["won"] | ~people["match_unknown"])
    people = people[known]
    return pd.DataFrame(
        {"interviews": people["interviews"], "matched": people["won"].astype(float)}
    )


def season_counts(applications: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per season (as text, for JSON): applications with a known invitation, invitations,
    applicants, and the applications from each source."""
    known = applications[applications["invited"].notna()]
    counts: dict[str, dict[str, int]] = {}
    for season, rows in known.groupby("season", sort=True):
        entry = {
            "applications": len(rows),
            "invited": int((rows["invited"] == 1.0).sum()),
            "applicants": int(rows[["source", "applicant"]].drop_duplicates().shape[0]),
        }
        for source, n in rows["source"].value_counts().sort_index().items():
            entry[f"from_{source}"] = int(n)
        counts[str(int(season))] = entry
    return counts


# Fit and evaluate -------------------------------------------------------------------------


@dataclass
class FitResult:
    """A fitted version before it is saved: weights, q, what it rests on and how it did."""

    weights: dict[str, float]
    prior_weights: dict[str, float]
    conversion: float
    prior_conversion: float
    n_train: int
    n_test: int
    n_conversion: int  # applicants whose interviews and match fitted q
    n_ineligible: int  # applications left out: a hard rule says the program is closed
    holdout: str
    metrics: dict[str, float]
    reliability: dict[str, list[dict]]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self, version: int) -> dict[str, Any]:
        """The `fit_model --json` line (README, "Outcomes", under Fitting)."""
        return {
            "version": version,
            "n_train": self.n_train,
            "n_test": self.n_test,
            **{name: round(value, 6) for name, value in self.metrics.items()},
            "q_prior": round(self.prior_conversion, 6),
            "q_fitted": round(self.conversion, 6),
            "weights": {
                name: [round(self.prior_weights[name], 6), round(self.weights[name], 6)]
                for name in WEIGHT_NAMES
            },
        }


def _metrics(p_prior: np.ndarray, p_fitted: np.ndarray, y: np.ndarray) -> dict[str, float]:
    return {
        "brier_prior": brier_score(p_prior, y),
        "brier_fitted": brier_score(p_fitted, y),
        "logloss_prior": log_loss(p_prior, y),
        "logloss_fitted": log_loss(p_fitted, y),
        "ece_prior": calibration_error(p_prior, y),
        "ece_fitted": calibration_error(p_fitted, y),
    }


def fit(
    applications: pd.DataFrame,
    programs: pd.DataFrame,
    *,
    prior: ScoringParameters = DEFAULT_PARAMETERS,
    prior_conversion: float = DEFAULT_CONVERSION,
    holdout_season: int | None = None,
    strength: float = PRIOR_STRENGTH,
) -> FitResult:
    """Fit the weights and q on the training applicants, evaluate on the held-out ones.

    `programs` is the catalogue frame (`to_frame()`), indexed by pk. Applications with an
    unknown invitation, or to a program a hard rule closes to the applicant, are left out of
    the weights. Raises `FitError` when there is nothing to train or to test on.
    """
    order = ["season", "source", "applicant", "program"]
    applications = applications.sort_values(order, kind="stable").reset_index(drop=True)
    # An application to season S was made in the year before the Match: S - 1.
    applications = applications.assign(as_of_year=applications["season"] - 1)
    known_rows = applications["invited"].notna().to_numpy()
    if not known_rows.any():
        raise FitError("No application has a known invitation: there is nothing to fit.")
    held_out = holdout_mask(applications, season=holdout_season)
    if holdout_season is not None and not (held_out & known_rows).any():
        seasons = ", ".join(str(int(s)) for s in sorted(applications["season"].unique()))
        raise FitError(f"No outcomes in season {holdout_season} to hold out (seasons: {seasons}).")
    known = applications[known_rows]
    # Outcomes at programs archived since then still happened: no rule but the applicant's.
    programs = programs.loc[known["program"]].assign(active=True)
    X, eligible = application_design(known, programs, params=prior)
    y = known["invited"].to_numpy(dtype=float)
    test = held_out[known_rows]
    train_rows, test_rows = eligible & ~test, eligible & test
    if not train_rows.any() or not test_rows.any():
        missing = "train on" if not train_rows.any() else "hold out for the evaluation"
        raise FitError(f"Too few applicants: none left to {missing}.")
    prior_w = weight_vector(prior)
    weights = fit_weights(X[train_rows], y[train_rows], prior_w, strength=strength)

    people = applicant_interviews(applications[~held_out])
    people = people[people["interviews"] > 0]
    conversion = prior_conversion
    if len(people):
        conversion = fit_conversion(
            people["interviews"].to_numpy(), people["matched"].to_numpy() == 1.0,
            prior=prior_conversion,
        )  # fmt: skip
    p_prior = interview_probability(log_odds(X[test_rows], prior_w), prior)
    p_fitted = interview_probability(log_odds(X[test_rows], weights), prior)
    held = f"season {holdout_season}" if holdout_season is not None else (
        f"{HOLDOUT_SHARE:.0%} of applicants (seeded)"
    )  # fmt: skip
    return FitResult(
        weights=dict(zip(WEIGHT_NAMES, map(float, weights), strict=True)),
        prior_weights=dict(zip(WEIGHT_NAMES, map(float, prior_w), strict=True)),
        conversion=conversion,
        prior_conversion=prior_conversion,
        n_train=int(train_rows.sum()),
        n_test=int(test_rows.sum()),
        n_conversion=len(people),
        n_ineligible=int((~eligible).sum()),
        holdout=held,
        metrics=_metrics(p_prior, p_fitted, y[test_rows]),
        reliability={
            "prior": reliability(p_prior, y[test_rows]),
            "fitted": reliability(p_fitted, y[test_rows]),
        },
        counts=season_counts(applications),
    )


# In words ---------------------------------------------------------------------------------


def effect_ratio(name: str, prior: float, fitted: float) -> float:
    """How many times the judged effect the fitted one is: of the odds for a baseline, of
    the weight for a term (inf when the judgement gave the term no weight)."""
    if WEIGHT_SIGNS.get(name, "") == "":
        return math.exp(fitted - prior)
    if prior == 0:
        return 1.0 if fitted == 0 else math.inf
    return fitted / prior


def changed(name: str, prior: float, fitted: float) -> bool:
    """Whether the fit differs from the judgement by at least `SAME_WITHIN` of its effect."""
    return abs(effect_ratio(name, prior, fitted) - 1) >= SAME_WITHIN


def change_in_words(name: str, prior: float, fitted: float) -> str:
    """How a fitted weight differs from the judgement, in a sentence.

    ("US clinical experience counts 1.6× more than assumed.")
    """
    label = WEIGHT_LABELS.get(name, name)
    sign = WEIGHT_SIGNS.get(name, "")
    ratio = effect_ratio(name, prior, fitted)
    if sign == "":
        if not changed(name, prior, fitted):
            return f"{label}: as assumed."
        direction = "higher" if ratio > 1 else "lower"
        factor = ratio if ratio > 1 else 1 / ratio
        return f"{label}: the odds of an interview are {factor:.1f}× {direction} than assumed."
    verb = "counts" if sign == UP else "costs"
    if prior == 0 and fitted != 0:
        return f"{label} {verb} {abs(fitted):.3g} in log-odds (assumed nothing)."
    if fitted == 0 and prior != 0:
        return f"{label} {verb} nothing in these outcomes (assumed {abs(prior):.3g} in log-odds)."
    if not changed(name, prior, fitted):
        return f"{label} {verb} as much as assumed."
    if ratio > 1:
        return f"{label} {verb} {ratio:.1f}× more than assumed."
    return f"{label} {verb} {ratio:.2g}× as much as assumed."
