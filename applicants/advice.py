"""Advice: the changes to a profile that would raise its outlook most, found by re-scoring.

Pure: the profile dict and the catalogue frame in, `Advice` out; the year, the ERAS fee
schedule and the profile's upper bounds are given. Each outlook is the one a list build would
give (`listbuilder.build_list`), the same rules every page's outlook follows.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from applicants.findings import MATCHED_IMG_STEP2
from applicants.listbuilder import (
    DEFAULT_CONVERSION,
    Outlook,
    build_list,
    eras_fee,
    list_outlook,
    with_held,
)
from applicants.scoring import (
    DEFAULT_PARAMETERS,
    ScoringParameters,
    estimate_percent,
    score_programs,
)
from programs.geography import STATE_NAMES

STEP3_STRONG = round(DEFAULT_PARAMETERS.step3_strong_at)
# (key, step, title, most worth having): more of what an applicant can still add. ERAS takes
# at most four letters per program, so a fifth letter is no advice.
MORE_OF: tuple[tuple[str, int, str, int | None], ...] = (
    ("usce_months", 3, "3 more months of hands-on US clinical experience", None),
    ("observership_months", 3, "3 more months of observership", None),
    ("neuro_publications", 2, "2 more neurology publications", None),
    ("neuro_presentations", 3, "3 more neurology abstracts or presentations", None),
    ("us_neuro_letters", 1, "One more letter from a US neurologist", 4),
)
LONGER_LIST = 20  # programs added by the "apply to more programs" advice
# Changes smaller than this many expected interviews are noise, not advice.
MIN_ADVICE_GAIN = 0.05

FeeSchedule = Sequence[tuple[int | None, int]]


@dataclass(frozen=True)
class Advice:
    """A change to the profile and what it would do to the outlook.

    `opened` counts the programs that become eligible.
    """

    title: str
    changes: dict[str, Any]
    before: Outlook
    after: Outlook
    opened: int = 0
    note: str = ""

    @property
    def gain(self) -> float:
        """Expected interviews gained."""
        return self.after.expected_interviews - self.before.expected_interviews

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
        gain = f"about {after - before:.1f}" if after - before >= 0.1 else "less than 0.1"
        parts = [f"adds {gain} expected interviews ({before:.1f} → {after:.1f})"]
        if self.opened > 0:
            parts.append(f"opens {self.opened} more program{'s' if self.opened != 1 else ''}")
        before = estimate_percent(self.before.match_chance)
        after = estimate_percent(self.after.match_chance)
        if after != before:
            parts.append(f"match chance {before} → {after}")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


def _candidates(
    data: Mapping[str, Any], *, fee_schedule: FeeSchedule, limits: Mapping[str, int | None]
) -> Iterable[tuple[str, dict[str, Any], str]]:
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
        highest = most if most is not None else limits.get(key)
        if highest is None or value <= highest:
            yield title, {key: value}, ""
    if data["visa"] == "j1":
        yield "Accept an H-1B as well as a J-1", {"visa": "any"}, ""
    elif data["visa"] == "h1b":
        yield "Accept a J-1 as well as an H-1B", {"visa": "any"}, ""
    if data["excluded_states"]:
        names = ", ".join(STATE_NAMES.get(state, state) for state in data["excluded_states"])
        yield f"Also apply in {names}", {"excluded_states": []}, ""
    size = data["list_size"] + LONGER_LIST
    longest = limits.get("list_size")
    if longest is None or size <= longest:
        extra_fee = eras_fee(size, fee_schedule) - eras_fee(data["list_size"], fee_schedule)
        yield (
            f"Apply to {size} programs instead of {data['list_size']}",
            {"list_size": size},
            f"${extra_fee:,} more in ERAS fees",
        )


def advise(
    data: Mapping[str, Any],
    programs: pd.DataFrame,
    *,
    as_of_year: int,
    fee_schedule: FeeSchedule,
    limits: Mapping[str, int | None],
    params: ScoringParameters = DEFAULT_PARAMETERS,
    conversion: float = DEFAULT_CONVERSION,
    held: Collection[int] = (),
    excluded: Collection[int] = (),
) -> list[Advice]:
    """The changes that would raise the profile's outlook, best first.

    Each candidate change is applied to a copy of the profile and the catalogue re-scored;
    only changes that are still possible (within `limits`, the profile fields' upper bounds)
    and gain at least a twentieth of an interview are kept. `params` and `conversion` are the
    model version's weights and interview → match conversion. Each outlook is the one a
    rebuild of the list would give: `held` programs stay on it, `excluded` ones off it, so the
    figures start from the list's own.
    """

    def prospect(values: Mapping[str, Any]) -> tuple[int, Outlook]:
        scored = score_programs(values, programs, as_of_year=as_of_year, params=params)
        built = build_list(
            scored,
            size=values["list_size"],
            pinned=held,
            excluded=excluded,
            preferred_states=values["preferred_states"],
        )
        ranked = with_held(scored, built, held)
        figures = list_outlook(scored, ranked, conversion=conversion, fee_schedule=fee_schedule)
        return built.eligible_count, figures

    eligible, before = prospect(data)
    advice = []
    for title, changes, note in _candidates(data, fee_schedule=fee_schedule, limits=limits):
        opened, after = prospect({**data, **changes})
        item = Advice(title, changes, before, after, opened=opened - eligible, note=note)
        if item.gain >= MIN_ADVICE_GAIN:
            advice.append(item)
    return sorted(advice, key=lambda item: (-item.gain, item.title))
