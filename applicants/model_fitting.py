"""Fit a new model version to the stored outcomes (`fit_model`).

Reads every application with a known invitation: imported outcomes, and the tracker of
applicants who opted in; the pure `applicants.fitting` does the fit and the evaluation; the
result is saved as a new `ModelVersion`.
"""

import hashlib
import json
import math
from datetime import date, datetime

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from applicants import fitting
from applicants.catalogue import catalogue_frame
from applicants.listbuilder import DEFAULT_CONVERSION
from applicants.model_versions import ModelVersionError, activate_version, judgement_version
from applicants.models import (
    ApplicationOutcome,
    ModelVersion,
    OutcomeSource,
    Profile,
    ShortlistEntry,
)
from applicants.profiles import profile_data
from applicants.scoring import APPLICATION_FACTS, DEFAULT_PARAMETERS
from applicants.season import season_window

_OUTCOME_FIELDS = ("season", "applicant", "program_id", *APPLICATION_FACTS)
_FLAGS = ("invited", "interviewed", "matched")


def _lists(column: pd.Series) -> pd.Series:
    """A JSON list column as read raw (text on SQLite, lists on PostgreSQL), as lists; each
    distinct text is decoded once."""
    decoded: dict[str, list] = {}

    def read(value: object) -> list:
        if not isinstance(value, str):
            return list(value or [])
        if value not in decoded:
            decoded[value] = json.loads(value)
        return decoded[value]

    return column.map(read)


def imported_applications() -> pd.DataFrame:
    """Every imported application as an applications frame (`fitting.APPLICATION_COLUMNS`).

    One raw query: the ORM would convert 20 values and decode two JSON lists per row, 100,000
    rows in several seconds.
    """
    meta = ApplicationOutcome._meta
    names = (*_OUTCOME_FIELDS, *_FLAGS)
    columns = ", ".join(connection.ops.quote_name(meta.get_field(n).column) for n in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(meta.db_table)}")  # noqa: S608
        rows = cursor.fetchall()
    frame = pd.DataFrame.from_records(
        rows, columns=["season", "applicant", "program", *APPLICATION_FACTS, *_FLAGS]
    )
    frame["source"] = OutcomeSource.IMPORT.value
    for column in ("step2_score", "step3_score"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("preferred_states", "preferred_regions"):
        frame[column] = _lists(frame[column])
    for column in _FLAGS:  # SQLite gives 1 / 0, PostgreSQL True / False
        frame[column] = frame[column].map({True: 1.0, False: 0.0}).astype(float)
    return frame[list(fitting.APPLICATION_COLUMNS)]


def tracked_outcome(
    *,
    season: int,
    invited_on: date | None,
    rejected_on: date | None,
    withdrawn_on: date | None,
    interviewed: bool,
    rank_position: int | None,
    matched: bool,
    today: date,
    interview_at: datetime | None = None,
) -> tuple[float, float, float] | None:
    """(invited, interviewed, matched) as 1.0 / 0.0 / NaN (unknown) from a tracked entry's
    facts, or None when the entry says nothing about the program's choice (withdrawn before
    any invitation).

    An interview (held or only scheduled), a rank or a match imply the invitation; an
    invitation the application's own date was not recorded for counts all the same. No
    invitation is a "no" when the
    program rejected the applicant, or once the season is over (programs rarely reject out
    loud); before that it is still unknown. Likewise the interview and the match.
    """
    over = today > season_window(season)[1]
    met = interviewed or rank_position is not None or matched
    if invited_on is None and interview_at is None and not met:
        if withdrawn_on is not None:
            return None
        invite = 0.0 if rejected_on is not None or over else math.nan
        return invite, invite, 0.0 if invite == 0.0 else math.nan
    return (
        1.0,
        1.0 if met else 0.0 if over else math.nan,
        1.0 if matched else 0.0 if over else math.nan,
    )


_TRACKED = (
    "applicant_id",
    "season",
    "program_id",
    "invited_on",
    "rejected_on",
    "withdrawn_on",
    "interviewed",
    "rank_position",
    "matched",
    "interview_at",
)

# An entry is an application once it was sent or once a program answered it: the date it was
# sent is optional on the entry page, and a program's answer says it was sent.
_APPLIED = (
    Q(applied_on__isnull=False)
    | Q(invited_on__isnull=False)
    | Q(rejected_on__isnull=False)
    | Q(interview_at__isnull=False)
    | Q(interviewed=True)
    | Q(rank_position__isnull=False)
    | Q(matched=True)
)


def _opaque(user_id: int) -> str:
    """An applicant id that does not say who: never the user's pk, name or e-mail."""
    seed = f"in-app-applicant:{settings.SECRET_KEY}:{user_id}".encode()
    return "app-" + hashlib.sha256(seed).hexdigest()[:16]


def in_app_applications(*, today: date | None = None) -> pd.DataFrame:
    """The tracker's applications of applicants who opted in (`share_outcomes` on their base
    profile), as an applications frame with source `app`.

    Each application carries the applicant's base profile as it is now (scenarios are what-ifs,
    not facts) and an opaque applicant id; nothing of it is stored.
    """
    today = today or timezone.localdate()
    profiles = {
        profile.user_id: profile_data(profile)
        for profile in Profile.objects.filter(based_on__isnull=True, share_outcomes=True)
    }
    entries = ShortlistEntry.objects.filter(
        _APPLIED, applicant_id__in=list(profiles), season__isnull=False
    ).order_by()
    records = []
    for user_id, season, program_id, *facts in entries.values_list(*_TRACKED).iterator():
        outcome = tracked_outcome(
            season=season, today=today, **dict(zip(_TRACKED[3:], facts, strict=True))
        )
        if outcome is None:
            continue
        data = profiles[user_id]
        records.append(
            {
                **{key: data[key] for key in APPLICATION_FACTS},
                "source": OutcomeSource.APP.value,
                "season": season,
                "applicant": _opaque(user_id),
                "program": program_id,
                "invited": outcome[0],
                "interviewed": outcome[1],
                "matched": outcome[2],
            }
        )
    frame = pd.DataFrame.from_records(records, columns=list(fitting.APPLICATION_COLUMNS))
    for column in ("step2_score", "step3_score"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


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
    judgement_version()  # number 1 is always the judgement weights, never a fit
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
