"""Shortlists and their entries, with the tracker facts each entry carries."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from applicants import season as season_rules
from applicants.models.profile import Profile
from applicants.reasons import Reason, reason_items
from applicants.scoring import (
    BANDS,
)
from programs.models import Program

# Derived from an entry's tracker facts (applicants.season.derive_status), never stored.
Status = models.TextChoices(
    "Status",
    [
        (status.name, (status.value, season_rules.STATUS_LABELS[status]))
        for status in season_rules.Status
    ],
)


class InterviewFormat(models.TextChoices):
    VIRTUAL = season_rules.VIRTUAL, "Virtual"
    IN_PERSON = season_rules.IN_PERSON, "In person"


class Band(models.TextChoices):
    """The keys stored; labels (and what each band means) are `scoring.BANDS`."""

    REACH = "reach", BANDS["reach"].label
    TARGET = "target", BANDS["target"].label
    SAFETY = "safety", BANDS["safety"].label
    INELIGIBLE = "ineligible", BANDS["ineligible"].label


# The bands an eligible program can be in, most competitive first.
ELIGIBLE_BANDS: tuple[str, ...] = (Band.REACH.value, Band.TARGET.value, Band.SAFETY.value)


class Shortlist(models.Model):
    """The list built for one profile or scenario."""

    profile = models.OneToOneField(Profile, on_delete=models.CASCADE, related_name="shortlist")
    built_at = models.DateTimeField(null=True, blank=True)
    # The model version that scored the entries; a rebuild moves the list to the active one.
    model_version = models.ForeignKey(
        "ModelVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="shortlists"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"List for {self.profile}"


MAX_TRAVEL_ESTIMATE = 20_000  # US$: flights, hotel and transport for one interview


class ShortlistEntry(models.Model):
    """A program on (or deliberately off) a shortlist, with the user's own tracking data.

    `rank` is None for excluded programs. `band`, `probability`, `fit_score` and `reasons` are
    a snapshot taken when the list was last built.
    """

    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=10, choices=Band.choices)
    probability = models.FloatField(
        "interview probability", validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    fit_score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    reasons = models.JSONField(default=list, blank=True)
    pinned = models.BooleanField(default=False)
    excluded = models.BooleanField(default=False)
    added_by_hand = models.BooleanField(default=False)
    notes = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    # Tracker facts (README, "The season"). An entry becomes tracked for a season
    # when its first fact is recorded: `applicant` and `season` are set then, so that the
    # database can hold "one match per applicant and season" across all their lists.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tracked_entries",
        editable=False,
    )
    season = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    applied_on = models.DateField(null=True, blank=True)
    signalled = models.BooleanField(default=False)
    invited_on = models.DateField(null=True, blank=True)
    rejected_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    interview_at = models.DateTimeField(null=True, blank=True)
    interview_format = models.CharField(max_length=10, choices=InterviewFormat.choices, blank=True)
    interviewed = models.BooleanField(default=False)
    rank_position = models.PositiveSmallIntegerField(null=True, blank=True)
    matched = models.BooleanField(default=False)
    pros = models.TextField(blank=True, max_length=2000)
    cons = models.TextField(blank=True, max_length=2000)
    travel_estimate = models.PositiveIntegerField(
        "travel estimate (USD)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_TRAVEL_ESTIMATE)],
    )

    class Meta:
        ordering = ["rank", "id"]
        verbose_name_plural = "shortlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "program"], name="one_entry_per_program_per_list"
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0, probability__lte=1),
                name="entry_probability_0_to_1",
            ),
            models.CheckConstraint(
                condition=~(Q(pinned=True) & Q(excluded=True)), name="entry_not_pinned_and_excluded"
            ),
            models.CheckConstraint(
                condition=Q(applicant__isnull=True, season__isnull=True)
                | Q(applicant__isnull=False, season__isnull=False),
                name="tracked_entry_has_applicant_and_season",
            ),
            models.CheckConstraint(
                condition=Q(matched=False, rank_position__isnull=True) | Q(applicant__isnull=False),
                name="ranked_or_matched_entry_is_tracked",
            ),
            models.CheckConstraint(
                condition=Q(rank_position__isnull=True) | Q(rank_position__gte=1),
                name="rank_position_from_1",
            ),
            models.UniqueConstraint(
                fields=["applicant", "season", "program"],
                name="one_tracked_entry_per_program_and_season",
            ),
            models.UniqueConstraint(
                fields=["applicant", "season"],
                condition=Q(matched=True),
                name="one_match_per_applicant_and_season",
            ),
            models.UniqueConstraint(
                fields=["applicant", "season", "rank_position"],
                condition=Q(rank_position__isnull=False),
                name="one_program_per_rank_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} on {self.shortlist}"

    @property
    def reason_items(self) -> list[Reason]:
        return reason_items(self.reasons)

    @property
    def facts(self) -> season_rules.Facts:
        return season_rules.Facts(
            **{name: getattr(self, name) for name in season_rules.FACT_FIELDS}
        )

    @property
    def status(self) -> str:
        """Derived from the facts; `get_status_display` gives its label."""
        return Status(season_rules.derive_status(self.facts))

    def get_status_display(self) -> str:
        return Status(self.status).label
