import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property

from applicants import season as season_rules
from applicants.reasons import Reason, reason_items
from applicants.scoring import (
    BANDS,
    DEFAULT_PARAMETERS,
    WEIGHT_SIGNS,
    ScoringParameters,
    with_weights,
)
from programs.models import Program


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

    # Tracker facts (DESIGN.md "Tracker and outcomes"). An entry becomes tracked for a season
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
        "travel estimate (USD)", null=True, blank=True, validators=[MaxValueValidator(20000)]
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


class SeasonDateKind(models.TextChoices):
    ERAS_OPENS = "eras_opens", "ERAS opens"
    APPLICATIONS_OPEN = "applications_open", "Applications can be sent"
    SIGNAL_DEADLINE = "signal_deadline", "Preference signals due"
    REVIEW_BEGINS = "review_begins", "Programs begin reviewing applications"
    NRMP_REGISTRATION_OPENS = "nrmp_registration_opens", "NRMP Match registration opens"
    ROL_OPENS = "rol_opens", "Rank order list entry opens"
    ROL_DEADLINE = "rol_deadline", "Rank order list certification deadline"
    MATCH_DAY = "match_day", "Match Day"


class SeasonDate(models.Model):
    """A key date of one season, with where it comes from; staff keep them in the admin."""

    season = models.PositiveSmallIntegerField(validators=[MinValueValidator(2020)])
    kind = models.CharField(max_length=30, choices=SeasonDateKind.choices)
    date = models.DateField()
    source = models.CharField(max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

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


class OutcomeSource(models.TextChoices):
    IMPORT = "import", "Imported from a file"
    APP = "app", "Recorded in neuromatch by an applicant who opted in"


class OutcomeImport(models.Model):
    """One outcomes file imported (`import_outcomes`): who, when, which file, what it did."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
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


# Sharing: grants to other users, comments, read-only share links and the access log.
# Every user reference cascades, so deleting an account removes what it gave and wrote.


class Access(models.TextChoices):
    VIEW = "view", "View"
    COMMENT = "comment", "View and comment"


class GrantQuerySet(models.QuerySet):
    def active(self) -> "GrantQuerySet":
        """Grants not revoked and accepted by an account (pending invitations excluded)."""
        return self.filter(revoked_at__isnull=True, grantee__isnull=False)

    def pending(self) -> "GrantQuerySet":
        """Invitations to an address that no verified account holds yet."""
        return self.filter(revoked_at__isnull=True, grantee__isnull=True)


class Grant(models.Model):
    """Access to an applicant's whole workspace for another user, or an invitation by e-mail.

    An invitation has `email` and no `grantee` until an account verifies that address. A
    revoked grant is kept (with `revoked_at`) so that the owner can undo the revocation.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants_given"
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants_received",
    )
    email = models.EmailField("e-mail address", blank=True)  # the address invited, lower case
    level = models.CharField(max_length=10, choices=Access.choices, default=Access.VIEW)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grantee__isnull=False) | ~Q(email=""), name="grant_has_grantee_or_email"
            ),
            models.CheckConstraint(condition=~Q(grantee=F("owner")), name="grant_not_to_owner"),
            models.UniqueConstraint(
                fields=["owner", "grantee"],
                condition=Q(revoked_at__isnull=True, grantee__isnull=False),
                name="one_live_grant_per_grantee",
            ),
            models.UniqueConstraint(
                fields=["owner", "email"],
                condition=Q(revoked_at__isnull=True, grantee__isnull=True),
                name="one_pending_invitation_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} for {self.grantee or self.email}"

    @property
    def is_pending(self) -> bool:
        return self.grantee_id is None

    @property
    def can_comment(self) -> bool:
        return self.level == Access.COMMENT


class Comment(models.Model):
    """A note by the owner or a `comment` grantee on a profile, or on one program of its list.

    Keyed by profile and program rather than by list entry: a rebuild replaces entries
    without user data, and a comment must not vanish with them.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments_received"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments_written"
    )
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="comments")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)  # when the owner first saw it

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner", "seen_at"], name="comment_owner_unseen")]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.program or self.profile}"

    @property
    def is_new(self) -> bool:
        """Not seen by the owner yet (the owner's own comments never are new)."""
        return self.seen_at is None and self.author_id != self.owner_id


class ShareLink(models.Model):
    """A secret address that shows one list, read-only, to anyone who has it, until it expires.

    Only a SHA-256 digest of the secret is stored: the address is shown once, when created.
    """

    MAX_DAYS = 30

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="share_links")
    label = models.CharField(max_length=80, blank=True)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="share_link_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"Link to {self.profile}"

    def is_live(self, now: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class Page(models.TextChoices):
    PROFILE = "profile", "profile"
    SCENARIOS = "scenarios", "scenarios"
    LIST = "list", "list"
    EXPORT = "export", "export"
    TRACKER = "tracker", "tracker"
    CALENDAR = "calendar", "calendar"


class AccessEvent(models.Model):
    """Someone other than the owner looked at the owner's data: a grantee or a share link."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_events"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    page = models.CharField(max_length=12, choices=Page.choices)
    profile = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["owner", "-at"], name="access_event_owner_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(viewer__isnull=False, link__isnull=True)
                | Q(viewer__isnull=True, link__isnull=False),
                name="access_event_by_viewer_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewer or self.link} viewed {self.page} at {self.at:%Y-%m-%d %H:%M}"
