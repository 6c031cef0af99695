"""School alert mail API: staff list and send alerts and read receipts; guardians reply.

Staff see their own schools' alerts only (others: 404); sending for another school is 403,
aiming at another school's class or children is 400 naming the field. Every staff read of the
per-guardian rows is audited, as on the pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.services import audit
from apps.childwatch.choices import AlertCategory, AlertScope, ReplyChoice
from apps.childwatch.models import School, SchoolAlert
from apps.childwatch.permissions import staff_school_ids
from apps.childwatch.selectors import alerts as selectors
from apps.childwatch.services import alerts as services
from apps.notifications.api.common import StrictSerializer, error_responses, validated
from apps.notifications.services import LINE_TEXT_LIMIT, TITLE_LIMIT

TAG = "child watch: alerts"
LIST_LIMIT = 200


class AlertInput(StrictSerializer):
    school = serializers.IntegerField(min_value=1)
    scope = serializers.ChoiceField(choices=AlertScope.choices)
    grade = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True)
    school_class = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    children = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                     max_length=services.MAX_CHILDREN)
    category = serializers.ChoiceField(choices=AlertCategory.choices)
    priority = serializers.ChoiceField(choices=services.ALERT_PRIORITY_CHOICES, default="normal")
    title = serializers.CharField(max_length=TITLE_LIMIT)
    body = serializers.CharField(max_length=LINE_TEXT_LIMIT)
    title_en = serializers.CharField(max_length=TITLE_LIMIT, required=False, allow_blank=True, default="")
    body_en = serializers.CharField(max_length=LINE_TEXT_LIMIT, required=False, allow_blank=True, default="")
    replies_allowed = serializers.BooleanField(default=True)


class ReplyInput(StrictSerializer):
    reply = serializers.ChoiceField(choices=ReplyChoice.choices)


class ListQuery(StrictSerializer):
    school = serializers.IntegerField(min_value=1, required=False)


class AlertSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="message.title")
    body = serializers.CharField(source="message.body")
    priority = serializers.CharField(source="message.priority")
    status = serializers.CharField(source="message.status")
    message_id = serializers.IntegerField()
    school_class = serializers.IntegerField(source="school_class_id", allow_null=True)

    class Meta:
        model = SchoolAlert
        fields = ["id", "school", "category", "scope", "grade", "school_class", "title", "body", "priority",
                  "status", "replies_allowed", "created_at", "message_id"]


class FiguresSerializer(serializers.Serializer):
    guardians = serializers.IntegerField(source="in_scope")
    reached = serializers.IntegerField()
    read = serializers.IntegerField()
    unread = serializers.IntegerField()
    replies = serializers.DictField(child=serializers.IntegerField())


class ChildLineSerializer(serializers.Serializer):
    name = serializers.CharField()
    school_class = serializers.CharField()


class GuardianRowSerializer(serializers.Serializer):
    guardian_id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    children = ChildLineSerializer(many=True)
    delivered = serializers.BooleanField()
    read = serializers.BooleanField()
    read_at = serializers.DateTimeField(allow_null=True)
    reply = serializers.CharField(allow_blank=True)
    replied_at = serializers.DateTimeField(allow_null=True)


class AlertDetailSerializer(serializers.Serializer):
    alert = AlertSerializer()
    figures = FiguresSerializer()
    guardians = GuardianRowSerializer(many=True)


class ReplySerializer(serializers.Serializer):
    alert = serializers.IntegerField(source="alert_id")
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField()


def _staff(request: Request) -> None:
    if not staff_school_ids(request.user):
        raise Http404


class AlertListView(APIView):
    """Staff: their schools' alerts (newest first), and sending a new one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="School alerts of my schools", responses={
        200: AlertSerializer(many=True), **error_responses(400, 404)},
        parameters=[OpenApiParameter("school", OpenApiTypes.INT, description="Only this school")])
    def get(self, request: Request) -> Response:
        _staff(request)
        query = validated(ListQuery, request.query_params)
        alerts = selectors.alerts_for_staff(request.user, school_id=query.get("school"))[:LIST_LIMIT]
        return Response(AlertSerializer(alerts, many=True).data)

    @extend_schema(tags=[TAG], summary="Send a school alert", request=AlertInput,
                   responses={201: AlertSerializer, **error_responses(400, 403, 404)})
    def post(self, request: Request) -> Response:
        _staff(request)
        data = validated(AlertInput, request.data)
        school = School.objects.filter(pk=data["school"]).first()
        if school is None:
            raise serializers.ValidationError({"school": [_("No such school.")]})
        if school.pk not in staff_school_ids(request.user):
            raise PermissionDenied(_("Only staff of this school can send its alerts."))
        alert = services.send_alert(
            sender=request.user, school=school, scope=data["scope"], category=data["category"],
            priority=data["priority"], title=data["title"], body=data["body"], grade=data.get("grade"),
            school_class_id=data.get("school_class"), child_ids=data.get("children") or [],
            title_en=data["title_en"], body_en=data["body_en"], replies_allowed=data["replies_allowed"],
        )
        return Response(AlertSerializer(alert).data, status=201)


class AlertDetailView(APIView):
    """Staff: one alert with its figures and a row per guardian (not yet read first)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="One alert: read receipts and replies",
                   responses={200: AlertDetailSerializer, **error_responses(404)})
    def get(self, request: Request, pk: int) -> Response:
        alert = selectors.alert_for_staff(request.user, pk)
        rows = selectors.guardian_rows(alert)
        audit(user=request.user, action="childwatch.alert.guardians", obj=alert,
              detail=f"api school={alert.school_id} rows={len(rows)}")
        return Response(AlertDetailSerializer({
            "alert": alert, "figures": selectors.figures(alert, rows), "guardians": rows}).data)


class AlertUnreadView(APIView):
    """Staff: guardians who have not read the alert (or were not reached), to call."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Guardians who have not read an alert",
                   responses={200: GuardianRowSerializer(many=True), **error_responses(404)})
    def get(self, request: Request, pk: int) -> Response:
        alert = selectors.alert_for_staff(request.user, pk)
        rows = selectors.unread_rows(alert)
        audit(user=request.user, action="childwatch.alert.unread", obj=alert,
              detail=f"api school={alert.school_id} rows={len(rows)}")
        return Response(GuardianRowSerializer(rows, many=True).data)


class AlertReplyView(APIView):
    """Guardians: a fixed reply to an alert they received; a second reply replaces the first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], summary="Reply to a school alert", request=ReplyInput,
                   responses={200: ReplySerializer, **error_responses(400, 404)})
    def post(self, request: Request, pk: int) -> Response:
        alert = selectors.alert_for_guardian(request.user, pk)
        data = validated(ReplyInput, request.data)
        try:
            answer = services.reply_to_alert(alert=alert, guardian=request.user, reply=data["reply"])
        except PermissionDenied:
            raise Http404 from None
        return Response(ReplySerializer(answer).data)


urlpatterns = [
    path("alerts/", AlertListView.as_view(), name="childwatch-alerts"),
    path("alerts/<int:pk>/", AlertDetailView.as_view(), name="childwatch-alert-detail"),
    path("alerts/<int:pk>/unread/", AlertUnreadView.as_view(), name="childwatch-alert-unread"),
    path("alerts/<int:pk>/reply/", AlertReplyView.as_view(), name="childwatch-alert-reply"),
]
