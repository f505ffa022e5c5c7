"""Reasons as every page shows them: the one way a signed phrase gets its tone (its colour).

Pure: the scorer writes reasons as signed phrases ("+ Sponsors J-1", "− Step 2 CK 226 is
below the minimum 230", "? H-1B sponsorship unknown — verify").
"""

from collections.abc import Iterable
from typing import NamedTuple

from applicants.scoring import MINUS

REASON_TONES = {"+": "plus", MINUS: "minus", "?": "unknown"}
REASON_SIGNS = {tone: sign for sign, tone in REASON_TONES.items()}


class Reason(NamedTuple):
    """One reason: its tone (plus, minus or unknown) and its words without the sign."""

    tone: str
    text: str

    @property
    def sign(self) -> str:
        return REASON_SIGNS[self.tone]


def reason_items(reasons: Iterable[str]) -> list[Reason]:
    """The scorer's signed phrases as tone and words, in their order."""
    return [Reason(REASON_TONES.get(reason[:1], "unknown"), reason[2:]) for reason in reasons]
