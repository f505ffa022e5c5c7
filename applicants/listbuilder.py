"""Build a balanced application list from scored programs, and its outlook.

Pure: takes the frame `applicants.scoring.score_programs` returns; no ORM, no request, no
settings (callers pass setting values such as the ERAS fee schedule in).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from applicants.scoring import BANDS, RULES, BandMeaning, estimate_percent

# Share of interviews that turn into a match, each independently: about one in five for an
# IMG, so 5 interviews give ~67 % and 10 give ~89 %, in line with NRMP Charting Outcomes curves
# of match probability against contiguous ranks for independent applicants.
DEFAULT_CONVERSION = 0.2
# AAMC ERAS residency fees (2025 and 2026 seasons), mirroring settings.ERAS_FEE_SCHEDULE:
# (programs up to this count, or None for the rest, dollars per program).
DEFAULT_FEE_SCHEDULE: tuple[tuple[int | None, int], ...] = ((30, 11), (None, 30))
MAX_K = 15
# Diminishing returns: less than this gain in match chance per 10 more programs.
DIMINISHING_GAIN_PER_10 = 0.01
# Preference signals: long shots below this p are not suggested; preferred areas count double.
SIGNAL_MIN_PROBABILITY = 0.02
SIGNAL_PREFERRED_WEIGHT = 2.0


@dataclass(frozen=True)
class ListRules:
    """Balance rules, as shares of the list size.

    reach_cap: at most this share of reach programs; safety_floor: at least this share of
    safety programs where enough exist; state_cap: at most this share from any one state
    (preferred states are exempt).
    """

    reach_cap: float = 0.15
    safety_floor: float = 0.25
    state_cap: float = 0.20


@dataclass(frozen=True)
class BuiltList:
    """The list: program pks in rank order (rank 1 first) and what kept programs off it.

    `excluded_by_rule` counts, for every rule code in `RULES`, the scored programs that break
    it (a program breaking two rules counts under both). `excluded_by_user` counts user
    exclusions that were otherwise eligible. `pinned_ineligible` are pins that are not
    eligible and so not ranked; `pins_dropped` are eligible pins that did not fit (more pins
    than `size`). `relaxed` names balance rules that had to give way to reach `size`.
    """

    ranked: list[int]
    eligible_count: int
    excluded_by_rule: dict[str, int]
    shortfall: int
    excluded_by_user: int = 0
    pinned_ineligible: list[int] = field(default_factory=list)
    pins_dropped: list[int] = field(default_factory=list)
    relaxed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outlook:
    """What a list of interview probabilities is likely to yield, and what it costs."""

    size: int
    expected_interviews: float
    at_least: dict[int, float]
    match_chance: float
    fee_usd: int


def _order(probability: np.ndarray, pks: np.ndarray) -> np.ndarray:
    """Positions sorted by probability descending, ties by pk ascending."""
    return np.lexsort((pks, -probability))


def build_list(
    scored: pd.DataFrame,
    *,
    size: int,
    pinned: Collection[int] = (),
    excluded: Collection[int] = (),
    preferred_states: Collection[str] = (),
    rules: ListRules = ListRules(),
) -> BuiltList:
    """Pick up to `size` eligible programs maximising expected interviews (Σp).

    Pins are always in (when eligible; a program both pinned and excluded is excluded), user
    exclusions never. Balance: at most `reach_cap·size` reach programs, at least
    `safety_floor·size` safety programs where enough exist, at most `state_cap·size` from one
    state unless the state is preferred. Pins count towards the caps. When the caps would leave
    the list short although eligible programs remain, the state cap gives way first, then the
    reach cap (named in `relaxed`). Ties are broken by pk, so the result is deterministic.
    The ranking is by probability descending, then pk.
    """
    size = max(0, int(size))
    pks = scored.index.to_numpy()
    eligible = scored["eligible"].to_numpy(dtype=bool)
    probability = scored["probability"].to_numpy(dtype=float)
    band = scored["band"].to_numpy(dtype=object)
    if "state_code" in scored:
        state = scored["state_code"].to_numpy(dtype=object)
    elif "state" in scored:
        state = scored["state"].to_numpy(dtype=object)
    else:
        state = np.full(len(pks), "", dtype=object)

    excluded_set = {int(pk) for pk in excluded}
    pinned_set = {int(pk) for pk in pinned} - excluded_set
    user_excluded = np.isin(pks, list(excluded_set))
    is_pinned = np.isin(pks, list(pinned_set))

    excluded_by_rule = {code: 0 for code in RULES}
    for rules_broken in scored["broken_rules"].to_numpy()[~eligible]:
        for code in rules_broken:
            excluded_by_rule[code] = excluded_by_rule.get(code, 0) + 1
    eligible_count = int(eligible.sum())

    order = _order(probability, pks)
    pinned_ineligible = sorted(int(pk) for pk in pks[is_pinned & ~eligible])
    pin_positions = order[(is_pinned & eligible)[order]].tolist()
    candidates = order[(eligible & ~user_excluded & ~is_pinned)[order]].tolist()
    chosen: list[int] = pin_positions[:size]
    pins_dropped = sorted(int(pks[i]) for i in pin_positions[size:])

    reach_max = math.floor(rules.reach_cap * size + 1e-9)
    safety_min = math.ceil(rules.safety_floor * size - 1e-9)
    state_max = max(1, math.floor(rules.state_cap * size + 1e-9))
    exempt = set(preferred_states)
    bands = band.tolist()
    states = state.tolist()

    taken = set(chosen)
    state_count: dict[str, int] = {}
    reach_count = 0
    safety_count = 0
    for i in chosen:
        state_count[states[i]] = state_count.get(states[i], 0) + 1
        reach_count += bands[i] == "reach"
        safety_count += bands[i] == "safety"

    relaxed: list[str] = []

    def take(i: int) -> None:
        nonlocal reach_count, safety_count
        chosen.append(i)
        taken.add(i)
        state_count[states[i]] = state_count.get(states[i], 0) + 1
        reach_count += bands[i] == "reach"
        safety_count += bands[i] == "safety"

    def fill(*, only_safety: bool = False, state_cap: bool = True, reach_cap: bool = True) -> None:
        for i in candidates:
            if len(chosen) >= size or (only_safety and safety_count >= safety_min):
                return
            if i in taken or (only_safety and bands[i] != "safety"):
                continue
            over_state = states[i] not in exempt and state_count.get(states[i], 0) >= state_max
            over_reach = bands[i] == "reach" and reach_count >= reach_max
            if (over_state and state_cap) or (over_reach and reach_cap):
                continue
            for over, rule in ((over_state, "state_cap"), (over_reach, "reach_cap")):
                if over and rule not in relaxed:
                    relaxed.append(rule)
            take(i)

    # The best safety programs up to the floor, then the best of the rest; when the caps leave
    # the list short, the state cap gives way first, then the reach cap.
    fill(only_safety=True)
    fill()
    fill(state_cap=False)
    fill(state_cap=False, reach_cap=False)

    chosen_positions = np.array(chosen, dtype=int)
    ranked_positions = chosen_positions[
        _order(probability[chosen_positions], pks[chosen_positions])
    ]
    ranked = [int(pk) for pk in pks[ranked_positions]]
    return BuiltList(
        ranked=ranked,
        eligible_count=eligible_count,
        excluded_by_rule=excluded_by_rule,
        shortfall=size - len(ranked),
        excluded_by_user=int((user_excluded & eligible).sum()),
        pinned_ineligible=pinned_ineligible,
        pins_dropped=pins_dropped,
        relaxed=relaxed,
    )


def with_held(scored: pd.DataFrame, built: BuiltList, held: Collection[int]) -> list[int]:
    """A list as a rebuild leaves it: the build's programs and every held program it left out
    (ineligible or archived ones, pins beyond the size: user data is never dropped), in the
    builder's order (probability descending, then pk)."""
    listed = set(built.ranked) | (set(held) & set(scored.index))
    return sorted(listed, key=lambda pk: (-float(scored.at[pk, "probability"]), pk))


def eras_fee(
    n_programs: int, schedule: Sequence[tuple[int | None, int]] = DEFAULT_FEE_SCHEDULE
) -> int:
    """ERAS fee in dollars for applying to `n_programs` programs.

    `schedule` is a list of (up to this many programs, dollars each), the last with None for
    "all the rest": the default `[(30, 11), (None, 30)]` gives 80 → 1830, 100 → 2430,
    120 → 3030.
    """
    remaining = max(0, int(n_programs))
    counted = 0
    fee = 0
    for upto, price in schedule:
        band_size = remaining if upto is None else max(0, min(remaining, int(upto) - counted))
        fee += band_size * int(price)
        remaining -= band_size
        counted += band_size
        if remaining == 0:
            break
    return fee


def interview_distribution(probabilities: Sequence[float], *, max_k: int = MAX_K) -> np.ndarray:
    """Exact Poisson-binomial: P(exactly j interviews) for j < max_k, the last cell P(≥ max_k)."""
    matrix = np.asarray([list(probabilities)], dtype=float).reshape(1, -1)
    return interview_distributions(matrix, max_k=max_k)[0]


def interview_distributions(matrix: np.ndarray, *, max_k: int = MAX_K) -> np.ndarray:
    """`interview_distribution` of every row of `matrix` at once, one row per list (rows padded
    with 0 are fine: a program with p = 0 changes nothing)."""
    dist = np.zeros((max_k + 1, matrix.shape[0]))  # one column per list
    dist[0] = 1.0
    shifted = np.zeros_like(dist)
    for p, q in zip(matrix.T, 1.0 - matrix.T, strict=True):
        shifted[1:] = dist[:-1]
        shifted[-1] += dist[-1]  # ≥ max_k stays ≥ max_k
        dist *= q
        shifted *= p
        dist += shifted
    return dist.T


def outlook(
    probabilities: Sequence[float],
    *,
    conversion: float = DEFAULT_CONVERSION,
    fee_schedule: Sequence[tuple[int | None, int]] = DEFAULT_FEE_SCHEDULE,
) -> Outlook:
    """Expected interviews Σp, P(≥ k interviews) for k = 1..15 (exact Poisson-binomial), match
    chance 1 − Π(1 − conversion·p), and the ERAS fee for a list with these probabilities."""
    return outlooks([probabilities], conversion=conversion, fee_schedule=fee_schedule)[0]


def outlooks(
    lists: Sequence[Sequence[float]],
    *,
    conversion: float | Sequence[float] = DEFAULT_CONVERSION,
    fee_schedule: Sequence[tuple[int | None, int]] = DEFAULT_FEE_SCHEDULE,
) -> list[Outlook]:
    """The `outlook` of each list of probabilities, computed for all lists at once.

    One pass over the longest list instead of one per list: an advisor's 300 applicants cost
    about as much as one applicant. `conversion` is one q for all lists, or one per list (each
    list's model version).
    """
    values = [np.asarray(list(probabilities), dtype=float) for probabilities in lists]
    matrix = np.zeros((len(values), max((len(row) for row in values), default=0)))
    for i, row in enumerate(values):
        matrix[i, : len(row)] = row
    tails = np.cumsum(interview_distributions(matrix)[:, ::-1], axis=1)[:, ::-1]  # P(≥ k)
    per_list = np.broadcast_to(np.asarray(conversion, dtype=float), (len(values),))
    misses = np.prod(1.0 - per_list[:, None] * matrix, axis=1)
    return [
        Outlook(
            size=len(row),
            expected_interviews=float(row.sum()),
            at_least={k: float(min(1.0, max(0.0, tails[i, k]))) for k in range(1, MAX_K + 1)},
            match_chance=1.0 - float(misses[i]) if len(row) else 0.0,
            fee_usd=eras_fee(len(row), fee_schedule),
        )
        for i, row in enumerate(values)
    ]


def match_curve(
    scored: pd.DataFrame,
    *,
    sizes: Sequence[int],
    pinned: Collection[int] = (),
    excluded: Collection[int] = (),
    preferred_states: Collection[str] = (),
    rules: ListRules = ListRules(),
    conversion: float = DEFAULT_CONVERSION,
) -> list[tuple[int, float]]:
    """Match chance of the list `build_list` makes at each size, as (size, chance) pairs."""
    choice = {"pinned": pinned, "excluded": excluded, "preferred_states": preferred_states}
    return [
        (
            int(size),
            list_outlook(
                scored,
                build_list(scored, size=size, rules=rules, **choice).ranked,
                conversion=conversion,
            ).match_chance,
        )
        for size in sizes
    ]


def list_outlook(
    scored: pd.DataFrame,
    ranked: Sequence[int],
    *,
    conversion: float = DEFAULT_CONVERSION,
    fee_schedule: Sequence[tuple[int | None, int]] = DEFAULT_FEE_SCHEDULE,
) -> Outlook:
    """The outlook of the programs `ranked` (pks of `scored`, in rank order) as a list.

    The probabilities are taken in rank order, as a built list stores them, so a preview and
    the list built from it add up to the same figures.
    """
    values = scored["probability"].loc[list(ranked)].to_numpy(dtype=float)
    return outlook(values, conversion=conversion, fee_schedule=fee_schedule)


def diminishing_returns_point(curve: list[tuple[int, float]]) -> int | None:
    """The first size from which 10 more programs add less than 1 percentage point.

    Gains between consecutive curve points are scaled to "per 10 programs". None when every
    step still gains at least that much (or the curve has fewer than two points).
    """
    points = sorted(curve)
    for (size, chance), (next_size, next_chance) in zip(points, points[1:], strict=False):
        if next_size <= size:
            continue
        gain_per_10 = (next_chance - chance) * 10.0 / (next_size - size)
        if gain_per_10 < DIMINISHING_GAIN_PER_10:
            return size
    return None


def suggest_signals(
    scored: pd.DataFrame, ranked: Sequence[int], *, n: int = 8
) -> list[tuple[int, str]]:
    """Up to `n` programs on the list to send preference signals to, each with a reason.

    A signal helps most where an interview is plausible but not assured: the value of a
    program is p·(1 − p) (how much a fixed rise in log-odds moves p), doubled in a preferred
    state or region. Programs below `SIGNAL_MIN_PROBABILITY` (2 %) are left out: a signal
    rarely rescues them. Ties by pk.
    """
    if n <= 0 or not ranked:
        return []
    rows = scored.loc[list(ranked)]
    probability = rows["probability"].to_numpy(dtype=float)
    band = rows["band"].to_numpy(dtype=object)
    preferred = (
        rows["preferred_geo"].to_numpy(dtype=bool)
        if "preferred_geo" in rows
        else np.zeros(len(rows), dtype=bool)
    )
    pks = rows.index.to_numpy()
    usable = (probability >= SIGNAL_MIN_PROBABILITY) & np.isin(band, ["reach", "target", "safety"])
    value = probability * (1.0 - probability) * np.where(preferred, SIGNAL_PREFERRED_WEIGHT, 1.0)
    value = np.where(usable, value, -1.0)
    order = np.lexsort((pks, -value))
    picks = []
    for i in order[:n]:
        if value[i] < 0:
            break
        percent = estimate_percent(probability[i])
        if preferred[i]:
            reason = f"In your preferred area, with a realistic chance ({percent})"
        elif band[i] == "target":
            reason = f"{BANDS['target'].label} ({percent}): a signal helps most in this band"
        elif band[i] == "safety":
            reason = f"{BANDS['safety'].label} ({percent}): a signal makes it likelier still"
        else:
            reason = f"{BANDS['reach'].label} ({percent}): a signal shows real interest"
        picks.append((int(pks[i]), reason))
    return picks


def empty_band_reasons(
    listed: Mapping[str, int],
    open_to_you: Mapping[str, int],
    *,
    best: float,
    bands: Mapping[str, BandMeaning] = BANDS,
) -> list[tuple[str, str]]:
    """(band, why) for each band with no program on a list, so the list can say why.

    `listed` counts the list's programs per band, `open_to_you` the programs of the catalogue
    open to the applicant per band, `best` their highest interview chance.
    """
    reasons = []
    for key in ("reach", "target", "safety"):
        if listed.get(key, 0) or not sum(open_to_you.values()):
            continue
        band, available = bands[key], open_to_you.get(key, 0)
        if available:
            if key == "reach":
                why = (
                    f"the list takes them only when programs with better odds run out "
                    f"({available} {'is' if available == 1 else 'are'} open to you)"
                )
            elif available == 1:
                why = (
                    "1 is open to you but not on the list: you excluded it, the limit on "
                    "programs per state left it off, or it was added after the list was built"
                )
            else:
                why = (
                    f"{available} are open to you but not on the list: you excluded them, the "
                    "limit on programs per state left them off, or they were added after the "
                    "list was built"
                )
        else:
            why = f"none of the programs open to you has an interview chance of {band.range}"
            if key == "safety":
                why += f"; your best has {estimate_percent(best)}"
        reasons.append((key, f"No program on the list is “{band.label}”: {why}."))
    return reasons
