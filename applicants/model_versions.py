"""Model versions: which weights and conversion the estimates use, new fits, and what the
estimates rest on.

Version 1 is the judgement weights (created by a migration). `fit_version` fits a new version
to every application with a known invitation: imported outcomes, and the tracker of applicants
who opted in. Staff activate a version; scoring uses the active one, and a list keeps the
version that scored it until it is rebuilt.
"""

from typing import Any

import pandas as pd
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from applicants import fitting
from applicants.catalogue import catalogue_frame
from applicants.listbuilder import DEFAULT_CONVERSION
from applicants.models import ApplicationOutcome, ModelVersion, OutcomeSource, Shortlist
from applicants.scoring import APPLICATION_FACTS, DEFAULT_PARAMETERS, weights_of


class ModelVersionError(Exception):
    """A version action that cannot be done, with a message for the user."""


# Versions never change their weights: kept per process, keyed by (pk, created_at) so that a
# reused primary key (a test database rolled back) is never mistaken for another version.
_versions: dict[tuple[int, Any], ModelVersion] = {}


def judgement_version(model: type[ModelVersion] = ModelVersion) -> ModelVersion:
    """Version 1, the judgement weights: made by a migration (which passes its historical
    `model`), and made again if it is missing, as in a flushed test database. Active only when
    no other version is."""
    version, _ = model.objects.get_or_create(
        number=1,
        defaults={
            "weights": weights_of(DEFAULT_PARAMETERS),
            "conversion": DEFAULT_CONVERSION,
            "active": not model.objects.filter(active=True).exists(),
        },
    )
    return version


def active_version() -> ModelVersion:
    """The version the estimates use now: one small query, the weights kept per process."""
    key = ModelVersion.objects.filter(active=True).values_list("pk", "created_at").first()
    if key is None:
        return judgement_version()
    if key not in _versions:
        _versions[key] = ModelVersion.objects.get(pk=key[0])
    return _versions[key]


def version_of(shortlist: Shortlist | None) -> ModelVersion:
    """The version that scored a list (the active one for a list not built yet)."""
    if shortlist is not None and shortlist.model_version_id is not None:
        return shortlist.model_version
    return active_version()


def activate_version(version: ModelVersion, *, user: AbstractBaseUser | None) -> ModelVersion:
    """Make `version` the one every new estimate and rebuilt list uses."""
    try:
        with transaction.atomic():
            ModelVersion.objects.filter(active=True).exclude(pk=version.pk).update(active=False)
            ModelVersion.objects.filter(pk=version.pk).update(
                active=True,
                activated_at=timezone.now(),
                activated_by=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:
        raise ModelVersionError(
            "Another version was activated at the same moment: look at the versions again and "
            "activate the one you want."
        ) from None
    version.refresh_from_db()
    return version


# The estimate note: what every estimate rests on, in one sentence.


def _seasons(seasons: list[int]) -> str:
    if len(seasons) == 1:
        return f"season {seasons[0]}"
    return f"seasons {seasons[0]}–{seasons[-1]}"


def estimate_note(version: ModelVersion) -> str:
    """Names the version and its data, for every page and export that shows an estimate."""
    if not version.fitted:
        return (
            f"Estimates, not predictions (version {version.number}): judgement weights informed "
            "by published figures, not yet checked against outcomes."
        )
    return (
        f"Estimates, not predictions (version {version.number}): fitted on "
        f"{version.n_applications:,} applications, {_seasons(version.seasons)}, and checked "
        "against applicants it was not fitted on."
    )


# Fitting a new version


_OUTCOME_FIELDS = ("season", "applicant", "program_id", *APPLICATION_FACTS)
_FLAGS = ("invited", "interviewed", "matched")


def imported_applications() -> pd.DataFrame:
    """Every imported application as an applications frame (`fitting.APPLICATION_COLUMNS`)."""
    rows = ApplicationOutcome.objects.order_by().values_list(*_OUTCOME_FIELDS, *_FLAGS)
    frame = pd.DataFrame.from_records(
        list(rows), columns=["season", "applicant", "program", *APPLICATION_FACTS, *_FLAGS]
    )
    frame["source"] = OutcomeSource.IMPORT.value
    for column in ("step2_score", "step3_score"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in _FLAGS:
        frame[column] = frame[column].map({True: 1.0, False: 0.0}).astype(float)
    return frame[list(fitting.APPLICATION_COLUMNS)]


def in_app_applications() -> pd.DataFrame:
    """The tracker's applications of applicants who opted in (`Profile.share_outcomes` on
    their base profile), as an applications frame with source `app` and an opaque applicant.

    The seam for the season tracker: until list entries carry dated facts (invited, interviewed,
    matched), there are none.
    """
    return pd.DataFrame(columns=list(fitting.APPLICATION_COLUMNS))


def outcome_applications() -> pd.DataFrame:
    """Every application the fit may use: imported ones and opted-in in-app ones."""
    parts = [frame for frame in (imported_applications(), in_app_applications()) if len(frame)]
    if not parts:
        return pd.DataFrame(columns=list(fitting.APPLICATION_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def fit_version(
    *,
    holdout_season: int | None = None,
    user: AbstractBaseUser | None = None,
    activate: bool = False,
) -> tuple[ModelVersion, fitting.FitResult]:
    """Fit a new version to the outcomes and save it (activated if asked).

    Raises `fitting.FitError` when the outcomes cannot give a fit.
    """
    result = fitting.fit(
        outcome_applications(),
        catalogue_frame(),
        prior=DEFAULT_PARAMETERS,
        prior_conversion=DEFAULT_CONVERSION,
        holdout_season=holdout_season,
    )
    creator = user if user is not None and user.is_authenticated else None
    try:
        with transaction.atomic():
            number = (ModelVersion.objects.aggregate(Max("number"))["number__max"] or 0) + 1
            version = ModelVersion.objects.create(
                number=number,
                weights=result.weights,
                conversion=result.conversion,
                n_train=result.n_train,
                n_test=result.n_test,
                counts=result.counts,
                metrics={
                    **result.metrics,
                    "q_prior": result.prior_conversion,
                    "holdout": result.holdout,
                    "n_conversion": result.n_conversion,
                    "n_ineligible": result.n_ineligible,
                    "reliability": result.reliability,
                },
                created_by=creator,
            )
    except IntegrityError:
        raise ModelVersionError(
            "Another fit saved a version at the same moment: run the fit again."
        ) from None
    if activate:
        activate_version(version, user=user)
    return version, result
