import datetime as dt
import math

import pandas as pd
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from programs.geography import STATE_CHOICES, region_of

# A program whose data nobody has verified for this long is flagged on its page and reasons.
STALE_AFTER = dt.timedelta(days=365)
PROGRAM_ID_VALIDATOR = RegexValidator(r"^\d{10}$", "An ACGME program ID is 10 digits.")


class Setting(models.TextChoices):
    UNIVERSITY = "university", "University-based"
    COMMUNITY_AFFILIATED = "community_affiliated", "Community, university-affiliated"
    COMMUNITY = "community", "Community-based"
    MILITARY = "military", "Military"
    OTHER = "other", "Other"


class Track(models.TextChoices):
    CATEGORICAL = "categorical", "Categorical"
    ADVANCED = "advanced", "Advanced"
    CHILD = "child", "Child neurology"


class CutoffKind(models.TextChoices):
    """Whether a published cut-off is a rule (below it excludes) or a preference (it does not)."""

    REQUIRED = "required", "Required"
    PREFERRED = "preferred", "Preferred"


class YogPolicy(models.TextChoices):
    LIMIT = "limit", "Limit in years"
    NONE = "none", "No limit"
    UNKNOWN = "unknown", "Unknown"


FRAME_TEXT_COLUMNS = ("program_id", "name", "institution", "city", "state", "setting", "track")
FRAME_NUMBER_COLUMNS = ("tier", "positions", "img_pct", "step2_min", "usce_min_months")
FRAME_TRISTATE_COLUMNS = ("visa_j1", "visa_h1b", "multiple_attempts_ok")
# Whether each cut-off is required or preferred, as its `CutoffKind` value.
FRAME_KIND_COLUMNS = ("step2_min_kind", "yog_window_kind", "usce_kind")


def _tristate(value: bool | None) -> float:
    return math.nan if value is None else float(value)


class ProgramQuerySet(models.QuerySet):
    def active(self) -> "ProgramQuerySet":
        return self.filter(active=True)

    def to_frame(self) -> pd.DataFrame:
        """The programs as the DataFrame the pure scorer reads.

        Indexed by primary key. Text columns as str; numbers as float with NaN for unknown;
        tri-state policies as 1.0 (yes) / 0.0 (no) / NaN (unknown); `yog_window` NaN when
        unknown and +inf when there is no limit; the cut-off kinds (`step2_min_kind`,
        `yog_window_kind`, `usce_kind`) as `required` / `preferred`; `region` derived from
        `state`; `stale` (not verified within `STALE_AFTER`) and `active` bool.
        """
        fields = (
            "pk",
            *FRAME_TEXT_COLUMNS,
            *FRAME_NUMBER_COLUMNS,
            *FRAME_TRISTATE_COLUMNS,
            *FRAME_KIND_COLUMNS,
            "yog_policy",
            "yog_window",
            "last_verified",
            "active",
        )
        rows = list(self.values_list(*fields))
        frame = pd.DataFrame.from_records(rows, columns=list(fields)).set_index("pk")
        for column in (*FRAME_TEXT_COLUMNS, *FRAME_KIND_COLUMNS):
            frame[column] = frame[column].fillna("").astype(str)
        for column in FRAME_NUMBER_COLUMNS:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
        for column in FRAME_TRISTATE_COLUMNS:
            frame[column] = [_tristate(value) for value in frame[column]]
            frame[column] = frame[column].astype(float)
        window = pd.to_numeric(frame["yog_window"], errors="coerce").astype(float)
        frame["yog_window"] = window.where(frame["yog_policy"] != YogPolicy.NONE, math.inf)
        frame = frame.drop(columns="yog_policy")
        oldest_fresh = timezone.localdate() - STALE_AFTER
        verified = frame.pop("last_verified")
        frame["stale"] = [day is None or day < oldest_fresh for day in verified]
        frame["stale"] = frame["stale"].astype(bool)
        frame["region"] = frame["state"].map(region_of).fillna("")
        frame["active"] = frame["active"].astype(bool)
        frame.index.name = "pk"
        return frame


class Program(models.Model):
    """A US neurology residency program. Policy fields are tri-state: True / False / None."""

    program_id = models.CharField(
        "ACGME program ID",
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[PROGRAM_ID_VALIDATOR],
    )
    nrmp_codes = models.CharField("NRMP codes", max_length=200, blank=True)
    name = models.CharField(max_length=200)
    institution = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    setting = models.CharField(max_length=24, choices=Setting.choices, blank=True)
    tier = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    track = models.CharField(max_length=12, choices=Track.choices, default=Track.CATEGORICAL)
    positions = models.PositiveSmallIntegerField("first-year positions", null=True, blank=True)
    visa_j1 = models.BooleanField("sponsors J-1", null=True, blank=True)
    visa_h1b = models.BooleanField("sponsors H-1B", null=True, blank=True)
    img_pct = models.FloatField(
        "IMG share of residents (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    step2_min = models.PositiveSmallIntegerField(
        "Step 2 CK minimum",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(300)],
    )
    step2_min_kind = models.CharField(
        "Step 2 CK minimum is",
        max_length=9,
        choices=CutoffKind.choices,
        default=CutoffKind.REQUIRED,
        help_text="Preferred: a score below it lowers the estimate but does not exclude.",
    )
    yog_policy = models.CharField(
        "graduation-year policy", max_length=8, choices=YogPolicy.choices, default=YogPolicy.UNKNOWN
    )
    yog_window = models.PositiveSmallIntegerField(
        "max years since graduation", null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    yog_window_kind = models.CharField(
        "graduation-year limit is",
        max_length=9,
        choices=CutoffKind.choices,
        default=CutoffKind.REQUIRED,
    )
    multiple_attempts_ok = models.BooleanField(
        "accepts a failed USMLE attempt", null=True, blank=True
    )
    usce_min_months = models.PositiveSmallIntegerField(
        "US clinical experience required (months)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
    )
    usce_kind = models.CharField(
        "US clinical experience minimum is",
        max_length=9,
        choices=CutoffKind.choices,
        default=CutoffKind.REQUIRED,
    )
    website = models.URLField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    data_source = models.CharField(max_length=100, blank=True)
    last_verified = models.DateField(null=True, blank=True)
    img_observerships = models.BooleanField(
        "institution offers IMGs observerships or electives", null=True, blank=True
    )
    active = models.BooleanField(default=True, help_text="Archived programs are not active.")
    created_batch = models.ForeignKey(
        "ImportBatch",
        verbose_name="added by import",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["state", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | Q(tier__gte=1, tier__lte=4),
                name="program_tier_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(img_pct__isnull=True) | Q(img_pct__gte=0, img_pct__lte=100),
                name="program_img_pct_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(step2_min__isnull=True) | Q(step2_min__gte=1, step2_min__lte=300),
                name="program_step2_min_1_to_300",
            ),
            models.CheckConstraint(
                condition=(Q(yog_policy="limit") & Q(yog_window__isnull=False))
                | (~Q(yog_policy="limit") & Q(yog_window__isnull=True)),
                name="program_yog_window_iff_limit",
            ),
            models.CheckConstraint(
                condition=Q(usce_min_months__isnull=True) | Q(usce_min_months__lte=120),
                name="program_usce_min_months_0_to_120",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{kind}__in": CutoffKind.values}),
                    name=f"program_{kind}_required_or_preferred",
                )
                for kind in FRAME_KIND_COLUMNS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.pk])

    @property
    def region(self) -> str:
        return region_of(self.state)

    @property
    def is_demo(self) -> bool:
        return self.data_source == "demo"

    def is_stale(self, today: dt.date) -> bool:
        """Not verified within `STALE_AFTER` of `today` (or never)."""
        return self.last_verified is None or self.last_verified < today - STALE_AFTER


class FileImport(models.Model):
    """An imported file: who imported it, when, its name and the SHA-256 of its bytes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        abstract = True


class ImportBatch(FileImport):
    """One import of a catalogue file: who, what, and what it changed (or would change)."""

    dry_run = models.BooleanField(default=False)
    full_catalogue = models.BooleanField(default=False)
    skip_invalid = models.BooleanField("skip invalid rows", default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    archived = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    # The previewed file, kept server-side until it is confirmed or expires; never on disk.
    content = models.BinaryField(null=True, blank=True, editable=False)
    # What the preview showed, as a hash: a confirm writes only a plan with the same hash.
    plan_digest = models.CharField(max_length=64, blank=True, editable=False)
    # Header → field for columns the importer does not know, as chosen in the preview.
    column_mapping = models.JSONField(default=dict, blank=True)
    # The same user's newer preview that voided this one (one preview pending per user).
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        mode = "dry run" if self.dry_run else "applied"
        return f"{self.file_name} ({mode}, {self.created_at:%Y-%m-%d %H:%M})"


class ColumnMapping(models.Model):
    """Fields chosen in an import preview for unknown columns, remembered for every file with
    the same header row (`header_key`: a hash of the headers as the importer compares them)."""

    header_key = models.CharField(max_length=64, unique=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return ", ".join(f"{header} → {field}" for header, field in self.mapping.items())


class ChangeSource(models.TextChoices):
    IMPORT = "import", "Import"
    ADMIN = "admin", "Admin edit"
    CORRECTION = "correction", "Accepted correction"


class ProgramChange(models.Model):
    """One field of one program changed: old and new value, where the change came from, when.

    `field` is a Program field name, or "" for the program being added. Values are kept as
    JSON (dates as ISO text), so the history shows them as they were.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40, blank=True)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=ChangeSource.choices)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    correction = models.ForeignKey(
        "Correction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["program", "-changed_at"], name="program_change_by_time")]

    def __str__(self) -> str:
        return (
            f"{self.program_id}.{self.field or 'added'} ({self.source}, {self.changed_at:%Y-%m-%d})"
        )


# The columns an applicant may correct, with the words the form shows for each.
CORRECTABLE: dict[str, str] = {
    "visa_j1": "J-1 visa sponsorship (yes / no)",
    "visa_h1b": "H-1B visa sponsorship (yes / no)",
    "img_pct": "IMG share of residents (%)",
    "step2_min": "Step 2 CK minimum",
    "step2_min_kind": "Step 2 CK minimum is required or preferred",
    "yog_window": "Years since graduation accepted (a number, or none)",
    "yog_window_kind": "Graduation-year limit is required or preferred",
    "multiple_attempts_ok": "Accepts a failed USMLE attempt (yes / no)",
    "usce_min_months": "US clinical experience required (months)",
    "usce_kind": "US clinical experience minimum is required or preferred",
    "img_observerships": "Institution offers IMGs observerships or electives (yes / no)",
    "positions": "First-year positions",
    "website": "Program website",
    "nrmp_codes": "NRMP codes",
    "setting": "Setting",
    "institution": "Institution",
    "city": "City",
    "name": "Program name",
}


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Correction(models.Model):
    """An applicant's suggested change to one field of a program, with evidence; staff accept
    (through the importer's validation) or reject it with a reason."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="corrections")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_corrections"
    )
    field = models.CharField(max_length=40, choices=list(CORRECTABLE.items()))
    value = models.CharField("suggested value", max_length=300)
    evidence = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=8, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_corrections",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField("reason", max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="correction_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values), name="correction_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_note=""),
                name="correction_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.program} → {self.value} ({self.status})"
