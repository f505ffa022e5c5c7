"""Corrections: applicants suggest on a program page and follow the outcome; editors decide."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from programs.corrections import (
    CorrectionError,
    accept_correction,
    proposed_change,
    reject_correction,
    suggest_correction,
)
from programs.forms import CorrectionForm, RejectCorrectionForm
from programs.models import Correction, CorrectionStatus, Program
from programs.permissions import require_catalogue_editor
from programs.views import detail_page

QUEUE_SIZE = 50


@require_POST
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            suggest_correction(program=program, user=request.user, **form.cleaned_data)
        except CorrectionError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect(f"{program.get_absolute_url()}?suggested=1#corrections")
    return detail_page(request, program, correction_form=form, status=400)


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    corrections = request.user.program_corrections.select_related("program")
    return render(request, "programs/corrections_mine.html", {"corrections": corrections})


def _queue_page(request: HttpRequest, *, status: int = 200, **context: object) -> HttpResponse:
    pending = (
        Correction.objects.filter(status=CorrectionStatus.PENDING)
        .select_related("program", "user")
        .order_by("created_at", "pk")
    )
    decided = Correction.objects.exclude(status=CorrectionStatus.PENDING).select_related(
        "program", "user", "reviewed_by"
    )
    context.update(
        proposals=[proposed_change(correction) for correction in pending[:QUEUE_SIZE]],
        pending_count=pending.count(),
        decided=decided.order_by("-reviewed_at")[:20],
    )
    return render(request, "programs/corrections_queue.html", context, status=status)


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require_catalogue_editor(request.user)
    return _queue_page(request)


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    require_catalogue_editor(request.user)
    get_object_or_404(Correction, pk=pk)
    try:
        correction = accept_correction(correction_id=pk, reviewer=request.user)
    except CorrectionError as error:
        return _queue_page(request, status=400, error=error.message)
    return redirect(f"{reverse('programs:corrections')}?accepted={correction.pk}")


@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    require_catalogue_editor(request.user)
    get_object_or_404(Correction, pk=pk)
    form = RejectCorrectionForm(request.POST)
    if not form.is_valid():
        # Said at the reason box of that correction's row, and above the queue which row it is.
        return _queue_page(
            request, status=400, reject_error="To reject this correction, say why.", error_for=pk
        )
    try:
        correction = reject_correction(
            correction_id=pk, reviewer=request.user, reason=form.cleaned_data["reason"]
        )
    except CorrectionError as error:
        return _queue_page(request, status=400, error=error.message)
    return redirect(f"{reverse('programs:corrections')}?rejected={correction.pk}")
