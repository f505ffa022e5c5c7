"""Download the list as a spreadsheet: `/list/export.xlsx` and `/list/export.csv`."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applicants import calendar, export, shortlists
from applicants.models import Profile, Shortlist


class ExportForm(forms.Form):
    profile = forms.IntegerField(required=False, min_value=1)


def _own_shortlist(request: HttpRequest) -> tuple[Profile | None, Shortlist | None]:
    """The built list of the asked-for profile (default: the active one) of this user."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise Http404("No such profile.")
    pk = form.cleaned_data["profile"]
    if pk is None:
        profile = shortlists.active_profile(request.user)
    else:
        profile = get_object_or_404(Profile, pk=pk, user=request.user)
    if profile is None:
        return None, None
    shortlist = Shortlist.objects.filter(profile=profile, built_at__isnull=False).first()
    return profile, shortlist


def _nothing_to_export(request: HttpRequest, profile: Profile | None) -> HttpResponse:
    if profile is None:
        messages.info(request, "Fill in your profile and build your list, then export it.")
        return redirect("applicants:list")
    messages.info(request, f"“{profile.name}” has no programs on its list yet: build it first.")
    if profile.active:
        return redirect("applicants:list")
    return redirect(reverse("applicants:list_of", args=[profile.pk]))


def _export(request: HttpRequest, extension: str) -> HttpResponse:
    profile, shortlist = _own_shortlist(request)
    if profile is None or shortlist is None:
        return _nothing_to_export(request, profile)
    rows, summary, about = export.export_shortlist(shortlist)
    if rows.empty:
        return _nothing_to_export(request, profile)
    if extension == "xlsx":
        events = calendar.calendar_rows(calendar.season_calendar(request.user))
        content = export.write_xlsx(rows, summary=summary, about=about, calendar=events)
        media_type = export.XLSX_MEDIA_TYPE
    else:
        content, media_type = export.write_csv(rows), export.CSV_MEDIA_TYPE
    filename = export.export_filename(profile.name, timezone.localdate(), extension)
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@never_cache
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


@never_cache
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")
