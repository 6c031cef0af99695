"""Community disaster maps: maps, their features as GeoJSON, proposals and decisions.

A map someone may not view answers 404 everywhere, its GeoJSON included. Members' features
are stored as proposals; editors' go straight onto the map.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.disastermap.api.common import geojson_response, validated
from apps.disastermap.choices import CommunityFeatureCategory, FeatureStatus
from apps.disastermap.models import CommunityFeature, CommunityMap
from apps.disastermap.permissions import may_edit_map, may_propose
from apps.disastermap.selectors import community as selectors
from apps.disastermap.services import community as services
from apps.disastermap.services.community import NOTE_LIMIT, REASON_LIMIT, TITLE_LIMIT
from apps.disastermap.services.community_input import geometry_from_geojson
from apps.notifications.api.common import StrictSerializer

TAG = "map: community"


# --- output -------------------------------------------------------------------------------

class DistrictRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CommunityMapSerializer(serializers.ModelSerializer):
    district = DistrictRefSerializer(read_only=True)
    feature_count = serializers.IntegerField(source="accepted_count", read_only=True)
    may_edit = serializers.SerializerMethodField()
    may_propose = serializers.SerializerMethodField()
    features_url = serializers.SerializerMethodField()

    class Meta:
        model = CommunityMap
        fields = ["id", "name", "association_name", "district", "description", "is_public", "feature_count",
                  "may_edit", "may_propose", "features_url", "updated_at"]

    def get_may_edit(self, community_map: CommunityMap) -> bool:
        return may_edit_map(self.context["request"].user, community_map)

    def get_may_propose(self, community_map: CommunityMap) -> bool:
        return may_propose(self.context["request"].user, community_map)

    def get_features_url(self, community_map: CommunityMap) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:map-community-features-geojson", args=[community_map.pk]))


class CommunityMapDetailSerializer(CommunityMapSerializer):
    district_outline = serializers.SerializerMethodField()

    class Meta(CommunityMapSerializer.Meta):
        fields = [*CommunityMapSerializer.Meta.fields, "district_outline"]

    def get_district_outline(self, community_map: CommunityMap) -> dict:
        """The district as a GeoJSON geometry (RFC 7946)."""
        return _rfc7946(community_map.district.area)


def _ring_ccw(ring: list) -> list:
    # Shoelace sum: positive when the ring runs counterclockwise.
    area = sum(x1 * y2 - x2 * y1 for (x1, y1, *_a), (x2, y2, *_b) in itertools.pairwise(ring))
    return ring if area >= 0 else ring[::-1]


def _oriented(polygon: list) -> list:
    """RFC 7946 §3.1.6: exterior rings counterclockwise, holes clockwise."""
    rings = [_ring_ccw([list(c) for c in ring]) for ring in polygon]
    return [rings[0], *(ring[::-1] for ring in rings[1:])]


def _rfc7946(geometry: GEOSGeometry) -> dict:
    data = json.loads(geometry.geojson)
    if data["type"] == "Polygon":
        data["coordinates"] = _oriented(data["coordinates"])
    elif data["type"] == "MultiPolygon":
        data["coordinates"] = [_oriented(polygon) for polygon in data["coordinates"]]
    return data


def feature_geojson(request: Request, feature: CommunityFeature, *, number: int | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "category": feature.category,
        "category_label": str(feature.get_category_display()),
        "title": feature.title,
        "note": feature.note,
        "status": feature.status,
        "photo_url": request.build_absolute_uri(
            reverse("disastermap:community_feature_photo", args=[feature.map_id, feature.pk])
        ) if feature.photo else None,
        "created_at": feature.created_at.isoformat(),
        "decided_at": feature.decided_at.isoformat() if feature.decided_at else None,
    }
    if number is not None:
        properties["number"] = number
    if feature.status == FeatureStatus.DECLINED:
        properties["decline_reason"] = feature.decline_reason
    return {"type": "Feature", "id": feature.pk, "geometry": _rfc7946(feature.geometry), "properties": properties}


# --- input --------------------------------------------------------------------------------

class GeometryField(serializers.JSONField):
    """A GeoJSON geometry object; in a multipart form, the same object as a JSON string."""

    def to_internal_value(self, data: Any) -> GEOSGeometry:
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError(_("Give a GeoJSON geometry object.")) from None
        try:
            return geometry_from_geojson(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_representation(self, value: Any) -> Any:
        return value


class FeatureInputSerializer(StrictSerializer):
    category = serializers.ChoiceField(choices=CommunityFeatureCategory.choices)
    title = serializers.CharField(max_length=TITLE_LIMIT)
    note = serializers.CharField(max_length=NOTE_LIMIT, required=False, allow_blank=True, default="")
    geometry = GeometryField(help_text="GeoJSON geometry: Point, LineString or Polygon, WGS84 [lon, lat].")
    photo = serializers.FileField(required=False, allow_null=True,
                                  help_text="JPEG, PNG or WebP, at most 5 MB (multipart only).")


class FeaturePatchSerializer(FeatureInputSerializer):
    remove_photo = serializers.BooleanField(required=False, default=False)


class DeclineSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_LIMIT, help_text="Told to the member who proposed it.")


class FeatureQuery(StrictSerializer):
    status = serializers.ChoiceField(choices=FeatureStatus.choices, required=False, default=FeatureStatus.ACCEPTED)


def _feature(request: Request, map_id: int, feature_id: int, *, edit: bool = False) -> CommunityFeature:
    """404 for a map one may not see; then, for changes, 403 before anything about the feature shows."""
    community_map = selectors.map_for(request.user, map_id)
    if edit and not may_edit_map(request.user, community_map):
        raise PermissionDenied(_("Only the map's editors can change features or decide on proposals."))
    return selectors.feature_for(request.user, community_map, feature_id)


# --- views --------------------------------------------------------------------------------

class CommunityMapList(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(tags=[TAG], responses=CommunityMapSerializer(many=True),
                   summary="Community disaster maps you can see")
    def get(self, request: Request) -> Response:
        maps = selectors.visible_maps(request.user)
        return Response(CommunityMapSerializer(maps, many=True, context={"request": request}).data)


class CommunityMapDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(tags=[TAG], responses=CommunityMapDetailSerializer, summary="One community disaster map")
    def get(self, request: Request, map_id: int) -> Response:
        selectors.map_for(request.user, map_id)
        community_map = selectors.visible_maps(request.user).get(pk=map_id)
        return Response(CommunityMapDetailSerializer(community_map, context={"request": request}).data)


class CommunityFeaturesGeoJSON(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        tags=[TAG], summary="Features of a map as GeoJSON",
        description="Accepted features as an RFC 7946 FeatureCollection (application/geo+json), numbered as on "
                    "the printed map. Editors may ask for `status=proposed` or `status=declined`.",
        parameters=[OpenApiParameter("status", str, enum=FeatureStatus.values, required=False)],
        responses={(200, "application/geo+json"): OpenApiTypes.OBJECT,
                   403: OpenApiResponse(description="Not an editor"),
                   404: OpenApiResponse(description="No such map, or not visible to you")},
    )
    def get(self, request: Request, map_id: int):
        community_map = selectors.map_for(request.user, map_id)
        wanted = validated(FeatureQuery, request.query_params.dict())["status"]
        if wanted != FeatureStatus.ACCEPTED and not may_edit_map(request.user, community_map):
            raise PermissionDenied(_("Only the map's editors can see proposals."))
        features = selectors.features_with_status(request.user, community_map, wanted)
        numbered = wanted == FeatureStatus.ACCEPTED
        return geojson_response({
            "type": "FeatureCollection",
            "features": [feature_geojson(request, f, number=n if numbered else None)
                         for n, f in enumerate(features, start=1)],
        })


class CommunityFeatureCreate(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=[TAG], summary="Add or propose a feature",
        description="Members' features are stored as proposals for the editors; editors' are accepted at once. "
                    "Send JSON, or multipart with `geometry` as a JSON string to attach a photo.",
        request={"application/json": FeatureInputSerializer, "multipart/form-data": FeatureInputSerializer},
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiResponse(description="Invalid field"),
                   403: OpenApiResponse(description="Not a member"), 404: OpenApiResponse(description="No such map")},
    )
    def post(self, request: Request, map_id: int) -> Response:
        community_map = selectors.map_for(request.user, map_id)
        if not may_propose(request.user, community_map):
            raise PermissionDenied(_("Only members of the association can propose features for this map."))
        data = validated(FeatureInputSerializer, request.data)
        feature = services.add_feature(user=request.user, community_map=community_map, **data)
        return Response(feature_geojson(request, feature), status=status.HTTP_201_CREATED)


class CommunityFeatureDetail(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=[TAG], summary="One feature as GeoJSON", responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, map_id: int, feature_id: int) -> Response:
        return Response(feature_geojson(request, _feature(request, map_id, feature_id)))

    @extend_schema(
        tags=[TAG], summary="Correct a feature (editors)",
        request={"application/json": FeaturePatchSerializer, "multipart/form-data": FeaturePatchSerializer},
        responses={200: OpenApiTypes.OBJECT, 403: OpenApiResponse(description="Not an editor")},
    )
    def patch(self, request: Request, map_id: int, feature_id: int) -> Response:
        feature = _feature(request, map_id, feature_id, edit=True)
        serializer = FeaturePatchSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        feature = services.update_feature(user=request.user, feature=feature, **changes)
        return Response(feature_geojson(request, feature))

    @extend_schema(tags=[TAG], summary="Delete a feature (editors)", request=None,
                   responses={204: None, 403: OpenApiResponse(description="Not an editor")})
    def delete(self, request: Request, map_id: int, feature_id: int) -> Response:
        feature = _feature(request, map_id, feature_id, edit=True)
        services.delete_feature(user=request.user, feature=feature)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommunityFeatureAccept(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Accept a proposal (editors)", request=None,
                   responses={200: OpenApiTypes.OBJECT, 403: OpenApiResponse(description="Not an editor")})
    def post(self, request: Request, map_id: int, feature_id: int) -> Response:
        feature = _feature(request, map_id, feature_id, edit=True)
        return Response(feature_geojson(request, services.accept_feature(user=request.user, feature=feature)))


class CommunityFeatureDecline(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Decline a proposal with a reason (editors)", request=DeclineSerializer,
                   responses={200: OpenApiTypes.OBJECT, 403: OpenApiResponse(description="Not an editor")})
    def post(self, request: Request, map_id: int, feature_id: int) -> Response:
        feature = _feature(request, map_id, feature_id, edit=True)
        reason = validated(DeclineSerializer, request.data)["reason"]
        return Response(feature_geojson(request, services.decline_feature(
            user=request.user, feature=feature, reason=reason)))


urlpatterns = [
    path("community-maps/", CommunityMapList.as_view(), name="map-community-list"),
    path("community-maps/<int:map_id>/", CommunityMapDetail.as_view(), name="map-community-detail"),
    path("community-maps/<int:map_id>/features.geojson", CommunityFeaturesGeoJSON.as_view(),
         name="map-community-features-geojson"),
    path("community-maps/<int:map_id>/features/", CommunityFeatureCreate.as_view(),
         name="map-community-feature-create"),
    path("community-maps/<int:map_id>/features/<int:feature_id>/", CommunityFeatureDetail.as_view(),
         name="map-community-feature"),
    path("community-maps/<int:map_id>/features/<int:feature_id>/accept/", CommunityFeatureAccept.as_view(),
         name="map-community-feature-accept"),
    path("community-maps/<int:map_id>/features/<int:feature_id>/decline/", CommunityFeatureDecline.as_view(),
         name="map-community-feature-decline"),
]
