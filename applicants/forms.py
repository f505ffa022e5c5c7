"""Every form of applicants/: the profile and its scenarios, the list workspace, exports.

`ProfileForm` is the single place the profile's bounds are checked: the web form and
`validate_profile_data` (JSON for `build_list`) both go through it.
"""

from collections.abc import Collection, Mapping
from typing import Any

from django import forms
from django.http import QueryDict
from django.urls import reverse

from applicants.models import (
    PROFILE_ORDER,
    Band,
    Profile,
    ShortlistEntry,
    Status,
    model_bounds,
    next_year,
)
from applicants.profiles import (
    LABELS,
    PROFILE_FIELDS,
    PROFILE_FIELDSETS,
    PROFILE_KEYS,
    preferred_and_excluded,
)
from applicants.selectors import LIST_SORTS
from applicants.widgets import Checkboxes
from neuromatch.forms import PlainLabelForm, bound_whole_number
from programs.geography import REGION_CHOICES, STATE_CHOICES
from programs.models import Program

# The opt-in to share outcomes: the user's choice, on the base profile only (not a profile key).
SHARE_FIELD = "share_outcomes"

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
    "preferred_states": "A list takes only so many programs from each state; preferred states "
    "have no such limit.",
    "excluded_states": "Programs in these states are never put on your list.",
    "list_size": "Most applicants apply to 80–120 programs. ERAS charges per program.",
}


# The place fields of the "Where you apply" group, named in its collapsed summary line.
PLACE_FIELDS = ("preferred_regions", "preferred_states", "excluded_states")


def _states_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=STATE_CHOICES,
        required=False,
        widget=Checkboxes(attrs={"class": "choice"}),
        error_messages={
            "invalid_choice": "%(value)s is not a US state code (use USPS codes such as TX).",
            "invalid_list": "Give a list of US state codes.",
        },
    )


def _put(data: QueryDict, key: str, value: Any) -> None:
    """Set a posted value as a browser sends it: a list as repeated keys, None as empty."""
    if isinstance(value, list | tuple):
        data.setlist(key, [str(item) for item in value])
    else:
        data[key] = "" if value is None else str(value)


class ShowsWhatItShowed:
    """A form whose fields carry what its page showed (Django's hidden initial values), so a
    save writes only what the user changed and `edits.changed_since` can tell what was
    changed elsewhere meanwhile."""

    fields: dict[str, forms.Field]

    def show_initial(self, *, but: Collection[str] = ()) -> None:
        for name, field in self.fields.items():
            field.show_hidden_initial = name not in but

    def has_snapshot(self) -> bool:
        """Whether the post carries its page's snapshot (an old page or a script does not)."""
        return any(self[name].html_initial_name in self.data for name in self.fields)

    def sent_anew(self, current: Mapping[str, Any]) -> QueryDict:
        """The post as a page opened now would send it with this user's changes typed in: what
        the page shows comes from `current` (each field's value as stored now), except the
        fields this user changed, which keep what they typed. Sent again, it writes those
        fields over what is saved, and nothing else."""
        data = self.data.copy()
        typed = set(self.changed_data)
        for name, field in self.fields.items():
            if not field.show_hidden_initial:
                continue
            value = field.prepare_value(current.get(name))
            _put(data, self[name].html_initial_name, value)
            if name in typed:
                continue
            if not isinstance(field, forms.BooleanField):
                _put(data, self[name].html_name, value)
            elif value:
                data[self[name].html_name] = "on"
            else:
                data.pop(self[name].html_name, None)  # an unticked box sends nothing
        return data

    def shown(self, name: str) -> Any:
        """What the page showed of a field, cleaned as the field cleans a value (None when it
        does not clean)."""
        field = self.fields[name]
        widget = field.hidden_widget()
        value = widget.value_from_datadict(self.data, self.files, self[name].html_initial_name)
        try:
            return field.clean(value)
        except forms.ValidationError:
            return None


class ProfileForm(ShowsWhatItShowed, forms.ModelForm):
    """Every field of the profile JSON (README, "Profile JSON"), with its bounds, grouped like
    an application."""

    # Shown behind one disclosure under the exam scores (most applicants pass first time).
    ATTEMPT_FIELDS = ("step1_attempts", "step2_attempts")

    preferred_states = _states_field(LABELS["preferred_states"])
    excluded_states = _states_field(LABELS["excluded_states"])
    preferred_regions = forms.MultipleChoiceField(
        label=LABELS["preferred_regions"],
        choices=REGION_CHOICES,
        required=False,
        widget=Checkboxes(attrs={"class": "choice"}),
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
                "invalid_choice": "%(value)s is not a visa option (choose none, j1, h1b or any).",
                "required": "Choose whether you need a visa, and which.",
            }
        }

    def __init__(self, *args: Any, validate: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if self.instance.is_scenario:
            del self.fields[SHARE_FIELD]
        if self.instance.pk is None and "visa" not in (kwargs.get("initial") or {}):
            # A first profile: the visa is answered, never taken from the model's default (a
            # green-card holder who missed a ticked J-1 would lose programs for nothing).
            self.initial.pop("visa", None)
            self.fields["visa"].initial = None
        self.show_initial()
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                low, high = model_bounds(name)
                if name == "graduation_year":
                    high = next_year()
                bound_whole_number(field, low, high)
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

    def places_chosen(self) -> list[tuple[forms.BoundField, list[str]]]:
        """Each place field with the names ticked in it, for the collapsed group's summary."""
        places = []
        for name in PLACE_FIELDS:
            chosen = set(self[name].value() or [])
            names = [label for code, label in self.fields[name].choices if code in chosen]
            places.append((self[name], names))  # in the order of the checkboxes
        return places

    def places_have_errors(self) -> bool:
        return any(self[name].errors for name in (*PLACE_FIELDS, "list_size"))

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
        if message := preferred_and_excluded(
            cleaned.get("preferred_states") or [], cleaned.get("excluded_states") or []
        ):
            self.add_error("excluded_states", message)
        return cleaned

    def changes(self) -> dict[str, Any]:
        """The values this user changed from what the page showed. A post without the page's
        snapshot (a page opened before there was one, a script) is the whole profile."""
        if not self.has_snapshot():
            return dict(self.cleaned_data)
        return {name: self.cleaned_data[name] for name in self.changed_data}

    def based_on(self) -> dict[str, Any]:
        """What the page showed of each changed field."""
        return {name: self.shown(name) for name in self.changes()} if self.has_snapshot() else {}


class ScenarioForm(PlainLabelForm):
    """A name for a new what-if copy of one of the user's profiles."""

    name = forms.CharField(
        label="Scenario name",
        max_length=Profile._meta.get_field("name").max_length,
        error_messages={"required": "Give the scenario a name."},
        help_text="For example “after Step 3 = 235” or “+3 months USCE”.",
    )
    source = forms.ModelChoiceField(
        label="Copy from",
        queryset=Profile.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": "The profile to copy from is gone (deleted in another tab?): "
            "reload the page and choose another."
        },
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


class RenameForm(PlainLabelForm):
    name = forms.CharField(
        label="New name",
        max_length=Profile._meta.get_field("name").max_length,
        error_messages={"required": "Enter a name."},
    )

    def __init__(self, *args: Any, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile

    def clean_name(self) -> str:
        return _unique_name(self.profile.user, self.cleaned_data["name"], exclude=self.profile)


# Embedding, override and isolate controls reorder the text around them when a name is shown
# (“Step 3 \u202egnol” reads “Step 3 long”): a name has no use for them.
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _unique_name(user: Any, name: str, *, exclude: Profile | None = None) -> str:
    name = " ".join(name.translate(BIDI_CONTROLS).split())
    if not name:
        raise forms.ValidationError("Give the scenario a name.")
    taken = Profile.objects.filter(user=user, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise forms.ValidationError(f"You already have a profile or scenario named “{name}”.")
    return name


class ScoreFilterForm(PlainLabelForm):
    """Catalogue filters that need the active profile: band and eligibility."""

    band = forms.ChoiceField(
        label="Your band",
        required=False,
        choices=[("", "Any band"), *reversed(Band.choices[:3]), Band.choices[3]],
    )
    eligibility = forms.ChoiceField(
        label="Eligibility",
        required=False,
        choices=[("", "Eligible or not"), ("eligible", "Eligible"), ("ineligible", "Ineligible")],
    )


# The profile as JSON (`build_list`)

# Keys without a neutral default: leaving out Step 2 CK must not silently mean "not taken".
REQUIRED_KEYS: tuple[str, ...] = ("visa", "graduation_year", "step2_score")
DEFAULTS: dict[str, Any] = {
    "step1_attempts": 1,
    "step1_score": None,
    "step2_attempts": 1,
    "step3_score": None,
    "usce_months": 0,
    "observership_months": 0,
    "neuro_publications": 0,
    "neuro_presentations": 0,
    "us_neuro_letters": 0,
    "preferred_states": [],
    "preferred_regions": [],
    "excluded_states": [],
    "list_size": 100,
}
NULLABLE_KEYS = frozenset({"step1_score", "step2_score", "step3_score"})
LIST_KEYS = frozenset({"preferred_states", "preferred_regions", "excluded_states"})
TEXT_KEYS = frozenset({"visa"})


class ProfileDataError(ValueError):
    """A profile dict that does not follow the contract; `messages` name each key and value."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def form_data(data: Mapping[str, Any]) -> QueryDict:
    """Profile values as the form data `ProfileForm` reads (None as empty, lists as lists)."""
    result = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            result.setlist(key, [str(item) for item in value])
        elif value is None:
            result[key] = ""
        else:
            result[key] = str(int(value)) if isinstance(value, float) else str(value)
    return result


def _type_error(key: str, value: Any) -> str | None:
    if key in TEXT_KEYS:
        return None if isinstance(value, str) else f"{key}: must be text, not {value!r}."
    if key in LIST_KEYS:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return None
        return f'{key}: must be a list of text codes such as ["TX"], not {value!r}.'
    if value is None and key in NULLABLE_KEYS:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "a whole number or null" if key in NULLABLE_KEYS else "a whole number"
        return f"{key}: must be {kind}, not {value!r}."
    if isinstance(value, float) and not value.is_integer():
        return f"{key}: must be a whole number, not {value!r}."
    return None


def validate_profile_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a profile JSON dict (README, "Profile JSON") and return it complete and clean.

    Unknown keys, missing required keys, wrong types and out-of-range values raise
    `ProfileDataError` listing every problem. Missing optional keys get the model defaults.
    Bounds are the profile form's (one set of bounds for the web and for JSON).
    """
    if not isinstance(data, Mapping):
        raise ProfileDataError([f"The profile must be a JSON object, not {type(data).__name__}."])
    messages = [
        f"{key}: unknown key (allowed keys: {', '.join(PROFILE_KEYS)})."
        for key in data
        if key not in PROFILE_KEYS
    ]
    messages += [f"{key}: missing (required)." for key in REQUIRED_KEYS if key not in data]
    values = {**DEFAULTS, **{key: data[key] for key in PROFILE_KEYS if key in data}}
    for key in PROFILE_KEYS:
        if key in values and (problem := _type_error(key, values[key])) is not None:
            messages.append(problem)
    # Every problem at once: the form's bounds for the keys whose type was fine.
    reported = {message.split(":", 1)[0] for message in messages}
    form = ProfileForm(form_data(values))
    if not form.is_valid():
        messages += [
            f"{key}: {message.rstrip('.')} (got {values.get(key)!r})."
            for key, errors in form.errors.as_data().items()
            if key not in reported
            for error in errors
            for message in error.messages
        ]
    if messages:
        raise ProfileDataError(messages)
    return {key: form.cleaned_data[key] for key in PROFILE_KEYS}


# The list workspace


class ListFilterForm(PlainLabelForm):
    band = forms.ChoiceField(choices=[("", "All bands"), *Band.choices], required=False)
    state = forms.ChoiceField(choices=[("", "All states")], required=False)
    status = forms.ChoiceField(choices=[("", "All statuses"), *Status.choices], required=False)
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in LIST_SORTS.items()], required=False
    )

    def __init__(self, *args: Any, states: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "All states"), *((s, s) for s in states)]

    def filters(self) -> dict[str, str]:
        """The valid filters and sort; a bad value in one leaves the others working."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value}


class PinForm(PlainLabelForm):
    pinned = forms.TypedChoiceField(
        choices=[("true", "Pin"), ("false", "Unpin")], coerce=lambda value: value == "true"
    )


class StatusForm(PlainLabelForm):
    status = forms.ChoiceField(choices=Status.choices)


class NotesForm(PlainLabelForm):
    notes = forms.CharField(
        max_length=ShortlistEntry._meta.get_field("notes").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The note the editor started from (two tabs: a save over a changed note is refused).
    based_on = forms.CharField(required=False, strip=False)

    def clean_based_on(self) -> str | None:
        """None when the form did not say what it started from (then nothing is compared)."""
        return self.cleaned_data["based_on"] if "based_on" in self.data else None


class SearchForm(PlainLabelForm):
    q = forms.CharField(label="Find a program", max_length=100, required=False)

    def query(self) -> str:
        return self.cleaned_data["q"] if self.is_bound and self.is_valid() else ""


class AddProgramForm(PlainLabelForm):
    program = forms.ModelChoiceField(
        queryset=Program.objects.active(),
        error_messages={"invalid_choice": "That program is not in the active catalogue."},
    )


class ExportForm(PlainLabelForm):
    profile = forms.IntegerField(required=False, min_value=1)


def first_error(form: forms.Form) -> str:
    """The form's first error as one sentence naming its field (none for a form-wide one)."""
    name, errors = next(iter(form.errors.items()))
    label = form[name].label if name in form.fields else ""
    return f"{label}: {errors[0]}" if label else errors[0]
