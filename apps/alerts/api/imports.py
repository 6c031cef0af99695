"""POST a CAP 1.2 document from an outside source, authenticated per source.

Either `Authorization: Bearer <secret>`, or an HMAC: `X-Cap-Timestamp` (Unix seconds, within
five minutes) and `X-Cap-Signature: sha256=<hex>` over `<timestamp>.<body>` with the secret.
"""

from __future__ import annotations

import hmac
import time

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotFound
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.alerts.capread import CapRejected
from apps.alerts.models import ImportSource
from apps.alerts.services.imports import import_document
from apps.notifications.transports.webhook import signature

MAX_SKEW_SECONDS = 300


class RawXmlParser(BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read()


class CapImportResultSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    identifier = serializers.CharField(allow_null=True)


def authenticate(request, source: ImportSource, body: bytes) -> None:
    secret = source.token
    if not secret:
        raise AuthenticationFailed("This source has no secret set; it cannot post.")
    bearer = request.headers.get("Authorization", "")
    if bearer.startswith("Bearer ") and hmac.compare_digest(bearer[7:].strip(), secret):
        return
    timestamp = request.headers.get("X-Cap-Timestamp", "")
    given = request.headers.get("X-Cap-Signature", "")
    if timestamp and given:
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            raise AuthenticationFailed("X-Cap-Timestamp is missing or more than five minutes off.")
        if hmac.compare_digest(signature(secret, timestamp, body), given):
            return
    raise AuthenticationFailed("Give the source's secret as a Bearer token, or sign the body (X-Cap-Signature).")


class ImportView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [RawXmlParser]

    def get_authenticate_header(self, request) -> str:
        # Makes a refused secret a 401 (with this challenge) rather than DRF's 403.
        return 'Bearer realm="cap-import"'

    @extend_schema(
        request={"application/cap+xml": OpenApiTypes.BINARY},
        responses={201: CapImportResultSerializer, 200: CapImportResultSerializer,
                   400: OpenApiResponse(description="Rejected: {\"document\": reason}; nothing stored.")},
    )
    def post(self, request, slug: str):
        source = ImportSource.objects.filter(slug=slug, active=True).select_related("event_type").first()
        if source is None:
            raise NotFound("No such import source.")
        body = request.body
        authenticate(request, source, body)
        try:
            result = import_document(source=source, data=body)
        except CapRejected as exc:
            return Response({"document": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        except DjangoValidationError as exc:
            return Response({"document": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        alert = result.alert
        return Response(
            {"outcome": result.outcome, "id": alert.id if alert else None,
             "identifier": alert.identifier if alert else None},
            status=status.HTTP_200_OK if result.outcome == "duplicate" else status.HTTP_201_CREATED)


urlpatterns = [path("import/<slug:slug>/", ImportView.as_view(), name="alerts-import")]
