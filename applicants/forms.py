"""Forms for the profile and its scenarios.

`ProfileForm` is the single place the profile's bounds are checked: the web form and
`applicants.profiles.validate_profile_data` (JSON for `build_list`) both go through it.
"""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F
from django.urls import reverse

from applicants.models import Profile, model_bounds, next_year
from programs.geography import REGION_CHOICES, STATE_CHOICES, STATE_NAMES

# Grouped like an application; every profile key appears exactly once.
PROFILE_FIELDSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Exams",
        (
            "graduation_year",
            "step1_score",
            "step1_attempts",
            "step2_score",
            "step2_attempts",
            "step3_score",
        ),
    ),
    ("Clinical experience", ("usce_months", "observership_months")),
    ("Research and letters", ("neuro_publications", "neuro_presentations", "us_neuro_letters")),
    ("Visa", ("visa",)),
    ("Geography", ("preferred_regions", "preferred_states", "excluded_states")),
    ("List size", ("list_size",)),
)
# The base profile first, then scenarios by name, on every database (PostgreSQL sorts NULL last).
PROFILE_ORDER = (F("based_on_id").asc(nulls_first=True), "name")
PROFILE_FIELDS: tuple[str, ...] = tuple(name for _, names in PROFILE_FIELDSETS for name in names)
# The opt-in to share outcomes: the user's choice, on the base profile only (not a profile key).
SHARE_FIELD = "share_outcomes"

LABELS = {
    "graduation_year": "Year of graduation from medical school",
    "step1_score": "USMLE Step 1 score",
    "step1_attempts": "Step 1 attempts",
    "step2_score": "USMLE Step 2 CK score",
    "step2_attempts": "Step 2 CK attempts",
    "step3_score": "USMLE Step 3 score",
    "usce_months": "US clinical experience (months)",
    "observership_months": "Observerships (months)",
    "neuro_publications": "Neurology publications",
    "neuro_presentations": "Neurology abstracts and presentations",
    "us_neuro_letters": "Letters from US neurologists",
    "visa": "Visa you need",
    "preferred_regions": "Preferred regions",
    "preferred_states": "Preferred states",
    "excluded_states": "States you will not apply to",
    "list_size": "Programs to apply to",
}
HELP_TEXTS = {
    "step1_score": "Leave empty if your Step 1 was reported pass/fail.",
    "step1_attempts": "1 if you passed on the first attempt.",
    "step2_score": "Leave empty if you have not taken Step 2 CK yet.",
    "step3_score": "Leave empty if you have not taken Step 3. An H-1B needs Step 3 passed.",
    "usce_months": "Hands-on clinical work in the US: externships, clerkships, residency.",
    "observership_months": (
        "Observing only: it helps, but does not meet a program's US clinical experience minimum."
    ),
    "neuro_publications": "Published or accepted papers in neurology or neuroscience.",
    "us_neuro_letters": "Letters of recommendation from neurologists practising in the US.",
    "preferred_regions": "Programs there get a small bonus; others are still considered.",
    "preferred_states": "Preferred states are exempt from the per-state cap on your list.",
    "excluded_states": "Programs in these states are never put on your list.",
    "list_size": "Most applicants apply to 80–120 programs. ERAS charges per program.",
}


BOUND_VALIDATORS = (MinValueValidator, MaxValueValidator)


def _states_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=STATE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice"}),
        error_messages={
            "invalid_choice": "%(value)s is not a US state code (use USPS codes such as TX).",
            "invalid_list": "Give a list of US state codes.",
        },
    )


class ProfileForm(forms.ModelForm):
    """Every field of the DESIGN.md profile, with its bounds, grouped like an application."""

    preferred_states = _states_field(LABELS["preferred_states"])
    excluded_states = _states_field(LABELS["excluded_states"])
    preferred_regions = forms.MultipleChoiceField(
        label=LABELS["preferred_regions"],
        choices=REGION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice"}),
        error_messages={
            "invalid_choice": "%(value)s is not a US Census region "
            "(choose from Northeast, Midwest, South, West).",
            "invalid_list": "Give a list of US Census regions.",
        },
    )

    class Meta:
        model = Profile
        fields = (*PROFILE_FIELDS, SHARE_FIELD)
        labels = LABELS
        help_texts = HELP_TEXTS
        widgets = {"visa": forms.RadioSelect}
        error_messages = {
            "visa": {
                "invalid_choice": "%(value)s is not a visa option (choose none, j1, h1b or any)."
            }
        }

    def __init__(self, *args: Any, validate: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if self.instance.is_scenario:
            del self.fields[SHARE_FIELD]
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                low, high = model_bounds(name)
                if name == "graduation_year":
                    high = next_year()
                message = f"Enter a whole number from {low} to {high}."
                field.validators = [
                    *(v for v in field.validators if not isinstance(v, BOUND_VALIDATORS)),
                    MinValueValidator(low, message=message),
                    MaxValueValidator(high, message=message),
                ]
                field.error_messages["invalid"] = message
                field.widget.attrs.update({"min": low, "max": high, "inputmode": "numeric"})
            if validate:
                field.widget.attrs.update(self._htmx_attrs(name))
            described = [f"{name}-feedback"]
            if field.help_text:
                described.insert(0, f"id_{name}_helptext")
            field.widget.attrs["aria-describedby"] = " ".join(described)

    @staticmethod
    def _htmx_attrs(name: str) -> dict[str, str]:
        """Validate the field on the server as soon as it changes, showing only its feedback."""
        return {
            "hx-post": reverse("applicants:profile_validate", args=[name]),
            "hx-trigger": "change",
            "hx-target": f"#{name}-feedback",
            "hx-swap": "outerHTML",
            "hx-include": "closest form",
        }

    @property
    def share_field(self) -> forms.BoundField | None:
        """The outcomes opt-in, shown on the base profile only."""
        return self[SHARE_FIELD] if SHARE_FIELD in self.fields else None

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in PROFILE_FIELDSETS]

    def _clean_codes(self, name: str) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data.get(name) or []))

    def clean_preferred_states(self) -> list[str]:
        return self._clean_codes("preferred_states")

    def clean_excluded_states(self) -> list[str]:
        return self._clean_codes("excluded_states")

    def clean_preferred_regions(self) -> list[str]:
        return self._clean_codes("preferred_regions")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        both = [
            state
            for state in cleaned.get("excluded_states") or []
            if state in (cleaned.get("preferred_states") or [])
        ]
        if both:
            names = ", ".join(STATE_NAMES[state] for state in both)
            self.add_error(
                "excluded_states",
                f"{names} cannot be both preferred and excluded: untick one of the two.",
            )
        return cleaned


class ScenarioForm(forms.Form):
    """A name for a new what-if copy of one of the user's profiles."""

    name = forms.CharField(
        label="Scenario name",
        max_length=Profile._meta.get_field("name").max_length,
        help_text="For example “after Step 3 = 235” or “+3 months USCE”.",
    )
    source = forms.ModelChoiceField(
        label="Copy from",
        queryset=Profile.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        profiles = Profile.objects.filter(user=user).order_by(*PROFILE_ORDER)
        self.fields["source"].queryset = profiles
        active = profiles.filter(active=True).first()
        if active is not None:
            self.fields["source"].initial = active.pk

    def clean_name(self) -> str:
        return _unique_name(self.user, self.cleaned_data["name"])


class RenameForm(forms.Form):
    name = forms.CharField(label="New name", max_length=Profile._meta.get_field("name").max_length)

    def __init__(self, *args: Any, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile

    def clean_name(self) -> str:
        return _unique_name(self.profile.user, self.cleaned_data["name"], exclude=self.profile)


def _unique_name(user: Any, name: str, *, exclude: Profile | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise forms.ValidationError("Give the scenario a name.")
    taken = Profile.objects.filter(user=user, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise forms.ValidationError(f"You already have a profile or scenario named “{name}”.")
    return name


class ScoreFilterForm(forms.Form):
    """Catalogue filters that need the active profile: band and eligibility."""

    band = forms.ChoiceField(
        label="Your band",
        required=False,
        choices=[
            ("", "Any band"),
            ("safety", "Safety"),
            ("target", "Target"),
            ("reach", "Reach"),
            ("ineligible", "Ineligible"),
        ],
    )
    eligibility = forms.ChoiceField(
        label="Eligibility",
        required=False,
        choices=[("", "Eligible or not"), ("eligible", "Eligible"), ("ineligible", "Ineligible")],
    )
