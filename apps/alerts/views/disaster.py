"""/disaster: the page that must keep answering when the whole city opens it at once.

The whole page is rendered once per version (bumped when an alert or shelter changes) and
language, kept in the cache and served from there with an ETag, Last-Modified and a short
max-age: under a surge the work per request is one cache read. No JavaScript, no map
tiles, no web fonts; styles are inline so the page is one request.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.urls import path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_GET

from apps.alerts import caching, selectors
from apps.disastermap.choices import ShelterStatus
from apps.disastermap.selectors.facilities import shelter_counts, shelters

MAX_AGE = 30
RENDER_SECONDS = 120  # also re-rendered this often, so expiring alerts drop off


def _render(language: str) -> tuple[bytes, str, float]:
    with translation.override(language):
        alerts = list(selectors.in_force()[:10])
        open_shelters = [s for s in shelters() if s.status in (ShelterStatus.OPEN, ShelterStatus.FULL)]
        body = render_to_string("alerts/disaster.html", {
            "alerts": alerts, "shelters": open_shelters, "counts": shelter_counts(),
            "language": language, "rendered_at": time.time(),
            "max_level": max((a.evacuation_level or 0 for a in alerts), default=0),
        }).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return body, etag, time.time()


@require_GET
def disaster(request: HttpRequest) -> HttpResponse:
    language = request.GET.get("lang") or translation.get_language() or "ja"
    language = "en" if language.startswith("en") else "ja"
    key = f"alerts:disaster:{caching.disaster_version()}:{language}"
    cached = cache.get(key)
    if cached is None:
        cached = _render(language)
        cache.set(key, cached, RENDER_SECONDS)
    body, etag, modified = cached
    if request.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in request.headers
            and (since := parse_http_date_safe(request.headers.get("If-Modified-Since", ""))) is not None
            and since >= int(modified)):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


urlpatterns = [path("disaster", disaster, name="disaster")]
