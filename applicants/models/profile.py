"""The applicant's profile and its what-if scenarios, and the facts an application shares."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


def next_year() -> int:
    return timezone.now().year + 1


class Visa(models.TextChoices):
    NONE = "none", "No visa needed (US citizen or permanent resident)"
    J1 = "j1", "Needs a J-1 visa"
    H1B = "h1b", "Needs an H-1B visa"
    ANY = "any", "Needs a visa, J-1 or H-1B"


def validate_time_zone(name: str) -> None:
    """An IANA time zone name such as `Asia/Kolkata` or `America/Chicago`."""
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            f"“{name}” is not a time zone name; choose one such as Asia/Kolkata or America/Chicago."
        )


def _score() -> list:
    return [MinValueValidator(1), MaxValueValidator(300)]


def _attempts() -> list:
    return [MinValueValidator(1), MaxValueValidator(6)]


def _months() -> list:
    return [MinValueValidator(0), MaxValueValidator(120)]


def _count() -> list:
    return [MinValueValidator(0), MaxValueValidator(200)]


class ApplicationFacts(models.Model):
    """What an applicant puts in an application: the profile keys the scorer reads.

    One definition for an applicant's own profile and for an imported application outcome.
    """

    visa = models.CharField(max_length=4, choices=Visa.choices, default=Visa.J1)
    graduation_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1960)]
    )  # upper bound (next year) is checked in the form and a clean(): it moves every January
    step1_attempts = models.PositiveSmallIntegerField(default=1, validators=_attempts())
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

    class Meta:
        abstract = True


class Profile(ApplicationFacts):
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

    step1_score = models.PositiveSmallIntegerField(null=True, blank=True, validators=_score())
    excluded_states = models.JSONField(default=list, blank=True)
    list_size = models.PositiveSmallIntegerField(
        default=100, validators=[MinValueValidator(30), MaxValueValidator(200)]
    )
    # Read on the base profile: the user's own choice, never copied into scenarios.
    share_outcomes = models.BooleanField(
        "Use my outcomes, without my identity, to improve the estimates",
        default=False,
        help_text=(
            "If you tick this, the invitations, interviews and match you record here are used, "
            "with your profile but never your name or account, to check and refit the "
            "estimates for everyone."
        ),
    )
    # The applicant's own zone for the season calendar (read from the base profile); not part
    # of the profile JSON: it changes no estimate.
    time_zone = models.CharField(
        max_length=64, blank=True, validators=[validate_time_zone], help_text="IANA name"
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
