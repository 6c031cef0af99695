"""The guardian's API: my children (active links only) and consent to gate notices."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.childwatch.models import Guardianship
from apps.childwatch.selectors import people as selectors
from apps.childwatch.services import people as services
from apps.notifications.api.common import StrictSerializer, error_responses, validated

TAG = "child watch: guardians"


@extend_schema_serializer(component_name="ChildwatchMyChild")
class MyChildSerializer(serializers.Serializer):
    """One of my children, as my (active) guardianship sees them."""

    id = serializers.IntegerField(source="child.id")
    full_name = serializers.CharField(source="child.full_name")
    given_name = serializers.CharField(source="child.given_name")
    school_id = serializers.IntegerField(source="child.school.id")
    school = serializers.CharField(source="child.school.name")
    school_class = serializers.SerializerMethodField()
    relationship = serializers.CharField()
    passage_consent = serializers.SerializerMethodField()
    passage_consent_at = serializers.DateTimeField(allow_null=True)
    passage_retention_days = serializers.IntegerField(source="child.school.passage_retention_days")

    def get_school_class(self, link: Guardianship) -> str | None:
        return str(link.child.school_class) if link.child.school_class else None

    def get_passage_consent(self, link: Guardianship) -> bool:
        return link.passage_consent_at is not None


@extend_schema_serializer(component_name="ChildwatchConsentInput")
class ConsentInput(StrictSerializer):
    consent = serializers.BooleanField(help_text="true to consent to gate notices, false to withdraw")


class MyChildrenView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], responses=MyChildSerializer(many=True), summary="My children")
    def get(self, request: Request) -> Response:
        return Response(MyChildSerializer(selectors.my_guardianships(request.user), many=True).data)


class ConsentView(APIView):
    """Give or withdraw consent to gate notices for one of my children (someone else's child: 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=ConsentInput, summary="Consent to gate notices",
                   responses={200: MyChildSerializer, **error_responses(400, 404)})
    def post(self, request: Request, pk: int) -> Response:
        link = selectors.my_guardianship(request.user, pk)
        data = validated(ConsentInput, request.data)
        link = services.set_passage_consent(guardianship=link, by=request.user, consent=data["consent"])
        return Response(MyChildSerializer(link).data)


urlpatterns = [
    path("children/", MyChildrenView.as_view(), name="childwatch-children"),
    path("children/<int:pk>/consent/", ConsentView.as_view(), name="childwatch-child-consent"),
]
