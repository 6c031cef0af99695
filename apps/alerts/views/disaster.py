"""/disaster: the page that must keep answering when the whole city opens it at once.

The whole page is rendered once per version (bumped when an alert or shelter changes) and
language, kept in the shared cache and in each process's memory (see caching.py), and served
with an ETag, Last-Modified and a short max-age: under a surge a request costs no query and,
most of the time, no cache round trip. No JavaScript, no map
tiles, no web fonts; styles are inline so the page is one request.
"""

from __future__ import annotations

import gzip
import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.urls import path
from django.utils import translation
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_GET

from apps.alerts import caching, selectors
from apps.disastermap.choices import ShelterStatus
from apps.disastermap.selectors.facilities import shelter_counts, shelters

MAX_AGE = 30
RENDER_SECONDS = 120  # also re-rendered this often, so expiring alerts drop off
CACHE_CONTROL = f"public, max-age={MAX_AGE}"


def _render(language: str) -> tuple[bytes, bytes, str, float, str]:
    with translation.override(language):
        alerts = list(selectors.in_force()[:10])
        open_shelters = [s for s in shelters() if s.status in (ShelterStatus.OPEN, ShelterStatus.FULL)]
        body = render_to_string("alerts/disaster.html", {
            "alerts": alerts, "shelters": open_shelters, "counts": shelter_counts(),
            "language": language, "rendered_at": time.time(),
            "max_level": max((a.evacuation_level or 0 for a in alerts), default=0),
        }).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    modified = time.time()
    # Compressed once here rather than per request: a surge costs bandwidth and CPU otherwise.
    return body, gzip.compress(body, compresslevel=9, mtime=0), etag, modified, http_date(modified)


@require_GET
def disaster(request: HttpRequest) -> HttpResponse:
    # Read straight from META: building request.headers or request.GET costs more than the rest
    # of this view, and this is the page that must be cheap.
    meta = request.META
    language = translation.get_language() or "ja"
    if "lang=" in meta.get("QUERY_STRING", ""):
        language = request.GET.get("lang") or language
    language = "en" if language.startswith("en") else "ja"
    cached = caching.local_get(f"disaster:{language}", RENDER_SECONDS)
    if cached is None:
        key = f"alerts:disaster:{caching.local_version()}:{language}"
        cached = cache.get(key)
        if cached is None:
            cached = _render(language)
            cache.set(key, cached, RENDER_SECONDS)
        caching.local_set(f"disaster:{language}", cached)
    body, compressed, etag, modified, last_modified = cached
    zipped = "gzip" in meta.get("HTTP_ACCEPT_ENCODING", "")
    etag = f'"{etag}-gz"' if zipped else f'"{etag}"'
    match = meta.get("HTTP_IF_NONE_MATCH")
    since = meta.get("HTTP_IF_MODIFIED_SINCE")
    if match == etag or (match is None and since and (parsed := parse_http_date_safe(since)) is not None
                         and parsed >= int(modified)):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(compressed if zipped else body, content_type="text/html; charset=utf-8")
        if zipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Language"] = language
    response["Vary"] = "Accept-Encoding, Accept-Language, Cookie"
    return response


urlpatterns = [path("disaster", disaster, name="disaster")]
