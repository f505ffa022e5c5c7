"""Imported application outcomes and the model versions fitted on them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from applicants.models.profile import ApplicationFacts
from applicants.scoring import (
    DEFAULT_PARAMETERS,
    WEIGHT_SIGNS,
    ScoringParameters,
    with_weights,
)
from programs.models import FileImport, Program


class OutcomeSource(models.TextChoices):
    IMPORT = "import", "Imported from a file"
    APP = "app", "Recorded in neuromatch by an applicant who opted in"


class OutcomeImport(FileImport):
    """One outcomes file imported (`import_outcomes`): who, when, which file, what it did."""

    rows = models.PositiveIntegerField(default=0)
    applicants = models.PositiveIntegerField(default=0)
    replaced = models.PositiveIntegerField(
        default=0, help_text="Rows of earlier imports for the same applicants and seasons."
    )
    seasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} applications, {self.created_at:%Y-%m-%d %H:%M})"


class ApplicationOutcome(ApplicationFacts):
    """One application and what came of it, from an advising office's spreadsheet.

    Never tied to a user: `applicant` is the file's opaque id for one person in one season.
    In-app outcomes are not copied here; the fit reads them from the tracker of applicants who
    opted in, with `source` telling the two apart.
    """

    # No index of their own on the two keys: the unique (season, applicant, program) index
    # serves every read, and each index costs a 100,000-row import a third of a second.
    batch = models.ForeignKey(
        OutcomeImport, on_delete=models.CASCADE, related_name="outcomes", db_index=False
    )
    source = models.CharField(
        max_length=6, choices=OutcomeSource.choices, default=OutcomeSource.IMPORT
    )
    line = models.PositiveIntegerField(help_text="Line of the row in the imported file.")
    season = models.PositiveSmallIntegerField(help_text="The Match year.")
    applicant = models.CharField(max_length=64)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", db_index=False)
    signalled = models.BooleanField(null=True, blank=True)
    invited = models.BooleanField(null=True, blank=True)
    interviewed = models.BooleanField(null=True, blank=True)
    matched = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["season", "applicant", "program_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "applicant", "program"], name="one_outcome_per_application"
            ),
            models.UniqueConstraint(
                fields=["season", "applicant"],
                condition=Q(matched=True),
                name="one_imported_match_per_applicant_and_season",
            ),
            models.CheckConstraint(
                condition=~Q(invited=False, interviewed=True), name="outcome_interview_invited"
            ),
            models.CheckConstraint(
                condition=~Q(interviewed=False, matched=True), name="outcome_match_interviewed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.program_id} ({self.season})"


class ModelVersion(models.Model):
    """One set of weights and conversion q for the estimates: version 1 is the judgement
    weights, each fit (`fit_model`) a new version. Staff activate one; lists record theirs.

    `counts` holds, per season, the applications the fit rested on; `metrics` the held-out
    scores of the judgement weights and the fit, the reliability points and how the held-out
    set was chosen. Both are empty for the judgement weights.
    """

    number = models.PositiveIntegerField(unique=True)
    weights = models.JSONField(help_text="Weight name → log-odds per unit of its feature.")
    conversion = models.FloatField(
        "interview → match conversion q", validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    n_train = models.PositiveIntegerField("applications fitted on", default=0)
    n_test = models.PositiveIntegerField("applications held out", default=0)
    counts = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=False)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_model_version"
            ),
            models.CheckConstraint(
                condition=Q(conversion__gte=0, conversion__lte=1), name="model_conversion_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    @property
    def fitted(self) -> bool:
        """False for the judgement weights, which no outcome data checked."""
        return self.n_train > 0

    @cached_property
    def parameters(self) -> ScoringParameters:
        """The scorer's parameters with this version's weights (names it does not know, from a
        term since removed, are left out; terms added since keep their judgement weight)."""
        known = {name: value for name, value in self.weights.items() if name in WEIGHT_SIGNS}
        return with_weights(DEFAULT_PARAMETERS, known)

    @cached_property
    def seasons(self) -> list[int]:
        return sorted(int(season) for season in self.counts)

    @cached_property
    def n_applications(self) -> int:
        """Applications with a known invitation the version rests on (trained and held out)."""
        return sum(int(season.get("applications", 0)) for season in self.counts.values())
