import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from applicants import comments, season_summary

logger = logging.getLogger("neuromatch")


@login_not_required
@require_GET
def old_reset_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A reset link mailed before the move to allauth: it no longer works; say so."""
    return render(request, "account/password_reset_from_key.html", {"token_fail": True})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "timeline": season_summary.timeline(request.user),
        "new_comments": comments.new_comments(request.user),
    }
    return render(request, "home.html", context)


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database did not answer")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponse(loader.render_to_string("404.html", request=request), status=404)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a security token that no longer matches (signed in or out elsewhere)."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may be in one of them or in the database.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
