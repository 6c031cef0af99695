"""Suspicious-person reports over the API, for school staff, police liaisons and city staff."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.childwatch.choices import SAFETY_CATEGORIES, AlertCategory
from apps.childwatch.models import School
from apps.childwatch.selectors import reports as selectors
from apps.childwatch.services import reports as services
from apps.geo.models import SchoolDistrict
from apps.notifications.api.common import AwareDateTimeField, StrictSerializer, error_responses, validated

TAG = "child watch: suspicious-person reports"


class SuspiciousReportInput(StrictSerializer):
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all())
    category = serializers.ChoiceField(choices=[c for c in AlertCategory.choices if c[0] in SAFETY_CATEGORIES])
    occurred_at = AwareDateTimeField()
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    place_description = serializers.CharField(max_length=services.PLACE_LIMIT)
    description = serializers.CharField(max_length=services.TEXT_LIMIT)
    suspect_description = serializers.CharField(max_length=services.TEXT_LIMIT, required=False, allow_blank=True,
                                                default="")
    school_districts = serializers.PrimaryKeyRelatedField(
        queryset=SchoolDistrict.objects.all(), many=True, required=False,
        help_text=_("Ids of the school districts to tell; default: the school's own."))


class SuspiciousReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    school = serializers.IntegerField(source="school_id")
    category = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    lat = serializers.FloatField(source="location.y")
    lon = serializers.FloatField(source="location.x")
    place_description = serializers.CharField()
    description = serializers.CharField()
    suspect_description = serializers.CharField()
    school_districts = serializers.SerializerMethodField()
    message_id = serializers.IntegerField(allow_null=True)
    incident_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_school_districts(self, report) -> list[int]:
        return sorted(d.pk for d in report.school_districts.all())


class ReportsView(APIView):
    """GET: reports of the schools you may report for. POST: a new report (map + guardians)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def _check(self, request: Request) -> None:
        if not selectors.reporting_schools(request.user).exists():
            raise PermissionDenied(
                _("Only school staff, police liaisons and city staff can report suspicious persons."))

    @extend_schema(tags=[TAG], operation_id="childwatch_reports_list",
                   responses={200: SuspiciousReportOutput(many=True), **error_responses(401, 403)})
    def get(self, request: Request) -> Response:
        self._check(request)
        return Response(SuspiciousReportOutput(selectors.reports_for(request.user)[:200], many=True).data)

    @extend_schema(tags=[TAG], operation_id="childwatch_reports_create", request=SuspiciousReportInput,
                   responses={201: SuspiciousReportOutput, **error_responses(400, 401, 403)})
    def post(self, request: Request) -> Response:
        self._check(request)
        data = dict(validated(SuspiciousReportInput, request.data))
        districts = data.pop("school_districts", None) or None
        report = services.report_suspicious_person(user=request.user, school_districts=districts, **data)
        return Response(SuspiciousReportOutput(report).data, status=status.HTTP_201_CREATED)


urlpatterns = [path("reports/", ReportsView.as_view(), name="childwatch-reports")]
