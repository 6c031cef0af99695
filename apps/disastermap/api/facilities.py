"""Facilities, genres, hazard zones and risk as JSON and GeoJSON."""

from __future__ import annotations

import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Point, Polygon
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.disastermap.api.common import BBoxField, PointQuery, geojson_response, query_dict, validated
from apps.disastermap.choices import Hazard
from apps.disastermap.models import Facility, Genre, HazardZone
from apps.disastermap.selectors.facilities import (
    MAX_RADIUS_M,
    MAX_RESULTS,
    features_in_box,
    genres,
    nearby,
    public_facilities,
    risk_at,
)

TAG = "map: facilities"


class GenreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ["code", "name", "name_en", "symbol"]


class FacilitySerializer(serializers.ModelSerializer):
    genre = serializers.CharField(source="genre.code")
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    accessibility = serializers.SerializerMethodField()
    shelter_status = serializers.SerializerMethodField()

    class Meta:
        model = Facility
        fields = ["id", "name", "name_kana", "name_en", "genre", "postal_code", "address", "phone", "hours", "url",
                  "description", "lat", "lon", "accessibility", "shelter_status", "updated_at"]

    def get_lat(self, facility: Facility) -> float:
        return facility.location.y

    def get_lon(self, facility: Facility) -> float:
        return facility.location.x

    def get_accessibility(self, facility: Facility) -> list[str]:
        return [name for name in Facility.ACCESSIBILITY_FIELDS if getattr(facility, name)]

    def get_shelter_status(self, facility: Facility) -> str | None:
        shelter = getattr(facility, "shelter", None)
        return shelter.status if shelter else None


class NearbyFacilitySerializer(FacilitySerializer):
    distance_m = serializers.IntegerField()

    class Meta(FacilitySerializer.Meta):
        fields = ["distance_m", *FacilitySerializer.Meta.fields]


def _known_genres(codes: list[str]) -> list[str]:
    known = set(Genre.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = sorted(set(codes) - known)
    if unknown:
        raise serializers.ValidationError({"genre": [_("Unknown genre: %(codes)s. See /api/v1/map/genres/.")
                                                     % {"codes": ", ".join(unknown)}]})
    return codes


class NearbyQuery(PointQuery):
    radius = serializers.IntegerField(min_value=1, max_value=MAX_RADIUS_M, default=1000)
    genre = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    access = serializers.ListField(child=serializers.ChoiceField(choices=Facility.ACCESSIBILITY_FIELDS),
                                   required=False, default=list)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_RESULTS, default=50)

    def validate_genre(self, value: list[str]) -> list[str]:
        return _known_genres(value) if value else value


class BoxQuery(serializers.Serializer):
    bbox = BBoxField()
    genre = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)

    def validate_genre(self, value: list[str]) -> list[str]:
        return _known_genres(value) if value else value


BBOX_PARAM = OpenApiParameter("bbox", OpenApiTypes.STR, required=True,
                              description="west,south,east,north in WGS84 degrees (at most 1° each way)")
GENRE_PARAM = OpenApiParameter("genre", OpenApiTypes.STR, many=True,
                               description="Genre codes (repeat or comma-separate)")
GEOJSON_REPLY = {(200, "application/geo+json"): OpenApiTypes.OBJECT}
LAT = OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True, description="Latitude (WGS84)")
LON = OpenApiParameter("lon", OpenApiTypes.DOUBLE, required=True, description="Longitude (WGS84)")


class GenreListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], responses=GenreSerializer(many=True), summary="Facility genres")
    def get(self, request: Request) -> Response:
        return Response(GenreSerializer(genres(), many=True).data)


class FacilityBoxView(APIView):
    """Public facilities in a box as a GeoJSON FeatureCollection (at most 5,000), for maps."""

    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], parameters=[BBOX_PARAM, GENRE_PARAM], responses=GEOJSON_REPLY,
                   summary="Facilities in a bounding box (GeoJSON)", operation_id="map_facilities_in_bbox")
    def get(self, request: Request):
        query = validated(BoxQuery, query_dict(request))
        return geojson_response(features_in_box(bbox=query["bbox"], genre_codes=query["genre"]))


class NearbyView(APIView):
    """Public facilities within a radius of a point, nearest first, with the distance in metres."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG], responses=NearbyFacilitySerializer(many=True), summary="Facilities near a point",
        parameters=[LAT, LON, GENRE_PARAM,
                    OpenApiParameter("radius", OpenApiTypes.INT, description="Metres, 1–20000 (default 1000)"),
                    OpenApiParameter("access", OpenApiTypes.STR, many=True,
                                     description="Accessibility attributes every result must have"),
                    OpenApiParameter("limit", OpenApiTypes.INT, description="1–200 (default 50)")],
    )
    def get(self, request: Request) -> Response:
        query = validated(NearbyQuery, query_dict(request))
        found = nearby(point=Point(query["lon"], query["lat"], srid=4326), radius_m=query["radius"],
                       genre_codes=query["genre"], accessibility=query["access"], limit=query["limit"])
        return Response(NearbyFacilitySerializer(found, many=True).data)


class FacilityDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], responses=FacilitySerializer, summary="One facility")
    def get(self, request: Request, pk: int) -> Response:
        facility = get_object_or_404(public_facilities().select_related("genre", "shelter"), pk=pk)
        return Response(FacilitySerializer(facility).data)


class HazardBoxQuery(serializers.Serializer):
    bbox = BBoxField()
    hazard = serializers.ChoiceField(choices=Hazard.choices, required=False)


class HazardZoneBoxView(APIView):
    """Hazard zones that touch a box, as GeoJSON (geometry to 6 decimals, about 0.1 m)."""

    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], responses=GEOJSON_REPLY,
                   summary="Hazard zones in a bounding box (GeoJSON)",
                   parameters=[BBOX_PARAM, OpenApiParameter("hazard", OpenApiTypes.STR, enum=Hazard.values)])
    def get(self, request: Request):
        query = validated(HazardBoxQuery, request.query_params)
        box = Polygon.from_bbox(query["bbox"])
        box.srid = 4326
        zones = HazardZone.objects.filter(area__bboverlaps=box)
        if query.get("hazard"):
            zones = zones.filter(hazard=query["hazard"])
        rows = zones.order_by("hazard", "level", "id").annotate(geojson=AsGeoJSON("area", precision=6)).values_list(
            "id", "hazard", "level", "label", "name", "geojson")[:2000]
        features = [
            {"type": "Feature", "id": pk, "geometry": json.loads(geometry),
             "properties": {"hazard": hazard, "hazard_label": str(Hazard(hazard).label), "level": level,
                            "label": label, "name": name}}
            for pk, hazard, level, label, name, geometry in rows
        ]
        return geojson_response({"type": "FeatureCollection", "features": features})


class ZoneSerializer(serializers.ModelSerializer):
    hazard_label = serializers.CharField(source="get_hazard_display")

    class Meta:
        model = HazardZone
        fields = ["id", "hazard", "hazard_label", "level", "label", "name"]


class RiskShelterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    status = serializers.CharField()
    distance_m = serializers.IntegerField()
    lat = serializers.FloatField(source="location.y")
    lon = serializers.FloatField(source="location.x")
    hazards = serializers.ListField(child=serializers.CharField())


class RiskSerializer(serializers.Serializer):
    lat = serializers.FloatField(source="point.y")
    lon = serializers.FloatField(source="point.x")
    zones = ZoneSerializer(many=True)
    hazards = serializers.ListField(child=serializers.CharField())
    shelters = RiskShelterSerializer(many=True)


class RiskView(APIView):
    """Am I at risk? The hazard zones at a point and the nearest shelters suitable for them."""

    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], parameters=[LAT, LON], responses=RiskSerializer,
                   summary="Hazards and shelters at a point")
    def get(self, request: Request) -> Response:
        query = validated(PointQuery, request.query_params)
        return Response(RiskSerializer(risk_at(point=Point(query["lon"], query["lat"], srid=4326))).data)


urlpatterns = [
    path("genres/", GenreListView.as_view(), name="map-genres"),
    path("facilities/", FacilityBoxView.as_view(), name="map-facilities"),
    path("facilities/nearby/", NearbyView.as_view(), name="map-facilities-nearby"),
    path("facilities/<int:pk>/", FacilityDetailView.as_view(), name="map-facility-detail"),
    path("hazard-zones/", HazardZoneBoxView.as_view(), name="map-hazard-zones"),
    path("risk/", RiskView.as_view(), name="map-risk"),
]
