"""Scoring reads: the catalogue as the scorer's frame, and the scores of a profile against it.

The ORM side of the pure scorer: one query for the catalogue (`Program.objects.to_frame()`,
kept per process while the catalogue is unchanged), then `scoring.score_programs` does the
work on DataFrames.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from applicants import scoring
from applicants.model_versions import active_version, estimate_note
from applicants.models import ModelVersion, Profile
from applicants.profiles import active_profile, profile_data
from applicants.reasons import Reason, reason_items
from applicants.season import application_year
from programs.models import Program

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
    """The year estimates are worked out for: the current season's application year."""
    return application_year(timezone.localdate())


def score_data(
    data: Mapping[str, Any], programs: pd.DataFrame, *, version: ModelVersion | None = None
) -> pd.DataFrame:
    """Score a profile dict against a programs frame (the scorer's output, same index), with
    the weights of `version` (default: the active version)."""
    params = (version or active_version()).parameters
    return scoring.score_programs(data, programs, as_of_year=as_of_year(), params=params)


def score_profile(
    profile: Profile,
    *,
    programs: pd.DataFrame | None = None,
    version: ModelVersion | None = None,
) -> pd.DataFrame:
    """Score every program of the catalogue (archived ones too) for a profile or scenario."""
    frame = catalogue_frame() if programs is None else programs
    return score_data(profile_data(profile), frame, version=version)


# The catalogue seen through the active profile


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
    def chance(self) -> str:
        """The interview probability as the pages write it (never 0 % or 100 %)."""
        return scoring.estimate_percent(self.probability)

    @property
    def reason_items(self) -> list[Reason]:
        return reason_items(self.reasons)


@dataclass(frozen=True)
class CatalogueScores:
    """The scored catalogue for a user's active profile."""

    profile: Profile
    scored: pd.DataFrame
    note: str = ""  # what the scores rest on (`model_versions.estimate_note`)

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
    version = active_version()
    scored = score_profile(profile, programs=frame, version=version)
    return CatalogueScores(profile, scored, note=estimate_note(version))
