"""The directory, joining, the officers' member list and decisions, leaving."""

from __future__ import annotations

import json

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.services import audit
from apps.disastermap.selectors.places import find_place
from apps.neighbourhood.models import Association, Membership
from apps.neighbourhood.selectors import associations as selectors
from apps.neighbourhood.services import associations as services
from apps.notifications.api.common import StrictSerializer, validated

TAG = "neighbourhood: associations"


class AssociationSerializer(serializers.ModelSerializer):
    districts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    public_bulletin_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Association
        fields = ["slug", "name", "name_en", "description", "districts", "member_count", "public_bulletin_count"]


class AssociationDetailSerializer(AssociationSerializer):
    area = serializers.SerializerMethodField()

    class Meta(AssociationSerializer.Meta):
        fields = [*AssociationSerializer.Meta.fields, "area"]

    def get_area(self, association: Association) -> dict:
        return json.loads(association.area.geojson)


class DirectoryQuery(StrictSerializer):
    q = serializers.CharField(max_length=60, required=False, allow_blank=True)
    place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False)

    def validate(self, data: dict) -> dict:
        if ("lat" in data) != ("lon" in data):
            raise serializers.ValidationError({"lon" if "lat" in data else "lat": [
                _("Give both latitude and longitude.")]})
        data["point"] = None
        if "lat" in data:
            data["point"] = Point(data["lon"], data["lat"], srid=4326)
        elif data.get("place"):
            found = find_place(data["place"])
            if found is None:
                raise serializers.ValidationError({"place": [_("We could not find this place.")]})
            data["point"] = found[0]
        return data


class DirectoryView(APIView):
    """Listed associations: search by name or district, or the ones covering a place or point."""

    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], responses=AssociationSerializer(many=True), summary="Association directory",
                   parameters=[OpenApiParameter("q", OpenApiTypes.STR), OpenApiParameter("place", OpenApiTypes.STR),
                               OpenApiParameter("lat", OpenApiTypes.DOUBLE),
                               OpenApiParameter("lon", OpenApiTypes.DOUBLE)])
    def get(self, request: Request) -> Response:
        query = validated(DirectoryQuery, request.query_params.dict())
        found = selectors.directory(query=query.get("q", ""), point=query["point"])
        return Response(AssociationSerializer(found, many=True).data)


class AssociationView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=[TAG], responses=AssociationDetailSerializer, summary="One association")
    def get(self, request: Request, slug: str) -> Response:
        return Response(AssociationDetailSerializer(selectors.visible_association(request.user, slug)).data)


class JoinInput(StrictSerializer):
    real_name = serializers.CharField(max_length=80)
    address = serializers.CharField(max_length=200)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class MembershipSerializer(serializers.ModelSerializer):
    association = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "association", "status", "role", "requested_at", "decided_at", "decision_note"]


class MemberSerializer(serializers.ModelSerializer):
    lat = serializers.FloatField(source="location.y")
    lon = serializers.FloatField(source="location.x")

    class Meta:
        model = Membership
        fields = ["id", "real_name", "address", "phone", "lat", "lon", "role", "status", "requested_at"]


class JoinView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=JoinInput, responses={201: MembershipSerializer},
                   summary="Ask to join (the point must lie in the area)")
    def post(self, request: Request, slug: str) -> Response:
        association = selectors.visible_association(request.user, slug)
        data = validated(JoinInput, request.data)
        membership = services.request_membership(
            user=request.user, association=association, real_name=data["real_name"], address=data["address"],
            location=Point(data["lon"], data["lat"], srid=4326), phone=data["phone"])
        return Response(MembershipSerializer(membership).data, status=201)


class MembersQuery(StrictSerializer):
    status = serializers.ChoiceField(choices=["active", "pending"], default="active")


class MembersView(APIView):
    """Officers of this association only: names, addresses, roles (and pending requests)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses=MemberSerializer(many=True), summary="Members (officers only)",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=["active", "pending"])])
    def get(self, request: Request, slug: str) -> Response:
        association = selectors.visible_association(request.user, slug)
        query = validated(MembersQuery, request.query_params.dict())
        if query["status"] == "pending":
            found = list(selectors.pending_requests(request.user, association))
        else:
            found = list(selectors.members_for(request.user, association))
        audit(user=request.user, action="neighbourhood.member_list", obj=association,
              detail=f"api {query['status']}: {len(found)}")
        return Response(MemberSerializer(found, many=True).data)


class MembershipReasonInput(StrictSerializer):
    reason = serializers.CharField(max_length=200)


class MembershipEmptyInput(StrictSerializer):
    pass


class ApproveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=MembershipEmptyInput, responses=MembershipSerializer,
                   summary="Approve a request")
    def post(self, request: Request, pk: int) -> Response:
        membership = selectors.membership_for_officer(request.user, pk)
        validated(MembershipEmptyInput, request.data)
        return Response(MembershipSerializer(services.approve_membership(by=request.user, membership=membership)).data)


class DeclineView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=MembershipReasonInput, responses=MembershipSerializer,
                   summary="Decline a request")
    def post(self, request: Request, pk: int) -> Response:
        membership = selectors.membership_for_officer(request.user, pk)
        data = validated(MembershipReasonInput, request.data)
        return Response(MembershipSerializer(services.decline_membership(
            by=request.user, membership=membership, reason=data["reason"])).data)


class RemoveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=MembershipReasonInput, responses=MembershipSerializer, summary="Remove a member")
    def post(self, request: Request, pk: int) -> Response:
        membership = selectors.membership_for_officer(request.user, pk)
        data = validated(MembershipReasonInput, request.data)
        return Response(MembershipSerializer(services.remove_member(
            by=request.user, membership=membership, reason=data["reason"])).data)


class OwnMembershipView(APIView):
    """The caller's own membership: read it, or leave (DELETE)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses=MembershipSerializer, summary="My membership")
    def get(self, request: Request, slug: str) -> Response:
        association = selectors.visible_association(request.user, slug)
        membership = selectors.my_memberships(request.user).filter(association=association).first()
        if membership is None:
            raise PermissionDenied(_("You have no membership of this association."))
        return Response(MembershipSerializer(membership).data)

    @extend_schema(tags=[TAG], responses=MembershipSerializer, summary="Leave the association")
    def delete(self, request: Request, slug: str) -> Response:
        association = selectors.visible_association(request.user, slug)
        return Response(MembershipSerializer(services.leave_association(user=request.user,
                                                                        association=association)).data)


urlpatterns = [
    path("associations/", DirectoryView.as_view(), name="neighbourhood-associations"),
    path("associations/<slug:slug>/", AssociationView.as_view(), name="neighbourhood-association"),
    path("associations/<slug:slug>/join/", JoinView.as_view(), name="neighbourhood-join"),
    path("associations/<slug:slug>/members/", MembersView.as_view(), name="neighbourhood-members"),
    path("associations/<slug:slug>/membership/", OwnMembershipView.as_view(), name="neighbourhood-membership"),
    path("memberships/<int:pk>/approve/", ApproveView.as_view(), name="neighbourhood-membership-approve"),
    path("memberships/<int:pk>/decline/", DeclineView.as_view(), name="neighbourhood-membership-decline"),
    path("memberships/<int:pk>/remove/", RemoveView.as_view(), name="neighbourhood-membership-remove"),
]
