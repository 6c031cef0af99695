"""The alerts API: staff compose, approve, update and cancel; anyone reads issued alerts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.alerts import selectors
from apps.alerts.choices import (
    AlertState,
    CapCertainty,
    CapMsgType,
    CapSeverity,
    CapStatus,
    CapUrgency,
)
from apps.alerts.models import Alert
from apps.alerts.permissions import is_alert_staff
from apps.alerts.services import compose, publishing
from apps.alerts.services.areas import AreaChoice


def service_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class EmergencyAlertCircleSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    radius_m = serializers.FloatField(min_value=10, max_value=30_000)


class EmergencyAlertInputSerializer(serializers.Serializer):
    event_type = serializers.SlugField()
    cap_status = serializers.ChoiceField(choices=CapStatus.choices, default=CapStatus.ACTUAL)
    urgency = serializers.ChoiceField(choices=CapUrgency.choices)
    severity = serializers.ChoiceField(choices=CapSeverity.choices)
    certainty = serializers.ChoiceField(choices=CapCertainty.choices)
    evacuation_level = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    headline = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=3000)
    instruction = serializers.CharField(max_length=1500, required=False, allow_blank=True, default="")
    headline_en = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    description_en = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    instruction_en = serializers.CharField(max_length=1500, required=False, allow_blank=True, default="")
    headline_easy = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    text_easy = serializers.CharField(max_length=1500, required=False, allow_blank=True, default="")
    effective = serializers.DateTimeField(required=False, allow_null=True)
    expires = serializers.DateTimeField(required=False, allow_null=True)
    area_desc = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    district_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    hazard_zone = serializers.IntegerField(required=False, allow_null=True)
    polygon = serializers.JSONField(required=False, allow_null=True, help_text="A GeoJSON Polygon or MultiPolygon.")
    circle = EmergencyAlertCircleSerializer(required=False, allow_null=True)
    shelter_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    def content(self) -> compose.AlertContent:
        data = self.validated_data
        circle = data.get("circle")
        return compose.AlertContent(
            event_type=data["event_type"], cap_status=data["cap_status"], urgency=data["urgency"],
            severity=data["severity"], certainty=data["certainty"], evacuation_level=data.get("evacuation_level"),
            headline=data["headline"], description=data["description"], instruction=data["instruction"],
            headline_en=data["headline_en"], description_en=data["description_en"],
            instruction_en=data["instruction_en"], headline_easy=data["headline_easy"], text_easy=data["text_easy"],
            effective=data.get("effective"), expires=data.get("expires"), area_desc=data["area_desc"],
            area=AreaChoice(district_ids=data["district_ids"], hazard_zone_id=data.get("hazard_zone"),
                            polygon=data.get("polygon"),
                            circle=(circle["lat"], circle["lon"], circle["radius_m"]) if circle else None),
            shelter_ids=data["shelter_ids"],
        )


class EmergencyAlertSerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=AlertState.choices, read_only=True)
    msg_type = serializers.ChoiceField(choices=CapMsgType.choices, read_only=True)
    event_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    cap_url = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ["id", "identifier", "sender", "sent", "cap_status", "msg_type", "references", "state",
                  "event_type", "urgency", "severity", "certainty", "evacuation_level", "headline", "description",
                  "instruction", "headline_en", "description_en", "instruction_en", "headline_easy", "text_easy",
                  "effective", "expires", "area_desc", "replaces", "cap_url"]

    def get_cap_url(self, alert: Alert) -> str | None:
        return f"/alerts/{alert.pk}/cap.xml" if alert.cap_xml else None


class EmergencyAlertMediaSerializer(serializers.Serializer):
    notifications = serializers.DictField(allow_null=True)
    cap = serializers.DictField()
    webhooks = serializers.ListField(child=serializers.DictField())


class EmergencyAlertCancelSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    note_en = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")
    note_easy = serializers.CharField(max_length=1500, required=False, allow_blank=True, default="")


def _run(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except DjangoValidationError as exc:
        raise service_errors(exc) from None
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None


class AlertListView(APIView):
    """GET: alerts in force (public). POST (city staff): draft an alert for approval."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(responses=EmergencyAlertSerializer(many=True))
    def get(self, request):
        return Response(EmergencyAlertSerializer(selectors.in_force()[:50], many=True).data)

    @extend_schema(request=EmergencyAlertInputSerializer, responses={201: EmergencyAlertSerializer})
    def post(self, request):
        if not is_alert_staff(request.user):
            raise PermissionDenied("Only city staff can draft alerts.")
        serializer = EmergencyAlertInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert = _run(compose.draft, user=request.user, content=serializer.content())
        return Response(EmergencyAlertSerializer(alert).data, status=status.HTTP_201_CREATED)


class AlertDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=EmergencyAlertSerializer)
    def get(self, request, pk: int):
        return Response(EmergencyAlertSerializer(selectors.alert_for(request.user, pk)).data)


class StaffAlertView(APIView):
    permission_classes = [IsAuthenticated]

    def staff_alert(self, request, pk: int) -> Alert:
        if not is_alert_staff(request.user):
            raise PermissionDenied("Only city staff can do this.")
        return selectors.alert_for(request.user, pk)


class ApproveView(StaffAlertView):
    """A second member of staff approves: the alert goes to every medium at once."""

    @extend_schema(request=None, responses=EmergencyAlertSerializer)
    def post(self, request, pk: int):
        alert = _run(publishing.approve, alert=self.staff_alert(request, pk), approver=request.user)
        return Response(EmergencyAlertSerializer(alert).data)


class UpdateView(StaffAlertView):
    @extend_schema(request=EmergencyAlertInputSerializer, responses={201: EmergencyAlertSerializer})
    def post(self, request, pk: int):
        original = self.staff_alert(request, pk)
        serializer = EmergencyAlertInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert = _run(compose.draft_update, user=request.user, original=original, content=serializer.content())
        return Response(EmergencyAlertSerializer(alert).data, status=status.HTTP_201_CREATED)


class CancelView(StaffAlertView):
    @extend_schema(request=EmergencyAlertCancelSerializer, responses={201: EmergencyAlertSerializer})
    def post(self, request, pk: int):
        original = self.staff_alert(request, pk)
        serializer = EmergencyAlertCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert = _run(compose.draft_cancel, user=request.user, original=original, **serializer.validated_data)
        return Response(EmergencyAlertSerializer(alert).data, status=status.HTTP_201_CREATED)


class MediaView(StaffAlertView):
    """Each medium's state: notifications (counts only), CAP and feed, every webhook receiver."""

    @extend_schema(responses=EmergencyAlertMediaSerializer)
    def get(self, request, pk: int):
        return Response(EmergencyAlertMediaSerializer(selectors.media_state(self.staff_alert(request, pk))).data)


urlpatterns = [
    path("", AlertListView.as_view(), name="alerts-list"),
    path("<int:pk>/", AlertDetailView.as_view(), name="alerts-detail"),
    path("<int:pk>/approve/", ApproveView.as_view(), name="alerts-approve"),
    path("<int:pk>/update/", UpdateView.as_view(), name="alerts-update"),
    path("<int:pk>/cancel/", CancelView.as_view(), name="alerts-cancel"),
    path("<int:pk>/media/", MediaView.as_view(), name="alerts-media"),
]
