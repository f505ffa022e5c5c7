from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from programs.models import Program


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    programs = Program.objects.active()
    page = Paginator(programs, 50).get_page(request.GET.get("page"))
    return render(request, "programs/index.html", {"page": page})


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    return render(request, "programs/detail.html", {"program": program})


@require_http_methods(["GET", "POST"])
def import_programs(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    return render(request, "programs/import.html")
