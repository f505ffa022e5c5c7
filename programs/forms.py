from collections.abc import Sequence

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from neuromatch.forms import PlainLabelForm, bound_whole_number
from programs.catalogue import SORTS
from programs.geography import REGION_CHOICES, STATE_CHOICES, region_of
from programs.mapping import MAPPABLE_FIELDS
from programs.models import CORRECTABLE, Setting, Track
from programs.reading import MAX_BYTES

POLICY_CHOICES = [
    ("", "Any"),
    ("yes", "Sponsors"),
    ("not_no", "Sponsors or unknown"),
    ("no", "Does not sponsor"),
    ("unknown", "Unknown"),
]
TIER_CHOICES = [
    ("", "Any tier"),
    ("1", "1 — top academic"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4 — community-oriented"),
]


class CatalogueFilterForm(PlainLabelForm):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, institution, city"}),
    )
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Any state")] + STATE_CHOICES
    )
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "Any region")] + REGION_CHOICES
    )
    setting = forms.ChoiceField(
        label="Setting", required=False, choices=[("", "Any setting")] + Setting.choices
    )
    tier = forms.TypedChoiceField(
        label="Tier", required=False, choices=TIER_CHOICES, coerce=int, empty_value=None
    )
    track = forms.ChoiceField(
        label="Track", required=False, choices=[("", "Any track")] + Track.choices
    )
    j1 = forms.ChoiceField(label="J-1 visa", required=False, choices=POLICY_CHOICES)
    h1b = forms.ChoiceField(label="H-1B visa", required=False, choices=POLICY_CHOICES)
    observerships = forms.ChoiceField(
        label="Observerships for IMGs",
        required=False,
        choices=[
            ("", "Any"),
            ("yes", "Offered"),
            ("not_no", "Offered or unknown"),
            ("no", "Not offered"),
            ("unknown", "Unknown"),
        ],
    )
    # Bounded in __init__ (one message says what to enter).
    img_min = forms.IntegerField(label="IMG share at least (%)", required=False)
    step2_max = forms.IntegerField(label="Step 2 CK minimum at most", required=False)
    grad_year = forms.IntegerField(label="Accepts graduates of (year)", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        bound_whole_number(self.fields["img_min"], 0, 100)
        bound_whole_number(self.fields["step2_max"], 1, 300)
        bound_whole_number(self.fields["grad_year"], 1950, timezone.now().year + 1)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        state, region = cleaned.get("state"), cleaned.get("region")
        if state and region and region_of(str(state)) != region:
            self.add_error("region", f"{state} is not in the {region} region.")
        return cleaned


class ImportForm(PlainLabelForm):
    file = forms.FileField(
        label="Catalogue file",
        help_text="CSV (comma, semicolon or tab) or Excel .xlsx; up to 5 MB and 20,000 programs.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx"}),
    )
    full_catalogue = forms.BooleanField(
        label="This file is the full catalogue: archive programs missing from it",
        required=False,
        help_text="Archived programs stay in applicants' lists; nothing is deleted.",
    )
    skip_invalid = forms.BooleanField(
        label="Import the valid rows and skip invalid ones", required=False
    )

    def __init__(self, *args: object, content_length: int = 0, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.content_length = content_length

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 5 MB."
            )
        return upload

    def full_clean(self) -> None:
        super().full_clean()
        # Uploads over the in-memory limit never reach request.FILES: say why, not "required".
        if self.is_bound and "file" in self.errors and self.content_length > MAX_BYTES:
            self.errors["file"] = self.error_class(
                [f"The upload is over {MAX_BYTES // 1024 // 1024} MB; the limit is 5 MB."]
            )


class ColumnMappingForm(PlainLabelForm):
    """A field (or none) for each column the importer does not know, by position."""

    def __init__(self, *args: object, headers: Sequence[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        choices = [("", "Not part of the catalogue")] + [(name, name) for name in MAPPABLE_FIELDS]
        for index, header in enumerate(self.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                required=False,
                choices=choices,
                error_messages={"invalid_choice": "Choose a field from the lists."},
            )

    def field_for(self, headers: Sequence[str]) -> str | None:
        """The form field of the last of `headers` given a field here (None: none is)."""
        chosen = [
            f"column_{index}"
            for index, header in enumerate(self.headers)
            if header in headers and self.data.get(f"column_{index}")
        ]
        return chosen[-1] if chosen else None

    def mapping(self) -> dict[str, str]:
        """Header → chosen field, for the columns given one."""
        return {
            header: self.cleaned_data[f"column_{index}"]
            for index, header in enumerate(self.headers)
            if self.cleaned_data.get(f"column_{index}")
        }


class ConfirmImportForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    skip_invalid = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CorrectionForm(PlainLabelForm):
    field = forms.ChoiceField(label="What is wrong or missing", choices=[])
    value = forms.CharField(
        label="Correct value",
        max_length=300,
        help_text="As the program states it: yes / no, a number, none, required or preferred…",
    )
    evidence = forms.CharField(
        label="Evidence",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A link to the program's page that says so, or a quote from it.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "Choose a field")] + list(CORRECTABLE.items())


class RejectCorrectionForm(PlainLabelForm):
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The person who suggested it sees this.",
    )
