"""Season key dates and the secret address of an applicant's calendar feed."""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class SeasonDateKind(models.TextChoices):
    ERAS_OPENS = "eras_opens", "ERAS opens"
    APPLICATIONS_OPEN = "applications_open", "Applications can be sent"
    SIGNAL_DEADLINE = "signal_deadline", "Preference signals due"
    REVIEW_BEGINS = "review_begins", "Programs begin reviewing applications"
    NRMP_REGISTRATION_OPENS = "nrmp_registration_opens", "NRMP Match registration opens"
    ROL_OPENS = "rol_opens", "Rank order list entry opens"
    ROL_DEADLINE = "rol_deadline", "Rank order list certification deadline"
    MATCH_DAY = "match_day", "Match Day"


class SeasonDateQuerySet(models.QuerySet):
    def day_of(self, season: int, kind: str) -> date | None:
        """The date of `kind` in `season` (None where staff keep none)."""
        return self.filter(season=season, kind=kind).values_list("date", flat=True).first()


class SeasonDate(models.Model):
    """A key date of one season, with where it comes from; staff keep them in the admin."""

    season = models.PositiveSmallIntegerField(validators=[MinValueValidator(2020)])
    kind = models.CharField(max_length=30, choices=SeasonDateKind.choices)
    date = models.DateField()
    source = models.CharField(max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SeasonDateQuerySet.as_manager()

    class Meta:
        ordering = ["season", "date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["season", "kind"], name="one_date_per_kind_per_season")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.season}: {self.date}"


class CalendarFeed(models.Model):
    """The secret address of an applicant's calendar feed: the token is the only key to it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
