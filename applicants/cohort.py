"""Synthetic applicants and outcomes, for the population check, the benchmarks and the tests.

Pure: numpy and pandas. `draw_cohort` draws non-US IMG neurology applicants around the
design's reference figures (matched applicants: Step 2 CK 245, 3.4 research experiences,
10.6 abstracts, presentations and publications; most need a visa); the spreads are assumptions,
chosen so that what the model says about the cohort can be compared with the published figures.
`simulate_outcomes` draws invitations, interviews and matches from known weights: a truth the
fit should recover.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from applicants.fitting import APPLICATION_COLUMNS
from applicants.scoring import (
    APPLICATION_FACTS,
    ScoringParameters,
    application_design,
    interview_probability,
    log_odds,
    weight_vector,
)

STATES = ("TX", "NY", "CA", "FL", "IL", "PA", "OH", "MI", "GA", "NC", "MA", "NJ", "MO", "WI")
REGIONS = ("Northeast", "Midwest", "South", "West")


def draw_cohort(count: int, *, season: int, seed: int = 2022) -> pd.DataFrame:
    """`count` applicants as profile rows (the profile JSON keys), applying in `season`.

    Step 2 CK ~ N(236, 13) within 200–280 (applicants score below the matched mean of 245);
    about 1 in 10 with a failed attempt; visas: J-1 60 %, either 15 %, H-1B 10 %, none 15 %;
    0–10 years since graduation, mostly 1–4; US clinical experience 0–12 months, a third none;
    research around the matched figures' lower half; 0–3 US letters; a quarter with Step 3.
    """
    rng = np.random.default_rng(seed)
    step2 = np.clip(np.rint(rng.normal(236, 13, count)), 200, 280)
    years = rng.choice(
        np.arange(11), count, p=[0.04, 0.14, 0.2, 0.18, 0.13, 0.1, 0.07, 0.05, 0.04, 0.03, 0.02]
    )
    step3 = np.where(
        rng.random(count) < 0.25, np.clip(np.rint(rng.normal(224, 12, count)), 190, 270), np.nan
    )
    visa = rng.choice(["j1", "any", "h1b", "none"], count, p=[0.6, 0.15, 0.1, 0.15])
    # An H-1B needs Step 3 passed: applicants who need one have taken it.
    step3 = np.where(
        (visa == "h1b") & np.isnan(step3),
        np.clip(np.rint(rng.normal(228, 10, count)), 200, 270),
        step3,
    )
    failed = rng.random(count) < 0.1
    usce = rng.choice(
        [0, 1, 2, 3, 4, 6, 9, 12], count, p=[0.33, 0.1, 0.15, 0.17, 0.08, 0.09, 0.05, 0.03]
    )
    preferred = [
        list(rng.choice(STATES, size=rng.integers(0, 3), replace=False)) for _ in range(count)
    ]
    regions = [
        list(rng.choice(REGIONS, size=rng.integers(0, 2), replace=False)) for _ in range(count)
    ]
    return pd.DataFrame(
        {
            "applicant": [f"S{season}-{i:05d}" for i in range(count)],
            "season": season,
            "visa": visa,
            "graduation_year": season - 1 - years,
            "step1_attempts": np.where(failed & (rng.random(count) < 0.7), 2, 1),
            "step1_score": np.nan,
            "step2_score": step2,
            "step2_attempts": np.where(failed & (rng.random(count) >= 0.7), 2, 1),
            "step3_score": step3,
            "usce_months": usce,
            "observership_months": rng.choice([0, 1, 2, 3, 4], count, p=[.35, .2, .2, .15, .1]),
            "neuro_publications": rng.poisson(2.0, count),
            "neuro_presentations": rng.poisson(4.0, count),
            "us_neuro_letters": rng.choice([0, 1, 2, 3], count, p=[.25, .25, .3, .2]),
            "preferred_states": preferred,
            "preferred_regions": regions,
            "excluded_states": [[] for _ in range(count)],
            "list_size": rng.choice([80, 90, 100, 110, 120], count),
        }
    )  # fmt: skip


def simulate_outcomes(
    cohort: pd.DataFrame,
    programs: pd.DataFrame,
    *,
    truth: ScoringParameters,
    conversion: float,
    per_applicant: int,
    seed: int = 7,
    source: str = "import",
) -> pd.DataFrame:
    """Each applicant applies to up to `per_applicant` programs drawn at random from those open
    to them; invitations are drawn from `truth`'s probabilities, every invitation becomes an
    interview, and an applicant matches with chance 1 − (1 − conversion)^interviews (at their
    first interview). Returns an applications frame (`fitting.APPLICATION_COLUMNS`) whose
    `program` is a pk of `programs`.
    """
    rng = np.random.default_rng(seed)
    pks = programs.index.to_numpy()
    draws = min(per_applicant * 3, len(pks))
    chosen = np.concatenate([rng.choice(pks, draws, replace=False) for _ in range(len(cohort))])
    rows = cohort.loc[cohort.index.repeat(draws)].reset_index(drop=True)
    rows["program"] = chosen
    rows["source"] = source
    rows["as_of_year"] = rows["season"] - 1
    X, eligible = application_design(rows, programs.loc[chosen], params=truth)
    open_rank = pd.Series(eligible.astype(int)).groupby(rows["applicant"]).cumsum().to_numpy()
    keep = eligible & (open_rank <= per_applicant)
    rows, X = rows[keep].reset_index(drop=True), X[keep]
    p = interview_probability(log_odds(X, weight_vector(truth)), truth)
    rows["invited"] = (rng.random(len(rows)) < p).astype(float)
    rows["interviewed"] = rows["invited"]
    interviews = rows.groupby("applicant", sort=False)["interviewed"].sum()
    wins = pd.Series(rng.random(len(interviews)) < 1 - (1 - conversion) ** interviews.to_numpy(),
                     index=interviews.index)  # fmt: skip
    first = rows["interviewed"].eq(1.0) & ~rows.duplicated(["applicant", "interviewed"])
    rows["matched"] = (first & rows["applicant"].map(wins)).astype(float)
    return rows[list(APPLICATION_COLUMNS)]


def outcomes_csv(applications: pd.DataFrame, program_ids: Mapping[int, str]) -> str:
    """An applications frame as an outcomes file in the layout `import_outcomes` reads
    (README, "Outcomes"), programs named by their ACGME IDs (`program_ids`: pk → ID)."""
    out = pd.DataFrame({"season": applications["season"], "applicant": applications["applicant"]})
    out["program_id"] = applications["program"].map(program_ids)
    for column in APPLICATION_FACTS:
        values = applications[column]
        if column in ("preferred_states", "preferred_regions"):
            out[column] = values.map(";".join)
        else:
            out[column] = values.map(lambda value: "" if pd.isna(value) else str(int(value))
                                     if not isinstance(value, str) else value)  # fmt: skip
    out["signalled"] = ""
    for column in ("invited", "interviewed", "matched"):
        out[column] = applications[column].map({1.0: "yes", 0.0: "no"}).fillna("")
    return out.to_csv(index=False, lineterminator="\n")
