"""Error pages: JSON under /api/, a readable page everywhere else."""

import logging

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from civicportal.api import api_not_found, api_server_error

logger = logging.getLogger(__name__)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return api_server_error(request)
    return defaults.server_error(request)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        from civicportal.api import json_error

        return json_error(request, 403, str(exception) or "Forbidden.")
    return defaults.permission_denied(request, exception)


class ApiErrorMiddleware:
    """An unexpected exception under /api/ answers JSON, even with DEBUG on."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request):
            return None
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return api_server_error(request)
