"""The signed-in person's own account over the API."""

from django.contrib.gis.geos import Point
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Language
from apps.accounts.selectors import profile_of, roles_of
from apps.accounts.services import update_profile
from apps.geo.models import District


class ProfileSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(max_length=60, allow_blank=True, required=False)
    preferred_language = serializers.ChoiceField(choices=Language.choices, required=False)
    district = serializers.PrimaryKeyRelatedField(
        queryset=District.objects.all(), allow_null=True, required=False
    )
    latitude = serializers.FloatField(min_value=-90, max_value=90, allow_null=True, required=False)
    longitude = serializers.FloatField(min_value=-180, max_value=180, allow_null=True, required=False)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    def validate(self, attrs: dict) -> dict:
        if ("latitude" in attrs) != ("longitude" in attrs) or (
            (attrs.get("latitude") is None) != (attrs.get("longitude") is None)
        ):
            raise serializers.ValidationError(
                {"latitude": "Give latitude and longitude together, or neither."}
            )
        return attrs


def _represent(user) -> dict:
    profile = profile_of(user)
    location = profile.home_location
    return {
        "email": user.email,
        "display_name": profile.display_name,
        "preferred_language": profile.preferred_language,
        "district": profile.district_id,
        "latitude": location.y if location else None,
        "longitude": location.x if location else None,
        "roles": sorted(roles_of(user)),
    }


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ProfileSerializer)
    def get(self, request: Request) -> Response:
        return Response(_represent(request.user))

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request: Request) -> Response:
        serializer = ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changes: dict = {}
        for key in ("display_name", "preferred_language", "district"):
            if key in data:
                changes[key] = data[key]
        if "latitude" in data:
            lat, lon = data["latitude"], data["longitude"]
            changes["home_location"] = None if lat is None else Point(lon, lat, srid=4326)
        update_profile(user=request.user, **changes)
        return Response(_represent(request.user))
