from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants.program_pages import ScoreFilterForm, as_of_year, catalogue_scores, data_version
from neuromatch.caching import cached_page, wants_fragment
from programs.catalogue import filter_programs, observership_programs
from programs.export import write_catalogue
from programs.forms import (
    CatalogueFilterForm,
    ColumnMappingForm,
    ConfirmImportForm,
    CorrectionForm,
    ImportForm,
)
from programs.history import provenance
from programs.importer import (
    CatalogueImportError,
    ImportResult,
    confirm_import,
    import_catalogue,
    pending_result,
    preview_unknown_headers,
    remap_preview,
)
from programs.models import ImportBatch, Program
from programs.permissions import can_edit_catalogue, require_catalogue_editor
from programs.reading import rows_with_errors

PAGE_SIZE = 25


def _index_context(request: HttpRequest) -> dict[str, object]:
    form = CatalogueFilterForm(request.GET or None)
    # Bad filter values are reported next to their field; the valid ones still apply.
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    programs = filter_programs(filters, as_of_year=as_of_year())
    scores = catalogue_scores(request.user)
    score_filters = ScoreFilterForm(request.GET or None)
    if scores is not None and score_filters.is_valid():
        programs = scores.narrow(programs, **score_filters.cleaned_data)
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    if scores is not None:
        page.object_list = scores.attach(page.object_list)
    return {"form": form, "page": page, "scores": scores, "score_filters": score_filters}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    # Scoring the catalogue and rendering its rows cost far more than the queries that tell
    # whether the catalogue or the user's profiles changed: the fragment is cached by those.
    template = "programs/index.html#results" if wants_fragment(request) else "programs/index.html"
    # The Import link shows for catalogue editors only.
    version = (data_version(request.user), can_edit_catalogue(request.user))
    return cached_page(request, template, lambda: _index_context(request), version=version)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, get_object_or_404(Program, pk=pk))


@require_GET
def observerships(request: HttpRequest) -> HttpResponse:
    page = Paginator(observership_programs(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "programs/observerships.html", {"page": page})


def detail_page(
    request: HttpRequest,
    program: Program,
    *,
    correction_form: CorrectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The program page; after a refused suggestion, with that form and its errors."""
    scores = catalogue_scores(request.user, programs=Program.objects.filter(pk=program.pk))
    context = {
        "program": program,
        "scores": scores,
        "score": scores.get(program.pk) if scores is not None else None,
        "provenance": provenance(program, today=timezone.localdate()),
        "correction_form": correction_form or CorrectionForm(),
        "my_corrections": program.corrections.filter(user=request.user),
    }
    return render(request, "programs/detail.html", context, status=status)


def _import_page(request: HttpRequest, context: dict[str, object]) -> HttpResponse:
    context.setdefault("form", ImportForm())
    if context.get("errors"):
        context["error_rows"] = rows_with_errors(context["errors"])
    context["history"] = ImportBatch.objects.select_related("user")[:10]
    template = "programs/import.html#step" if request.htmx else "programs/import.html"
    return render(request, template, context)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # a malformed header: Django reads the body as empty too
        return 0


@require_http_methods(["GET", "POST"])
def import_programs(request: HttpRequest) -> HttpResponse:
    require_catalogue_editor(request.user)
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        content_length=_content_length(request),
    )
    context: dict[str, object] = {"form": form}
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {key: form.cleaned_data[key] for key in ("full_catalogue", "skip_invalid")}
        try:
            result = import_catalogue(
                content=upload.read(),
                file_name=upload.name,
                user=request.user,
                dry_run=True,
                keep_content=True,
                **options,
            )
        except CatalogueImportError as exc:
            form.add_error("file", exc.message)
        else:
            context.update(_preview_context(result))
    return _import_page(request, context)


def _preview_context(result: ImportResult) -> dict[str, object]:
    plan, sha256 = result.plan, result.batch.sha256
    headers = plan.mappable_headers
    initial = {f"column_{i}": plan.mapped.get(header, "") for i, header in enumerate(headers)}
    return {
        "plan": plan,
        "batch": result.batch,
        "problem": result.problem,
        "confirm_form": ConfirmImportForm(initial={"sha256": sha256}),
        "skip_form": ConfirmImportForm(initial={"sha256": sha256, "skip_invalid": True}),
        "mapping_form": ColumnMappingForm(headers=headers, initial=initial),
    }


@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    require_catalogue_editor(request.user)
    try:
        headers = preview_unknown_headers(batch_id=pk, user=request.user)
    except CatalogueImportError as exc:
        return _import_page(request, {"confirm_error": exc.message, "errors": exc.errors})
    form = ColumnMappingForm(request.POST, headers=headers)
    if form.is_valid():
        try:
            result = remap_preview(batch_id=pk, user=request.user, mapping=form.mapping())
        except CatalogueImportError as exc:
            form.add_error(form.field_for(exc.headers), exc.message)
        else:
            return _import_page(request, _preview_context(result))
    # The preview is still pending: show it as it was, with this form and its errors.
    try:
        context = _preview_context(pending_result(batch_id=pk, user=request.user))
    except CatalogueImportError as exc:
        return _import_page(request, {"confirm_error": exc.message, "errors": exc.errors})
    context["mapping_form"] = form
    return _import_page(request, context)


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    require_catalogue_editor(request.user)
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        return _import_page(request, {"confirm_error": "The confirmation was incomplete."})
    try:
        result = confirm_import(batch_id=pk, user=request.user, **form.cleaned_data)
    except CatalogueImportError as exc:
        return _import_page(request, {"confirm_error": exc.message, "errors": exc.errors})
    return _import_page(request, {"result": result.plan, "batch": result.batch})


def _csv_response(file_name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@require_GET
def export_catalogue(request: HttpRequest) -> HttpResponse:
    response = _csv_response(f"neuromatch-catalogue-{timezone.now():%Y-%m-%d}.csv")
    write_catalogue(out=response, programs=Program.objects.active())
    return response


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    response = _csv_response("neuromatch-catalogue-template.csv")
    write_catalogue(out=response, programs=[])
    return response
