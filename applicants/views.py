"""The profile and its scenarios: `/profile/`, `/profile/scenarios/` and their actions."""

from copy import copy
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants import comments, outlook, profiles, sharing, sharing_views
from applicants.access import get_profile_for_user, get_rw_profile_for_user
from applicants.forms import ProfileForm, RenameForm, ScenarioForm, form_data
from applicants.model_versions import active_version, estimate_note
from applicants.models import Page, Profile
from applicants.profiles import PROFILE_FIELDS, profile_data, shown_value


def _edit_url(profile: Profile) -> str:
    if profile.active:
        return reverse("applicants:profile")
    return reverse("applicants:scenario", args=[profile.pk])


def _edit(request: HttpRequest, profile: Profile | None) -> HttpResponse:
    """The profile page for the base profile or a scenario: form, summary, advice."""
    form = ProfileForm(request.POST or None, instance=profile, validate=True)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if profile is None:
                profile = profiles.create_profile(user=request.user, data=form.cleaned_data)
                notice = "Profile saved. Here is what it means for your applications."
            elif changes := form.changes():
                profile = profiles.update_profile(
                    profile=profile, data=changes, based_on=form.based_on()
                )
                notice = f"“{profile.name}” saved."
            else:
                notice = f"Nothing to save: “{profile.name}” is as it was."
        except profiles.ProfileExists as error:
            form.add_error(None, str(error))  # the values entered stay in the form
            status = 409
        except profiles.StaleProfile as error:
            profile = error.profile
            form = _stale_form(form, error)
            status = 409
        except profiles.ProfileGone as error:
            return _gone(request, form, name=error.profile.name)
        except profiles.ProfileError as error:
            messages.error(request, str(error))
            return redirect("applicants:profile")
        else:
            messages.success(request, notice)
            return redirect(_edit_url(profile))
    context: dict[str, Any] = {
        "form": form,
        # A clash with another tab is explained above the form, not as answers to fix.
        "field_errors": status != 409 and any(name != NON_FIELD_ERRORS for name in form.errors),
        "profile": profile,
        "profiles": profiles.profiles_of(request.user),
    }
    if profile is None:
        return render(request, "applicants/profile.html", context, status=status)
    shown = comments.profile_comments(profile)
    context |= {
        "report": outlook.profile_report(profile),
        "scenario_form": ScenarioForm(user=request.user, initial={"source": profile.pk}),
        "rename_form": RenameForm(profile=profile, initial={"name": profile.name}),
        "viewer": sharing.Viewer(request.user, sharing.OWNER),
        "comments": shown,
        "has_new_comments": any(comment.is_new for comment in shown),
        "limits": {"comment": comments.MAX_COMMENT_LENGTH},
    }
    response = render(request, "applicants/profile.html", context, status=status)
    comments.mark_shown(shown)  # shown as new just now
    return response


def _stale_form(form: ProfileForm, error: profiles.StaleProfile) -> ProfileForm:
    """The values entered, ready to be saved over what another tab saved meanwhile, with the
    saved value under each field that clashed."""
    saved = {name: profiles.shown_value(name, getattr(error.profile, name)) for name in error.names}
    saved_now = {name: getattr(error.profile, name) for name in form.fields}
    # A copy: validating a model form writes the values entered into its instance.
    anew = ProfileForm(form.sent_anew(saved_now), instance=copy(error.profile), validate=True)
    anew.is_valid()
    anew.add_error(None, str(error))
    for name, value in saved.items():
        anew.add_error(name, f"Saved elsewhere meanwhile: {value}. Save again to keep yours.")
    return anew


TYPED = "typed-"  # prefix of a value typed on a gone scenario's form that was not valid


def _gone(
    request: HttpRequest,
    form: ProfileForm,
    *,
    name: str = "",
    new_name: str | None = None,
    name_error: str = "",
    problem: str = "",
) -> HttpResponse:
    """A save posted to a scenario that is not there (deleted in another tab, say): nothing is
    saved, and what was typed is shown, ready to be saved as a new scenario. Saving it as one
    comes back here, values kept, when the new scenario cannot be made (`name_error`,
    `problem`)."""
    source = profiles.active_profile(request.user)
    if source is None:
        raise Http404("No such scenario.")
    form.is_valid()
    valid = {key: form.cleaned_data[key] for key in PROFILE_FIELDS if key in form.cleaned_data}
    context = {
        "name": name,
        "source": source,
        "new_name": profiles.unused_name(request.user, name or "Recovered scenario")
        if new_name is None
        else new_name,
        "name_error": name_error,
        "problem": problem,
        "name_limit": Profile._meta.get_field("name").max_length,
        # (label, value, valid): a value that is not valid is shown as typed and left out.
        "entered": [
            (form[key].label, shown_value(key, valid[key]), True)
            if key in valid
            else (form[key].label, ", ".join(form.data.getlist(key)), False)
            for key in PROFILE_FIELDS
        ],
        # An empty list is sent as "": a field left out would be copied from the source. What
        # was not valid goes along under another name, to be shown again, never saved.
        "kept": [
            (key, value) for key, values in form_data(valid).lists() for value in values or [""]
        ]
        + [
            (f"{TYPED}{key}", value)
            for key in PROFILE_FIELDS
            if key not in valid
            for value in form.data.getlist(key)
        ],
    }
    status = 400 if name_error or problem else 404
    return render(request, "applicants/scenario_gone.html", context, status=status)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    return _edit(request, profiles.active_profile(request.user))


@require_http_methods(["GET", "POST"])
def scenario(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        profile = get_profile_for_user(request.user, pk)
        if profile.user_id != request.user.pk:
            return sharing_views.shared_profile(request, profile)
    try:
        profile = get_rw_profile_for_user(request.user, pk)
    except Http404:
        return _gone(request, ProfileForm(request.POST))
    return _edit(request, profile)


@require_POST
def validate_field(request: HttpRequest, field: str) -> HttpResponse:
    if field not in PROFILE_FIELDS:
        raise Http404("No such profile field.")
    form = ProfileForm(request.POST)
    form.is_valid()
    return render(request, "applicants/profile.html#feedback", {"field": form[field]})


@require_GET
def scenarios(request: HttpRequest) -> HttpResponse:
    return _scenarios_page(request, ScenarioForm(user=request.user))


def _scenarios_page(
    request: HttpRequest, scenario_form: ScenarioForm, *, status: int = 200
) -> HttpResponse:
    """The comparison, with the new-scenario form as given (a refused one keeps what was
    typed, its errors at its fields)."""
    columns = outlook.compare_scenarios(request.user)
    if not columns:
        messages.info(request, "Save your profile first: scenarios are copies of it.")
        return redirect("applicants:profile")
    context = {
        "columns": columns,
        "rows": _comparison_rows([column.profile for column in columns]),
        "scenario_form": scenario_form,
        "note": estimate_note(active_version()),
        "viewer": sharing.Viewer(request.user, sharing.OWNER),
    }
    return render(request, "applicants/scenarios.html", context, status=status)


@require_GET
def shared_scenarios(request: HttpRequest, owner_pk: int) -> HttpResponse:
    """Someone's profile and scenarios side by side, for a user they share them with."""
    return sharing_views.shared_workspace_page(request, owner_pk, Page.SCENARIOS, _comparison)


def _comparison(owner: AbstractBaseUser) -> dict[str, Any]:
    columns = outlook.compare_scenarios(owner)
    return {
        "columns": columns,
        "rows": _comparison_rows([column.profile for column in columns]) if columns else [],
        "note": estimate_note(active_version()),
    }


def _comparison_rows(shown: list[Profile]) -> list[tuple[str, list[tuple[object, bool]]]]:
    """(label, [(shown value, differs from the base profile)]) for each field, in form order."""
    base = next(profile for profile in shown if not profile.is_scenario)
    labels = ProfileForm.base_fields
    return [
        (
            labels[name].label,
            [
                (shown_value(name, value), value != getattr(base, name))
                for value in (getattr(profile, name) for profile in shown)
            ],
        )
        for name in PROFILE_FIELDS
    ]


def _posted_values(request: HttpRequest, name: str) -> list[str]:
    """A profile field's posted values; a list field posted as "" (to clear it) gives []."""
    values = request.POST.getlist(name)
    if isinstance(ProfileForm.base_fields[name], forms.MultipleChoiceField):
        values = [value for value in values if value]
    return values


def _requested_changes(request: HttpRequest, source: Profile) -> dict[str, Any] | None:
    """Profile fields posted along with a new scenario (from advice), validated; None if bad."""
    changed = [name for name in PROFILE_FIELDS if name in request.POST]
    if not changed:
        return {}
    data = form_data(profile_data(source))
    for name in changed:
        data.setlist(name, _posted_values(request, name))
    form = ProfileForm(data)
    if not form.is_valid():
        return None
    return {name: form.cleaned_data[name] for name in changed}


def _recovery_refused(request: HttpRequest, form: ScenarioForm, problem: str = "") -> HttpResponse:
    """The gone page again, with what was typed, when its values cannot become a scenario."""
    typed = request.POST.copy()
    for name in PROFILE_FIELDS:
        if name in typed:
            typed.setlist(name, _posted_values(request, name))
        if f"{TYPED}{name}" in typed:
            typed.setlist(name, typed.getlist(f"{TYPED}{name}"))  # shown again as not valid
    return _gone(
        request,
        ProfileForm(typed),
        name=request.POST.get("gone", ""),
        new_name=request.POST.get("name", ""),
        name_error=" ".join(form.errors.get("name", [])),
        problem=problem or " ".join(form.errors.get("source", [])),
    )


@require_POST
def scenario_create(request: HttpRequest) -> HttpResponse:
    form = ScenarioForm(request.POST, user=request.user)
    back = "applicants:scenarios" if request.POST.get("back") == "scenarios" else None
    recovering = "recover" in request.POST  # from the page of a scenario deleted meanwhile
    if recovering and not form.is_valid():
        return _recovery_refused(request, form)
    if back and not form.is_valid():
        return _scenarios_page(request, form, status=400)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back or "applicants:profile")
    source = form.cleaned_data["source"]
    changes = _requested_changes(request, source)
    if changes is None and recovering:
        return _recovery_refused(request, form, "Some of these values are not valid.")
    if changes is None:
        messages.error(request, "That change is not possible for this profile.")
        return redirect(back or "applicants:profile")
    try:
        created = profiles.create_scenario(
            source=source, name=form.cleaned_data["name"], changes=changes
        )
    except profiles.ProfileError as error:
        if recovering:
            return _recovery_refused(request, form, str(error))
        if back:
            taken = isinstance(error, profiles.ProfileExists)
            form.add_error("name" if taken else None, str(error))
            return _scenarios_page(request, form, status=409 if taken else 400)
        messages.error(request, str(error))
        return redirect(back or "applicants:profile")
    messages.success(
        request, f"Scenario “{created.name}” created from “{source.name}”. Edit it below."
    )
    return redirect("applicants:scenario", pk=created.pk)


@require_POST
def scenario_activate(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_rw_profile_for_user(request.user, pk)
    try:
        profiles.activate_profile(profile)
    except profiles.ProfileError as error:
        messages.error(request, str(error))
        return redirect("applicants:scenarios")
    messages.success(request, f"“{profile.name}” is now active: lists and scores use it.")
    return redirect("applicants:profile")


@require_POST
def scenario_rename(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_rw_profile_for_user(request.user, pk)
    form = RenameForm(request.POST, profile=profile)
    if form.is_valid():
        try:
            profiles.rename_profile(profile=profile, name=form.cleaned_data["name"])
        except profiles.ProfileGone as error:
            messages.error(request, str(error))
            return redirect("applicants:scenarios")
        except profiles.ProfileError as error:
            messages.error(request, str(error))
            return redirect(_edit_url(profile))
        messages.success(request, f"Renamed to “{profile.name}”.")
    else:
        for error in form.errors["name"]:
            messages.error(request, error)
    return redirect(_edit_url(profile))


@require_http_methods(["GET", "POST"])
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_rw_profile_for_user(request.user, pk)
    if request.method == "GET":
        return render(request, "applicants/scenario_delete.html", {"profile": profile})
    try:
        profiles.delete_scenario(profile)
    except profiles.ProfileError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Scenario “{profile.name}” deleted.")
    return redirect("applicants:scenarios")
