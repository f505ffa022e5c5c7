"""The staff calibration page: each model version against the judgement weights, and
activating a version."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from applicants.calibration import version_report, versions
from applicants.model_versions import (
    ModelVersionError,
    activate_version,
    active_version,
    judgement_version,
)
from applicants.models import ModelVersion

# Activating changes every applicant's estimates: staff see the page, but only those with the
# permission the admin's activate action asks for may do it.
ACTIVATE_VERSION = "applicants.change_modelversion"


def _require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied


@require_GET
def calibration(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    active = active_version()
    shown = versions()
    selected = active
    if number := request.GET.get("version", ""):
        selected = next((v for v in shown if str(v.number) == number), None)
        if selected is None:
            messages.error(request, f"There is no version {number[:12]}: showing the active one.")
            selected = active
    context = {
        "versions": shown,
        "active": active,
        "report": version_report(selected, judgement=judgement_version()),
        "can_activate": request.user.has_perm(ACTIVATE_VERSION),
    }
    return render(request, "applicants/calibration.html", context)


@require_POST
def activate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    if not request.user.has_perm(ACTIVATE_VERSION):
        raise PermissionDenied
    version = get_object_or_404(ModelVersion, pk=pk)
    try:
        activate_version(version, user=request.user)
    except ModelVersionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Version {version.number} is active: every new estimate uses it, and each list "
            "moves to it when it is rebuilt.",
        )
    return redirect(f"{reverse('applicants:calibration')}?version={version.number}")
