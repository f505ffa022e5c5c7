"""Caching with a bound per user: computed data, and rendered pages keyed by all they show.

Everything goes through Django's cache (`CACHES`: memory per process, or Redis shared by every
app server), so nothing assumes one process. Each user owns a fixed number of slots per kind
of value; a value's variant (a digest of everything it depends on) picks a slot and is stored
beside the value, so a lookup only hits when the variant matches, and a new variant replaces
whatever sat in its slot. One user can therefore never hold more than `slots` values of a
kind, whatever they request — and a page larger than `MAX_PAGE_BYTES` is not cached at all.

Pages are kept gzip-compressed, and sent that way to every browser that accepts it (all do):
a 100-program list is about 555 kB of HTML and 25 kB compressed (3 ms, once per page
rendered), so a cache hit moves a twentieth of the bytes out of the cache, Redis included,
and over the network. The CSRF tokens in a page are masked afresh each time it is rendered,
so its compressed size tells nothing about them (BREACH).
"""

import gzip
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers

T = TypeVar("T")

PAGE_SLOTS = 8  # rendered pages per user (filters, sorts and pages of /programs/ and /list/)
MAX_PAGE_BYTES = 1_000_000  # uncompressed; a full /list/ page of 200 programs is about 1.1 MB
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def digest(*parts: object) -> str:
    """A keyed digest of `parts`: safe to use in a cache key, whatever the parts hold."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, repr(parts).encode(), hashlib.sha256).hexdigest()[:32]


def _slot_key(kind: str, owner: int, slot: int) -> str:
    return f"{kind}:{owner}:{slot}"


def forget_user(owner: int, kinds: Mapping[str, int]) -> None:
    """Drop every value `owner` holds, for each `kind` → its number of slots."""
    cache.delete_many(
        [_slot_key(kind, owner, slot) for kind, slots in kinds.items() for slot in range(slots)]
    )


def cached_for_user(
    kind: str,
    owner: int,
    variant: str,
    compute: Callable[[], T],
    *,
    slots: int,
    keep: Callable[[T], bool] = lambda value: True,
    still_valid: Callable[[T], bool] = lambda value: True,
) -> T:
    """`compute()`'s value for this variant, from the cache when it is there and still valid.

    `owner` is the user the value belongs to; they hold at most `slots` values of this `kind`.
    A computed value is stored when `keep(value)`.
    """
    key = _slot_key(kind, owner, int(variant[:8], 16) % slots)
    stored = cache.get(key)
    if stored is not None and stored[0] == variant and still_valid(stored[1]):
        return stored[1]
    value = compute()
    if keep(value):
        cache.set(key, (variant, value))
    return value


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for part of a page; a history restore needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def cached_page(
    request: HttpRequest,
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    version: object,
    per_view: Mapping[str, Callable[[Any], object]] | None = None,
) -> HttpResponse:
    """`template` (a page or fragment) rendered with `context()`, from the cache when it can be.

    The cached HTML is exactly what this request would render, so the key names everything the
    HTML depends on: the user (name and staff flags show in the layout), this browser's CSRF
    secret (the page's forms carry a token made from it), the path, query string and htmx
    target, and `version` (a digest of the data the page shows). `per_view` names context
    values shown through a function of the moment of viewing (`{"built_at": naturaltime}`
    shows "3 minutes ago"): a cached page is used only while each function still gives what
    the page shows. A request with flash messages to show is rendered afresh and not cached:
    messages are shown once.
    """
    if len(messages.get_messages(request)):
        return _varies_with_htmx(render(request, template, context()))
    get_token(request)  # makes sure this browser has a CSRF secret, and that it is sent
    per_view = per_view or {}
    user = request.user
    variant = digest(
        user.pk,
        user.get_username(),
        user.is_staff,
        user.is_superuser,
        request.META.get("CSRF_COOKIE", ""),
        request.path,
        request.GET.urlencode(),
        (request.htmx.target or "") if wants_fragment(request) else None,
        template,
        version,
    )

    def page() -> _Page:
        values = context()
        moments = {name: values.get(name) for name in per_view}
        shown = {name: (value, per_view[name](value)) for name, value in moments.items()}
        body = render_to_string(template, values, request=request).encode()
        return _Page(gzip.compress(body, compresslevel=6, mtime=0), len(body), shown)

    def still_valid(cached: _Page) -> bool:
        return all(per_view[name](value) == seen for name, (value, seen) in cached.shown.items())

    content = cached_for_user(
        "page",
        user.pk,
        variant,
        page,
        slots=PAGE_SLOTS,
        keep=lambda cached: cached.size <= MAX_PAGE_BYTES,
        still_valid=still_valid,
    )
    response = _varies_with_htmx(HttpResponse())
    patch_vary_headers(response, ("Accept-Encoding",))
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response.content = content.compressed
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.content = gzip.decompress(content.compressed)
    return response


@dataclass(frozen=True)
class _Page:
    compressed: bytes  # the page's HTML, gzip-compressed
    size: int  # of the HTML, uncompressed
    shown: dict[str, tuple[object, object]]  # name → (value, as it was shown)


def _varies_with_htmx(response: HttpResponse) -> HttpResponse:
    # The same URL answers a fragment to htmx and a page otherwise: caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
