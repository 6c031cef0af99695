"""The school desk's API: link a guardian to a child by exact e-mail, and end a link.

A child of another school, or a link there, is 404 for the caller whatever the e-mail: the
API never tells a non-staff caller whether an e-mail address has an account.
"""

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

TAG = "child watch: school desk"


@extend_schema_serializer(component_name="ChildwatchLinkInput")
class LinkInput(StrictSerializer):
    child = serializers.IntegerField(min_value=1)
    email = serializers.EmailField(help_text="Exactly the guardian's sign-up address")
    relationship = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="ChildwatchGuardianship")
class GuardianshipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="guardian.email")
    linked_by = serializers.EmailField(source="verified_by.email", allow_null=True, default=None)

    class Meta:
        model = Guardianship
        fields = ["id", "child", "email", "relationship", "verified_at", "linked_by", "passage_consent_at",
                  "is_active"]


class GuardianshipListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], request=LinkInput, summary="Link a guardian to a child",
                   responses={201: GuardianshipSerializer, **error_responses(400, 403, 404)})
    def post(self, request: Request) -> Response:
        selectors.require_staff(request.user)
        data = validated(LinkInput, request.data)
        child = selectors.child_for_staff(request.user, data["child"])
        link = services.link_guardian(by=request.user, child=child, email=data["email"],
                                      relationship=data["relationship"])
        return Response(GuardianshipSerializer(link).data, status=201)


class GuardianshipDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="End a guardianship (kept, inactive)",
                   responses={204: None, **error_responses(403, 404)})
    def delete(self, request: Request, pk: int) -> Response:
        selectors.require_staff(request.user)
        link = selectors.guardianship_for_staff(request.user, pk)
        services.unlink_guardian(by=request.user, guardianship=link)
        return Response(status=204)


urlpatterns = [
    path("staff/guardianships/", GuardianshipListView.as_view(), name="childwatch-staff-guardianships"),
    path("staff/guardianships/<int:pk>/", GuardianshipDetailView.as_view(), name="childwatch-staff-guardianship"),
]
