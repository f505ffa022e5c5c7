"""The profile in plain words: one sentence per thing that opens or closes programs.

Pure: the profile dict, the catalogue frame and its scores in, `Finding`s out; the year is
given, so the same inputs always give the same sentences.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from applicants.scoring import DEFAULT_PARAMETERS
from programs.geography import STATE_NAMES

# Matched non-US IMGs in neurology, 2022 (NRMP Charting Outcomes): the yardstick in summaries.
MATCHED_IMG_STEP2 = round(DEFAULT_PARAMETERS.step2_reference)
# Most neurology program directors cite a failed attempt (NRMP Program Director Survey 2022).
PD_FAILED_ATTEMPT_SHARE = 0.828


@dataclass(frozen=True)
class Finding:
    """One plain sentence of the profile summary; `tone` is plus, minus or unknown."""

    text: str
    tone: str


def profile_findings(
    data: Mapping[str, Any], programs: pd.DataFrame, scored: pd.DataFrame, *, as_of_year: int
) -> list[Finding]:
    """What the profile means against the active catalogue, in a few plain sentences.

    `scored` is `programs` scored for `data` (`applicants.scoring.score_programs`).
    """
    active_mask = programs["active"].astype(bool)
    active = programs[active_mask]
    counts = _rule_counts(scored[active_mask])
    findings = [
        _visa_finding(data, active, counts["visa"]),
        _graduation_finding(data, active, counts["yog_window"], as_of_year=as_of_year),
        _attempts_finding(data, counts["attempts"]),
        _step2_finding(data, counts["step2_min"]),
        _usce_finding(data, counts["usce"]),
    ]
    if (states := _excluded_states_finding(data, counts["excluded_state"])) is not None:
        findings.append(states)
    return findings


def _rule_counts(scored: pd.DataFrame) -> Counter[str]:
    counts: Counter[str] = Counter()
    for rules in scored["broken_rules"]:
        counts.update(rules)
    return counts


def _count(count: int, singular: str, plural: str) -> str:
    """'1 program excludes you' or '3 programs exclude you'."""
    return f"{count} {singular if count == 1 else plural}"


def _excluding(count: int, which: str = "") -> str:
    """'1 program that … excludes you' / '3 programs that … exclude you'; `which` in plural;
    'no program excludes you' for none."""
    if count == 0:
        return "no program excludes you"
    if count == 1:
        which = which.replace(" do not ", " does not ").replace(" require ", " requires ")
        return f"1 program{which} excludes you"
    return f"{count} programs{which} exclude you"


def _unpublished(count: int, what: str) -> str:
    return f"{_count(count, 'program has', 'programs have')} not published {what} — verify"


def _visa_finding(data: Mapping[str, Any], active: pd.DataFrame, excluded: int) -> Finding:
    visa = data["visa"]
    if visa == "none":
        return Finding("No visa needed: sponsorship policies do not limit you.", "plus")
    if visa == "j1":
        unknown = int(active["visa_j1"].isna().sum())
        text = f"Needs a J-1: {_excluding(excluded, ' that do not sponsor J-1')}"
    elif visa == "h1b":
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


def _graduation_finding(
    data: Mapping[str, Any], active: pd.DataFrame, excluded: int, *, as_of_year: int
) -> Finding:
    years = as_of_year - data["graduation_year"]
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
        f"{name} on attempt {data[f'step{step}_attempts']}"
        for step, name in ((1, "Step 1"), (2, "Step 2 CK"))
        if data[f"step{step}_attempts"] > 1
    ]
    if not failed:
        return Finding("USMLE passed on the first attempt.", "plus")
    what = "A failed USMLE attempt" if len(failed) == 1 else "Failed USMLE attempts"
    return Finding(
        f"{what} ({', '.join(failed)}): "
        f"{_excluding(excluded, ' that do not accept one')}, and "
        f"{round(PD_FAILED_ATTEMPT_SHARE * 100)} % of neurology program directors weigh it "
        "when choosing whom to interview.",
        "minus",
    )


def _step2_finding(data: Mapping[str, Any], excluded: int) -> Finding:
    score = data["step2_score"]
    if score is None:
        return Finding(
            "No Step 2 CK score yet: most programs wait for it before they invite applicants "
            "to interview"
            + (f"; {_excluding(excluded, ' with a published minimum')}" if excluded else "")
            + ".",
            "minus",
        )
    gap = score - MATCHED_IMG_STEP2
    if gap == 0:
        text = f"Step 2 CK {score}: at"
    else:
        text = f"Step 2 CK {score}: " + _count(abs(gap), "point", "points")
        text += " above" if gap > 0 else " below"
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
