"""Shelters with live status, and the status report shelter staff send from a phone."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.disastermap.api.common import validated
from apps.disastermap.choices import Hazard, ShelterStatus
from apps.disastermap.models import Shelter, ShelterStatusChange
from apps.disastermap.permissions import may_update_shelter
from apps.disastermap.selectors.facilities import MAX_RADIUS_M, shelters
from apps.disastermap.services.shelters import MAX_HEADCOUNT, update_status
from apps.notifications.api.common import StrictSerializer

TAG = "map: shelters"


class ShelterSerializer(serializers.ModelSerializer):
    lat = serializers.FloatField(source="location.y")
    lon = serializers.FloatField(source="location.x")
    hazards = serializers.ListField(child=serializers.CharField())
    districts_served = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    distance_m = serializers.SerializerMethodField()

    class Meta:
        model = Shelter
        fields = ["id", "name", "name_kana", "name_en", "address", "phone", "lat", "lon", "distance_m",
                  "is_emergency_site", "is_designated_shelter", "is_welfare_shelter", "hazards", "capacity",
                  "status", "headcount", "status_changed_at", "districts_served",
                  "wheelchair_accessible", "wheelchair_toilet"]

    def get_distance_m(self, shelter: Shelter) -> int | None:
        return getattr(shelter, "distance_m", None)


class ShelterQuery(serializers.Serializer):
    hazard = serializers.ChoiceField(choices=Hazard.choices, required=False)
    status = serializers.ChoiceField(choices=ShelterStatus.choices, required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False)
    radius = serializers.IntegerField(min_value=1, max_value=MAX_RADIUS_M, default=MAX_RADIUS_M)

    def validate(self, data: dict) -> dict:
        if ("lat" in data) != ("lon" in data):
            missing = "lon" if "lat" in data else "lat"
            raise serializers.ValidationError({missing: [_("Give both latitude and longitude.")]})
        return data


class ShelterListView(APIView):
    """Public shelters; with lat/lon, nearest first within the radius."""

    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], responses=ShelterSerializer(many=True), summary="Shelters", parameters=[
        OpenApiParameter("hazard", OpenApiTypes.STR, enum=Hazard.values),
        OpenApiParameter("status", OpenApiTypes.STR, enum=ShelterStatus.values),
        OpenApiParameter("lat", OpenApiTypes.DOUBLE), OpenApiParameter("lon", OpenApiTypes.DOUBLE),
        OpenApiParameter("radius", OpenApiTypes.INT, description="Metres (with lat/lon)"),
    ])
    def get(self, request: Request) -> Response:
        query = validated(ShelterQuery, request.query_params)
        near = Point(query["lon"], query["lat"], srid=4326) if "lat" in query else None
        found = shelters(hazard=query.get("hazard"), status=query.get("status"), near=near, radius_m=query["radius"])
        return Response(ShelterSerializer(found, many=True).data)


class ShelterDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], responses=ShelterSerializer, summary="One shelter")
    def get(self, request: Request, pk: int) -> Response:
        shelter = get_object_or_404(Shelter.objects.filter(is_public=True), pk=pk)
        return Response(ShelterSerializer(shelter).data)


class StatusReport(StrictSerializer):
    status = serializers.ChoiceField(choices=ShelterStatus.choices)
    headcount = serializers.IntegerField(min_value=0, max_value=MAX_HEADCOUNT, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShelterStatusChange
        fields = ["id", "shelter", "status", "headcount", "note", "changed_at", "message_id"]


class ShelterStatusView(APIView):
    """Shelter staff (or city staff) report open / full / closed and the headcount.

    A change of status is broadcast to residents of the districts served; `message_id`
    names that broadcast (null when only the headcount changed).
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=StatusReport, responses={201: StatusChangeSerializer},
                   summary="Report a shelter's status")
    def post(self, request: Request, pk: int) -> Response:
        shelter = get_object_or_404(Shelter, pk=pk)
        if not may_update_shelter(request.user, shelter):
            raise PermissionDenied("You are not staff of this shelter.")
        report = validated(StatusReport, request.data)
        change = update_status(shelter=shelter, user=request.user, **report)
        return Response(StatusChangeSerializer(change).data, status=201)


urlpatterns = [
    path("shelters/", ShelterListView.as_view(), name="map-shelters"),
    path("shelters/<int:pk>/", ShelterDetailView.as_view(), name="map-shelter-detail"),
    path("shelters/<int:pk>/status/", ShelterStatusView.as_view(), name="map-shelter-status"),
]
