"""Incident and water level layers as GeoJSON, the staff incident API and the signed device API.

Devices do not log in: each request is signed with the station's secret (HMAC-SHA256 over
`timestamp + "." + raw body`), so the view reads the raw body before anything parses it.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotFound, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.disastermap.choices import IncidentKind, WaterStage
from apps.disastermap.models import WaterLevelStation
from apps.disastermap.permissions import may_manage_incidents
from apps.disastermap.selectors import layers as selectors
from apps.disastermap.services import incidents as incident_services
from apps.disastermap.services import water as water_services
from apps.notifications.api.common import AwareDateTimeField, StrictSerializer, error_responses, validated

TAG = "disaster map: layers"


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class IsCityStaff(BasePermission):
    message = _("Only city staff can enter incidents.")

    def has_permission(self, request: Request, view) -> bool:
        return may_manage_incidents(request.user)


# --- incidents ---------------------------------------------------------------------------


class IncidentLayerQuery(serializers.Serializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=selectors.MAX_DAYS,
                                    default=selectors.DEFAULT_DAYS)
    kind = serializers.ChoiceField(required=False, choices=IncidentKind.choices)


class IncidentLayerView(APIView):
    """Public incidents of the last `days` days. Places are snapped to a ~100 m grid."""

    permission_classes = [AllowAny]
    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(
        tags=[TAG], operation_id="map_layer_incidents",
        parameters=[
            OpenApiParameter("days", OpenApiTypes.INT, description="How many days back (1–366, default 90)."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=IncidentKind.values, description="Only this kind."),
        ],
        responses={200: OpenApiTypes.OBJECT, **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        query = validated(IncidentLayerQuery, request.query_params)
        incidents = selectors.public_incidents(days=query["days"], kind=query.get("kind"))
        return Response(selectors.incident_feature_collection(incidents))


class IncidentInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    title = serializers.CharField(max_length=incident_services.TITLE_LIMIT)
    description = serializers.CharField(max_length=incident_services.DESCRIPTION_LIMIT, required=False,
                                        allow_blank=True, default="")
    occurred_at = AwareDateTimeField()
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    is_public = serializers.BooleanField(required=False, default=True)


class IncidentOutput(serializers.Serializer):
    """What staff get back: the exact place, for checking what they entered."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    lat = serializers.FloatField(source="location.y")
    lon = serializers.FloatField(source="location.x")
    source = serializers.CharField()
    is_public = serializers.BooleanField()


class IncidentCreateView(APIView):
    """City staff add an incident (crime, traffic accident, suspicious person, other)."""

    permission_classes = [IsCityStaff]
    parser_classes = [JSONParser]

    @extend_schema(tags=[TAG], operation_id="map_incident_create", request=IncidentInput,
                   responses={201: IncidentOutput, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        data = validated(IncidentInput, request.data)
        incident = incident_services.record_incident(**data, source="staff", created_by=request.user)
        return Response(IncidentOutput(incident).data, status=status.HTTP_201_CREATED)


# --- water levels ------------------------------------------------------------------------


class WaterLevelLayerView(APIView):
    """Every river gauge with its latest level and stage."""

    permission_classes = [AllowAny]
    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(tags=[TAG], operation_id="map_layer_water_levels", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(selectors.station_feature_collection(selectors.stations()))


class ReadingInput(StrictSerializer):
    measured_at = AwareDateTimeField(help_text=_("ISO 8601 with offset, e.g. 2025-06-01T09:00:00+09:00."))
    level = serializers.JSONField(help_text=_("Metres above the gauge's zero."))


class BatchInput(StrictSerializer):
    readings = ReadingInput(many=True, allow_empty=False, max_length=water_services.MAX_BATCH)


class ReadingResult(serializers.Serializer):
    duplicate = serializers.BooleanField()
    stage = serializers.IntegerField()
    stage_label = serializers.CharField()
    warning_sent = serializers.BooleanField()


class DeviceSignatureFailed(AuthenticationFailed):
    pass


class StationReadingsView(APIView):
    """A gauge's device reports one reading `{"measured_at", "level"}` or a batch `{"readings": [...]}`.

    Sign `timestamp + "." + body` with HMAC-SHA256 under the station's device secret and send
    `X-Civicportal-Timestamp: <unix seconds>` and `X-Civicportal-Signature: sha256=<hex>`.
    A reading whose time is already stored changes nothing and answers 200 with `"duplicate": true`.
    """

    authentication_classes: list = []  # the signature is the authentication
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        return 'HMAC-SHA256 realm="water-level-devices"'

    @extend_schema(
        tags=[TAG], operation_id="map_station_readings", request=ReadingInput,
        parameters=[
            OpenApiParameter(water_services.TIMESTAMP_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER,
                             required=True, description="Unix seconds when the request was signed."),
            OpenApiParameter(water_services.SIGNATURE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER,
                             required=True, description="sha256=<hex HMAC of timestamp.body>"),
        ],
        responses={200: ReadingResult, 201: ReadingResult, **error_responses(400, 401, 404)},
    )
    def post(self, request: Request, code: str) -> Response:
        body = request.body  # raw bytes, exactly as signed
        station = WaterLevelStation.objects.filter(code=code).first()
        if station is None:
            raise NotFound(_("No such station."))
        try:
            water_services.verify_signature(
                station=station, body=body,
                timestamp=request.headers.get(water_services.TIMESTAMP_HEADER),
                signature=request.headers.get(water_services.SIGNATURE_HEADER),
            )
        except DjangoPermissionDenied as exc:
            raise DeviceSignatureFailed(str(exc)) from None
        try:
            payload = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise ParseError(_("The body is not JSON.")) from None
        if isinstance(payload, dict) and "readings" in payload:
            data = validated(BatchInput, payload)
            readings = [(item["measured_at"], item["level"]) for item in data["readings"]]
        else:
            data = validated(ReadingInput, payload)
            readings = [(data["measured_at"], data["level"])]
        result = water_services.record_readings(station=station, readings=readings)
        answer = {
            "duplicate": result.duplicate,
            "stage": result.stage,
            "stage_label": str(WaterStage(result.stage).label),
            "warning_sent": result.warning_message_id is not None,
        }
        if len(readings) > 1:
            answer["readings"] = [{"measured_at": o.measured_at.isoformat(), "duplicate": o.duplicate}
                                  for o in result.outcomes]
        return Response(answer, status=status.HTTP_200_OK if result.duplicate else status.HTTP_201_CREATED)


urlpatterns = [
    path("layers/incidents.geojson", IncidentLayerView.as_view(), name="map-layer-incidents"),
    path("layers/water-levels.geojson", WaterLevelLayerView.as_view(), name="map-layer-water-levels"),
    path("incidents/", IncidentCreateView.as_view(), name="map-incident-list"),
    path("stations/<slug:code>/readings/", StationReadingsView.as_view(), name="map-station-readings"),
]
