"""Fit a new model version to the stored outcomes (`fit_model`).

Reads every application with a known invitation: imported outcomes, and the tracker of
applicants who opted in; the pure `applicants.fitting` does the fit and the evaluation; the
result is saved as a new `ModelVersion`.
"""

import pandas as pd
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max

from applicants import fitting
from applicants.catalogue import catalogue_frame
from applicants.listbuilder import DEFAULT_CONVERSION
from applicants.model_versions import ModelVersionError, activate_version
from applicants.models import ApplicationOutcome, ModelVersion, OutcomeSource
from applicants.scoring import APPLICATION_FACTS, DEFAULT_PARAMETERS

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
