"""Map data in and out: imports for city staff; CSV exports and GeoJSON layers for everyone."""

from __future__ import annotations

import json
from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes, permission_classes, renderer_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apps.disastermap.choices import Hazard
from apps.disastermap.permissions import may_import
from apps.disastermap.services import exports
from apps.disastermap.services.importers import ImportKind, ImportRejected, max_upload_bytes, run_import


class MayImport(BasePermission):
    message = "Only city staff may import map data."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and may_import(request.user))


class _TextRenderer(BaseRenderer):
    """Passes text through; errors (dicts) still come out as JSON text."""

    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        if isinstance(data, str):
            return data.encode(self.charset)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(self.charset)


class CsvRenderer(_TextRenderer):
    media_type = "text/csv"
    format = "csv"


class GeoJSONRenderer(_TextRenderer):
    media_type = "application/geo+json"
    format = "geojson"


# --- import -------------------------------------------------------------------------------

class ImportRequest(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField()
    source = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    encoding = serializers.ChoiceField(choices=["auto", "utf-8", "cp932"], required=False, default="auto")
    genre = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                  help_text="Genre code for every row (public facilities).")
    hazard = serializers.ChoiceField(choices=Hazard.choices, required=False, allow_blank=True, default="")
    level_field = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    label_field = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    name_field = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    repair = serializers.BooleanField(required=False, default=False)
    # Named so that leaving it out (False in a multipart form) means the usual: replace.
    keep_existing = serializers.BooleanField(required=False, default=False)

    def validate_file(self, upload):
        if upload.size > max_upload_bytes():
            raise serializers.ValidationError(_("The file is %(size)d bytes; the limit is %(limit)d bytes.") % {
                "size": upload.size, "limit": max_upload_bytes()})
        return upload

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == ImportKind.HAZARD_ZONES:
            errors = {}
            if not attrs.get("hazard"):
                errors["hazard"] = _("Choose which hazard the zones are for.")
            if not attrs.get("level_field"):
                errors["level_field"] = _("Name the attribute that holds the level.")
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Line in the CSV (header = 1) or feature number.")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    source = serializers.CharField()
    ok = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deleted = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    error_count = serializers.IntegerField()
    errors_truncated = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.CharField())


class ImportRejectedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    report = ImportReportSerializer(required=False)


@extend_schema(
    request={"multipart/form-data": ImportRequest},
    responses={200: ImportReportSerializer, 400: ImportRejectedSerializer},
    summary="Import map data (city staff)",
)
@api_view(["POST"])
@parser_classes([MultiPartParser, FormParser])
@permission_classes([MayImport])
def import_data(request: Request) -> Response:
    """Import one file; all or nothing. A 400 lists every bad row (the first 100, and the total)."""
    query = ImportRequest(data=request.data)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    try:
        report = run_import(
            kind=data["kind"], upload=data["file"], source=data["source"], encoding=data["encoding"],
            genre=data["genre"], hazard=data["hazard"], level_field=data["level_field"],
            label_field=data["label_field"], name_field=data["name_field"], repair=data["repair"],
            replace=not data["keep_existing"],
        )
    except ImportRejected as exc:
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        detail = _("Nothing was imported: %(n)d problems were found.") % {"n": exc.report.error_count}
        return Response({"detail": detail, "errors": errors, "report": exc.report.as_dict()},
                        status=status.HTTP_400_BAD_REQUEST)
    return Response(report.as_dict())


# --- exports ------------------------------------------------------------------------------

@extend_schema(
    parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH,
                                 enum=list(exports.CSV_EXPORTS), description="Which list.")],
    responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="UTF-8 CSV with BOM")},
    summary="A list in the national recommended-dataset CSV layout",
)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([CsvRenderer, JSONRenderer])
def export_csv(request: Request, name: str) -> Response:
    export = exports.CSV_EXPORTS.get(name)
    if export is None:
        raise NotFound
    response = Response(exports.write_csv(export), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _geojson(data: dict[str, Any], name: str) -> Response:
    response = Response(data, content_type="application/geo+json")
    response["Content-Disposition"] = f'inline; filename="{name}.geojson"'
    return response


def _bbox(value: str) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        raise ValidationError({"bbox": [_("Give four numbers: west,south,east,north.")]}) from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise ValidationError({"bbox": [_("The box is out of range or its corners are swapped.")]})
    return west, south, east, north


GEOJSON = {(200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT, description="FeatureCollection")}


@extend_schema(
    parameters=[
        OpenApiParameter("genre", OpenApiTypes.STR, description="Genre codes, comma-separated."),
        OpenApiParameter("bbox", OpenApiTypes.STR, description="west,south,east,north in degrees."),
    ],
    responses=GEOJSON, summary="Public facilities as GeoJSON",
)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([GeoJSONRenderer, JSONRenderer])
def facilities_layer(request: Request) -> Response:
    genres = [code for code in request.query_params.get("genre", "").split(",") if code.strip()]
    bbox = _bbox(request.query_params.get("bbox", ""))
    return _geojson(exports.facilities_geojson(genres=genres, bbox=bbox), "facilities")


@extend_schema(responses=GEOJSON, summary="Shelters with their live status as GeoJSON")
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([GeoJSONRenderer, JSONRenderer])
def shelters_layer(request: Request) -> Response:
    return _geojson(exports.shelters_geojson(), "shelters")


@extend_schema(
    parameters=[OpenApiParameter("hazard", OpenApiTypes.STR, enum=Hazard.values, description="Only this hazard.")],
    responses=GEOJSON, summary="Hazard zones as GeoJSON",
)
@api_view(["GET"])
@permission_classes([AllowAny])
@renderer_classes([GeoJSONRenderer, JSONRenderer])
def hazard_zones_layer(request: Request) -> Response:
    hazard = request.query_params.get("hazard", "")
    if hazard and hazard not in Hazard.values:
        raise ValidationError({"hazard": [_("Unknown hazard “%(value)s”.") % {"value": hazard}]})
    return _geojson(exports.hazard_zones_geojson(hazard=hazard or None), "hazard-zones")


urlpatterns = [
    path("imports/", import_data, name="map-import"),
    path("exports/<slug:name>.csv", export_csv, name="map-export"),
    path("layers/facilities.geojson", facilities_layer, name="map-layer-facilities"),
    path("layers/shelters.geojson", shelters_layer, name="map-layer-shelters"),
    path("layers/hazard-zones.geojson", hazard_zones_layer, name="map-layer-hazard-zones"),
]
