"""`python manage.py fit_model [--holdout-season YEAR] [--activate] [--json]`."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from applicants.fitting import FitError, FitResult, change_in_words, changed
from applicants.model_fitting import fit_version
from applicants.model_versions import ModelVersionError
from applicants.models import ModelVersion


class Command(BaseCommand):
    help = (
        "Fit a new version of the estimates to the outcomes (imported, and in-app from "
        "applicants who opted in), evaluate it on held-out applicants and save it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--holdout-season",
            type=int,
            metavar="YEAR",
            help="evaluate on this season (Match year); default: a seeded 20 %% of applicants",
        )
        parser.add_argument(
            "--activate", action="store_true", help="make the new version the active one"
        )
        parser.add_argument(
            "--json", action="store_true", help="end with a one-line JSON summary on stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version, result = fit_version(
                holdout_season=options["holdout_season"], activate=bool(options["activate"])
            )
        except (FitError, ModelVersionError) as exc:
            raise CommandError(str(exc)) from None
        self._report(version, result)
        if options["json"]:
            self.stdout.write(json.dumps(result.summary(version.number)))

    def _report(self, version: ModelVersion, result: FitResult) -> None:
        state = "active" if version.active else "not active: activate it on the calibration page"
        self.stdout.write(
            self.style.SUCCESS(f"Saved version {version.number} ({state}).")
            + f" Fitted on {result.n_train:,} applications, evaluated on {result.n_test:,} "
            f"held out ({result.holdout})."
        )
        if result.n_ineligible:
            self.stdout.write(
                f"Left out {result.n_ineligible:,} applications to programs a hard rule closes."
            )
        m = result.metrics
        for label, key in (("Brier score", "brier"), ("Log loss", "logloss"), ("ECE", "ece")):
            self.stdout.write(
                f"{label}: judgement {m[f'{key}_prior']:.4f}, fitted {m[f'{key}_fitted']:.4f}."
            )
        self.stdout.write(
            f"Interview → match conversion q: judgement {result.prior_conversion:.3f}, fitted "
            f"{result.conversion:.3f} (from {result.n_conversion:,} applicants)."
        )
        for name, fitted in result.weights.items():
            prior = result.prior_weights[name]
            if changed(name, prior, fitted):
                self.stdout.write(f"  {change_in_words(name, prior, fitted)}")
