"""Pieces the disaster map API modules share: query checking, bounding boxes, GeoJSON replies."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

GEOJSON = "application/geo+json"
MAX_BBOX_DEGREES = 1.0  # about 100 km: more than a city, less than a country


def geojson_response(collection: dict[str, Any] | str, *, cache_seconds: int = 0) -> HttpResponse:
    """An RFC 7946 FeatureCollection (a dict, or JSON text already encoded) with its own media type."""
    if not isinstance(collection, str):
        collection = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(collection, content_type=GEOJSON)
    if cache_seconds:
        response["Cache-Control"] = f"public, max-age={cache_seconds}"
    return response


class BBoxField(serializers.CharField):
    """west,south,east,north in degrees (the order of RFC 7946 and of Leaflet's toBBoxString)."""

    default_error_messages = {
        "format": _("Give four numbers: west,south,east,north."),
        "range": _("Longitudes must be from -180 to 180 and latitudes from -90 to 90."),
        "order": _("West must be less than east and south less than north."),
        "size": _("The box may span at most %(max)s degrees each way; zoom in."),
    }

    def to_internal_value(self, data: Any) -> tuple[float, float, float, float]:
        text = super().to_internal_value(data)
        try:
            west, south, east, north = (float(part) for part in text.split(","))
        except ValueError:
            self.fail("format")
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
            self.fail("range")
        if west >= east or south >= north:
            self.fail("order")
        if east - west > MAX_BBOX_DEGREES or north - south > MAX_BBOX_DEGREES:
            self.fail("size", max=MAX_BBOX_DEGREES)
        return west, south, east, north


class PointQuery(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def query_dict(request) -> dict:
    """Query parameters with repeatable ones (genre, access) as lists."""
    data: dict[str, Any] = {key: request.query_params.get(key) for key in request.query_params}
    for key in ("genre", "access"):
        if key in request.query_params:
            values = request.query_params.getlist(key)
            data[key] = [v for value in values for v in value.split(",") if v]
    return data
