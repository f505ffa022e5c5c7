"""The calibration report: each model version's data, held-out scores against the judgement
weights, reliability and weights, for the staff page."""

import math
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from applicants.charts import reliability_chart
from applicants.fitting import WEIGHT_LABELS, change_in_words, changed, effect_ratio
from applicants.model_versions import estimate_note
from applicants.models import ModelVersion
from applicants.scoring import WEIGHT_NAMES

METRICS: tuple[tuple[str, str, str], ...] = (
    ("brier", "Brier score", "mean squared gap between the chance given and what happened"),
    ("logloss", "Log loss", "how surprised the estimates were by what happened"),
    ("ece", "Calibration error (ECE, 10 bins)", "how far, on average, a 20 % is from 20 %"),
)
CHANGES_SHOWN = 8  # weight changes said in words, largest first


@dataclass(frozen=True)
class SeasonRow:
    season: int
    applications: int
    invited: int
    applicants: int
    imported: int
    in_app: int


@dataclass(frozen=True)
class MetricRow:
    label: str
    meaning: str
    prior: float
    fitted: float

    @property
    def better(self) -> bool:
        """Lower is better for every score shown."""
        return self.fitted < self.prior


@dataclass(frozen=True)
class WeightRow:
    name: str
    label: str
    prior: float
    fitted: float
    words: str

    @property
    def changed(self) -> bool:
        return changed(self.name, self.prior, self.fitted)


@dataclass(frozen=True)
class VersionReport:
    version: ModelVersion
    note: str
    seasons: list[SeasonRow]
    metrics: list[MetricRow]
    weights: list[WeightRow]
    changes: list[str]
    chart: dict | None
    holdout: str
    conversion_applicants: int


def versions() -> QuerySet[ModelVersion]:
    """Every version, newest first, with how many lists it scored (`list_count`)."""
    # Explicit: Django leaves Meta.ordering out of a query with GROUP BY (the annotation).
    return (
        ModelVersion.objects.annotate(list_count=Count("shortlists"))
        .select_related("created_by", "activated_by")
        .order_by("-number")
    )


def version_report(version: ModelVersion, *, judgement: ModelVersion) -> VersionReport:
    """Everything the page shows about one version; `judgement` is version 1."""
    metrics = version.metrics or {}
    seasons = [
        SeasonRow(
            season=int(season),
            applications=int(counts.get("applications", 0)),
            invited=int(counts.get("invited", 0)),
            applicants=int(counts.get("applicants", 0)),
            imported=int(counts.get("from_import", 0)),
            in_app=int(counts.get("from_app", 0)),
        )
        for season, counts in sorted(version.counts.items())
    ]
    rows = [
        MetricRow(label, meaning, metrics[f"{key}_prior"], metrics[f"{key}_fitted"])
        for key, label, meaning in METRICS
        if f"{key}_prior" in metrics
    ]
    weights = []
    for name in WEIGHT_NAMES:
        prior = float(judgement.weights.get(name, 0.0))
        fitted = float(version.weights.get(name, prior))
        words = change_in_words(name, prior, fitted)
        weights.append(WeightRow(name, WEIGHT_LABELS.get(name, name), prior, fitted, words))
    largest = sorted(
        (row for row in weights if row.changed),
        key=lambda row: -abs(math.log(max(effect_ratio(row.name, row.prior, row.fitted), 1e-9))),
    )
    reliability = metrics.get("reliability") or {}
    chart = None
    if reliability.get("fitted"):
        chart = reliability_chart(reliability.get("prior", []), reliability["fitted"])
    return VersionReport(
        version=version,
        note=estimate_note(version),
        seasons=seasons,
        metrics=rows,
        weights=weights,
        changes=[row.words for row in largest[:CHANGES_SHOWN]],
        chart=chart,
        holdout=str(metrics.get("holdout", "")),
        conversion_applicants=int(metrics.get("n_conversion", 0)),
    )
