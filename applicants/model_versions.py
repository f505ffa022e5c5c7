"""Model versions: which weights and conversion the estimates use, and what they rest on.

Version 1 is the judgement weights (created by a migration); each fit is a new version
(`applicants.model_fitting`). Staff activate a version; scoring uses the active one, and a list
keeps the version that scored it until it is rebuilt.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from applicants.listbuilder import DEFAULT_CONVERSION
from applicants.models import ModelVersion, Shortlist
from applicants.scoring import DEFAULT_PARAMETERS, weights_of


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
    if key is None:  # no version at all, as in a flushed test database: make version 1
        version = judgement_version()
        return _versions.setdefault((version.pk, version.created_at), version)
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
            # Every version locked in one order first: two activations at once queue instead
            # of each switching off the other's version (or deadlocking on the rows).
            list(ModelVersion.objects.select_for_update().order_by("pk").values_list("pk"))
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
    if not seasons:
        return ""
    if len(seasons) == 1:
        return f", season {seasons[0]}"
    return f", seasons {seasons[0]}–{seasons[-1]}"


def estimate_note(version: ModelVersion) -> str:
    """Names the version and its data, for every page and export that shows an estimate."""
    if not version.fitted:
        return (
            f"Estimates, not predictions (version {version.number}): based on published figures "
            "and judgement, not yet checked against real outcomes."
        )
    return (
        f"Estimates, not predictions (version {version.number}): fitted on "
        f"{version.n_applications:,} applications{_seasons(version.seasons)}."
    )
