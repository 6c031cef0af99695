"""Web Push for residents: the public key, (un)subscribing a browser, and the service worker.

`subscribe` and `unsubscribe` take JSON from static/js/push.js and are CSRF protected like any
POST (the script sends the token in X-CSRFToken). They answer JSON, 401 rather than a redirect
when signed out, and 400 with {"detail", "errors": {field: [...]}} for bad input.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.notifications import push_services
from apps.notifications.transports.webpush import application_server_key

SERVICE_WORKER = "js/sw.js"


def _error(status: int, detail: str, errors: dict | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": errors or {}}, status=status)


def _invalid(exc: ValidationError) -> JsonResponse:
    errors = exc.message_dict
    return _error(400, _("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(errors)}, errors)


def _json_object(request: HttpRequest) -> dict | None:
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


@never_cache
@require_GET
def public_key(request: HttpRequest) -> JsonResponse:
    """The applicationServerKey browsers subscribe with; null when Web Push is off."""
    return JsonResponse({"publicKey": application_server_key()})


@never_cache
@require_POST
def subscribe(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return _error(401, _("Sign in to turn on browser notifications."))
    data = _json_object(request)
    if data is None:
        return _error(400, _("Send the browser's subscription as a JSON object."))
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    try:
        subscription = push_services.save_push_subscription(
            user=request.user, endpoint=data.get("endpoint"), p256dh=keys.get("p256dh"), auth=keys.get("auth"),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as exc:
        return _invalid(exc)
    return JsonResponse({"endpoint": subscription.endpoint}, status=201)


@never_cache
@require_POST
def unsubscribe(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return _error(401, _("Sign in to turn off browser notifications."))
    data = _json_object(request)
    if data is None:
        return _error(400, _("Send the browser's subscription as a JSON object."))
    try:
        removed = push_services.remove_push_subscription(user=request.user, endpoint=data.get("endpoint"))
    except ValidationError as exc:
        return _invalid(exc)
    return JsonResponse({"removed": removed})


def _service_worker_source() -> bytes:
    path = finders.find(SERVICE_WORKER)
    if path:
        return Path(path).read_bytes()
    if staticfiles_storage.exists(SERVICE_WORKER):  # only collected files in this deployment
        with staticfiles_storage.open(SERVICE_WORKER) as source:
            return source.read()
    raise Http404


@never_cache
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """sw.js from under /notifications/, allowed to control the whole site; never cached so updates arrive."""
    response = HttpResponse(_service_worker_source(), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
