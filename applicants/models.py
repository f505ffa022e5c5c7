from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from applicants.reasons import Reason, reason_items
from programs.models import Program


def next_year() -> int:
    return timezone.now().year + 1


class Visa(models.TextChoices):
    NONE = "none", "No visa needed (US citizen or permanent resident)"
    J1 = "j1", "Needs a J-1 visa"
    H1B = "h1b", "Needs an H-1B visa"
    ANY = "any", "Needs a visa, J-1 or H-1B"


def _score() -> list:
    return [MinValueValidator(1), MaxValueValidator(300)]


def _attempts() -> list:
    return [MinValueValidator(1), MaxValueValidator(6)]


def _months() -> list:
    return [MinValueValidator(0), MaxValueValidator(120)]


def _count() -> list:
    return [MinValueValidator(0), MaxValueValidator(200)]


class Profile(models.Model):
    """An applicant's profile, or a named what-if scenario copied from it.

    The base profile has `based_on = None`; scenarios point at it. Exactly one profile or
    scenario per user is `active`: the one lists and scores are shown for.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profiles"
    )
    name = models.CharField(max_length=80, default="My profile")
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="scenarios"
    )
    active = models.BooleanField(default=True)

    visa = models.CharField(max_length=4, choices=Visa.choices, default=Visa.J1)
    graduation_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1960)]
    )  # upper bound (next year) is checked in the form and a clean(): it moves every January
    step1_attempts = models.PositiveSmallIntegerField(default=1, validators=_attempts())
    step1_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=_score())
    step2_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=_score())
    step2_attempts = models.PositiveSmallIntegerField(default=1, validators=_attempts())
    step3_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=_score())
    usce_months = models.PositiveSmallIntegerField(default=0, validators=_months())
    observership_months = models.PositiveSmallIntegerField(default=0, validators=_months())
    neuro_publications = models.PositiveSmallIntegerField(default=0, validators=_count())
    neuro_presentations = models.PositiveSmallIntegerField(default=0, validators=_count())
    us_neuro_letters = models.PositiveSmallIntegerField(default=0, validators=_count())
    preferred_states = models.JSONField(default=list, blank=True)
    preferred_regions = models.JSONField(default=list, blank=True)
    excluded_states = models.JSONField(default=list, blank=True)
    list_size = models.PositiveSmallIntegerField(
        default=100, validators=[MinValueValidator(30), MaxValueValidator(200)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["based_on_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="profile_name_unique_per_user"),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(based_on__isnull=True),
                name="one_base_profile_per_user",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(active=True), name="one_active_profile_per_user"
            ),
            models.CheckConstraint(
                condition=Q(step1_attempts__gte=1, step1_attempts__lte=6)
                & Q(step2_attempts__gte=1, step2_attempts__lte=6),
                name="profile_attempts_1_to_6",
            ),
            models.CheckConstraint(
                condition=Q(list_size__gte=30, list_size__lte=200),
                name="profile_list_size_30_to_200",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_scenario(self) -> bool:
        return self.based_on_id is not None


# The base profile first, then scenarios by name, on every database (PostgreSQL sorts NULL last).
PROFILE_ORDER = (F("based_on_id").asc(nulls_first=True), "name")


def model_bounds(name: str) -> tuple[int | None, int | None]:
    """The bounds a Profile field declares: one set of bounds for model, form and JSON."""
    low = high = None
    for validator in Profile._meta.get_field(name).validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
    return low, high


class Status(models.TextChoices):
    CONSIDERING = "considering", "Considering"
    APPLIED = "applied", "Applied"
    INTERVIEW_OFFERED = "interview_offered", "Interview offered"
    INTERVIEWED = "interviewed", "Interviewed"
    RANKED = "ranked", "Ranked"


class Band(models.TextChoices):
    REACH = "reach", "Reach"
    TARGET = "target", "Target"
    SAFETY = "safety", "Safety"
    INELIGIBLE = "ineligible", "Ineligible"


# The bands an eligible program can be in, most competitive first.
ELIGIBLE_BANDS: tuple[str, ...] = (Band.REACH.value, Band.TARGET.value, Band.SAFETY.value)


class Shortlist(models.Model):
    """The list built for one profile or scenario."""

    profile = models.OneToOneField(Profile, on_delete=models.CASCADE, related_name="shortlist")
    built_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"List for {self.profile}"


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
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONSIDERING)
    notes = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

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
        ]

    def __str__(self) -> str:
        return f"{self.program} on {self.shortlist}"

    @property
    def reason_items(self) -> list[Reason]:
        return reason_items(self.reasons)
