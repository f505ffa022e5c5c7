from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from applicants.forms import ScoreFilterForm
from applicants.services import catalogue_scores
from programs.models import Program


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    programs = Program.objects.active()
    scores = catalogue_scores(request.user)
    score_filters = ScoreFilterForm(request.GET)
    if scores is not None and score_filters.is_valid() and any(score_filters.cleaned_data.values()):
        programs = programs.filter(pk__in=scores.pks(**score_filters.cleaned_data))
    page = Paginator(programs, 50).get_page(request.GET.get("page"))
    if scores is not None:
        page.object_list = list(page.object_list)
        scores.attach(page.object_list)
    context = {"page": page, "scores": scores, "score_filters": score_filters}
    return render(request, "programs/index.html", context)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    scores = catalogue_scores(request.user, programs=Program.objects.filter(pk=pk))
    score = scores.get(program.pk) if scores is not None else None
    context = {"program": program, "scores": scores, "score": score}
    return render(request, "programs/detail.html", context)


@require_http_methods(["GET", "POST"])
def import_programs(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    return render(request, "programs/import.html")
