"""Download the list as a spreadsheet: `/list/export.xlsx` and `/list/export.csv`."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from applicants import calendar, export
from applicants.access import get_profile_for_user
from applicants.export_data import export_shortlist
from applicants.forms import ExportForm
from applicants.models import Page, Profile, Shortlist
from applicants.profiles import active_profile
from applicants.selectors import built_shortlist
from applicants.sharing import record_view
from applicants.tracker import applicant_zone


def _exported_list(request: HttpRequest) -> tuple[Profile | None, Shortlist | None]:
    """The asked-for profile (default: the active one) and its built list."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise Http404("No such profile.")
    pk = form.cleaned_data["profile"]
    profile = active_profile(request.user) if pk is None else get_profile_for_user(request.user, pk)
    return profile, built_shortlist(profile) if profile is not None else None


def _nothing_to_export(request: HttpRequest, profile: Profile | None) -> HttpResponse:
    if profile is None:
        messages.info(request, "Fill in your profile and build your list, then export it.")
        return redirect("applicants:list")
    messages.info(request, f"“{profile.name}” has no programs on its list yet: build it first.")
    if profile.active and profile.user_id == request.user.pk:
        return redirect("applicants:list")
    return redirect(reverse("applicants:list_of", args=[profile.pk]))


def _export(request: HttpRequest, extension: str) -> HttpResponse:
    profile, shortlist = _exported_list(request)
    if profile is None or shortlist is None:
        return _nothing_to_export(request, profile)
    if profile.user_id != request.user.pk:  # a list shared with the user
        record_view(
            owner_pk=profile.user_id, viewer=request.user, page=Page.EXPORT, profile=profile
        )
    zone = applicant_zone(profile.user)  # the owner's, whoever downloads
    rows, summary, about = export_shortlist(shortlist, zone=zone)
    if rows.empty:
        return _nothing_to_export(request, profile)
    if extension == "xlsx":
        events = calendar.calendar_rows(calendar.season_calendar(profile.user, zone=zone))
        content = export.write_xlsx(rows, summary=summary, about=about, zone=zone, calendar=events)
        media_type = export.XLSX_MEDIA_TYPE
    else:
        content, media_type = export.write_csv(rows, zone=zone), export.CSV_MEDIA_TYPE
    filename = export.export_filename(profile.name, timezone.localdate(timezone=zone), extension)
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
