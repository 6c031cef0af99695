"""Districts and school districts as GeoJSON, and a point lookup."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from apps.geo.models import District, SchoolDistrict
from apps.geo.selectors import districts, school_districts
from apps.geo.services import district_for_point, make_point, school_district_for_point


class DistrictSerializer(GeoFeatureModelSerializer):
    city = serializers.CharField(source="city.name", read_only=True)

    class Meta:
        model = District
        geo_field = "area"
        fields = ["id", "code", "name", "name_kana", "name_en", "city"]


class SchoolDistrictSerializer(GeoFeatureModelSerializer):
    city = serializers.CharField(source="city.name", read_only=True)

    class Meta:
        model = SchoolDistrict
        geo_field = "area"
        fields = ["id", "code", "name", "name_en", "school_name", "city"]


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """Districts (地区) of the city as a GeoJSON FeatureCollection."""

    serializer_class = DistrictSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self):
        return districts()


class SchoolDistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """Elementary school districts (小学校区) as a GeoJSON FeatureCollection."""

    serializer_class = SchoolDistrictSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self):
        return school_districts()


class PointQuery(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class AreaRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class LookupResult(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    district = AreaRef(allow_null=True)
    school_district = AreaRef(allow_null=True)


def _ref(area) -> dict | None:
    return None if area is None else {"id": area.id, "code": area.code, "name": area.name}


@extend_schema(
    parameters=[
        OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True, description="Latitude (WGS84)"),
        OpenApiParameter("lon", OpenApiTypes.DOUBLE, required=True, description="Longitude (WGS84)"),
    ],
    responses=LookupResult,
)
@api_view(["GET"])
@permission_classes([AllowAny])
def lookup(request: Request) -> Response:
    """The district and school district that contain a point (null where none does)."""
    query = PointQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    point = make_point(lat=query.validated_data["lat"], lon=query.validated_data["lon"])
    return Response(
        {
            "lat": point.y,
            "lon": point.x,
            "district": _ref(district_for_point(point)),
            "school_district": _ref(school_district_for_point(point)),
        }
    )
