"""Forms of the season pages: an entry's facts, the time zone, rank moves and signals."""

import importlib.resources
import zoneinfo
from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from functools import cache
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from applicants.forms import ShowsWhatItShowed
from applicants.models import InterviewFormat, ShortlistEntry
from applicants.models.shortlist import MAX_TRAVEL_ESTIMATE
from applicants.season import FACT_LABELS
from neuromatch.forms import PlainLabelForm, bound_whole_number

MINE, PROGRAMS = "mine", "program"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT_LIMIT = ShortlistEntry._meta.get_field("notes").max_length


def _choices(names: Iterable[str]) -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(names)]


@cache
def known_zone_choices() -> list[tuple[str, str]]:
    """Every zone a time zone may be saved as, old names (Asia/Calcutta) included."""
    names = zoneinfo.available_timezones() - {"Factory", "localtime"}
    return _choices(name for name in names if "/" in name or name == "UTC")


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(value for value, _label in known_zone_choices())


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    """The zones offered: tzdata's `zone.tab`, each country's zones under their current names
    (Asia/Kolkata, not Asia/Calcutta; no Etc/GMT+5, which is UTC−5), and UTC."""
    table = importlib.resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text("utf-8")
    rows = (line.split("\t") for line in table.splitlines() if line and line[0] != "#")
    known = zoneinfo.available_timezones()
    return _choices({"UTC", *(row[2] for row in rows if len(row) > 2 and row[2] in known)})


def _date(name: str) -> forms.DateField:
    return forms.DateField(label=FACT_LABELS[name], required=False, widget=DATE_INPUT)


def _text(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EntryFactsForm(ShowsWhatItShowed, PlainLabelForm):
    """Every fact of one entry, with the interview's day and time in a chosen zone.

    Each field carries what the page showed (Django's hidden initial, `initial-<name>`), so a
    save writes only what this user changed and the tracker can tell what changed elsewhere.
    """

    applied_on = _date("applied_on")
    signalled = forms.BooleanField(label="I signalled this program", required=False)
    invited_on = _date("invited_on")
    rejected_on = _date("rejected_on")
    withdrawn_on = _date("withdrawn_on")
    interview_day = forms.DateField(label="Interview day", required=False, widget=DATE_INPUT)
    interview_time = forms.TimeField(label="Start time", required=False, widget=TIME_INPUT)
    interview_zone = forms.ChoiceField(label="The time is in", required=False)
    interview_format = forms.ChoiceField(
        label="Format", required=False, choices=[("", "Not known yet"), *InterviewFormat.choices]
    )
    interviewed = forms.BooleanField(label="The interview has taken place", required=False)
    travel_estimate = forms.IntegerField(
        label="Travel estimate (US$)",
        required=False,
        help_text="Flights, hotel and local transport for an in-person interview.",
    )
    matched = forms.BooleanField(label="I matched here", required=False)
    pros = _text("Pros")
    cons = _text("Cons")

    # The name of "my time zone" as the page showed it, sent back with the form (MY_ZONE): a
    # zone changed in another tab meanwhile must not move the time typed, nor the one shown.
    MY_ZONE = "my_zone"

    def __init__(self, *args: Any, mine: tzinfo, program: tzinfo | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.my_zone_name = str(mine)
        bound_whole_number(self.fields["travel_estimate"], 0, MAX_TRAVEL_ESTIMATE, unit="dollars")
        # The zone select says how to read the day and time typed: not a fact of the entry.
        self.show_initial(but=("interview_zone",))
        self.zones = {MINE: mine, PROGRAMS: program or mine}
        choices = [(MINE, f"my time zone ({mine})")]
        if program is not None:
            choices.append((PROGRAMS, f"the program's time zone ({program})"))
        self.fields["interview_zone"].choices = choices

    @classmethod
    def zone_shown(cls, data: Mapping[str, Any], *, now: tzinfo) -> tzinfo:
        """The zone the page that sent `data` read "my time zone" as (`now` when it does not
        say, or names no zone)."""
        name = data.get(cls.MY_ZONE, "")
        if name and name != str(now) and name in _zone_names():
            return zoneinfo.ZoneInfo(name)
        return now

    @classmethod
    def initial_for(
        cls, entry: ShortlistEntry, *, mine: tzinfo, program: tzinfo | None
    ) -> dict[str, Any]:
        """What the page shows of the entry. A recorded interview is shown in the applicant's
        zone; a first one is read by default in the program's (`program`, where known), the
        zone invitations give their times in."""
        initial = {name: getattr(entry, name) for name in cls.base_fields if hasattr(entry, name)}
        if entry.interview_at is not None:
            local = entry.interview_at.astimezone(mine)
            initial |= {"interview_day": local.date(), "interview_time": local.time()}
        first = entry.interview_at is None and program is not None
        return initial | {"interview_zone": PROGRAMS if first else MINE}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, time = data.get("interview_day"), data.get("interview_time")
        if "interview_day" in self.errors or "interview_time" in self.errors:
            return data
        if (day is None) != (time is None):
            missing = "interview_time" if day else "interview_day"
            self.add_error(missing, "Give both the interview's day and its start time, or neither.")
            return data
        data["interview_at"] = None
        if day is not None and time is not None:
            zone = self.zones.get(data.get("interview_zone") or MINE, self.zones[MINE])
            moment = datetime.combine(day, time, tzinfo=zone)
            # A wall-clock time skipped when clocks go forward does not exist: say so.
            if moment.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone).time() != time:
                self.add_error(
                    "interview_time",
                    f"{time:%H:%M} does not exist on {day:%d %B %Y} in {zone}: the clocks go "
                    "forward that night. Check the time in the invitation.",
                )
            else:
                data["interview_at"] = moment
        return data

    def _interview_changed(self) -> bool:
        if "interview_at" not in self.cleaned_data:  # the day or the time has an error
            return False
        changed = {"interview_day", "interview_time"} & set(self.changed_data)
        # The same day and time read in the program's zone is another moment.
        elsewhere = self.cleaned_data.get("interview_zone") == PROGRAMS
        return bool(changed) or (elsewhere and self.cleaned_data["interview_at"] is not None)

    def changes(self) -> dict[str, Any]:
        """The facts and details this user changed from what the page showed, as the tracker
        takes them (on a form with errors, those of the fields without one). A post without
        the page's snapshot (an old page, a script) changes only the fields it sends with a
        value."""
        data, changed = self.cleaned_data, set(self.changed_data)
        names = [name for name in self.base_fields if not name.startswith("interview_")]
        result = {name: data[name] for name in names if name in changed and name in data}
        if "interview_format" in changed and "interview_format" in data:
            result["interview_format"] = data["interview_format"]
        if self._interview_changed():
            result["interview_at"] = data["interview_at"]
        return result

    def based_on(self) -> dict[str, Any]:
        """What the page showed of each changed field, for the fields whose snapshot was sent."""
        shown: dict[str, Any] = {}
        for name in self.changes():
            parts = ("interview_day", "interview_time") if name == "interview_at" else (name,)
            if not all(self[part].html_initial_name in self.data for part in parts):
                continue
            values = [self.shown(part) for part in parts]
            if name != "interview_at":
                shown[name] = values[0]
            elif None in values:
                shown[name] = None
            else:
                shown[name] = datetime.combine(*values, tzinfo=self.zones[MINE])
        return shown


class TimeZoneForm(PlainLabelForm):
    # Offered: `time_zone_choices`; accepted: any known zone, so a saved old name still saves.
    time_zone = forms.ChoiceField(label="Your time zone", choices=known_zone_choices)


@cache
def _zone_options() -> str:
    return "".join(
        format_html('<option value="{}">{}</option>', value, label)
        for value, label in time_zone_choices()
    )


def zone_options(selected: str) -> str:
    """The <option>s of the time zone select, `selected` chosen.

    Built once per process: 600 options through the form widget's templates cost more than
    the rest of the calendar page.
    """
    marker = format_html('<option value="{}">', selected)
    options = _zone_options()
    if marker not in options:  # a zone saved under an old name stays shown as chosen
        known = dict(known_zone_choices())
        if selected not in known:
            return options
        options = format_html('<option value="{}">{}</option>', selected, known[selected]) + options
    return mark_safe(options.replace(marker, marker[:-1] + " selected>", 1))  # noqa: S308


class SignalForm(PlainLabelForm):
    signalled = forms.TypedChoiceField(
        choices=[("true", "Signal"), ("false", "Take back")], coerce=lambda value: value == "true"
    )


class RankMoveForm(PlainLabelForm):
    action = forms.ChoiceField(
        choices=[
            ("up", "Up"),
            ("down", "Down"),
            ("to", "Move to"),
            ("add", "Add"),
            ("remove", "Remove"),
        ]
    )
    position = forms.IntegerField(label="New place", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_whole_number(self.fields["position"], 1, 999)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        moving = data.get("action") == "to" and "position" not in self.errors
        if moving and data.get("position") is None:
            self.add_error("position", "Enter the place to move it to (1 is your first choice).")
        return data


class RankNotesForm(ShowsWhatItShowed, PlainLabelForm):
    """An entry's pros and cons on the rank order list, with what the page showed of them: a
    save writes only the field the user changed, and one changed elsewhere meanwhile is named."""

    pros = _text("Pros")
    cons = _text("Cons")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_initial()

    def changes(self) -> dict[str, str]:
        """The fields to write: those changed from what the page showed (all of them, from a
        page without that snapshot)."""
        if not self.has_snapshot():
            return dict(self.cleaned_data)
        return {name: self.cleaned_data[name] for name in self.changed_data}

    def based_on(self) -> dict[str, Any]:
        """What the page showed of each field this save changes."""
        if not self.has_snapshot():
            return {}
        return {name: self.shown(name) for name in self.changes()}
