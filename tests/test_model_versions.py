"""Model versions: version 1, `fit_model`, activation, and the estimate note."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from applicants.listbuilder import DEFAULT_CONVERSION
from applicants.model_fitting import fit_version
from applicants.model_versions import (
    activate_version,
    active_version,
    estimate_note,
    judgement_version,
)
from applicants.models import ModelVersion
from applicants.scoring import DEFAULT_PARAMETERS, WEIGHT_NAMES, weights_of
from programs.models import Program
from tests.factories import make_imported_outcomes

pytestmark = pytest.mark.django_db

JSON_KEYS = [
    "version", "n_train", "n_test", "brier_prior", "brier_fitted", "logloss_prior",
    "logloss_fitted", "ece_prior", "ece_fitted", "q_prior", "q_fitted", "weights",
]  # fmt: skip


@pytest.fixture
def outcomes(db):
    return make_imported_outcomes()


def fit_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("fit_model", "--json", *args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_version_one_is_the_active_judgement_weights():
    version = active_version()
    assert version.number == 1 and version.active and not version.fitted
    assert version.weights == weights_of(DEFAULT_PARAMETERS)
    assert version.conversion == DEFAULT_CONVERSION
    assert version.parameters == DEFAULT_PARAMETERS


def test_fit_model_saves_a_new_version_and_ends_with_the_json_line(outcomes):
    summary = fit_json()
    assert list(summary) == JSON_KEYS
    assert summary["version"] == 2
    assert list(summary["weights"]) == list(WEIGHT_NAMES)
    assert all(prior == weights_of(DEFAULT_PARAMETERS)[name]
               for name, (prior, _) in summary["weights"].items())  # fmt: skip
    assert summary["q_prior"] == DEFAULT_CONVERSION
    known = outcomes["invited"].notna().sum()
    assert 0 < summary["n_test"] < summary["n_train"] <= known
    version = ModelVersion.objects.get(number=2)
    assert not version.active and active_version().number == 1
    assert version.n_train == summary["n_train"]
    assert version.weights == pytest.approx({k: v[1] for k, v in summary["weights"].items()},
                                            abs=1e-6)  # fmt: skip
    assert version.seasons == [2026, 2027]
    assert version.n_applications == known
    assert len(version.metrics["reliability"]["fitted"]) >= 2


def test_the_same_outcomes_fit_the_same_weights(outcomes):
    first, second = fit_json(), fit_json()
    assert second["version"] == first["version"] + 1
    assert {**first, "version": 0} == {**second, "version": 0}


def test_fit_model_activate_makes_the_new_version_active(outcomes):
    summary = fit_json("--activate")
    assert active_version().number == summary["version"]
    assert ModelVersion.objects.filter(active=True).count() == 1


def test_a_held_out_season_is_named_and_must_exist(outcomes):
    summary = fit_json("--holdout-season", "2027")
    assert summary["n_test"] > 0
    assert ModelVersion.objects.get(number=summary["version"]).metrics["holdout"] == "season 2027"
    with pytest.raises(CommandError, match="No outcomes in season 2029"):
        call_command("fit_model", "--holdout-season", "2029", stdout=io.StringIO())


def test_fit_model_without_outcomes_says_there_is_nothing_to_fit():
    with pytest.raises(CommandError, match="nothing to fit"):
        call_command("fit_model", stdout=io.StringIO())
    assert ModelVersion.objects.count() == 1


def test_fit_model_says_how_the_fit_differs_in_words(outcomes):
    out = io.StringIO()
    call_command("fit_model", stdout=out)
    text = out.getvalue()
    assert "Saved version 2 (not active" in text
    assert "Brier score: judgement " in text
    assert "US clinical experience counts" in text


def test_the_database_allows_at_most_one_active_version():
    judgement_version()
    with pytest.raises(IntegrityError):
        ModelVersion.objects.create(number=5, weights={}, conversion=0.2, active=True)


def test_activating_a_version_deactivates_the_other(outcomes, staff):
    version, _ = fit_version()
    activate_version(version, user=staff)
    version.refresh_from_db()
    assert version.active and version.activated_by == staff
    assert not ModelVersion.objects.get(number=1).active
    assert active_version() == version


def test_the_estimate_note_names_the_version_and_its_data(outcomes):
    assert estimate_note(judgement_version()) == (
        "Estimates, not predictions (version 1): based on published figures and judgement, not "
        "yet checked against real outcomes."
    )
    version, _ = fit_version()
    count = outcomes["invited"].notna().sum()
    assert estimate_note(version) == (
        f"Estimates, not predictions (version 2): fitted on {count:,} applications, seasons "
        "2026–2027."
    )


def test_a_version_missing_from_the_database_is_made_again():
    ModelVersion.objects.all().delete()
    version = active_version()
    assert version.number == 1 and version.active


def test_a_fit_on_a_database_without_the_judgement_version_is_never_numbered_one(outcomes):
    ModelVersion.objects.all().delete()  # as a flushed test database leaves it
    version, _ = fit_version()
    assert version.number == 2
    judgement = ModelVersion.objects.get(number=1)
    assert judgement.weights == weights_of(DEFAULT_PARAMETERS) and judgement.active


def test_a_fit_counts_the_in_app_outcomes_of_applicants_who_opted_in(outcomes, alice):
    from datetime import date

    from applicants.models import Shortlist, ShortlistEntry
    from tests.factories import make_profile

    profile = make_profile(alice, share_outcomes=True)
    shortlist = Shortlist.objects.create(profile=profile)
    for i, program in enumerate(Program.objects.order_by("pk")[:12]):
        outcome = {"invited_on": date(2026, 10, 1)} if i < 3 else {"rejected_on": date(2026, 11, 1)}
        ShortlistEntry.objects.create(
            shortlist=shortlist, program=program, rank=i + 1, band="target", probability=0.2,
            fit_score=50, applicant=alice, season=2027, applied_on=date(2026, 9, 15), **outcome,
        )  # fmt: skip
    version, _ = fit_version()
    assert version.counts["2027"]["from_app"] == 12
    assert version.counts["2027"]["from_import"] == (outcomes["season"] == 2027).sum()
