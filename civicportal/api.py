"""API error shape: always JSON with a message a person can act on, plus field errors."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _django_validation_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {field: [str(m) for e in errs for m in e] for field, errs in exc.error_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": list(exc.messages)})


def exception_handler(exc, context) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # An unexpected error: Django's 500 handler logs it and answers JSON.

    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(data, dict):
            fields = {k: v for k, v in data.items() if k != "non_field_errors"}
            message = "; ".join(str(m) for m in data.get("non_field_errors", [])) or _(
                "Some fields are not valid: %(fields)s."
            ) % {"fields": ", ".join(fields)}
        else:
            fields, message = {}, "; ".join(str(m) for m in data)
        response.data = {"detail": message, "errors": fields}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"detail": str(data["detail"]), "errors": {}}
    return response


def json_error(request, status_code: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message, "errors": {}}, status=status_code)


def api_not_found(request, exception=None) -> JsonResponse:
    return json_error(request, status.HTTP_404_NOT_FOUND, _("Not found."))


def api_server_error(request) -> JsonResponse:
    return json_error(request, status.HTTP_500_INTERNAL_SERVER_ERROR, _("Server error. It has been logged."))
